"""The app factory: `create_app(settings)` wires settings, routers, static files and errors.

To add an area's routes, write `web/routes/<area>.py` with a module-level `router` and add the
module to `ROUTERS` below (one line).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.trustedhost import TrustedHostMiddleware

from b12pain import __version__
from b12pain.knowledge import load
from b12pain.web import errors, security
from b12pain.web.routes import (
    api,
    cds_hooks,
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
    sources,
    supplements,
)
from b12pain.web.settings import Settings
from b12pain.web.templating import TEMPLATE_DIR

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
    """A ready-to-serve app for `settings` (default: local mode from the environment)."""
    settings = settings or Settings()
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
    )
    app.state.settings = settings
    for module in ROUTERS:
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    errors.install(app)
    security.install(app, settings)
    if settings.mode == "local":
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=security.allowed_hosts(settings))
    return app
