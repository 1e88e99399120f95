"""Plain words for journal entries and plans, shared by the CLI, the web pages and the PDF report.

`describe(entry)` is the one line a person reads about an entry ("pain 6/10 (burning) in feet,
hands"). It returns plain text: each surface escapes it for where it is shown (terminal, HTML,
PDF), since notes and names are typed by people.
"""

from __future__ import annotations

from typing import Any

from b12pain.journal.pain_words import region_words as _region_words

#: How a dose is taken, in plain words: by the route ids of `clinical` and the plan forms of the
#: journal.
ROUTE_WORDS = {"im": "by injection (IM)", "oral": "by mouth", "sublingual": "under the tongue"}
FORM_WORDS = {"oral": "by mouth", "sublingual": "under the tongue", "injection": "by injection"}


def route_words(route: str) -> str:
    """ "by mouth", "under the tongue", "by injection (IM)"; the id itself when unknown."""
    return ROUTE_WORDS.get(route, FORM_WORDS.get(route, route))


def every_words(every_days: int | None) -> str:
    """How often a plan's doses come: "every day", "every 7 days", "on its schedule"."""
    if every_days is None:
        return "on its schedule"
    return "every day" if every_days == 1 else f"every {every_days} days"


def _amount(value: float) -> str:
    return f"{round(value, 2):g}"


def describe(record: Any) -> str:
    """One line about a journal record, in plain words."""
    kind = record.kind
    if kind == "pain":
        where = (
            f" in {', '.join(_region_words(r) for r in record.regions)}" if record.regions else ""
        )
        what = f" ({record.pain_type})" if record.pain_type else ""
        return f"pain {record.nrs}/10{what}{where}"
    if kind == "dose":
        amount = f" {_amount(record.amount_ug)} µg" if record.amount_ug else ""
        site = f" at {record.site}" if record.site else ""
        return f"dose {record.status}:{amount} {record.form}{site}"
    if kind == "sleep":
        quality = f", quality {record.quality}/4" if record.quality is not None else ""
        return f"sleep {_amount(record.hours)} h{quality}"
    if kind == "exercise":
        return f"exercise {record.minutes} min" + (
            f" ({record.activity})" if record.activity else ""
        )
    if kind in ("stress", "mood"):
        return f"{kind} {record.level}/{10 if kind == 'stress' else 4}"
    if kind == "lab":
        return f"{record.test} {record.value:g} {record.unit}"
    if kind == "food":
        b12 = "B12 unknown" if record.b12_ug is None else f"{record.b12_ug:.2f} µg B12"
        return f"{record.amount_text} ({round(record.grams, 1):g} g, {b12})"
    if kind == "plan":
        return describe_plan(record)
    if kind == "symptoms":
        return "symptoms: " + (", ".join(record.symptoms) or "none")
    if kind == "instrument":
        score = "" if record.score is None else f" score {record.score:g}"
        return f"{record.instrument}{score}" + (f" ({record.category})" if record.category else "")
    if kind == "profile":
        facts = [f"age {record.profile.get('age')}", record.profile.get("diet", "")]
        return "profile: " + ", ".join(f for f in facts if f)
    if kind == "stock":
        return f"stock count: {record.units} unit(s) on hand"
    urgency = record.assessment.get("urgency", "?")
    return f"assessment: urgency {urgency} (knowledge {record.knowledge_version})"


def describe_plan(plan: Any) -> str:
    """A plan in one line: what, how much, how often, from when (and when it stopped)."""
    how = f"every {plan.every_days} day(s)" if plan.every_days else "on its schedule"
    name = plan.regimen_id or plan.product or "my supplement"
    line = f"plan {name}: {_amount(plan.amount_ug)} µg {plan.form} {how} from {plan.starts_on}"
    if getattr(plan, "stopped_on", None) is not None:
        line += f", stopped from {plan.stopped_on}"
    return line
