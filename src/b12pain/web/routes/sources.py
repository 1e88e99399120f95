"""Sources: the bibliography every finding cites, with how directly each was read."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from b12pain.web.deps import KnowledgeDep
from b12pain.web.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False)

#: What each verification level means, in plain words (clinical-spec §0.1).
LEVELS = (
    ("P", "Read in the source itself."),
    ("P*", "Read in the source itself, in part."),
    ("S", "Read in a secondary source that quotes or summarises it."),
    ("policy", "b12pain's own engineering choice, not a guideline statement."),
)


@router.get("/sources", response_class=HTMLResponse)
def sources_page(request: Request, kb: KnowledgeDep) -> HTMLResponse:
    """Every source, grouped by verification level."""
    groups = [
        (level, meaning, sorted((s for s in kb.sources.values() if s.level == level),
                                key=lambda s: s.title.lower()))
        for level, meaning in LEVELS
    ]
    return render(
        request, "pages/sources.html", title="Sources", groups=groups, version=kb.version
    )
