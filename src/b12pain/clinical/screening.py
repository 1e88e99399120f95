"""Who should be tested for B12 deficiency, why, and with which test first (clinical-spec §A.1-A.2).

Core rule T1 (NG239): at least one common symptom or sign AND at least one common risk factor →
`recommended`. Metformin with neuropathy or nerve symptoms → `recommended` too (ADA, MHRA;
§J.13). A symptom alone → `clinician_judgement` (AAFP 2025); a risk factor alone, or neither →
`not_indicated`; under 16 → `out_of_scope`; on B12 replacement → `not_indicated` (T2g: do not
re-test, §J.12). One answer (§J.13): `not_indicated` lists no tests, and the reasons say only
what is true of the person. Periodic monitoring is suggested with long-term metformin or
metformin with another risk factor (MHRA, ADA; §J.8). Pain types by themselves are not B12
symptoms (§A.1 implementation decision).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import NamedTuple

from b12pain.clinical.catalogue import Catalogue, catalogue
from b12pain.clinical.profile import Profile
from b12pain.clinical.result import Testing, TestingStatus, trusted
from b12pain.clinical.triage import nitrous_oxide_exposed
from b12pain.clinical.vocabulary import medicine_group
from b12pain.knowledge.schema.clinical import RiskFactor

#: Order in which a cause steers the regimen when several risk factors are present.
CAUSE_PRIORITY = (
    "autoimmune_gastritis",
    "malabsorption_irreversible",
    "nitrous_oxide",
    "malabsorption",
    "dietary",
    "metformin",
)
#: Nerve symptoms that, with metformin, make a B12 test recommended (ADA, MHRA; §J.13).
NEUROPATHIC_SYMPTOMS = ("burning", "tingling", "numbness", "shooting_pain")
NEUROPATHY_IDS = ("diabetic_neuropathy", "peripheral_neuropathy")
_NEUROPATHIC_SET = frozenset(NEUROPATHIC_SYMPTOMS)
_NEUROPATHY_SET = frozenset(NEUROPATHY_IDS)


class RiskProfile(NamedTuple):
    """The risk factors a profile matches, with the medicines/conditions that matched them."""

    factors: tuple[RiskFactor, ...]
    matched_by: tuple[tuple[str, str], ...]
    t1_symptoms: tuple[str, ...]
    on_metformin: bool
    #: The most specific likely cause (worked out once with the factors; see `cause`).
    likely_cause: str | None = None
    #: The ids of `factors`, in the same order.
    factor_ids: tuple[str, ...] = ()

    def with_symptoms(self, *labels: str) -> RiskProfile:
        """A copy counting more features for T1, e.g. a positive DN4 screen (`"dn4 positive"`);
        labels that are not symptom ids are shown as given in the reasons."""
        combined = tuple(dict.fromkeys(self.t1_symptoms + labels))
        return self._replace(t1_symptoms=combined)

    @property
    def cause(self) -> str | None:
        """The most specific likely cause among the matched risk factors (None if none)."""
        return self.likely_cause


def risk_profile(profile: Profile, cat: Catalogue | None = None) -> RiskProfile:
    """Match a profile's diet, medicines, conditions and nitrous oxide use to risk factors."""
    cat = cat or catalogue()
    medicines = tuple([m.name for m in profile.medications]) if profile.medications else ()
    factors, matched, cause, ids = _risk_factors(
        profile.diet, profile.nitrous_oxide, medicines, profile.conditions, cat
    )
    t1 = cat.t1_ids.intersection(profile.symptoms)
    # Positional, in field order: a named tuple built from keywords costs about three times as much.
    return RiskProfile(
        factors,
        matched,  # matched_by
        tuple(sorted(t1, key=cat.symptom_rank.__getitem__)) if t1 else (),  # t1_symptoms
        "metformin" in medicines,  # on_metformin
        cause,  # likely_cause
        ids,  # factor_ids
    )


@lru_cache(maxsize=16384)
def _risk_factors(
    diet: str,
    nitrous_oxide: str,
    medicines: tuple[str, ...],
    conditions: tuple[str, ...],
    cat: Catalogue,
) -> tuple[tuple[RiskFactor, ...], tuple[tuple[str, str], ...], str | None, tuple[str, ...]]:
    keys: list[tuple[str, str]] = [("diet", diet), ("nitrous_oxide", nitrous_oxide)]
    for medicine in medicines:
        keys.append(("medicine", medicine))
        keys.append(("medicine", medicine_group(medicine, cat)))
    for condition in conditions:
        keys.extend(
            (category, condition) for category in ("condition", "surgery", "family_history")
        )
    found: dict[str, RiskFactor] = {}
    matched: list[tuple[str, str]] = []
    for key in keys:
        factor = cat.risk_by_match.get(key)
        if factor is not None:
            found.setdefault(factor.id, factor)
            matched.append((factor.id, key[1]))
    causes = {f.cause for f in found.values() if f.cause}
    cause = next((c for c in CAUSE_PRIORITY if c in causes), None)
    return tuple(found.values()), tuple(dict.fromkeys(matched)), cause, tuple(found)


def first_tests(profile: Profile, cat: Catalogue | None = None) -> tuple[str, ...]:
    """Which tests first (§A.2, §J.5): homocysteine or MMA after nitrous oxide exposure (T2c),
    active B12 in pregnancy (T2b), otherwise total B12 (T2a); folate alongside (T2h)."""
    return _FIRST_TESTS[_first_test_case(profile, cat)]


#: Which-test-first case → (tests, the rules that say so).
_FIRST_TESTS = {
    "nitrous_oxide": ("homocysteine", "mma", "folate"),
    "pregnant": ("active_b12", "folate"),
    "default": ("total_b12", "folate"),
}
_FIRST_TEST_RULES = {
    "nitrous_oxide": ("test.t2c", "test.t2h"),
    "pregnant": ("test.t2b", "test.t2h"),
    "default": ("test.t2a", "test.t2h"),
}


def _first_test_case(profile: Profile, cat: Catalogue | None) -> str:
    if profile.nitrous_oxide != "none" and nitrous_oxide_exposed(profile, cat):
        return "nitrous_oxide"
    return "pregnant" if profile.pregnant else "default"


def screen(
    profile: Profile, today: dt.date, cat: Catalogue | None = None, risks: RiskProfile | None = None
) -> Testing:
    """Whether a B12 test is indicated for this person, which tests, and the reasons with citations."""
    cat = cat or catalogue()
    return testing_for(testing_inputs(profile, today, cat, risks or risk_profile(profile, cat)))


#: Everything the testing answer depends on, as plain hashable values (see `testing_inputs`).
TestingInputs = tuple[
    bool,
    tuple[str, ...],
    tuple[str, ...],
    bool,
    bool,
    tuple[str, ...],
    bool,
    tuple[str, ...],
    tuple[str, ...],
    Catalogue,
]


def testing_for(inputs: TestingInputs) -> Testing:
    """The testing answer for `testing_inputs(...)` (not memoised here: `assess` memoises it
    with its finding on the same values)."""
    return _testing(*inputs)


def testing_inputs(
    profile: Profile, today: dt.date, cat: Catalogue, risks: RiskProfile
) -> TestingInputs:
    """The few values about a person that decide the testing answer: adult, T1 symptoms, risk
    factor ids, metformin (long-term, with nerve symptoms), on replacement, which tests first and
    the rules that say so, and the catalogue. A memo key: equal inputs give an equal answer."""
    long_term_days = cat.metformin_long_term_days
    metformin_long_term = False
    nerve: tuple[str, ...] = ()
    if risks.on_metformin:
        metformin_long_term = any(
            m.name == "metformin" and (m.days_taken(today) or 0) >= long_term_days
            for m in profile.medications
        )
        if not _NEUROPATHIC_SET.isdisjoint(profile.symptoms):
            nerve = tuple(s for s in NEUROPATHIC_SYMPTOMS if s in profile.symptoms)
        elif not (
            _NEUROPATHY_SET.isdisjoint(profile.pain.types)
            and _NEUROPATHY_SET.isdisjoint(profile.conditions)
        ):
            nerve = ("neuropathy",)
    case = _first_test_case(profile, cat)
    return (
        profile.age >= cat.min_age_years,
        risks.t1_symptoms,
        risks.factor_ids,
        risks.on_metformin,
        metformin_long_term,
        nerve,
        profile.b12_treatment is not None,
        _FIRST_TESTS[case],
        _FIRST_TEST_RULES[case],
        cat,
    )


def _testing(
    adult: bool,
    t1_symptoms: tuple[str, ...],
    factor_ids: tuple[str, ...],
    on_metformin: bool,
    metformin_long_term: bool,
    metformin_nerve: tuple[str, ...],
    on_replacement: bool,
    tests_first: tuple[str, ...],
    test_rules: tuple[str, ...],
    cat: Catalogue,
) -> Testing:
    if not adult:
        rule = cat.test_rules["test.out_of_scope"]
        return Testing(status="out_of_scope", reasons=(rule.plain,), citations=rule.citations)
    status: TestingStatus
    if on_replacement:
        status, rule_id = "not_indicated", "test.t2g"
    elif t1_symptoms and factor_ids:
        status, rule_id = "recommended", "test.t1"
    elif metformin_nerve:
        status, rule_id = "recommended", "test.metformin_symptoms"
    elif t1_symptoms:
        status, rule_id = "clinician_judgement", "test.symptom_only"
    elif factor_ids:
        status, rule_id = "not_indicated", "test.risk_only"
    else:
        status, rule_id = "not_indicated", "test.none"
    rule_ids = [rule_id]
    reasons = [cat.test_rules[rule_id].plain]
    if status == "recommended" and rule_id == "test.t1" and metformin_nerve:
        rule_ids.append("test.metformin_symptoms")  # also ADA/MHRA: the same answer, more sources
    shown = tuple(dict.fromkeys((*t1_symptoms, *(s for s in metformin_nerve if s != "neuropathy"))))
    if shown:
        names = ", ".join(
            cat.symptoms[s].plain if s in cat.symptoms else s.replace("_", " ") for s in shown
        )
        reasons.append(f"Symptoms: {names}.")
    if factor_ids:
        plain = ", ".join(cat.risk_factor(f).plain for f in factor_ids)
        reasons.append(f"Risk factors: {plain}.")
    tests: tuple[str, ...] = ()
    if status != "not_indicated":
        tests = tests_first
        rule_ids.extend(test_rules)
    other_risk = any(f != "risk.metformin" for f in factor_ids)
    monitoring = on_metformin and (metformin_long_term or other_risk)
    if monitoring:
        rule_ids.append("test.metformin_monitoring")
        reasons.append(cat.test_rules["test.metformin_monitoring"].plain)
        if metformin_long_term:
            rule_ids.append("param.metformin_monitoring_years")
    # Every value is a literal above or comes from knowledge: built without re-validation
    # (`tests/test_assessment_trusted.py` checks it equals the validated object).
    return trusted(
        Testing,
        {
            "status": status,
            "monitoring_suggested": monitoring,
            "tests": tests,
            "reasons": tuple(reasons),
            "citations": cat.cite(*rule_ids, *factor_ids),
        },
    )
