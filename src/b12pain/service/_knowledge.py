"""The clinical catalogue of the context's knowledge base, without rebuilding it per call.

The shipped knowledge base is indexed once per process (`clinical.catalogue.catalogue()`);
another knowledge base (a test's, a reviewer's draft) is indexed when it is passed in.
"""

from __future__ import annotations

from b12pain.clinical.catalogue import Catalogue, build_catalogue, catalogue
from b12pain.knowledge import KnowledgeBase


def catalogue_of(kb: KnowledgeBase) -> Catalogue:
    """The catalogue for `kb`: the shared one when `kb` is the shipped knowledge base."""
    shared = catalogue()
    return shared if shared.kb is kb else build_catalogue(kb)
