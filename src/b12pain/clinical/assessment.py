"""`assess(profile, today)`: the whole b12pain answer for one person, as one `Assessment`.

A fixed sequence of pure steps (no I/O, no clock): red flags from the person's features (listed
first; §J.1), risk factors and testing, lab readings, deficiency status, neurological involvement
(suspected involvement in a person at risk needs no lab result, §J.2), treatment (without a
result: tests first, §J.4), findings, pain plan, urgency. Every step reads knowledge through the
precomputed `catalogue()`.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from b12pain.clinical import findings as words
from b12pain.clinical.catalogue import Catalogue, catalogue
from b12pain.clinical.labs import (
    B12_TESTS,
    FLAG_NOTES,
    FUNCTIONAL_MARKERS,
    LabContext,
    lab_context,
    read_lab,
)
from b12pain.clinical.parse import check_dates
from b12pain.clinical.plan import pain_type_findings, plan_for
from b12pain.clinical.profile import Profile
from b12pain.clinical.regimens import treatment_for
from b12pain.clinical.result import (
    SCHEMA,
    URGENCY_ORDER,
    Assessment,
    BeforeTreatment,
    Deficiency,
    Finding,
    LabReading,
    RedFlag,
    Severity,
    Testing,
    Treatment,
    Urgency,
    trusted,
)
from b12pain.clinical.screening import (
    RiskProfile,
    TestingInputs,
    first_tests,
    risk_profile,
    testing_for,
    testing_inputs,
)
from b12pain.clinical.triage import has_b12_risk, red_flags
from b12pain.clinical.vocabulary import canonical_profile
from b12pain.instruments import InstrumentsForAssessment, instruments_for_assessment

_SEVERITY_URGENCY: dict[Severity, Urgency] = {
    "emergency": "emergency",
    "urgent": "urgent",
    "warning": "routine",
    "caution": "routine",
    "info": "none",
}
_FLAG_SEVERITY: dict[str, Severity] = {
    "strong_features_normal_result": "warning",
    # Which limit a marker was read against is information, not a reason for concern.
    "lab_reference_limit": "info",
    "default_reference_limit": "info",
}
#: Finding code of each lab flag's note (built once, not per assessment).
_FLAG_CODES = {flag: f"flag.{flag}" for flag in FLAG_NOTES}
_TESTING_SEVERITY: dict[str, Severity] = {
    "recommended": "caution",
    "clinician_judgement": "info",
    "not_indicated": "info",
    "out_of_scope": "caution",
}
_TESTING_RULE = {
    "recommended": "test.t1",
    "clinician_judgement": "test.symptom_only",
    "not_indicated": "test.risk_only",
    "out_of_scope": "test.out_of_scope",
}
#: Age from which the (unverified) age-prevalence note is shown; it never drives a rule.
_AGE_NOTE_FROM = 65


def assess(profile: Profile, today: dt.date) -> Assessment:
    """Assess one profile on `today` (CONTRACT.md): red flags, testing, labs, treatment, plan.

    Raises `InputError` when the profile holds a date after `today` (`parse.check_dates`).
    """
    check_dates(profile, today)
    cat = catalogue()
    profile = canonical_profile(profile, cat)
    linked = _instruments(profile)  # questionnaire scores (issue 3); bad answers refused
    # 1. Red flags from the person's features, before any B12 logic (§E, §J.1-§J.2).
    risks = risk_profile(profile, cat)
    b12_risk = has_b12_risk(profile, len(risks.factors))
    flags = red_flags(profile, cat=cat, b12_risk=b12_risk)
    # 2. Risk factors and whether to test, with which test first (§A.1-A.2).
    #    (Extra T1 features, e.g. a positive neuropathic screen: `risks.with_symptoms(...)`.)
    if linked.neuropathic_positive:  # a positive DN4 / S-LANSS / MNSI counts for T1
        risks = risks.with_symptoms(_SCREEN_SYMPTOM)
    testing, testing_finding = _testing_answer(testing_inputs(profile, today, cat, risks))
    # 3. Lab results against their published bands, with caveats (§A.3-A.5).
    context = lab_context(profile, today, cat)
    readings = tuple(read_lab(lab, context, cat) for lab in profile.labs)
    deficiency = deficiency_status(readings, context, profile, cat)
    # 4. Neurological involvement: suspected in a person at risk (a red flag without any lab,
    #    §J.2), or with a deficiency (then the confirmed-deficiency flag replaces it, §E.1).
    suspected = bool(flags) and context.adult and any(f.id == _SUSPECTED_FLAG for f in flags)
    neurological = suspected or neurological_involvement(profile, deficiency, context, cat)
    if neurological and not context.nitrous_oxide and deficiency in ("confirmed", "discordant"):
        flags = red_flags(profile, deficiency_confirmed=True, cat=cat, b12_risk=b12_risk)
    # 5. Treatment by cause and neurological involvement (§B); without a result, tests first
    #    and no dated schedule (§J.4).
    has_result = bool(readings) and _has_result(readings)
    treated = _treatment(
        profile, risks, deficiency, neurological, context, readings, today, cat, has_result
    )
    treatment, treatment_finding = (None, None) if treated is None else treated
    before = None if has_result else _before_treatment(profile, testing, neurological, cat)
    # 6. Findings in plain and clinician words, and the pain plan.
    found = _findings(
        profile, testing_finding, testing, readings, deficiency, context, treatment_finding, cat
    )
    if linked.pain_types:
        found += _pain_support_findings(linked)
        plan = plan_for((*profile.pain.types, *linked.supported_pain_types), cat)
    else:
        plan = plan_for(profile.pain.types, cat)
    return trusted(
        Assessment,
        {
            "schema_": SCHEMA,
            "knowledge_version": cat.kb.version,
            "today": today,
            "urgency": _urgency(flags, found, testing, treatment),
            "red_flags": flags,
            "testing": testing,
            "labs": readings,
            "deficiency": deficiency,
            "neurological_involvement": neurological,
            "treatment": treatment,
            "before_treatment": before,
            "findings": found,
            "plan": plan,
            "instruments": linked.section if linked.results else (),
            "disclaimer": cat.note("disclaimer").text or "",
        },
    )


def deficiency_status(
    readings: tuple[LabReading, ...], context: LabContext, profile: Profile, cat: Catalogue
) -> Deficiency:
    """Overall B12 status from the readable results (§A.3, §A.4, §J.6).

    Any total/active B12 below its band → confirmed. Indeterminate: a raised MMA with symptoms →
    confirmed (the combined judgement of §A.4), a raised MMA without symptoms → indeterminate, an
    MMA within range → unlikely, no MMA → indeterminate. A raised MMA with renal impairment →
    discordant (clinician review). A normal B12 with a raised marker, strong clinical features,
    or nitrous oxide with neurological features → discordant. A raised MMA or homocysteine
    without a readable B12 is never "confirmed" by itself (§J.6) → indeterminate.
    """
    if not context.adult or not readings:
        return "unknown"
    b12: list[str] = []
    mma: list[str] = []
    homocysteine_raised = False
    for r in readings:
        if r.band == "not_interpretable":
            continue
        if r.test in B12_TESTS:
            b12.append(r.band)
        elif r.test == "mma":
            mma.append(r.band)
        elif r.test == "homocysteine" and r.band == "raised":
            homocysteine_raised = True
    mma_raised = "raised" in mma
    if "deficiency_confirmed" in b12:
        return "confirmed"
    if mma_raised and context.renal_impairment:
        return "discordant"
    if "indeterminate" in b12:
        if mma_raised:
            return "confirmed" if context.has_symptoms else "indeterminate"
        return "unlikely" if mma else "indeterminate"
    if b12:
        neuro = _has_neurological_features(profile, cat)
        nitrous = context.nitrous_oxide and (neuro or homocysteine_raised)
        if mma_raised or context.strong_features or nitrous:
            return "discordant"
        return "unlikely"
    if mma_raised or homocysteine_raised:
        return "indeterminate"
    return "unknown"


def _has_neurological_features(profile: Profile, cat: Catalogue) -> bool:
    return not cat.neurological_ids.isdisjoint(profile.symptoms)


def neurological_involvement(
    profile: Profile, deficiency: Deficiency, context: LabContext, cat: Catalogue
) -> bool:
    """Neurological features together with a confirmed deficiency, a discordant result with
    strong clinical features, or recreational nitrous oxide use (§E.1)."""
    if not context.adult or not _has_neurological_features(profile, cat):
        return False
    return (
        deficiency == "confirmed"
        or context.nitrous_oxide
        or (deficiency == "discordant" and context.strong_features)
    )


def _treatment(
    profile: Profile,
    risks: RiskProfile,
    deficiency: Deficiency,
    neurological: bool,
    context: LabContext,
    readings: tuple[LabReading, ...],
    today: dt.date,
    cat: Catalogue,
    has_result: bool = True,
) -> tuple[Treatment, Finding] | None:
    """The treatment, with its finding, when there is a deficiency or neurological involvement
    (or a raised functional marker after nitrous oxide); otherwise None."""
    if not (deficiency == "confirmed" or neurological):
        nitrous_marker = context.nitrous_oxide and any(
            r.test in FUNCTIONAL_MARKERS and r.band == "raised" for r in readings
        )
        if not nitrous_marker:
            return None
    notes: list[str] = []
    for regimen_id, test, flag in (
        ("folate_with_b12", "folate", None),
        ("severe_anaemia_potassium", "haemoglobin", "below_lab_range"),
    ):
        for reading in readings:
            if reading.test == test and (
                reading.band == "deficiency_confirmed" if flag is None else flag in reading.flags
            ):
                notes.append(cat.regimens[regimen_id].plain)
    return _treated(
        risks.cause,
        neurological,
        today,
        profile.pregnant or profile.breastfeeding,
        tuple(dict.fromkeys(notes)) if notes else (),
        cat,
        has_result,
    )


@lru_cache(maxsize=4096)
def _treated(
    cause: str | None,
    neurological: bool,
    today: dt.date,
    pregnant_or_breastfeeding: bool,
    extra_notes: tuple[str, ...],
    cat: Catalogue,
    with_schedule: bool,
) -> tuple[Treatment, Finding]:
    """The treatment for these values and its finding, built together once (memoised by value:
    the same values give the same immutable pair)."""
    treatment = treatment_for(
        cause,
        neurological,
        today,
        pregnant_or_breastfeeding=pregnant_or_breastfeeding,
        extra_notes=extra_notes,
        cat=cat,
        with_schedule=with_schedule,
    )
    return treatment, _treatment_finding(treatment, cat)


@lru_cache(maxsize=8192)
def _testing_answer(inputs: TestingInputs) -> tuple[Testing, Finding]:
    """The testing answer and its finding, built together once per distinct inputs (by value)."""
    testing = testing_for(inputs)
    cat = inputs[-1]
    finding = trusted(  # from knowledge and literals (`tests/test_assessment_trusted.py`)
        Finding,
        {
            "code": f"testing.{testing.status}",
            "severity": _TESTING_SEVERITY[testing.status],
            "summary": " ".join(testing.reasons),
            "clinician_summary": cat.test_rules[_TESTING_RULE[testing.status]].text,
            "citations": testing.citations,
            "unverified": False,
            "evidence": words.evidence_of(testing.citations),
        },
    )
    return testing, finding


#: The red flag of suspected neurological involvement without a lab (§J.2); in knowledge it is
#: replaced by the confirmed-deficiency and nitrous-oxide flags when those fire.
_SUSPECTED_FLAG = "b12_neurological_suspected"


def _has_result(readings: tuple[LabReading, ...]) -> bool:
    """A readable B12 or functional-marker result (one taken after an injection does not count)."""
    for r in readings:  # noqa: SIM110 - a plain loop is faster than any() on this hot path
        if r.test in _RESULT_TESTS and r.band != "not_interpretable":
            return True
    return False


_RESULT_TESTS = frozenset((*B12_TESTS, *FUNCTIONAL_MARKERS))


def _before_treatment(
    profile: Profile, testing: Testing, neurological: bool, cat: Catalogue
) -> BeforeTreatment | None:
    """Without a result: blood samples first (§J.4); with suspected neurological involvement,
    blood samples and then treatment without waiting for the result."""
    if neurological:
        note_id, status = "note.bloods_then_treat", "bloods_then_treat"
    elif testing.status in ("recommended", "clinician_judgement"):
        note_id, status = "note.tests_first", "tests_first"
    else:
        return None
    return _before(status, first_tests(profile, cat), note_id, cat)


@lru_cache(maxsize=64)
def _before(status: str, tests: tuple[str, ...], note_id: str, cat: Catalogue) -> BeforeTreatment:
    note = cat.note(note_id)
    return BeforeTreatment(
        status=status,
        tests=tests,
        summary=note.text or note.title,
        clinician_summary=note.clinician_text or note.title,
        citations=note.citations,
    )


def _findings(
    profile: Profile,
    testing_finding: Finding,
    testing: Testing,
    readings: tuple[LabReading, ...],
    deficiency: Deficiency,
    context: LabContext,
    treatment_finding: Finding | None,
    cat: Catalogue,
) -> tuple[Finding, ...]:
    out = [testing_finding]
    if testing.monitoring_suggested:
        out.append(
            words.from_test_rule(
                "testing.metformin_monitoring", "test.metformin_monitoring", "info", cat
            )
        )
    if profile.b12_treatment is not None:  # T2g holds after a recent injection too (§J.12)
        out.append(
            words.from_test_rule("testing.no_retest_on_replacement", "test.t2g", "info", cat)
        )
    seen_flags: set[str] = set()
    next_tests: list[str] = []
    for reading in readings:
        out.append(words.lab_finding(reading, cat))
        for flag in reading.flags:
            note_id = FLAG_NOTES.get(flag)
            if note_id is not None and flag not in seen_flags and flag != "lab_reference_range":
                seen_flags.add(flag)
                out.append(
                    words.from_note(
                        _FLAG_CODES.get(flag) or f"flag.{flag}",
                        note_id,
                        _FLAG_SEVERITY.get(flag, "caution"),
                        cat,
                    )
                )
        next_tests.extend(reading.next_tests)
    for test in dict.fromkeys(next_tests):
        rule = _NEXT_TEST_RULES.get(test)
        if rule is not None:
            out.append(words.from_test_rule(f"next_test.{test}", rule, "caution", cat))
    if deficiency == "indeterminate":
        if context.has_symptoms and "mma" not in context.measured:
            out.append(words.from_note("treatment_trial", "note.indeterminate_no_mma", "info", cat))
        elif not context.has_symptoms:
            out.append(
                words.from_test_rule(
                    "indeterminate_no_symptoms", "test.indeterminate_no_symptoms", "info", cat
                )
            )
    if not context.measured.isdisjoint(B12_TESTS):
        out.append(words.from_note("assay_dependence", "note.assay_dependence", "info", cat))
    if profile.pregnant and deficiency in ("confirmed", "indeterminate", "discordant"):
        out.append(words.from_note("pregnancy_review", "note.pregnancy_review", "warning", cat))
    if treatment_finding is not None:
        out.append(treatment_finding)
    if profile.age >= _AGE_NOTE_FROM:
        out.append(words.from_note("age_prevalence", "note.age_prevalence", "info", cat))
    out.extend(pain_type_findings(profile.pain.types, cat))
    return tuple(out)


def _treatment_finding(treatment: Treatment, cat: Catalogue) -> Finding:
    regimen = cat.regimens[treatment.regimen_id]
    severity: Severity = "urgent" if regimen.id == "im_hydroxocobalamin_neuro" else "caution"
    return words.make(
        f"treatment.{regimen.id}",
        severity,
        f"Guidance for this situation: {regimen.plain}. Your clinician decides the treatment.",
        f"{regimen.rule}: {regimen.title} ({regimen.indication}).",
        treatment.citations,
    )


_NEXT_TEST_RULES = {
    "mma": "test.t2d",
    "homocysteine": "test.t2c",
    "active_b12": "test.t2b",
    "anti_intrinsic_factor_antibodies": "test.aif_antibodies",
}


def _urgency(
    flags: tuple[RedFlag, ...],
    found: tuple[Finding, ...],
    testing: Testing,
    treatment: Treatment | None,
) -> Urgency:
    rank = _URGENCY_RANK[
        "routine" if testing.status == "recommended" or treatment is not None else "none"
    ]
    for flag in flags:
        rank = min(rank, _URGENCY_RANK[flag.urgency])
    for finding in found:
        finding_rank = _SEVERITY_RANK[finding.severity]
        if finding_rank < rank:
            rank = finding_rank
    return URGENCY_ORDER[rank]


#: Position in `URGENCY_ORDER` (0 = most pressing) of an urgency, and of a finding's severity.
_URGENCY_RANK: dict[Urgency, int] = {u: i for i, u in enumerate(URGENCY_ORDER)}
_SEVERITY_RANK: dict[Severity, int] = {
    severity: _URGENCY_RANK[urgency] for severity, urgency in _SEVERITY_URGENCY.items()
}


#: Knowledge symptom counted for T1 when a neuropathic screen is positive (issue 3).
_SCREEN_SYMPTOM = "neuropathic_screen_positive"
_NO_INSTRUMENTS = InstrumentsForAssessment()


def _instruments(profile: Profile) -> InstrumentsForAssessment:
    """The profile's questionnaires scored, with the pain-type profile; `InputError` if bad."""
    if not profile.instruments:
        return _NO_INSTRUMENTS
    return instruments_for_assessment(profile.instruments)


def _pain_support_findings(linked: InstrumentsForAssessment) -> tuple[Finding, ...]:
    """What the evidence says about B12 for each pain type the questionnaires support."""
    return tuple(
        words.make(
            f"pain_support.{support.pain_type}",
            "info",
            support.summary,
            support.clinician_summary,
            support.citations,
        )
        for support in linked.pain_types
    )
