"""Read lab results against their published bands (clinical-spec §A.3-§A.5).

Bands: below `deficiency_below` → `deficiency_confirmed`; from it to `unlikely_above`, both
boundaries included → `indeterminate`; above → `unlikely`. MMA and homocysteine are read against
the lab upper reference limit (above → `deficiency_confirmed`, at or below → `unlikely`, as the
§A.3 table puts them); haemoglobin and MCV against the range the lab printed. Caveats never
change a band silently: they are flags, each explained by a cited note.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from b12pain.clinical.catalogue import Catalogue, catalogue
from b12pain.clinical.profile import LabResult, Profile
from b12pain.clinical.result import Band, LabReading
from b12pain.clinical.units import classification_value, display_equivalent, to_unit
from b12pain.knowledge import Citation
from b12pain.knowledge.schema.clinical import LabLimit

B12_TESTS = ("total_b12", "active_b12")

#: Lab flag → the note that explains it.
FLAG_NOTES: dict[str, str] = {
    "recent_injection": "note.recent_injection",
    "implausible_value": "note.implausible",
    "pregnancy_caveat": "note.pregnancy_caveat",
    "cocp_caveat": "note.cocp_caveat",
    "black_ethnicity_caution": "note.black_ethnicity",
    "raised_b12": "note.raised_b12",
    "renal_impairment_raises_mma": "note.renal_mma",
    "strong_features_normal_result": "note.strong_features_normal",
    "nitrous_oxide_unreliable": "note.nitrous_oxide_unreliable",
    "lab_reference_range": "note.lab_reference_range",
    "normal_mcv_does_not_exclude": "note.normal_mcv",
}


@dataclass(frozen=True)
class LabContext:
    """What about the person changes how a result is read (built once per assessment)."""

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
    """The lab-reading context of a profile."""
    cat = cat or catalogue()
    symptoms = [cat.symptoms[s] for s in profile.symptoms if s in cat.symptoms]
    treatment = profile.b12_treatment
    injection = treatment.last_dose if treatment is not None and treatment.route == "im" else None
    return LabContext(
        today=today,
        adult=profile.age >= cat.parameter("param.min_age_years"),
        pregnant=profile.pregnant,
        combined_oral_contraceptive=profile.combined_oral_contraceptive,
        black_ethnicity="black" in (profile.ethnicity or "").lower(),
        renal_impairment="renal_impairment" in profile.conditions,
        nitrous_oxide=profile.nitrous_oxide == "recreational",
        has_symptoms=any(s.t1 for s in symptoms),
        strong_features=any(s.strong_feature for s in symptoms),
        last_injection=injection,
        autoimmune_gastritis_known="autoimmune_gastritis" in profile.conditions,
        measured=frozenset(lab.test for lab in profile.labs),
    )


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


@lru_cache(maxsize=16384)
def _read_lab(lab: LabResult, context: LabContext, cat: Catalogue) -> LabReading:
    measured = classification_value(lab.test, lab.value, lab.unit, cat)
    citations: list[Citation] = [*cat.kb.get(lab.test).citations, *measured.citations]
    flags: list[str] = []
    next_tests: list[str] = []
    band: Band
    threshold = cat.thresholds.get((lab.test, measured.unit))
    raised = _crossed(lab.test, lab.value, lab.unit, "raised", cat)
    implausible = _crossed(lab.test, lab.value, lab.unit, "implausible", cat)
    if threshold is not None:
        band = band_for(measured.value, threshold.deficiency_below, threshold.unlikely_above)
        citations.extend(threshold.citations)
    elif lab.test in ("mma", "homocysteine"):
        band = "deficiency_confirmed" if raised else "unlikely"
    else:
        band, range_flags = _lab_range_band(lab)
        flags.extend(range_flags)
    for limit in raised:
        flags.append(limit.flag)
        citations.extend(limit.citations)
    if lab.test in B12_TESTS:
        band = _b12_caveats(lab, band, context, flags, next_tests, cat)
    if lab.test == "mma" and band == "deficiency_confirmed" and context.renal_impairment:
        flags.append("renal_impairment_raises_mma")
    if implausible:
        band = "not_interpretable"
        flags.append("implausible_value")
        next_tests.clear()
    if not context.adult:
        band = "not_interpretable"
        flags.append("out_of_scope_age")
        next_tests.clear()
    for flag in flags:
        note_id = FLAG_NOTES.get(flag)
        if note_id is not None:
            citations.extend(cat.note(note_id).citations)
    for test in next_tests:
        citations.extend(cat.test_rules[_NEXT_TEST_RULE[test]].citations)
    equivalent = display_equivalent(lab.test, lab.value, lab.unit, cat)
    if equivalent is not None and equivalent.unit != measured.unit:
        citations.extend(equivalent.citations)
    return LabReading(
        test=lab.test,
        value=lab.value,
        unit=lab.unit,
        value_in_reference_unit=measured.value,
        reference_unit=measured.unit,
        band=band,
        next_tests=tuple(dict.fromkeys(next_tests)),
        flags=tuple(dict.fromkeys(flags)),
        date=lab.date,
        explanation=_explain(lab.test, band, measured.value, measured.unit, threshold is not None),
        equivalent_value=equivalent.value
        if equivalent and equivalent.unit != measured.unit
        else None,
        equivalent_unit=equivalent.unit
        if equivalent and equivalent.unit != measured.unit
        else None,
        citations=tuple(dict.fromkeys(citations)),
    )


_NEXT_TEST_RULE = {
    "mma": "test.t2d",
    "homocysteine": "test.t2c",
    "anti_intrinsic_factor_antibodies": "test.aif_antibodies",
    "active_b12": "test.t2b",
}


def _crossed(test: str, value: float, unit: str, meaning: str, cat: Catalogue) -> list[LabLimit]:
    crossed = []
    for limit in cat.limits.get(test, ()):
        if limit.meaning != meaning:
            continue
        in_unit = to_unit(test, value, unit, limit.unit, cat)
        if (limit.above is not None and in_unit > limit.above) or (
            limit.below is not None and in_unit < limit.below
        ):
            crossed.append(limit)
    return crossed


def _lab_range_band(lab: LabResult) -> tuple[Band, list[str]]:
    """Haemoglobin / MCV: no cited band; read against the lab-printed reference range."""
    flags = ["lab_reference_range"]
    if lab.reference_low is None and lab.reference_high is None:
        return "not_interpretable", [*flags, "no_reference_range"]
    if lab.reference_low is not None and lab.value < lab.reference_low:
        return "indeterminate", [*flags, "below_lab_range"]
    if lab.reference_high is not None and lab.value > lab.reference_high:
        return "indeterminate", [*flags, "above_lab_range"]
    if lab.test == "mcv":
        flags.append("normal_mcv_does_not_exclude")
    return "unlikely", [*flags, "within_lab_range"]


def _b12_caveats(
    lab: LabResult,
    band: Band,
    context: LabContext,
    flags: list[str],
    next_tests: list[str],
    cat: Catalogue,
) -> Band:
    """Flags and next tests of a total or active B12 result (§A.3 modifiers, §A.4)."""
    taken = lab.date or context.today
    recent_days = cat.parameter("param.recent_injection_days")
    if (
        context.last_injection is not None
        and 0 <= (taken - context.last_injection).days <= recent_days
    ):
        flags.append("recent_injection")
        return "not_interpretable"
    if lab.test == "total_b12":
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
}


def _explain(test: str, band: Band, value: float, unit: str, banded: bool) -> str:
    if band == "not_interpretable":
        return f"{test} {value:g} {unit}: not interpretable (see flags)"
    if banded:
        return f"{test} {value:g} {unit}: {_BAND_WORDS[band]} of the published bands"
    return f"{test} {value:g} {unit}: {band.replace('_', ' ')} against the reference limit"
