"""Helpers for the service-layer tests: a journal with a fixed clock, one context per owner."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from b12pain.journal import Journal
from b12pain.knowledge import load
from b12pain.service.context import Context

ZONE = dt.timezone(dt.timedelta(hours=1))
NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=ZONE)


def context(store: Journal, owner: str = "local", now: dt.datetime = NOW) -> Context:
    """A context for `owner` at `now` (today is `now`'s own day)."""
    return Context(store=store, kb=load(), owner=owner, now=now, today=now.date())


def later(ctx: Context, days: int = 0, hours: int = 0) -> Context:
    """The same owner and store, some time later."""
    moment = ctx.now + dt.timedelta(days=days, hours=hours)
    return Context(store=ctx.store, kb=ctx.kb, owner=ctx.owner, now=moment, today=moment.date())


@contextmanager
def opened(url: str) -> Iterator[Journal]:
    """A journal store at `url`, closed afterwards."""
    with Journal.open(url) as store:
        yield store
