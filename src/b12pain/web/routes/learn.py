"""Learn: the topics of a popular article on B12 and pain, in our own words, every statement cited."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from b12pain.knowledge.schema.learn import LearnTopic
from b12pain.web.deps import KnowledgeDep
from b12pain.web.footnotes import Footnotes
from b12pain.web.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False)

#: Where each tool a topic can point to lives, and what to call the link.
TOOL_LINKS = {
    "self-check": ("/self-check", "Start the self-check"),
    "labs": ("/labs", "Enter a blood test result"),
    "diary": ("/diary", "Write in your diary"),
    "supplements": ("/supplements", "Track supplements"),
    "food": ("/food", "Log food and B12 intake"),
    "insights": ("/insights", "See your insights"),
    "sources": ("/sources", "All sources"),
}


@router.get("/learn", response_class=HTMLResponse)
def learn_index(request: Request, kb: KnowledgeDep) -> HTMLResponse:
    """The list of topics."""
    topics = kb.of_kind("learn_topic", LearnTopic)
    return render(request, "pages/learn_index.html", title="Learn", topics=topics)


@router.get("/learn/{slug}", response_class=HTMLResponse)
def learn_topic(request: Request, slug: str, kb: KnowledgeDep) -> HTMLResponse:
    """One topic, its statements with numbered citations, related entries and tools."""
    entry = kb.entries.get(f"learn.{slug}")
    if not isinstance(entry, LearnTopic):
        raise HTTPException(status_code=404)
    see_also = [kb.typed(topic_id, LearnTopic) for topic_id in entry.see_also]
    related = [kb.get(entry_id) for entry_id in entry.related]
    tools = [TOOL_LINKS[tool] for tool in entry.tools]
    return render(
        request,
        "pages/learn_topic.html",
        title=entry.title,
        topic=entry,
        see_also=see_also,
        related=related,
        tools=tools,
        notes=Footnotes(kb),
    )
