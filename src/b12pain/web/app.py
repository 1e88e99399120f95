"""The app factory: `create_app(settings)` wires settings, routers, static files and errors.

To add an area's routes, write `web/routes/<area>.py` with a module-level `router` and add the
module to `ROUTERS` below (one line). In server mode every router in `ROUTERS` needs someone
signed in (pages redirect to /login, the API answers 401); only /login, /logout and /static do not,
and `cds_hooks.ehr_router` (/cds-services), whose callers are EHRs proving themselves with a JWT.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.trustedhost import TrustedHostMiddleware

from b12pain import __version__
from b12pain.errors import Problem
from b12pain.knowledge import load
from b12pain.web import csrf, deps, errors, security
from b12pain.web.routes import (
    admin,
    api,
    auth,
    cds_hooks,
    clinic,
    diary,
    downloads,
    fhir_export,
    food,
    home,
    insights,
    labs,
    learn,
    questionnaires,
    selfcheck,
    settings_page,
    sharing,
    sources,
    supplements,
)
from b12pain.web.settings import Settings
from b12pain.web.templating import TEMPLATE_DIR, templates

STATIC_DIR = TEMPLATE_DIR.parent / "static"

#: Every router the app serves, pages first. Add a module here to serve its `router`.
ROUTERS = (
    home,
    questionnaires,
    selfcheck,
    labs,
    diary,
    supplements,
    food,
    insights,
    learn,
    sources,
    settings_page,
    sharing,
    clinic,
    admin,  # server mode: sharing, the clinic, accounts (404 in local mode)
    downloads,
    api,
    fhir_export,
    cds_hooks,
)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Load the knowledge base before the first request (a broken file stops start-up, named);
    close the journal when the server stops."""
    load()
    yield
    journal = getattr(app.state, "journal", None)
    if journal is not None:
        journal.close()


def create_app(settings: Settings | None = None) -> FastAPI:
    """A ready-to-serve app for `settings` (default: local mode from the environment).

    Server mode refuses unsafe settings (`InputError` naming each one) before anything starts.
    """
    settings = settings or Settings()
    settings.require_safe()
    csrf.install(templates.env)
    templates.env.globals["HOME_OF_ROLE"] = deps.HOME_OF_ROLE
    app = FastAPI(
        title="b12pain",
        version=__version__,
        description=(
            "Could low vitamin B12 be part of this pain? The JSON API of b12pain's web app. "
            "Not medical advice."
        ),
        openapi_url="/api/v1/openapi.json" if settings.openapi else None,
        docs_url=None,
        redoc_url=None,
        lifespan=_lifespan,
        debug=settings.debug and settings.mode == "local",
    )
    app.state.settings = settings
    server = settings.mode == "server"
    gate = [Depends(deps.signed_in_gate)] if server else []
    for module in ROUTERS:
        app.include_router(module.router, dependencies=gate)
    app.include_router(cds_hooks.ehr_router)  # no session: the EHR's signed JWT (see the module)
    if server:
        app.include_router(auth.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    errors.install(app)
    if server:
        _install_sign_in(app)
    security.install(app, settings)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=security.allowed_hosts(settings))
    return app


def _install_sign_in(app: FastAPI) -> None:
    """Signed out: pages go to /login (and come back), the API answers 401."""

    @app.exception_handler(deps.SignInRequired)
    async def sign_in(request: Request, exc: deps.SignInRequired) -> Response:
        if errors.wants_json(request) or request.method != "GET":
            problem = Problem("(session)", None, "sign in first (no valid session)")
            return errors.problem_response(request, 401, [problem], "Sign in first")
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        from urllib.parse import quote

        login = f"/login?next={quote(target, safe='/')}"
        if request.headers.get("hx-request"):  # htmx: open the login page, not a fragment of it
            return Response(status_code=401, headers={"HX-Redirect": login})
        return RedirectResponse(login, status_code=303)
