"""Routes as declarations: method, path, permission, body and response models, and a sync handler.

One wrapper does for every route what must never be forgotten: authenticate the bearer token,
check the school in the path and the declared permission, parse the body into its model, run the
handler in the thread pool, and render the response model. The OpenAPI document is generated from
the same declarations, so it cannot drift from what the routes do.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from uuid import UUID

from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from api.auth import authenticate
from api.problems import FieldError, Problem
from application.base import SchoolYearBase
from application.permissions import Permission, Principal
from application.registry import Bases

M = TypeVar("M", bound=BaseModel)


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
    handler: Callable[[Call], BaseModel | None]
    summary: str
    permission: Permission | None
    body: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    query: dict[str, str] = field(default_factory=dict)
    tag: str = "directory"

    def route(self) -> Route:
        async def endpoint(request: Request) -> Response:
            raw = await request.body() if self.body is not None else b""
            return await run_in_threadpool(self._respond, request, raw)

        return Route(self.path, endpoint, methods=[self.method], name=self.handler.__name__)

    def _respond(self, request: Request, raw: bytes) -> Response:
        bases: Bases = request.app.state.bases
        principal, base = None, None
        if self.permission is not None:
            principal, base = authenticate(bases, request.headers.get("authorization"))
            uai = request.path_params.get("uai")
            if uai is not None and uai.upper() != principal.uai:
                raise Problem(403, "forbidden", f"this session belongs to school {principal.uai}, not {uai}")
            if not principal.can(self.permission):
                raise Problem(403, "forbidden", f"this account lacks the permission {self.permission.value!r}")
        call = Call(
            bases=bases,
            body=parse_body(self.body, raw),
            path=request.path_params,
            query=request.query_params,
            address=request.client.host if request.client else None,
            user_agent=request.headers.get("user-agent"),
            principal=principal,
            base=base,
        )
        result = self.handler(call)
        if result is None:
            return Response(status_code=204)
        return JSONResponse(result.model_dump(mode="json"), status_code=self.status)


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
