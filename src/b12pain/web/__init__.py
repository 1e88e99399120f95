"""The web app: server-rendered pages (Jinja2 + htmx) and the JSON API under `/api/v1`.

`create_app(settings)` builds the FastAPI app; routes parse input, call `b12pain.service`, and
render. No clinical rule lives here.
"""

from __future__ import annotations

from b12pain.web.app import create_app
from b12pain.web.settings import Settings

__all__ = ["Settings", "create_app"]
