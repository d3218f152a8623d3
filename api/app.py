"""The Starlette application: routes, error rendering, request ids. Nothing happens at import."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext
from importlib.metadata import version

import structlog
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Route

from adapters.logging import configure_logging
from adapters.settings import Settings
from api.bootstrap import build_bases
from api.endpoints import Endpoint
from api.middleware import RequestIdMiddleware
from api.openapi import build_openapi
from api.problems import Problem, domain_error_handler, problem_handler
from api.quiet_gc import QuietCollector
from api.routes import (
    absences,
    access,
    accounts,
    auth,
    classes,
    espaces,
    guardians,
    health,
    imports,
    profiles,
    public,
    recovery,
    registers,
    staff,
    students,
    timetables,
)
from application.registry import Bases
from domain.errors import DomainError

ENDPOINTS: list[Endpoint] = [
    *auth.endpoints,
    *classes.endpoints,
    *students.endpoints,
    *guardians.endpoints,
    *staff.endpoints,
    *imports.endpoints,
    *accounts.endpoints,
    *profiles.endpoints,
    *espaces.endpoints,
    *access.endpoints,
    *public.endpoints,
    *recovery.endpoints,
    *timetables.endpoints,
    *registers.endpoints,
    *absences.endpoints,
]

log = structlog.get_logger("api")


async def http_error(request: Request, exc: Exception) -> Response:
    """Routing errors (no such path, wrong method) as problems too."""
    assert isinstance(exc, HTTPException)
    code = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "invalid-request")
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(allowed_methods(request))
    return Problem(exc.status_code, code, str(exc.detail), headers=headers).response()


def allowed_methods(request: Request) -> list[str]:
    """Every method some route accepts on this path (Starlette's own ``Allow`` names one route's only)."""
    routes = [r for r in request.app.routes if isinstance(r, Route) and r.matches(request.scope)[0] != Match.NONE]
    return sorted({method for route in routes for method in route.methods or ()})


async def internal_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled_error", path=request.url.path)
    return Problem(500, "internal-error", "the service failed; the error is logged with this request's id").response()


def app_from_environment() -> Starlette:
    """The app of one worker process of ``cartable serve --workers N``: settings from the environment.

    Each worker is a process of its own (uvicorn starts them): its own registry of bases, pools,
    caches and request slots, over the one PostgreSQL database they share.
    """
    settings = Settings()
    configure_logging(settings.log_level, json=settings.log_json)
    log.info("worker_started", pid=os.getpid())
    return create_app(settings, collect_when_quiet=True)


def create_app(
    settings: Settings | None = None, *, bases: Bases | None = None, collect_when_quiet: bool = False
) -> Starlette:
    """The HTTP app over a registry of bases (built from the settings unless one is given).

    ``collect_when_quiet``: the serving process's full garbage collections wait for quiet moments
    (``api/quiet_gc.py``); ``cartable serve`` asks for it, tests driving the app in-process do not.
    """
    settings = settings or Settings()
    registry = bases if bases is not None else build_bases(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        with QuietCollector() if collect_when_quiet else nullcontext():
            yield
        registry.close()

    app = Starlette(
        routes=[*health.routes, *(endpoint.route() for endpoint in ENDPOINTS)],
        middleware=[Middleware(RequestIdMiddleware)],
        exception_handlers={
            Problem: problem_handler,
            DomainError: domain_error_handler,
            HTTPException: http_error,
            Exception: internal_error,
        },
        lifespan=lifespan,
    )
    app.state.bases = registry
    app.state.request_threads = settings.request_threads
    app.state.openapi = build_openapi(ENDPOINTS, version("cartable"))
    return app
