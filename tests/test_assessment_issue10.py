"""Issue 10 regressions: each "What is wrong today" bullet, profile in, expected result out
(clinical-spec §J). Run through the same `assess` the CLI, the web and the reports call, and
through `b12pain assess FILE` where the bullet is about what people read."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from b12pain import assess, parse_profile
from b12pain.clinical.dosing import check_recorded_dose, check_scheduled_dose
from b12pain.clinical.result import Assessment
from b12pain.knowledge import load
from b12pain.presentation.assessment import footnotes_for

TODAY = dt.date(2026, 11, 24)


def assessed(**data: Any) -> Assessment:
    return assess(parse_profile({"age": 45, **data}), TODAY)


def flag_ids(result: Assessment) -> list[str]:
    return [f.id for f in result.red_flags]


def run_cli(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    profile: dict[str, Any],
    *extra: str,
) -> tuple[int, str]:
    from b12pain.cli.errors import run_guarded
    from b12pain.cli.main import app

    path = tmp_path / "profile.yaml"
    path.write_text(yaml.safe_dump(profile), encoding="utf-8")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setattr(
        sys, "argv", ["b12pain", "assess", str(path), "--today", "2026-11-24", *extra]
    )
    code = run_guarded(app)
    return code, capsys.readouterr().out


def flat(text: str) -> str:
    """Terminal output as one line of words (panel borders and line breaks removed)."""
    return " ".join(text.translate({ord(c): " " for c in "│╭╮╰╯─┃┏┓┗┛━┡┩╇┳┻╋├┤┼"}).split())


# -- Bullet 1: cauda equina features missed outside pain.types back pain ----------------------
@pytest.mark.parametrize(
    "where",
    [
        {"pain": {"types": ["fibromyalgia"]}},
        {"pain": {"types": ["other"]}},
        {"conditions": ["back_pain"]},
        {},
    ],
    ids=["fibromyalgia", "pain_type_other", "back_pain_as_condition", "nothing_recorded"],
)
def test_saddle_numbness_and_new_bladder_problems_are_an_emergency_anywhere(
    where: dict[str, Any],
) -> None:
    result = assessed(symptoms=["saddle_numbness", "bladder_dysfunction"], **where)
    assert result.urgency == "emergency"
    assert flag_ids(result)[0] == "cauda_equina"


def test_weakness_in_both_legs_with_bowel_incontinence_is_an_emergency() -> None:
    result = assessed(symptoms=["weakness in both legs", "bowel incontinence"])
    assert result.urgency == "emergency"
    flag = result.red_flags[0]
    assert flag.id == "cauda_equina"
    assert set(flag.triggered_by) == {"bilateral_leg_weakness", "bowel_dysfunction"}


def test_sexual_dysfunction_is_reported_with_cauda_equina_but_never_fires_alone() -> None:
    with_feature = assessed(symptoms=["saddle_numbness", "sexual_dysfunction"])
    assert "sexual_dysfunction" in with_feature.red_flags[0].triggered_by
    assert "cauda_equina" not in flag_ids(assessed(symptoms=["sexual_dysfunction"]))


# -- Bullet 2: known pernicious anaemia + posterior-column signs, no blood test: routine -----------
def test_pernicious_anaemia_with_neuro_signs_and_no_lab_is_urgent() -> None:
    result = assessed(
        age=60,
        conditions=["pernicious_anaemia"],
        symptoms=["unsteady_gait", "positive_romberg", "reduced_vibration_sense"],
    )
    assert result.urgency == "urgent"
    assert flag_ids(result) == ["b12_neurological_suspected"]
    assert result.neurological_involvement is True
    flag = result.red_flags[0]
    assert "lothian-b12" in {c.source for c in flag.citations}
    assert "same day emergency admission" in flag.action  # Lothian note, for clinicians
    assert "retained ankle reflexes" in flag.action


def test_suspected_neurological_flag_needs_a_b12_risk() -> None:
    assert "b12_neurological_suspected" not in flag_ids(assessed(symptoms=["unsteady_gait"]))
    for risk in (
        {"diet": "vegan"},
        {"conditions": ["previous_b12_deficiency"]},
        {"b12_treatment": {"route": "oral"}},
    ):
        assert "b12_neurological_suspected" in flag_ids(assessed(symptoms=["confusion"], **risk))


def test_paraesthesia_alone_with_a_risk_factor_stays_the_safer_confirmed_reading() -> None:
    """§J.2: tingling/numbness with a risk factor is not itself urgent without a deficiency."""
    result = assessed(diet="vegan", symptoms=["tingling"])
    assert result.red_flags == ()
    low = assessed(
        diet="vegan",
        symptoms=["tingling"],
        labs=[{"test": "total_b12", "value": 120, "unit": "ng/L"}],
    )
    assert flag_ids(low) == ["b12_neurological"]


# -- Bullet 3: total B12 15 ng/L read as implausible ------------------------------------------------
def test_very_low_total_b12_is_deficiency_not_implausible() -> None:
    result = assessed(
        diet="vegan",
        symptoms=["unsteady_gait"],
        labs=[{"test": "total_b12", "value": 15, "unit": "ng/L"}],
    )
    assert result.labs[0].band == "deficiency_confirmed"
    assert "implausible_value" not in result.labs[0].flags
    assert result.deficiency == "confirmed"
    assert result.urgency == "urgent"
    assert result.treatment is not None
    assert result.treatment.regimen_id == "im_hydroxocobalamin_neuro"
    assert flag_ids(result) == ["b12_neurological"]
    assert not any(e.id == "limit.total_b12.implausible_low" for e in load())


def test_upper_plausibility_limits_stay_policy() -> None:
    high = assessed(labs=[{"test": "total_b12", "value": 25000, "unit": "ng/L"}])
    assert high.labs[0].band == "not_interpretable" and high.labs[0].evidence == "policy"


# -- Bullet 4: plain output shows the clinician action; says "Deficiency: confirmed" --------------
CAUDA_PROFILE = {"age": 45, "symptoms": ["saddle_numbness"], "pain": {"types": ["fibromyalgia"]}}
LOW_B12_PROFILE = {
    "age": 45,
    "diet": "vegan",
    "symptoms": ["fatigue"],
    "labs": [{"test": "total_b12", "value": 140, "unit": "ng/L"}],
}


def test_plain_output_shows_the_plain_red_flag_summary(monkeypatch, capsys, tmp_path) -> None:
    code, out = run_cli(monkeypatch, capsys, tmp_path, CAUDA_PROFILE)
    assert code == 0
    flat_out = flat(out)
    assert "Go to an emergency department now (in the UK: A&E or call 999)" in flat_out
    assert "immediate referral to hospital, to be seen within a few hours" not in flat_out


def test_clinician_output_shows_the_action(monkeypatch, capsys, tmp_path) -> None:
    code, out = run_cli(monkeypatch, capsys, tmp_path, CAUDA_PROFILE, "--clinician")
    assert code == 0
    assert "immediate referral to hospital" in flat(out)


def test_plain_output_never_says_deficiency_confirmed(monkeypatch, capsys, tmp_path) -> None:
    code, out = run_cli(monkeypatch, capsys, tmp_path, LOW_B12_PROFILE)
    assert code == 0
    words = flat(out).lower()
    assert "deficiency: confirmed" not in words and "deficiency confirmed" not in words
    assert "in the range nice uses for b12 deficiency" in words
    assert "a clinician confirms the diagnosis" in words


def test_json_keeps_the_contract_band_names(monkeypatch, capsys, tmp_path) -> None:
    code, out = run_cli(monkeypatch, capsys, tmp_path, LOW_B12_PROFILE, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["labs"][0]["band"] == "deficiency_confirmed"
    assert data["deficiency"] == "confirmed"


# -- Bullet 5: a dated injection schedule without any blood test ----------------------------------
def test_no_dated_schedule_without_a_blood_test() -> None:
    result = assessed(
        age=60, conditions=["autoimmune_gastritis"], symptoms=["unsteady_gait", "fatigue"]
    )
    assert result.treatment is not None and result.treatment.schedule == ()
    assert result.before_treatment is not None
    assert result.before_treatment.status == "bloods_then_treat"
    assert "without waiting" in result.before_treatment.summary
    assert result.before_treatment.tests[0] == "total_b12"


def test_tests_first_when_a_test_is_recommended_and_there_is_no_result() -> None:
    result = assessed(diet="vegan", symptoms=["fatigue"])
    assert result.treatment is None
    assert result.before_treatment is not None
    assert result.before_treatment.status == "tests_first"
    assert "radar-brisdoc" in {c.source for c in result.before_treatment.citations}
    with_result = assessed(
        diet="vegan",
        symptoms=["fatigue"],
        labs=[{"test": "total_b12", "value": 140, "unit": "ng/L"}],
    )
    assert with_result.before_treatment is None
    assert with_result.treatment is not None and with_result.treatment.schedule


def test_a_result_taken_after_an_injection_does_not_count_as_a_result() -> None:
    result = assessed(
        conditions=["autoimmune_gastritis"],
        symptoms=["unsteady_gait"],
        b12_treatment={"route": "im", "last_dose": "2026-11-20"},
        labs=[{"test": "total_b12", "value": 900, "unit": "ng/L", "date": "2026-11-22"}],
    )
    assert result.labs[0].band == "not_interpretable"
    assert result.treatment is not None and result.treatment.schedule == ()


# -- Bullet 6: nitrous oxide medical_recent ignored; homocysteine-only first test ---------------------
def test_medical_nitrous_oxide_with_neuro_symptoms_is_treated_as_exposure() -> None:
    result = assessed(
        age=30, nitrous_oxide="medical_recent", symptoms=["numbness", "unsteady_gait"]
    )
    assert "nitrous_oxide_neurological" in flag_ids(result)
    assert result.urgency == "urgent"
    assert set(result.testing.tests) >= {"homocysteine", "mma"}
    assert any(c.level == "policy" for c in result.red_flags[0].citations)


def test_medical_nitrous_oxide_without_neuro_symptoms_changes_nothing() -> None:
    plain = assessed(age=30, symptoms=["fatigue"])
    medical = assessed(age=30, nitrous_oxide="medical_recent", symptoms=["fatigue"])
    assert medical.testing.tests == plain.testing.tests
    assert medical.red_flags == ()


def test_nitrous_oxide_first_test_is_homocysteine_or_mma() -> None:
    result = assessed(age=25, nitrous_oxide="recreational", symptoms=["tingling"])
    assert result.testing.tests[:2] == ("homocysteine", "mma")
    sources = {c.source for c in result.testing.citations}
    assert "radar-brisdoc" in sources


# -- Bullet 7: MMA read against a fixed 0.40; "deficiency confirmed" from a marker ----------------------
def test_mma_is_read_against_the_labs_own_upper_limit() -> None:
    result = assessed(
        symptoms=["fatigue"],
        labs=[{"test": "mma", "value": 0.35, "unit": "umol/L", "reference_high": 0.28}],
    )
    reading = result.labs[0]
    assert reading.band == "raised"
    assert "lab_reference_limit" in reading.flags
    assert "iatrox-ng239" in {c.source for c in reading.citations}
    default = assessed(labs=[{"test": "mma", "value": 0.35, "unit": "umol/L"}]).labs[0]
    assert default.band == "within_range" and "default_reference_limit" in default.flags
    assert default.evidence == "policy"


def test_raised_mma_or_homocysteine_alone_never_confirms_deficiency() -> None:
    for test, value in (("mma", 0.9), ("homocysteine", 40)):
        result = assessed(
            symptoms=["fatigue"], labs=[{"test": test, "value": value, "unit": "umol/L"}]
        )
        assert result.labs[0].band == "raised"
        assert result.deficiency != "confirmed"
        assert any(f.code == "flag.raised_functional_marker" for f in result.findings)


def test_raised_mma_with_indeterminate_b12_and_symptoms_is_the_combined_judgement() -> None:
    labs = [
        {"test": "total_b12", "value": 250, "unit": "ng/L"},
        {"test": "mma", "value": 0.5, "unit": "umol/L"},
    ]
    assert assessed(symptoms=["fatigue"], diet="vegan", labs=labs).deficiency == "confirmed"
    assert assessed(labs=labs).deficiency == "indeterminate"  # no symptoms


# -- Bullet 8: 999,999 µg accepted; import smuggles a made-up regimen; 1000 µg tablet refused ----------
def test_dose_checks_refuse_999999_and_made_up_regimens_and_accept_a_1000_ug_tablet() -> None:
    kb = load()
    assert not check_scheduled_dose(
        kb, "oral_cyanocobalamin_malabsorption", 999999, "oral", 1
    ).inside
    made_up = check_scheduled_dose(kb, "my_regimen", 999999, "im")
    assert [p.field for p in made_up.problems] == ["regimen_id"]
    assert check_recorded_dose(kb, 1000, "tablet", "oral").inside
    assert not check_recorded_dose(kb, 999999, "injection", "im").inside


# -- Bullet 9: metformin 6 y, burning feet, neuropathy → "not indicated … you have a risk factor" -------
def test_metformin_with_burning_feet_and_neuropathy_is_test_recommended() -> None:
    result = assessed(
        age=62,
        medications=[{"name": "metformin", "duration": "6y"}],
        symptoms=["burning"],
        pain={"types": ["diabetic_neuropathy"]},
    )
    testing = result.testing
    assert testing.status == "recommended"
    assert testing.tests[0] == "total_b12"
    assert {"ada-soc", "mhra-dsu-2022"} <= {c.source for c in testing.citations}
    assert not any("none of the listed symptoms" in r for r in testing.reasons)


def test_metformin_with_neuropathy_recorded_as_condition_is_test_recommended() -> None:
    result = assessed(medications=["metformin"], conditions=["peripheral_neuropathy"])
    assert result.testing.status == "recommended"


def test_not_indicated_lists_no_tests() -> None:
    result = assessed(age=62, medications=[{"name": "metformin", "duration": "6y"}])
    assert result.testing.status == "not_indicated"
    assert result.testing.tests == ()
    assert result.testing.monitoring_suggested


def test_no_risk_factor_is_never_told_it_has_one() -> None:
    result = assessed()
    assert result.testing.status == "not_indicated"
    assert not any("you have a risk factor" in r.lower() for r in result.testing.reasons)
    assert any("none of the symptoms or risk factors" in r for r in result.testing.reasons)


# -- Bullet 12: numbered citations without the numbered list --------------------------------------------
def test_every_number_shown_is_in_the_printed_source_list(monkeypatch, capsys, tmp_path) -> None:
    code, out = run_cli(monkeypatch, capsys, tmp_path, LOW_B12_PROFILE)
    assert code == 0
    result = assess(parse_profile(LOW_B12_PROFILE), TODAY)
    notes = footnotes_for(result)
    listed = notes.sources(load())
    assert listed and [line.number for line in listed] == list(range(1, len(listed) + 1))
    words = flat(out)
    assert "Sources" in out
    for line in listed:
        assert f"{line.number}. {line.source}" in words


# -- Bullet 13: metformin without neuro gets injections from an uncited "unknown cause" default ----------
def test_metformin_deficiency_without_neuro_gets_the_cited_lothian_dose() -> None:
    result = assessed(
        medications=[{"name": "metformin", "duration": "6y"}],
        symptoms=["fatigue"],
        labs=[{"test": "total_b12", "value": 150, "unit": "ng/L"}],
    )
    assert result.treatment is not None
    assert result.treatment.regimen_id == "oral_cyanocobalamin_metformin"
    assert "lothian-b12" in {c.source for c in result.treatment.citations}


def test_unknown_cause_shows_the_options_not_an_uncited_default() -> None:
    result = assessed(
        symptoms=["fatigue"], labs=[{"test": "total_b12", "value": 150, "unit": "ng/L"}]
    )
    treatment = result.treatment
    assert treatment is not None and treatment.regimen_id == "options_unknown_cause"
    assert treatment.schedule == ()
    assert set(treatment.alternatives) == {
        "oral_cyanocobalamin_malabsorption",
        "im_hydroxocobalamin_no_neuro",
    }
    assert "clinician chooses" in treatment.summary


def test_monitoring_is_not_suggested_for_any_metformin_use() -> None:
    assert not assessed(
        medications=[{"name": "metformin", "duration": "1y"}]
    ).testing.monitoring_suggested


# -- §J.10 and §J.12 -------------------------------------------------------------------------------------
def test_unverified_items_are_not_rules() -> None:
    for medicine in ("pregabalin", "topiramate"):
        assert assessed(medications=[medicine]).testing.status == "not_indicated"
    aig = assessed(
        conditions=["autoimmune_gastritis"],
        symptoms=["fatigue"],
        labs=[{"test": "total_b12", "value": 150, "unit": "ng/L"}],
    )
    assert aig.treatment is not None and aig.treatment.alternatives == ()
    assert any("unverified" in note for note in aig.treatment.notes)
    kb = load()
    n2o = kb.get("nitrous_oxide_related")
    assert "ng239-draft" not in {c.source for c in n2o.citations}
    assert kb.get("note.indeterminate_no_mma").unverified
    progressive = kb.get("neuropathy_progressive")
    assert progressive.note is None


def test_no_retest_on_replacement_even_after_a_recent_injection() -> None:
    result = assessed(
        diet="vegan",
        symptoms=["fatigue"],
        b12_treatment={"route": "im", "last_dose": "2026-11-20"},
        labs=[{"test": "total_b12", "value": 900, "unit": "ng/L", "date": "2026-11-22"}],
    )
    assert result.testing.status != "recommended"
    assert any(f.code == "testing.no_retest_on_replacement" for f in result.findings)


def test_no_retest_rule_is_policy_not_the_superseded_page() -> None:
    """§J.12: no current page says T2g, so it is labelled b12pain policy (UNVERIFIED in
    guidance), never cited to the superseded BNSSG interim page."""
    rule = load().get("test.t2g")
    assert {(c.source, c.level) for c in rule.citations} == {("b12pain-policy", "policy")}
    assert "UNVERIFIED" in rule.text  # type: ignore[attr-defined]
    result = assessed(diet="vegan", b12_treatment={"route": "oral"})
    assert result.testing.status == "not_indicated"
    assert {c.source for c in result.testing.citations} >= {"b12pain-policy"}
    assert "bnssg" not in {c.source for c in result.testing.citations}
    finding = next(f for f in result.findings if f.code == "testing.no_retest_on_replacement")
    assert finding.evidence == "policy"
    assert "bnssg" not in {c.source for c in finding.citations}


def test_the_combined_pill_caveat_says_its_only_source_was_superseded() -> None:
    """The COCP caution's only source is the superseded BNSSG page (the spec names no other):
    it stays cited, and the clinician is told current support is UNVERIFIED."""
    note = load().get("note.cocp_caveat")
    assert {c.source for c in note.citations} == {"bnssg"}
    assert "UNVERIFIED" in note.clinician_text and "superseded" in note.clinician_text  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "regimen_id",
    [
        "im_hydroxocobalamin_no_neuro",
        "im_hydroxocobalamin_neuro",
        "im_lifelong_autoimmune_gastritis",
    ],
)
def test_leber_caution_with_every_hydroxocobalamin_regimen(regimen_id: str) -> None:
    assert "caution.leber" in load().get(regimen_id).cautions  # type: ignore[attr-defined]


def test_efsa_child_values_only_for_children() -> None:
    from b12pain.clinical.intake import dietary_notes

    adult = dietary_notes("omnivore", "eu", age=40)
    child = dietary_notes("omnivore", "eu", age=5)
    assert not any(n.unverified for n in adult)
    assert any(n.unverified for n in child)


def test_total_b12_bands_cite_the_a3_sources() -> None:
    kb = load()
    for threshold in ("threshold.total_b12.ng_l", "threshold.total_b12.pmol_l"):
        sources = {c.source for c in kb.get(threshold).citations}
        assert "nwlp" not in sources and "droracle-ng239" in sources


def test_pregnancy_caveat_cites_the_current_pages() -> None:
    kb = load()
    sources = {c.source for c in kb.get("note.pregnancy_caveat").citations}
    assert {"bnssg-2025", "glos-active-b12"} <= sources and "bnssg" not in sources
    assert "bnssg" not in {c.source for c in kb.get("test.t2b").citations}


# -- §J.11: the §E.2 and §E.3 red flags ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "flag", "urgency"),
    [
        (
            {"symptoms": ["history_of_cancer"], "pain": {"types": ["back_pain"]}},
            "spinal_serious_pathology",
            "urgent",
        ),
        (
            {"symptoms": ["long_term_steroids"], "conditions": ["back_pain"]},
            "spinal_serious_pathology",
            "urgent",
        ),
        (
            {"symptoms": ["night_pain"], "pain": {"types": ["sciatica"]}},
            "spinal_serious_pathology",
            "urgent",
        ),
        (
            {"symptoms": ["widespread_neurology"], "pain": {"types": ["other"]}},
            "spinal_serious_pathology",
            "urgent",
        ),
        ({"age": 55, "symptoms": ["new_back_pain"]}, "spinal_new_pain_age", "urgent"),
        ({"age": 15, "symptoms": ["new_back_pain"]}, "spinal_new_pain_age", "urgent"),
        ({"symptoms": ["suspected_spinal_infection"]}, "spinal_urgent", "urgent"),
        ({"symptoms": ["suspected_spinal_fracture"]}, "spinal_urgent", "urgent"),
        ({"symptoms": ["deteriorating_radiculopathy"]}, "spinal_urgent", "urgent"),
        ({"symptoms": ["foot_drop"]}, "spinal_urgent", "urgent"),
        ({"symptoms": ["thunderclap_headache"]}, "headache_thunderclap", "emergency"),
        ({"symptoms": ["impaired_consciousness"]}, "headache_thunderclap", "emergency"),
        ({"symptoms": ["headache", "new_neurological_deficit"]}, "headache_emergency", "emergency"),
        ({"symptoms": ["neck_stiffness", "fever"]}, "headache_meningism", "emergency"),
        ({"symptoms": ["headache_with_fever"]}, "headache_urgent", "urgent"),
        ({"symptoms": ["orthostatic_headache"]}, "headache_urgent", "urgent"),
        ({"symptoms": ["giant_cell_arteritis_symptoms"]}, "headache_urgent", "urgent"),
        ({"symptoms": ["acute_glaucoma_symptoms"]}, "headache_urgent", "urgent"),
        ({"symptoms": ["headache_triggered_by_exertion"]}, "headache_urgent", "urgent"),
        ({"symptoms": ["headache", "personality_change"]}, "headache_change", "urgent"),
        (
            {"conditions": ["migraine"], "symptoms": ["recent_head_trauma"]},
            "headache_change",
            "urgent",
        ),
        ({"symptoms": ["headache", "headache_pattern_change"]}, "headache_change", "urgent"),
        (
            {"symptoms": ["new_headache", "compromised_immunity"]},
            "headache_new_onset_risk",
            "urgent",
        ),
        (
            {"symptoms": ["new_headache", "unexplained_vomiting"]},
            "headache_new_onset_risk",
            "urgent",
        ),
    ],
)
def test_e2_and_e3_red_flags(data: dict[str, Any], flag: str, urgency: str) -> None:
    result = assessed(**data)
    found = {f.id: f for f in result.red_flags}
    assert flag in found and found[flag].urgency == urgency
    assert found[flag].citations
    if flag.startswith("headache_"):
        assert found[flag].urgency_is_tool_decision  # the split is policy (§E.3)
        assert any(c.level == "policy" for c in found[flag].citations)


@pytest.mark.parametrize(
    "data",
    [
        {"symptoms": ["history_of_cancer"]},  # not a back-pain feature without back pain
        {"age": 40, "symptoms": ["new_back_pain"]},  # age 16-50
        {"symptoms": ["neck_stiffness"]},  # without fever
        {"symptoms": ["compromised_immunity"]},  # without a new headache
        {"symptoms": ["personality_change"]},  # without headache (and no B12 risk)
    ],
)
def test_context_bound_flags_need_their_context(data: dict[str, Any]) -> None:
    ids = set(flag_ids(assessed(**data)))
    assert ids.isdisjoint(
        {
            "spinal_serious_pathology",
            "spinal_new_pain_age",
            "headache_meningism",
            "headache_new_onset_risk",
            "headache_change",
        }
    )


def test_quick_lab_reading_plain_words_never_say_deficiency_confirmed(monkeypatch, capsys) -> None:
    from b12pain.cli.errors import run_guarded
    from b12pain.cli.main import app

    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setattr(sys, "argv", ["b12pain", "labs", "total_b12", "150", "ng/L"])
    assert run_guarded(app) == 0
    words = flat(capsys.readouterr().out).lower()
    assert "deficiency confirmed" not in words
    assert "in the range nice uses for b12 deficiency" in words


def test_regimen_command_lists_only_regimens_with_cited_doses(monkeypatch, capsys) -> None:
    """`b12pain regimen` uses the same decision as every plan path (`clinical.dosing`)."""
    from b12pain.cli.errors import run_guarded
    from b12pain.cli.main import app
    from b12pain.clinical.dosing import schedulable_regimens

    monkeypatch.setattr(sys, "argv", ["b12pain", "regimen", "--json"])
    assert run_guarded(app) == 0
    listed = [row["id"] for row in json.loads(capsys.readouterr().out)["regimens"]]
    assert listed == list(schedulable_regimens(load()))
    assert "oral_cyanocobalamin_metformin" in listed and "options_unknown_cause" not in listed


def test_the_limit_a_marker_was_read_against_does_not_raise_urgency() -> None:
    result = assessed(labs=[{"test": "mma", "value": 0.2, "unit": "umol/L"}])
    assert result.labs[0].band == "within_range"
    assert result.urgency == "none"
    policy = next(f for f in result.findings if f.code == "flag.default_reference_limit")
    assert policy.severity == "info" and policy.evidence == "policy"
