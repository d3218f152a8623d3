"""Public routes: health, the OpenAPI document, what each problem type means."""

from __future__ import annotations

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from api.problems import PROBLEM_TITLES, Problem


class HealthOut(BaseModel):
    status: str


async def healthz(request: Request) -> Response:
    return JSONResponse(HealthOut(status="ok").model_dump())


async def openapi(request: Request) -> Response:
    return JSONResponse(request.app.state.openapi)


async def describe_problem(request: Request) -> Response:
    code = request.path_params["code"]
    if code not in PROBLEM_TITLES:
        raise Problem(404, "not-found", f"problem type {code!r} does not exist")
    return JSONResponse({"type": f"/problems/{code}", "title": PROBLEM_TITLES[code]})


routes = [
    Route("/healthz", healthz, methods=["GET"]),
    Route("/openapi.json", openapi, methods=["GET"]),
    Route("/problems/{code}", describe_problem, methods=["GET"]),
]
