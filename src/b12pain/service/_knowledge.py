"""The clinical catalogue of the context's knowledge base, built once per knowledge base.

The shipped knowledge base is indexed once per process (`clinical.catalogue.catalogue()`);
another knowledge base (a test's, a reviewer's draft) is indexed the first time it is passed in
and kept while that knowledge base lives (a weak-keyed map: no `id()` keys, nothing kept alive,
safe to share between threads because a lost race only builds the same catalogue twice).
"""

from __future__ import annotations

import threading
import weakref

from b12pain.clinical.catalogue import Catalogue, build_catalogue, catalogue
from b12pain.knowledge import KnowledgeBase

_BUILT: weakref.WeakKeyDictionary[KnowledgeBase, Catalogue] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def catalogue_of(kb: KnowledgeBase) -> Catalogue:
    """The catalogue for `kb`: the shared one when `kb` is the shipped knowledge base."""
    shared = catalogue()
    if shared.kb is kb:
        return shared
    with _LOCK:
        found = _BUILT.get(kb)
    if found is None:
        found = build_catalogue(kb)
        with _LOCK:
            _BUILT[kb] = found
    return found
