"""Routes as declarations: method, path, permission, body and response models, and a sync handler.

One wrapper does for every route what must never be forgotten: authenticate the bearer token,
check the school in the path and the declared permission, parse the body into its model, run the
handler in a request slot of the thread pool, and render the response model. The OpenAPI document
is generated from the same declarations, so it cannot drift from what the routes do.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from typing import Any, TypeVar
from uuid import UUID

from anyio import CapacityLimiter, to_thread
from anyio.lowlevel import RunVar
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from api.auth import authenticate
from api.problems import FieldError, Problem
from application.acting import acting_as
from application.base import SchoolYearBase
from application.permissions import Principal
from application.registry import Bases
from domain.permissions import Permission

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Upload:
    """A file sent in a multipart body."""

    name: str
    data: bytes


@dataclass(frozen=True)
class FileOut:
    """A document a handler answers with instead of JSON (a PDF of letters), sent as an attachment."""

    content: bytes
    media_type: str
    filename: str  # ASCII: it goes in the Content-Disposition header as it is


@dataclass(frozen=True)
class Call:
    """What a handler gets: the checked caller, their base, the parsed body, the path and query."""

    bases: Bases
    body: BaseModel | None
    path: Mapping[str, str]
    query: Mapping[str, str]
    address: str | None
    user_agent: str | None
    principal: Principal | None = None
    base: SchoolYearBase | None = None
    uploads: tuple[Upload, ...] = ()
    form: Mapping[str, str] = field(default_factory=dict)

    @property
    def caller(self) -> Principal:
        if self.principal is None:
            raise RuntimeError("a public route asked for the caller")
        return self.principal

    @property
    def school(self) -> SchoolYearBase:
        if self.base is None:
            raise RuntimeError("a public route asked for the caller's base")
        return self.base

    def command(self, kind: type[M]) -> M:
        if not isinstance(self.body, kind):
            raise RuntimeError(f"the route did not declare a {kind.__name__} body")
        return self.body

    def query_date(self, name: str, default: date | None = None) -> date | None:
        """An ISO date from the query (``2026-11-24``); a malformed one is a 422 naming it."""
        value = self.query.get(name)
        if not value:
            return default
        try:
            return date.fromisoformat(value)
        except ValueError:
            message = f"{name} {value!r} is not an ISO 8601 date, e.g. 2026-11-24"
            raise Problem(422, "invalid-value", message, [FieldError(name, message)]) from None

    def query_period(self) -> tuple[date, date]:
        """``from`` and ``to`` from the query, defaulting to the first and last day of the base's school year."""
        days = self.school.calendar_days()
        first = self.query_date("from", days.first_day) or days.first_day
        return first, self.query_date("to", days.last_day) or days.last_day

    def query_instant(self, name: str) -> datetime | None:
        """An ISO 8601 date or instant from the query (no zone: UTC); a malformed one is a 422 naming it."""
        value = self.query.get(name)
        if not value:
            return None
        try:
            instant = datetime.fromisoformat(value)
        except ValueError:
            message = f"{name} {value!r} is not an ISO 8601 date or instant, e.g. 2026-11-24 or 2026-11-24T08:00:00Z"
            raise Problem(422, "invalid-value", message, [FieldError(name, message)]) from None
        return instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)

    def path_date(self, name: str) -> date:
        """A date in the path: a malformed one names nothing that exists, so it is a 404."""
        try:
            return date.fromisoformat(self.path[name])
        except ValueError:
            raise Problem(404, "not-found", f"no occurrence on {self.path[name]!r}") from None

    def path_id(self, name: str, what: str) -> UUID:
        """An id from the path; a malformed one names nothing that exists, so it is a 404."""
        try:
            return UUID(self.path[name])
        except ValueError:
            raise Problem(404, "not-found", f"{what} {self.path[name]!r} does not exist") from None


@dataclass(frozen=True)
class Endpoint:
    """One route: ``permission=None`` marks one of the few public routes (ARCHITECTURE §8)."""

    method: str
    path: str
    handler: Callable[[Call], BaseModel | FileOut | None]
    summary: str
    permission: Permission | None
    body: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    query: dict[str, str] = field(default_factory=dict)
    tag: str = "directory"
    upload: bool = False  # a multipart body of files (and form fields) instead of JSON
    # The few routes a provisional password allows: choosing a new one, logging out, reading oneself.
    before_password_change: bool = False
    answers: dict[int, str] = field(default_factory=dict)  # problems beyond the usual ones, for OpenAPI
    # The media type of a document (FileOut) the route may answer with instead of its response model.
    file: str | None = None
    # Hashes passwords (argon2id, outside the interpreter lock, one login per spare core), sends mail
    # or reads whole files: run outside the request slots, which it would hold while it waits.
    slow: bool = False

    def route(self) -> Route:
        async def endpoint(request: Request) -> Response:
            slots = None if self.slow else request_slots(request.app.state.request_threads)
            if self.body is None and not self.upload:  # nothing to read: one trip to a thread, not two
                return await to_thread.run_sync(self._authorize_and_respond, request, limiter=slots)
            # The caller is checked before the body is read: no one uploads anything unauthenticated.
            principal, base = await to_thread.run_sync(self._authorize, request, limiter=slots)
            raw = await request.body() if self.body is not None else b""
            uploads, form = await read_multipart(request) if self.upload else ((), {})
            respond = partial(
                self._respond, request, principal=principal, base=base, raw=raw, uploads=uploads, form=form
            )
            return await to_thread.run_sync(respond, limiter=slots)

        return Route(self.path, endpoint, methods=[self.method], name=self.handler.__name__)

    def _authorize_and_respond(self, request: Request) -> Response:
        principal, base = self._authorize(request)
        return self._respond(request, principal=principal, base=base, raw=b"", uploads=(), form={})

    def _authorize(self, request: Request) -> tuple[Principal | None, SchoolYearBase | None]:
        if self.permission is None:
            return None, None
        principal, base = authenticate(request.app.state.bases, request.headers.get("authorization"))
        try:
            uai = request.path_params.get("uai")
            if uai is not None and uai.upper() != principal.uai:
                raise Problem(403, "forbidden", f"this session belongs to school {principal.uai}, not {uai}")
            if principal.must_change_password and not self.before_password_change:
                base.require_password_changed(principal)
            if not principal.can(self.permission):
                raise Problem(403, "forbidden", f"this session lacks the permission {self.permission.value!r}")
        except Exception:
            if principal.keep_alive_due is not None:  # refused, but used: the session stays alive
                base.keep_alive(principal.session_id, principal.keep_alive_due)
            raise
        return principal, base

    def _respond(
        self,
        request: Request,
        *,
        principal: Principal | None,
        base: SchoolYearBase | None,
        raw: bytes,
        uploads: tuple[Upload, ...],
        form: Mapping[str, str],
    ) -> Response:
        call = Call(
            bases=request.app.state.bases,
            body=parse_body(self.body, raw),
            path=request.path_params,
            query=request.query_params,
            address=request.client.host if request.client else None,
            user_agent=request.headers.get("user-agent"),
            principal=principal,
            base=base,
            uploads=uploads,
            form=form,
        )
        if principal is None or base is None:
            result = self.handler(call)
        else:
            with acting_as(principal.session_id, principal.keep_alive_due) as acting:
                try:
                    result = self.handler(call)
                finally:
                    # Nothing the request wrote to its session took the keep-alive along: write it now.
                    if acting.keep_alive_at is not None:
                        base.keep_alive(principal.session_id, acting.keep_alive_at)
        if result is None:
            return Response(status_code=204)
        if isinstance(result, FileOut):
            # Documents may hold one-time passwords: no cache keeps a copy.
            headers = {"Content-Disposition": f'attachment; filename="{result.filename}"', "Cache-Control": "no-store"}
            return Response(result.content, status_code=self.status, media_type=result.media_type, headers=headers)
        return JSONResponse(result.model_dump(mode="json"), status_code=self.status)


_REQUEST_SLOTS: RunVar[CapacityLimiter] = RunVar("cartable_request_slots")


def request_slots(count: int) -> CapacityLimiter:
    """The threads requests run in, first come first served (one limiter per event loop, like anyio's own).

    The interpreter runs one thread at a time: sixteen requests in sixteen threads take turns every
    few milliseconds and each waits for all the others, where a few threads working while the rest
    queue finish each request sooner. The 8 o'clock rush on PostgreSQL (16 clients, 2 cores): p99
    115-117 ms with anyio's 40 threads, 87-94 ms with 4 (``bench/bench_rush.py``, BENCHMARKS.md).
    """
    try:
        return _REQUEST_SLOTS.get()
    except LookupError:
        slots = CapacityLimiter(count)
        _REQUEST_SLOTS.set(slots)
        return slots


MAX_UPLOAD_FILES = 10


async def read_multipart(request: Request) -> tuple[tuple[Upload, ...], dict[str, str]]:
    """The files and plain fields of a multipart body; anything else is a 400 naming the problem."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise Problem(400, "malformed-body", "this route takes a multipart/form-data body with the files")
    try:
        async with request.form(max_files=MAX_UPLOAD_FILES, max_fields=20) as form:
            uploads, fields = [], {}
            for key, value in form.multi_items():
                if isinstance(value, str):
                    fields[key] = value
                else:
                    uploads.append(Upload(name=value.filename or key, data=await value.read()))
    except HTTPException as error:
        raise Problem(400, "malformed-body", f"the multipart body cannot be read: {error.detail}") from None
    return tuple(uploads), fields


def parse_body(model: type[BaseModel] | None, raw: bytes) -> BaseModel | None:
    """The body as its model: not JSON is 400, the wrong shape is 422 naming every bad field."""
    if model is None:
        return None
    try:
        data: Any = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError) as error:
        raise Problem(400, "malformed-body", f"the body is not valid JSON: {error}") from None
    if not isinstance(data, dict):
        raise Problem(
            422, "invalid-request", "the body must be a JSON object", [FieldError("body", "expected an object")]
        )
    try:
        return model.model_validate(data)
    except ValidationError as error:
        errors = [FieldError(field_path(e["loc"]), e["msg"]) for e in error.errors()]
        raise Problem(422, "invalid-request", f"{len(errors)} field(s) are not valid", errors) from None


def field_path(location: tuple[int | str, ...]) -> str:
    """``("children", 0, "student_id")`` as ``children[0].student_id``, the way people read it."""
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "body"
