"""FastAPI dependencies: settings, the knowledge base, and the service `Context` of a request.

Local mode has one implicit owner, "local", and the person's own SQLite journal (opened once per
app and shared by requests). A multi-user server mode replaces `get_context` with one that
resolves the signed-in owner.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Request

from b12pain.knowledge import KnowledgeBase, load
from b12pain.service.context import Context, local_context, open_store
from b12pain.web.settings import Settings

_open_lock = threading.Lock()


def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def get_kb() -> KnowledgeBase:
    """The knowledge base (loaded once per process)."""
    return load()


def journal_of(request: Request) -> Any:
    """The app's journal store, opened on first use (creating or migrating the file)."""
    app = request.app
    store = getattr(app.state, "journal", None)
    if store is None:
        with _open_lock:
            store = getattr(app.state, "journal", None)
            if store is None:
                store = open_store(get_settings(request).data_dir)
                app.state.journal = store
    return store


def now() -> dt.datetime:
    """The current time, aware, in the machine's own time zone (the person's clock)."""
    return dt.datetime.now().astimezone()


def get_context(request: Request) -> Iterator[Context]:
    """The service context of this request: store, knowledge, owner "local", the time read once."""
    yield local_context(journal_of(request), get_kb(), now())


SettingsDep = Annotated[Settings, Depends(get_settings)]
KnowledgeDep = Annotated[KnowledgeBase, Depends(get_kb)]
ContextDep = Annotated[Context, Depends(get_context)]
