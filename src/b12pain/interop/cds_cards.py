"""An assessment as CDS Hooks cards: red flags first, then what comes before treatment, then
every finding of the same `assess` the CLI and web run.

Rules (CDS Hooks "Card attributes"): `summary` under 140 characters, `detail` GitHub-flavoured
markdown, `indicator` info | warning | critical (from the urgency: emergency and urgent →
critical, routine → warning, none → info), `source` the guideline with its URL, a `uuid` per
card that feedback sends back.
"""

from __future__ import annotations

import uuid

from b12pain.clinical.result import Assessment, Severity, Urgency
from b12pain.interop.cds_types import MAX_SUMMARY, Card, Indicator, Link, Source
from b12pain.knowledge import Citation, KnowledgeBase
from b12pain.presentation.assessment import urgency_words

CARD_NAMESPACE = uuid.UUID("6f2b8a53-2b4e-5d0c-9a57-b12fa1000002")

INDICATOR_OF_URGENCY: dict[Urgency, Indicator] = {
    "emergency": "critical",
    "urgent": "critical",
    "routine": "warning",
    "none": "info",
}
#: A finding's severity as the urgency `assess` counts it (clinical.assessment), then an indicator.
URGENCY_OF_SEVERITY: dict[Severity, Urgency] = {
    "emergency": "emergency",
    "urgent": "urgent",
    "warning": "routine",
    "caution": "routine",
    "info": "none",
}
_INDICATOR_ORDER = {"critical": 0, "warning": 1, "info": 2}


def _clip(text: str, limit: int = MAX_SUMMARY) -> str:
    """`text` on one line, cut at a word boundary to under `limit` characters."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def source_of(citations: tuple[Citation, ...], kb: KnowledgeBase) -> Source:
    """The card source: the first cited source that has a URL (else the first one)."""
    chosen = next(
        (c for c in citations if kb.sources[c.source].url), citations[0] if citations else None
    )
    if chosen is None:
        return Source(label="b12pain")
    source = kb.sources[chosen.source]
    label = _clip(f"{source.organisation}: {source.title}", 100)
    return Source(label=label, url=source.url)


def _markdown_escape(text: str) -> str:
    """Text from knowledge shown literally in GitHub-flavoured markdown."""
    out = text
    for char in "\\`*_[]<>|#":
        out = out.replace(char, "\\" + char)
    return out


def _sources_markdown(citations: tuple[Citation, ...], kb: KnowledgeBase) -> str:
    lines = ["**Sources**", ""]
    for number, citation in enumerate(citations, start=1):
        source = kb.sources[citation.source]
        title = _markdown_escape(f"{source.organisation}: {source.title}")
        named = f"[{title}]({source.url})" if source.url else title
        section = f", {_markdown_escape(citation.section)}" if citation.section else ""
        lines.append(f"{number}. {named}{section} [{citation.level}]")
    return "\n".join(lines)


def _detail(
    clinician: str,
    plain: str,
    citations: tuple[Citation, ...],
    kb: KnowledgeBase,
    extra: str,
    for_person: bool = False,
) -> str:
    clinician_part = f"**For the clinician:** {_markdown_escape(clinician)}"
    plain_part = f"**In plain words:** {_markdown_escape(plain)}" if plain != clinician else ""
    ordered = [plain_part, clinician_part] if for_person else [clinician_part, plain_part]
    parts = [part for part in ordered if part and part.split(":** ", 1)[1]]
    if extra:
        parts.append(extra)
    parts.append(_sources_markdown(citations, kb))
    parts.append("_b12pain informs a conversation; it does not diagnose. Not medical advice._")
    return "\n\n".join(parts)


def cards_for(
    assessment: Assessment,
    kb: KnowledgeBase,
    hook_instance: str,
    app_url: str | None = None,
    for_person: bool = False,
) -> list[Card]:
    """The cards of one assessment: red flags first (critical), then every finding.

    Summaries are in clinical words; `for_person` (the patient or a proxy opened the record, per
    `context.userId`) puts the plain words first ("go to A&E now") and the clinician's second.
    """
    links = (Link(label="Open b12pain", url=app_url),) if app_url else None

    def words(clinician: str, plain: str) -> str:
        return (plain or clinician) if for_person else (clinician or plain)

    cards: list[tuple[int, int, Card]] = []

    def card_id(code: str) -> str:
        return str(uuid.uuid5(CARD_NAMESPACE, f"{hook_instance}/{code}"))

    for order, flag in enumerate(assessment.red_flags):
        if for_person:  # what to do first, in plain words ("Emergency: get medical help now")
            summary = _clip(f"Red flag: {urgency_words(flag.urgency)}. {flag.summary}")
        else:
            summary = _clip(f"Red flag: {flag.title}. {flag.action}")
        extra = ""
        if flag.triggered_by:
            extra = "**Triggered by:** " + ", ".join(
                _markdown_escape(t.replace("_", " ")) for t in flag.triggered_by
            )
        card = Card(
            uuid=card_id(f"red_flag.{flag.id}"),
            summary=summary,
            detail=_detail(flag.action, flag.summary, flag.citations, kb, extra, for_person),
            indicator="critical",
            source=source_of(flag.citations, kb),
            links=links,
        )
        cards.append((-1, order, card))
    before = assessment.before_treatment
    if before is not None:
        # §J.4: no result yet; blood samples first (and, with suspected neurological
        # involvement, treatment without waiting for the result: urgent, so critical).
        indicator: Indicator = "critical" if before.status == "bloods_then_treat" else "warning"
        tests = ", ".join(_markdown_escape(t.replace("_", " ")) for t in before.tests)
        card = Card(
            uuid=card_id(f"before_treatment.{before.status}"),
            summary=_clip(words(before.clinician_summary, before.summary)),
            detail=_detail(
                before.clinician_summary,
                before.summary,
                before.citations,
                kb,
                f"**Blood tests:** {tests}" if tests else "",
                for_person,
            ),
            indicator=indicator,
            source=source_of(before.citations, kb),
            links=links,
        )
        cards.append((_INDICATOR_ORDER[indicator], -1, card))
    for order, finding in enumerate(assessment.findings):
        indicator = INDICATOR_OF_URGENCY[URGENCY_OF_SEVERITY[finding.severity]]
        extra = ""
        if finding.evidence in ("policy", "unverified"):
            extra = f"_Evidence: {finding.evidence} (b12pain's own rule or an unverified note)._"
        card = Card(
            uuid=card_id(finding.code),
            summary=_clip(words(finding.clinician_summary, finding.summary)),
            detail=_detail(
                finding.clinician_summary, finding.summary, finding.citations, kb, extra, for_person
            ),
            indicator=indicator,
            source=source_of(finding.citations, kb),
            links=links,
        )
        cards.append((_INDICATOR_ORDER[indicator], order, card))
    cards.sort(key=lambda item: (item[0], item[1]))
    return [card for _, _, card in cards]


def not_assessed_card(reason: str, hook_instance: str) -> Card:
    """The one card when the prefetched data cannot be assessed (e.g. no date of birth)."""
    return Card(
        uuid=str(uuid.uuid5(CARD_NAMESPACE, f"{hook_instance}/not_assessed")),
        summary=_clip(f"b12pain could not assess this patient: {reason}"),
        detail=_markdown_escape(reason),
        indicator="info",
        source=Source(label="b12pain"),
    )
