"""Whether a dose is inside a cited regimen, plausible as recorded, and how it compares.

The one place b12pain decides about doses (clinical-spec §J.9). Two questions, kept apart:

- What b12pain **proposes or schedules** (a plan started from a regimen, an imported plan, a
  dated schedule, a CDS card) must lie inside a cited regimen: amount, route, form and spacing
  (`check_scheduled_dose`). The numbers are the regimens' structured `doses` in knowledge, never
  their prose; an open-ended dose ("at least 1 mg") is capped at the highest dose a cited source
  gives for that route; sublingual counts as oral only where a source says so (none does yet).
- What a person **records** (their own supplement) is reality and is bounded only by
  plausibility (`check_recorded_dose`, limits with `policy` level in knowledge), then compared
  with the cited regimens in plain words (`compare_with_regimens`).

Expected outcomes are values (`DoseCheck.problems`), never exceptions: every surface turns the
problems into its own refusal (CLI exit 2, HTTP 422) with field, value and what is allowed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict

from b12pain.knowledge import Citation, KnowledgeBase
from b12pain.knowledge.schema.clinical import DoseForm, DoseLimit, DoseWindow, Regimen

__all__ = [
    "DoseCheck",
    "DoseProblem",
    "RegimenComparison",
    "check_recorded_dose",
    "check_scheduled_dose",
    "compare_with_regimens",
    "describe_comparisons",
    "schedulable_regimens",
]

_FROZEN = ConfigDict(frozen=True, extra="forbid")

#: Plain words for each route, as the end of a sentence ("1000 µg by mouth").
_ROUTE_WORDS = {"oral": "by mouth", "sublingual": "under the tongue", "im": "by injection"}


class DoseProblem(BaseModel):
    """One reason a dose is refused: the field, the value given, and what is allowed."""

    model_config = _FROZEN

    field: str
    value: str | None
    allowed: str


class DoseCheck(BaseModel):
    """The verdict on one dose: inside (no problems) or not, with every problem found.

    `phase` names the regimen phase the dose fits (`daily`, `loading`, `maintenance`) when a
    scheduled dose is inside; `citations` are the sources of the numbers it was checked against.
    """

    model_config = _FROZEN

    inside: bool
    problems: tuple[DoseProblem, ...] = ()
    phase: str | None = None
    citations: tuple[Citation, ...] = ()


Relation = Literal["inside", "floor", "above", "below", "other_spacing", "no_cited_regimen"]


class RegimenComparison(BaseModel):
    """How one amount compares with one cited regimen, in plain words with its citations.

    `phrase` is the comparison alone ("about 10 times the UK dose for diet-related deficiency
    (50-150 µg a day)"); `text` is the whole sentence. `regimen_id` is None only for the
    `no_cited_regimen` statement (a route no cited regimen gives).
    """

    model_config = _FROZEN

    regimen_id: str | None
    relation: Relation
    phrase: str
    text: str
    citations: tuple[Citation, ...] = ()


@dataclass(frozen=True)
class _DoseIndex:
    """The dose facts of one knowledge base, indexed once."""

    regimens: dict[str, Regimen]
    #: Regimens with structured doses, in knowledge file order (R1, R2, ...).
    schedulable: tuple[str, ...]
    forms: dict[str, DoseForm]
    limits: dict[str, DoseLimit]
    routes: tuple[str, ...]


@lru_cache(maxsize=8)
def _index(kb: KnowledgeBase) -> _DoseIndex:
    regimens = {r.id: r for r in kb.of_kind("regimen", Regimen)}
    forms = {f.id.removeprefix("form."): f for f in kb.of_kind("dose_form", DoseForm)}
    limits: dict[str, DoseLimit] = {
        route: lim for lim in kb.of_kind("dose_limit", DoseLimit) for route in lim.routes
    }
    routes = tuple(dict.fromkeys(route for f in forms.values() for route in f.routes))
    return _DoseIndex(
        regimens=regimens,
        schedulable=tuple(rid for rid, r in regimens.items() if r.doses),
        forms=forms,
        limits=limits,
        routes=routes,
    )


def schedulable_regimens(kb: KnowledgeBase) -> tuple[str, ...]:
    """Ids of the regimens b12pain can schedule (those with cited structured doses), sorted."""
    return tuple(sorted(_index(kb).schedulable))


def amount_text(amount_ug: float) -> str:
    """An amount as people write it: `1000`, `2.5`, `999999` (no exponent, no trailing zeros)."""
    if not math.isfinite(amount_ug):
        return str(amount_ug)
    if float(amount_ug).is_integer():
        return str(int(amount_ug))
    return f"{amount_ug:.3f}".rstrip("0").rstrip(".")


def _range_text(low: float, high: float) -> str:
    return f"{amount_text(low)} µg" if low == high else f"{amount_text(low)}-{amount_text(high)} µg"


def _spacing_text(low: int, high: int) -> str:
    if low == high == 1:
        return "a day"
    if low == high:
        return f"every {low} days"
    return f"every {low}-{high} days"


def _window_text(window: DoseWindow, *, for_people: bool = False) -> str:
    """A dose window in words; for people an open-ended dose reads "at least …" as cited."""
    spacing = _spacing_text(window.every_days_min, window.every_days_max)
    if for_people and window.cap is not None:
        return (
            f"at least {amount_text(window.min_ug)} µg {spacing}; "
            f"up to {amount_text(window.max_ug)} µg in a cited source"
        )
    return f"{_range_text(window.min_ug, window.max_ug)} {spacing}"


def _citations(regimen: Regimen, windows: Iterable[DoseWindow]) -> tuple[Citation, ...]:
    sources = {s for w in windows for s in w.sources}
    return tuple(c for c in regimen.citations if c.source in sources) or regimen.citations


def _bad_amount(amount_ug: float) -> DoseProblem | None:
    if not math.isfinite(amount_ug) or amount_ug <= 0:
        return DoseProblem(
            field="amount_ug", value=amount_text(amount_ug), allowed="a number of µg above 0"
        )
    return None


def check_scheduled_dose(
    kb: KnowledgeBase,
    regimen_id: str,
    amount_ug: float,
    route: str,
    every_days: int | None = None,
    *,
    form: str | None = None,
) -> DoseCheck:
    """Whether a dose b12pain would propose or schedule lies inside the cited regimen.

    `every_days` is the spacing of a repeating plan (1 = daily); None means the regimen's own
    dated schedule (built by `clinical.regimens.build_schedule`), so only amount and route are
    checked. `form`, when given, must be a product form taken by `route`. An amount that belongs
    to another regimen names it in the refusal ("1000 µg a day by mouth is in
    oral_cyanocobalamin_malabsorption").
    """
    index = _index(kb)
    regimen = index.regimens.get(regimen_id)
    if regimen is None or not regimen.doses:
        return DoseCheck(
            inside=False,
            problems=(
                DoseProblem(
                    field="regimen_id",
                    value=regimen_id,
                    allowed=f"one of {', '.join(sorted(index.schedulable))}",
                ),
            ),
        )
    problems: list[DoseProblem] = []
    routes = tuple(dict.fromkeys(w.route for w in regimen.doses))
    on_route = tuple(w for w in regimen.doses if w.route == route)
    if not on_route:
        note = "; no cited source counts sublingual as oral" if route == "sublingual" else ""
        problems.append(
            DoseProblem(
                field="route", value=route, allowed=f"{' or '.join(routes)} for {regimen_id}{note}"
            )
        )
    if form is not None:
        known = index.forms.get(form)
        if known is None:
            problems.append(
                DoseProblem(field="form", value=form, allowed=f"one of {', '.join(index.forms)}")
            )
        elif on_route and route not in known.routes:
            fitting = sorted(f for f, info in index.forms.items() if route in info.routes)
            problems.append(
                DoseProblem(
                    field="form",
                    value=form,
                    allowed=f"a form taken {_ROUTE_WORDS.get(route, route)}: {', '.join(fitting)}",
                )
            )
    bad = _bad_amount(amount_ug)
    if bad is not None:
        problems.append(bad)
    if every_days is not None and every_days <= 0:
        problems.append(
            DoseProblem(
                field="every_days", value=str(every_days), allowed="a whole number of days above 0"
            )
        )
    if problems or not on_route:
        return DoseCheck(inside=False, problems=tuple(problems))

    amount_fits = tuple(w for w in on_route if w.min_ug <= amount_ug <= w.max_ug)
    if not amount_fits:
        allowed = " or ".join(_window_text(w) for w in on_route) + f" ({regimen_id})"
        elsewhere = _regimens_with(index, amount_ug, route, every_days, exclude=regimen_id)
        if elsewhere:
            allowed += (
                f"; {amount_text(amount_ug)} µg {_ROUTE_WORDS.get(route, route)} is in "
                f"{', '.join(elsewhere)}"
            )
        return DoseCheck(
            inside=False,
            problems=(
                DoseProblem(field="amount_ug", value=amount_text(amount_ug), allowed=allowed),
            ),
            citations=_citations(regimen, on_route),
        )
    if every_days is None:
        return DoseCheck(
            inside=True, phase=amount_fits[0].phase, citations=_citations(regimen, amount_fits)
        )
    fits = [w for w in amount_fits if w.every_days_min <= every_days <= w.every_days_max]
    if not fits:
        allowed = " or ".join(
            f"{_spacing_text(w.every_days_min, w.every_days_max)} ({w.phase})" for w in amount_fits
        )
        return DoseCheck(
            inside=False,
            problems=(
                DoseProblem(
                    field="every_days", value=str(every_days), allowed=f"{allowed} for {regimen_id}"
                ),
            ),
            citations=_citations(regimen, amount_fits),
        )
    return DoseCheck(inside=True, phase=fits[0].phase, citations=_citations(regimen, fits))


def _regimens_with(
    index: _DoseIndex, amount_ug: float, route: str, every_days: int | None, *, exclude: str
) -> list[str]:
    """Ids of the other regimens whose doses hold this amount, route and spacing."""
    found = []
    for rid in index.schedulable:
        if rid == exclude:
            continue
        for w in index.regimens[rid].doses:
            spacing_ok = every_days is None or w.every_days_min <= every_days <= w.every_days_max
            if w.route == route and w.min_ug <= amount_ug <= w.max_ug and spacing_ok:
                found.append(rid)
                break
    return found


def check_recorded_dose(kb: KnowledgeBase, amount_ug: float, form: str, route: str) -> DoseCheck:
    """Whether a dose a person says they take is plausible (their own supplement, no regimen).

    Bounded only by plausibility: above 0 and at most the largest single-dose product strength on
    sale for the route (a `policy` limit in knowledge, its reason in the refusal). The form must
    be one taken by the route. A 1000 µg tablet is fine; 999,999 µg is refused.
    """
    index = _index(kb)
    problems: list[DoseProblem] = []
    known_form = index.forms.get(form)
    if known_form is None:
        problems.append(
            DoseProblem(field="form", value=form, allowed=f"one of {', '.join(index.forms)}")
        )
    if route not in index.routes:
        problems.append(
            DoseProblem(field="route", value=route, allowed=f"one of {', '.join(index.routes)}")
        )
    elif known_form is not None and route not in known_form.routes:
        problems.append(
            DoseProblem(
                field="route",
                value=route,
                allowed=f"{' or '.join(known_form.routes)} for a {form}",
            )
        )
    bad = _bad_amount(amount_ug)
    if bad is not None:
        problems.append(bad)
    limit = index.limits.get(route)
    if bad is None and limit is not None and amount_ug > limit.max_ug:
        problems.append(
            DoseProblem(
                field="amount_ug",
                value=amount_text(amount_ug),
                allowed=(
                    f"at most {amount_text(limit.max_ug)} µg per dose "
                    f"{_ROUTE_WORDS.get(route, route)} (b12pain policy: {limit.reason})"
                ),
            )
        )
    citations = limit.citations if limit is not None else ()
    return DoseCheck(inside=not problems, problems=tuple(problems), citations=citations)


def _spacing_phrase(amount_ug: float, route: str, every_days: int | None) -> str:
    """The subject of a comparison sentence: "1000 µg a day", "1000 µg every 60 days by injection"."""
    amount = f"{amount_text(amount_ug)} µg"
    if route == "oral":
        return f"{amount} a day" if every_days in (None, 1) else f"{amount} every {every_days} days"
    spacing = (
        "" if every_days is None else (" a day" if every_days == 1 else f" every {every_days} days")
    )
    return f"{amount}{spacing} {_ROUTE_WORDS.get(route, route)}"


def _compare_one(
    regimen: Regimen, windows: tuple[DoseWindow, ...], amount_ug: float, every_days: int | None
) -> tuple[Relation, str, tuple[DoseWindow, ...]]:
    name = regimen.plain_name or regimen.id
    if every_days is not None:
        spaced = tuple(w for w in windows if w.every_days_min <= every_days <= w.every_days_max)
        if not spaced:
            course = " or ".join(_window_text(w, for_people=True) for w in windows)
            return "other_spacing", f"not spaced like {name} ({course})", windows
        windows = spaced
    window = windows[0]
    shown = _window_text(window, for_people=True)
    if window.min_ug <= amount_ug <= window.max_ug:
        if window.cap is not None and amount_ug == window.min_ug and regimen.plain_floor:
            return "floor", f"{regimen.plain_floor} ({shown})", (window,)
        return "inside", f"within {name} ({shown})", (window,)
    if amount_ug > window.max_ug:
        if window.cap is not None:
            return (
                "above",
                f"above the highest dose a cited source gives for {name} ({shown})",
                (window,),
            )
        ratio = amount_ug / ((window.min_ug + window.max_ug) / 2)
        if ratio >= 2:
            return "above", f"about {round(ratio)} times {name} ({shown})", (window,)
        return "above", f"above {name} ({shown})", (window,)
    return "below", f"below {name} ({shown})", (window,)


def compare_with_regimens(
    kb: KnowledgeBase, amount_ug: float, route: str, every_days: int | None = None
) -> tuple[RegimenComparison, ...]:
    """How a recorded amount compares with each cited regimen given for its route.

    Compared against regimens with a `plain_name` (the ones people can tell apart); numbers come
    from knowledge and each comparison carries its citations. A route no cited regimen gives
    (sublingual) yields one `no_cited_regimen` statement. A non-positive or non-finite amount
    yields nothing (`check_recorded_dose` refuses it).
    """
    if _bad_amount(amount_ug) is not None:
        return ()
    index = _index(kb)
    subject = _spacing_phrase(amount_ug, route, every_days)
    comparisons: list[RegimenComparison] = []
    for rid in index.schedulable:
        regimen = index.regimens[rid]
        windows = tuple(w for w in regimen.doses if w.route == route)
        if regimen.plain_name is None or not windows:
            continue
        relation, phrase, used = _compare_one(regimen, windows, amount_ug, every_days)
        comparisons.append(
            RegimenComparison(
                regimen_id=rid,
                relation=relation,
                phrase=phrase,
                text=f"{subject} is {phrase}.",
                citations=_citations(regimen, used),
            )
        )
    if not comparisons:
        phrase = (
            f"not a route any cited regimen gives ({_ROUTE_WORDS.get(route, route)}); "
            "b12pain counts sublingual as oral only where a source says so"
        )
        comparisons.append(
            RegimenComparison(
                regimen_id=None,
                relation="no_cited_regimen",
                phrase=phrase,
                text=f"{subject}: {phrase}.",
            )
        )
    return tuple(comparisons)


def describe_comparisons(comparisons: tuple[RegimenComparison, ...]) -> str:
    """All comparisons as one sentence: "1000 µg a day is the NICE floor … and about 10 times …".

    Regimens the amount is neither inside nor a multiple of are left to the itemised list.
    """
    if not comparisons:
        return ""
    if comparisons[0].relation == "no_cited_regimen":
        return comparisons[0].text
    subject = comparisons[0].text.split(" is ", 1)[0]
    first = {"floor": 0, "inside": 0, "above": 1, "below": 1}
    ranked = sorted(
        (c for c in comparisons if c.relation in first), key=lambda c: first[c.relation]
    )
    phrases = [c.phrase for c in ranked]
    if not phrases:
        return comparisons[0].text
    joined = phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]
    return f"{subject} is {joined}."
