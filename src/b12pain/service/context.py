"""What every use case is given: the store, the knowledge base, whose data it is, and the time.

The service layer never reads the clock or picks an owner itself: a CLI command or a web request
builds one `Context` (reading the clock once) and passes it to each call, so every read and write
is scoped to `owner` and a test can fix `now`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from b12pain.journal.store import Journal
from b12pain.knowledge import KnowledgeBase

#: The one implicit owner of a local, single-person journal (the CLI and the local web app).
LOCAL_OWNER = "local"

_OWNER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@:-]{0,63}$")


@dataclass(frozen=True)
class Context:
    """The store, the knowledge base, the owner of every row touched, and `now`/`today`."""

    store: Journal
    kb: KnowledgeBase
    owner: str
    now: dt.datetime
    today: dt.date

    def __post_init__(self) -> None:
        if not _OWNER.match(self.owner):
            raise ValueError(f"owner must be 1-64 letters, digits or _.@:- (got {self.owner!r})")
        if self.now.utcoffset() is None:
            raise ValueError("now must be an aware date-time (with its UTC offset)")


def local_context(store: Journal, kb: KnowledgeBase, now: dt.datetime) -> Context:
    """The context of the local single-person journal at `now` (today is `now`'s own day)."""
    return Context(store=store, kb=kb, owner=LOCAL_OWNER, now=now, today=now.date())


@contextlib.contextmanager
def local_session(
    now: dt.datetime,
    *,
    data_dir: Path | None = None,
    today: dt.date | None = None,
    kb: KnowledgeBase | None = None,
) -> Iterator[Context]:
    """Open the local journal (`B12PAIN_DATABASE_URL`, else `data_dir` or the user data folder)
    and yield its context for `now`; the store is closed afterwards. `today` defaults to `now`'s
    day (a command's `--today` sets another)."""
    from b12pain.knowledge import load

    with Journal.open(data_dir=data_dir) as store:
        yield Context(
            store=store,
            kb=kb if kb is not None else load(),
            owner=LOCAL_OWNER,
            now=now,
            today=today or now.date(),
        )


def open_store(data_dir: Path | None = None, url: str | None = None) -> Journal:
    """Open (create or migrate) the journal store for a surface that keeps it open, such as the
    web app: `url`, else `B12PAIN_DATABASE_URL`, else `journal.sqlite` in `data_dir` or the user
    data folder. Close it with `.close()`."""
    return Journal.open(url, data_dir=data_dir)


def local_data_folder(data_dir: Path | None = None) -> Path | None:
    """The folder holding the local journal and its backups: `data_dir`, else the user data
    folder; None when the journal is a database server (`B12PAIN_DATABASE_URL`), which keeps no
    files here."""
    import os

    from b12pain.journal._db import DATABASE_URL_ENV

    if data_dir is None and os.environ.get(DATABASE_URL_ENV):
        return None
    return data_dir or default_data_dir()


def default_data_dir() -> Path:
    """The user data folder (`B12PAIN_DATA_DIR`, else the platform's), where backups go too."""
    from b12pain.paths import data_dir

    return data_dir()
