"""Every error a request can meet becomes a helpful answer, never a traceback or an HTTP 500.

- Bad input (`InputError`, FastAPI's own validation): 422 with the list of problems
  (`{"errors": [{"field", "value", "message"}]}` for the API; an error summary on pages).
- Unknown id (`NotFoundError`, or a path that does not exist): 404.
- A change that conflicts with what is stored (`ConflictError`): 409.
- Anything unexpected: logged, and a calm 500 page that says nothing was changed (the tests make
  sure no input reaches it).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from b12pain.errors import InputError, Problem, problems_from_pydantic
from b12pain.web.templating import render

log = logging.getLogger("b12pain.web")

#: The heading of a refused request's page, by HTTP status (the service says which status:
#: `InputError` 422, `NotFoundError` 404, `ConflictError` 409).
TITLES = {
    422: "Some details need changing",
    404: "Not found",
    409: "This clashes with what is saved",
}


def wants_json(request: Request) -> bool:
    """API paths and clients that ask for JSON get JSON; browsers get pages."""
    if request.url.path.startswith("/api/"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def problems_of(exc: Exception) -> list[Problem]:
    """The problems an error carries, in the shared shape."""
    found = getattr(exc, "problems", None) or []
    problems = []
    for p in found:
        message = getattr(p, "message", None) or getattr(p, "allowed", "")
        problems.append(Problem(str(p.field), getattr(p, "value", None), str(message)))
    return problems or [Problem("(input)", None, str(exc) or "not accepted")]


def problem_response(
    request: Request, status_code: int, problems: list[Problem], title: str
) -> Response:
    """The answer for a refused request: JSON for the API, the error page for people."""
    if wants_json(request):
        return JSONResponse(
            {"errors": [p.as_dict() for p in problems]}, status_code=status_code
        )
    return render(
        request,
        "pages/error.html",
        status_code=status_code,
        errors=problems,
        heading=title,
        status=status_code,
    )


def install(app: FastAPI) -> None:
    """Register the handlers on `app`."""

    @app.exception_handler(InputError)
    async def input_error(request: Request, exc: InputError) -> Response:
        status = int(getattr(exc, "status_code", 422))
        return problem_response(request, status, problems_of(exc), TITLES.get(status, TITLES[422]))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        problems = []
        for error, p in zip(exc.errors(), problems_from_pydantic(exc), strict=True):
            if error.get("type") == "json_invalid":
                problems.append(Problem("(body)", None, "not valid JSON"))
                continue
            field = p.field.removeprefix("body.").removeprefix("query.").removeprefix("path.")
            problems.append(Problem(field, _jsonable(p.value), p.message))
        return problem_response(request, 422, problems, "Some details need changing")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            problem = Problem("path", request.url.path, "no such page or record")
            return problem_response(request, 404, [problem], "Page not found")
        if exc.status_code == 405:
            problem = Problem("method", request.method, "not allowed here")
            return problem_response(request, 405, [problem], "Not allowed")
        detail = exc.detail if isinstance(exc.detail, str) else "refused"
        return problem_response(
            request, exc.status_code, [Problem("(request)", None, detail)], "Refused"
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        problem = Problem("(server)", None, "something went wrong on our side; nothing was changed")
        return problem_response(request, 500, [problem], "Sorry, something went wrong")


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
