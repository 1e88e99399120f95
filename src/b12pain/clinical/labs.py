"""Read lab results against their published bands (clinical-spec §A.3-§A.5).

Bands: below `deficiency_below` → `deficiency_confirmed`; from it to `unlikely_above`, both
boundaries included → `indeterminate`; above → `unlikely`. There is no lower plausibility limit:
a very low total B12 is deficiency (§J.3). MMA and homocysteine are functional markers read
against the lab's own upper limit when the result carries one (`reference_high`), else against a
default limit labelled policy: above → `raised`, at or below → `within_range` (§J.6); a raised
marker is never itself "deficiency confirmed". Haemoglobin and MCV are read against the range the
lab printed. Caveats never change a band silently: they are flags, each explained by a cited note.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from b12pain.clinical.catalogue import Catalogue, catalogue
from b12pain.clinical.findings import evidence_of
from b12pain.clinical.profile import LabResult, Profile
from b12pain.clinical.result import Band, Evidence, LabReading, trusted
from b12pain.clinical.triage import nitrous_oxide_exposed
from b12pain.clinical.units import classification_value, display_equivalent, to_unit
from b12pain.knowledge import Citation
from b12pain.knowledge.schema.clinical import LabLimit, Threshold

B12_TESTS = ("total_b12", "active_b12")
#: Functional markers: read against the lab's upper limit, band `raised` / `within_range`.
FUNCTIONAL_MARKERS = ("mma", "homocysteine")

#: Lab flag → the note that explains it.
FLAG_NOTES: dict[str, str] = {
    "recent_injection": "note.recent_injection",
    "implausible_value": "note.implausible",
    "pregnancy_caveat": "note.pregnancy_caveat",
    "cocp_caveat": "note.cocp_caveat",
    "black_ethnicity_caution": "note.black_ethnicity",
    "lab_range_differs": "note.assay_dependence",
    "raised_b12": "note.raised_b12",
    "renal_impairment_raises_mma": "note.renal_mma",
    "strong_features_normal_result": "note.strong_features_normal",
    "nitrous_oxide_unreliable": "note.nitrous_oxide_unreliable",
    "lab_reference_range": "note.lab_reference_range",
    "normal_mcv_does_not_exclude": "note.normal_mcv",
    "lab_reference_limit": "note.lab_reference_limit",
    "default_reference_limit": "note.default_reference_limit",
    "raised_functional_marker": "note.functional_marker",
}


class LabContext(NamedTuple):
    """What about the person changes how a result is read (built once per assessment; a named
    tuple because it is built on every assessment and a frozen dataclass is slow to build)."""

    today: dt.date
    adult: bool = True
    pregnant: bool = False
    combined_oral_contraceptive: bool = False
    black_ethnicity: bool = False
    renal_impairment: bool = False
    nitrous_oxide: bool = False
    has_symptoms: bool = False
    strong_features: bool = False
    last_injection: dt.date | None = None
    autoimmune_gastritis_known: bool = False
    measured: frozenset[str] = frozenset()


def lab_context(profile: Profile, today: dt.date, cat: Catalogue | None = None) -> LabContext:
    """The lab-reading context of a profile (nitrous oxide: exposure as `triage` defines it)."""
    cat = cat or catalogue()
    treatment = profile.b12_treatment
    injection = treatment.last_dose if treatment is not None and treatment.route == "im" else None
    conditions = profile.conditions
    # Positional, in field order: a named tuple built from keywords costs about three times as much.
    return LabContext(
        today,
        profile.age >= cat.min_age_years,  # adult
        profile.pregnant,
        profile.combined_oral_contraceptive,
        "black" in profile.ethnicity.lower() if profile.ethnicity else False,  # black_ethnicity
        "renal_impairment" in conditions,  # renal_impairment
        profile.nitrous_oxide != "none" and nitrous_oxide_exposed(profile, cat),  # nitrous_oxide
        not cat.t1_ids.isdisjoint(profile.symptoms),  # has_symptoms
        not cat.strong_ids.isdisjoint(profile.symptoms),  # strong_features
        injection,  # last_injection
        "autoimmune_gastritis" in conditions,  # autoimmune_gastritis_known
        frozenset([lab.test for lab in profile.labs]) if profile.labs else _NONE,  # measured
    )


_NONE: frozenset[str] = frozenset()


def band_for(value: float, deficiency_below: float, unlikely_above: float) -> Band:
    """The band of a value; both boundary values are indeterminate (§A.3)."""
    if value < deficiency_below:
        return "deficiency_confirmed"
    if value > unlikely_above:
        return "unlikely"
    return "indeterminate"


def read_lab(lab: LabResult, context: LabContext, cat: Catalogue | None = None) -> LabReading:
    """One result read against its band, with next tests, caveat flags and citations."""
    return _read_lab(lab, context, cat or catalogue())


@dataclass(frozen=True)
class _UnitRule:
    """How results of one test in one unit are read (precomputed once per test and unit)."""

    unit: str
    factor: float
    threshold: Threshold | None
    #: (above, below, limit) with the limits expressed in the result's own unit.
    raised: tuple[tuple[float | None, float | None, LabLimit], ...]
    implausible: tuple[tuple[float | None, float | None, LabLimit], ...]
    base_citations: tuple[Citation, ...]
    band_evidence: Evidence
    equivalent: tuple[float, str, tuple[Citation, ...]] | None


@lru_cache(maxsize=256)
def _unit_rule(test: str, unit: str, cat: Catalogue) -> _UnitRule:
    measured = classification_value(test, 1.0, unit, cat)
    threshold = cat.thresholds.get((test, measured.unit))
    limits: dict[str, list[tuple[float | None, float | None, LabLimit]]] = {
        "raised": [],
        "implausible": [],
    }
    for limit in cat.limits.get(test, ()):
        factor = to_unit(test, 1.0, unit, limit.unit, cat)
        limits[limit.meaning].append(
            (
                None if limit.above is None else limit.above / factor,
                None if limit.below is None else limit.below / factor,
                limit,
            )
        )
    citations = [*cat.kb.get(test).citations, *measured.citations]
    band_evidence: Evidence = "policy"  # haemoglobin, MCV: the lab's own printed range
    if threshold is not None:
        citations.extend(threshold.citations)
        band_evidence = evidence_of(threshold.citations)
    elif limits["raised"]:
        band_evidence = evidence_of(c for _, _, limit in limits["raised"] for c in limit.citations)
    shown = display_equivalent(test, 1.0, unit, cat)
    equivalent = None
    if shown is not None and shown.unit != measured.unit:
        equivalent = (shown.value, shown.unit, shown.citations)
    return _UnitRule(
        unit=measured.unit,
        factor=measured.value,
        threshold=threshold,
        raised=tuple(limits["raised"]),
        implausible=tuple(limits["implausible"]),
        base_citations=tuple(citations),
        band_evidence=band_evidence,
        equivalent=equivalent,
    )


def _crossed(
    value: float, limits: tuple[tuple[float | None, float | None, LabLimit], ...]
) -> tuple[LabLimit, ...]:
    """The limits `value` lies beyond (a plain loop: most values cross none, and then nothing
    is built)."""
    crossed: tuple[LabLimit, ...] = ()
    for above, below, limit in limits:
        if (above is not None and value > above) or (below is not None and value < below):
            crossed += (limit,)
    return crossed


@lru_cache(maxsize=4096)
def _citations(
    test: str, unit: str, flags: tuple[str, ...], next_tests: tuple[str, ...], cat: Catalogue
) -> tuple[Citation, ...]:
    rule = _unit_rule(test, unit, cat)
    citations = list(rule.base_citations)
    lab_limit = "lab_reference_limit" in flags  # the lab's own limit, not the default
    for _, _, limit in rule.raised:
        if limit.flag in flags and not lab_limit:
            citations.extend(limit.citations)
    for flag in flags:
        note_id = FLAG_NOTES.get(flag)
        if note_id is not None:
            citations.extend(cat.note(note_id).citations)
    for next_test in next_tests:
        citations.extend(cat.test_rules[_NEXT_TEST_RULE[next_test]].citations)
    if rule.equivalent is not None:
        citations.extend(rule.equivalent[2])
    return tuple(dict.fromkeys(citations))


def _read_lab(lab: LabResult, context: LabContext, cat: Catalogue) -> LabReading:
    rule = _unit_rule(lab.test, lab.unit, cat)
    value = lab.value * rule.factor
    raised = _crossed(lab.value, rule.raised)
    threshold = rule.threshold
    range_flags: tuple[str, ...] = ()
    band: Band
    if threshold is not None:
        band = band_for(value, threshold.deficiency_below, threshold.unlikely_above)
    elif lab.test in FUNCTIONAL_MARKERS:
        band, range_flags = _marker_band(lab, bool(raised))
        raised = ()  # the marker's flags are set by `_marker_band`
    else:
        band, range_flags = _lab_range_band(lab)
    b12 = lab.test in B12_TESTS
    band, flags, next_tests, citations, evidence = _interpret(
        lab.test,
        lab.unit,
        band,
        range_flags + tuple([limit.flag for limit in raised]) if raised else range_flags,
        b12 and _recent_injection(lab, context, cat),
        b12 and _lab_range_disagrees(lab, band),
        bool(_crossed(lab.value, rule.implausible)),
        context,
        cat,
    )
    equivalent = rule.equivalent
    return trusted(
        LabReading,
        {
            "test": lab.test,
            "value": lab.value,
            "unit": lab.unit,
            "value_in_reference_unit": value,
            "reference_unit": rule.unit,
            "band": band,
            "next_tests": next_tests,
            "flags": flags,
            "date": lab.date,
            "equivalent_value": None if equivalent is None else round(lab.value * equivalent[0], 3),
            "equivalent_unit": None if equivalent is None else equivalent[1],
            "evidence": evidence,
            "explanation": _explain(lab.test, band, value, rule.unit, threshold is not None),
            "citations": citations,
        },
    )


@lru_cache(maxsize=8192)
def _interpret(
    test: str,
    unit: str,
    band: Band,
    value_flags: tuple[str, ...],
    recent_injection: bool,
    range_disagrees: bool,
    implausible: bool,
    context: LabContext,
    cat: Catalogue,
) -> tuple[Band, tuple[str, ...], tuple[str, ...], tuple[Citation, ...], Evidence]:
    """Band, flags, next tests, citations and evidence of a result, from the few facts about
    its value (its band, the limits it crosses) and the person's context: memoised, since
    results of different values share them."""
    flags = list(value_flags)
    next_tests: list[str] = []
    if test in B12_TESTS:
        band = _b12_caveats(
            test, band, recent_injection, range_disagrees, context, flags, next_tests
        )
    if test == "mma" and band == "raised" and context.renal_impairment:
        flags.append("renal_impairment_raises_mma")
    if implausible:
        band = "not_interpretable"
        flags.append("implausible_value")
        next_tests.clear()
    if not context.adult:
        band = "not_interpretable"
        flags.append("out_of_scope_age")
        next_tests.clear()
    flag_tuple = tuple(dict.fromkeys(flags))
    next_tuple = tuple(dict.fromkeys(next_tests))
    evidence = _evidence(test, unit, flag_tuple, implausible, cat)
    citations = _citations(test, unit, flag_tuple, next_tuple, cat)
    return band, flag_tuple, next_tuple, citations, evidence


def _evidence(
    test: str, unit: str, flags: tuple[str, ...], implausible: bool, cat: Catalogue
) -> Evidence:
    """How directly the reading's band was sourced: policy for plausibility and default limits."""
    if implausible or "default_reference_limit" in flags:
        return "policy"
    if "lab_reference_limit" in flags:
        return evidence_of(cat.note("note.lab_reference_limit").citations)
    return _unit_rule(test, unit, cat).band_evidence


_NEXT_TEST_RULE = {
    "mma": "test.t2d",
    "homocysteine": "test.t2c",
    "anti_intrinsic_factor_antibodies": "test.aif_antibodies",
    "active_b12": "test.t2b",
}


def _marker_band(lab: LabResult, above_default: bool) -> tuple[Band, tuple[str, ...]]:
    """MMA / homocysteine against the lab's own upper limit when given, else the default (§J.6)."""
    if lab.reference_high is not None:
        above, source = lab.value > lab.reference_high, "lab_reference_limit"
    else:
        above, source = above_default, "default_reference_limit"
    if above:
        return "raised", (source, f"{lab.test}_raised", "raised_functional_marker")
    return "within_range", (source,)


def _lab_range_band(lab: LabResult) -> tuple[Band, tuple[str, ...]]:
    """Haemoglobin / MCV: no cited band; read against the lab-printed reference range."""
    if lab.reference_low is None and lab.reference_high is None:
        return "not_interpretable", ("lab_reference_range", "no_reference_range")
    if lab.reference_low is not None and lab.value < lab.reference_low:
        return "indeterminate", ("lab_reference_range", "below_lab_range")
    if lab.reference_high is not None and lab.value > lab.reference_high:
        return "indeterminate", ("lab_reference_range", "above_lab_range")
    if lab.test == "mcv":
        return "unlikely", (
            "lab_reference_range",
            "normal_mcv_does_not_exclude",
            "within_lab_range",
        )
    return "unlikely", ("lab_reference_range", "within_lab_range")


def _lab_range_disagrees(lab: LabResult, band: Band) -> bool:
    """The lab's own printed range reads the result differently from the NICE band (RUH, BSH
    rec 3): surfaced as a flag, the band stays NICE's."""
    below_lab = lab.reference_low is not None and lab.value < lab.reference_low
    if band == "deficiency_confirmed":
        return lab.reference_low is not None and not below_lab
    if band == "unlikely":
        return below_lab
    return False


def _recent_injection(lab: LabResult, context: LabContext, cat: Catalogue) -> bool:
    """The result was taken within the recent-injection window after an IM dose (§A.3)."""
    if context.last_injection is None:
        return False
    taken = lab.date or context.today
    return (
        0 <= (taken - context.last_injection).days <= cat.parameter("param.recent_injection_days")
    )


def _b12_caveats(
    test: str,
    band: Band,
    recent_injection: bool,
    range_disagrees: bool,
    context: LabContext,
    flags: list[str],
    next_tests: list[str],
) -> Band:
    """Flags and next tests of a total or active B12 result (§A.3 modifiers, §A.4)."""
    if recent_injection:
        flags.append("recent_injection")
        return "not_interpretable"
    if test == "total_b12":
        if context.pregnant:
            flags.append("pregnancy_caveat")
            if "active_b12" not in context.measured:
                next_tests.append("active_b12")
        if context.combined_oral_contraceptive:
            flags.append("cocp_caveat")
        if context.nitrous_oxide:
            flags.append("nitrous_oxide_unreliable")
            if "homocysteine" not in context.measured:
                next_tests.append("homocysteine")
    if context.black_ethnicity:
        flags.append("black_ethnicity_caution")
    if range_disagrees:
        flags.append("lab_range_differs")
    if band == "indeterminate" and context.has_symptoms and "mma" not in context.measured:
        next_tests.append("mma")
    if band == "deficiency_confirmed" and not context.autoimmune_gastritis_known:
        next_tests.append("anti_intrinsic_factor_antibodies")
    if band == "unlikely" and context.strong_features:
        flags.append("strong_features_normal_result")
        if "mma" not in context.measured and not context.nitrous_oxide:
            next_tests.append("mma")
    return band


_BAND_WORDS = {
    "deficiency_confirmed": "below the lower threshold",
    "indeterminate": "in the indeterminate (grey) zone",
    "unlikely": "above the upper threshold",
    "not_interpretable": "not interpretable",
    "raised": "raised (above the upper reference limit)",
    "within_range": "within the reference range",
}


def _explain(test: str, band: Band, value: float, unit: str, banded: bool) -> str:
    if band == "not_interpretable":
        return f"{test} {value:g} {unit}: not interpretable (see flags)"
    if banded:
        return f"{test} {value:g} {unit}: {_BAND_WORDS[band]} of the published bands"
    if band in ("raised", "within_range"):
        return f"{test} {value:g} {unit}: {_BAND_WORDS[band]}"
    return f"{test} {value:g} {unit}: {band.replace('_', ' ')} against the reference limit"
