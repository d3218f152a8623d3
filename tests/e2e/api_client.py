"""A small typed client for Cartable's HTTP API, as a script or another service would use it.

Every call answers an :class:`Answer` (status, content type, parsed JSON) instead of raising, so a
test states the status it expects next to the body it checks, errors included.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Self

import httpx2

Json = Any
"""A parsed JSON document: a dict, a list or a scalar."""


@dataclass(frozen=True)
class Answer:
    """One HTTP answer: its status, its media type (without parameters) and its JSON body, if any."""

    status: int
    content_type: str
    body: Json
    content: bytes = b""  # the raw body (a PDF, say)

    @property
    def is_problem(self) -> bool:
        """An RFC 9457 problem document: the media type and the members every problem has."""
        return (
            self.content_type == "application/problem+json"
            and isinstance(self.body, dict)
            and self.body.get("status") == self.status
            and isinstance(self.body.get("type"), str)
            and isinstance(self.body.get("errors"), list)
        )

    def error_fields(self) -> list[str]:
        """The ``field`` of each entry of a problem's ``errors`` list."""
        return [str(error["field"]) for error in self.body["errors"]]


class ApiClient:
    """HTTP calls to one server, with the bearer token of one session (or none)."""

    def __init__(self, base_url: str, token: str | None = None, *, timeout: float = 15.0) -> None:
        self.base_url = base_url
        self.token = token
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx2.Client(base_url=base_url, headers=headers, timeout=timeout)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def login(self, uai: str, login: str, password: str) -> ApiClient:
        """Log in and answer a client that carries the session's token (this one is left as it was)."""
        answer = self.post("/auth/login", {"uai": uai, "login": login, "password": password})
        if answer.status != 200:
            raise AssertionError(f"login {login!r} at {uai} answered {answer.status}: {answer.body}")
        return self.with_token(str(answer.body["token"]))

    def first_login(self, uai: str, login: str, one_time_password: str, new_password: str) -> ApiClient:
        """A first connection: a one-time password opens a session that may only choose a new password."""
        client = self.login(uai, login, one_time_password)
        try:
            refused = client.get(f"/schools/{uai}/classes")
            if refused.status != 403 or refused.body["type"] != "/problems/password-change-required":
                raise AssertionError(f"a one-time password's session read classes: {refused.status} {refused.body}")
            password = {"current_password": one_time_password, "new_password": new_password}
            changed = client.post("/auth/password", password)
            if changed.status != 204:
                raise AssertionError(f"choosing a password answered {changed.status}: {changed.body}")
        except BaseException:
            client.close()
            raise
        return client

    def with_token(self, token: str | None) -> ApiClient:
        """A client for the same server with another token (``None``: anonymous)."""
        return ApiClient(self.base_url, token)

    def get(self, path: str, params: dict[str, str] | None = None) -> Answer:
        return self._answer(self._http.get(path, params=params))

    def post(self, path: str, body: Json = None) -> Answer:
        """POST a JSON body (``None`` sends no body at all)."""
        return self._answer(self._http.post(path, json=body) if body is not None else self._http.post(path))

    def put(self, path: str, body: Json) -> Answer:
        return self._answer(self._http.put(path, json=body))

    def post_raw(self, path: str, content: bytes, content_type: str = "application/json") -> Answer:
        """POST bytes as they are, to send what a JSON encoder never would."""
        return self._answer(self._http.post(path, content=content, headers={"Content-Type": content_type}))

    def upload(self, path: str, files: list[tuple[str, bytes]], params: dict[str, str] | None = None) -> Answer:
        """POST files as a multipart body, as an operator's browser sends an import."""
        parts = [("file", (name, content)) for name, content in files]
        return self._answer(self._http.post(path, files=parts, params=params))

    def ok(self, path: str, params: dict[str, str] | None = None) -> Json:
        """GET a body that must answer 200."""
        answer = self.get(path, params)
        if answer.status != 200:
            raise AssertionError(f"GET {path} answered {answer.status}: {answer.body}")
        return answer.body

    def created(self, path: str, body: Json) -> Json:
        """POST a body that must answer 201 Created; its JSON."""
        answer = self.post(path, body)
        if answer.status != 201:
            raise AssertionError(f"POST {path} answered {answer.status}: {answer.body}")
        return answer.body

    @staticmethod
    def _answer(response: httpx2.Response) -> Answer:
        content_type = response.headers.get("content-type", "").split(";")[0].strip()
        body: Json = response.json() if response.content and content_type.endswith("json") else None
        return Answer(status=response.status_code, content_type=content_type, body=body, content=response.content)
