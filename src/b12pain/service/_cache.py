"""A small, bounded, thread-safe cache of derived values, keyed by value.

Keys are plain values (owner, the journal's location and revision, the day, ...), never object
ids, so a key can only match when everything the value was derived from is the same. At most
`maxsize` values are kept (least recently used go first). Values are shared between threads:
put only frozen or read-only values in.

`kept_until_changed` is how a page's view of a journal is kept: until the owner's journal
changes (its `journal.revision`, read in one query), the day turns, the time zone or the
knowledge changes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Generic, TypeVar

from b12pain.journal.revision import revision

if TYPE_CHECKING:
    from b12pain.service.context import Context

V = TypeVar("V")


class BoundedCache(Generic[V]):
    """Least-recently-used values, at most `maxsize`, safe to use from many threads."""

    def __init__(self, maxsize: int) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self.maxsize = maxsize
        self._values: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()
        #: One lock per key being computed, so many requests arriving together for the same key
        #: compute it once (the others wait for it) while other keys go ahead.
        self._computing: dict[Hashable, threading.Lock] = {}

    def get_or_compute(self, key: Hashable, compute: Callable[[], V]) -> V:
        """The value for `key`, computed by `compute()` (once) when it is not kept."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
            computing = self._computing.setdefault(key, threading.Lock())
        with computing:
            with self._lock:  # another thread may have computed it while this one waited
                if key in self._values:
                    self._values.move_to_end(key)
                    return self._values[key]
            try:
                value = compute()
            except BaseException:
                with self._lock:
                    self._computing.pop(key, None)
                raise
            with self._lock:
                self._values[key] = value
                self._computing.pop(key, None)
                while len(self._values) > self.maxsize:
                    self._values.popitem(last=False)
            return value

    def clear(self) -> None:
        """Forget every value."""
        with self._lock:
            self._values.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._values)


def kept_until_changed(
    cache: BoundedCache[V], ctx: Context, compute: Callable[[], V], *extra: Hashable
) -> V:
    """`compute()` for `ctx`, kept in `cache` until `ctx.owner`'s journal changes (any add,
    edit, delete, undo, comment or import, from any process), the day or the time zone turns,
    or the knowledge changes; `extra` names anything else the value depends on (preferences).
    An in-memory journal is never kept: every such journal has the same address."""
    url = ctx.store.engine.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        return compute()
    key = (
        ctx.store.url,
        ctx.owner,
        revision(ctx.store, owner=ctx.owner),
        ctx.today,
        ctx.now.utcoffset(),
        ctx.kb.version,
        *extra,
    )
    return cache.get_or_compute(key, compute)
