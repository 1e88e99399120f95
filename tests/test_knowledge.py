"""The clinical knowledge base: complete, cited, consistent, and loud when broken."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from b12pain.clinical.catalogue import catalogue
from b12pain.clinical.profile import ALLOWED_UNITS
from b12pain.knowledge import KnowledgeError, load
from b12pain.knowledge.loader import DATA_DIR, load_from
from b12pain.knowledge.schema import clinical

#: The clinical area's knowledge files (the bibliography `sources.yaml` is shared).
CLINICAL_FILES = (
    "clinical_notes.yaml",
    "codes.yaml",
    "conditions.yaml",
    "conversions.yaml",
    "dosage_tiers.yaml",
    "follow_up.yaml",
    "lab_limits.yaml",
    "lab_tests.yaml",
    "medicines.yaml",
    "pain_types.yaml",
    "parameters.yaml",
    "plan.yaml",
    "red_flags.yaml",
    "regimens.yaml",
    "risk_factors.yaml",
    "symptoms.yaml",
    "testing.yaml",
    "thresholds.yaml",
)

SPEC_SOURCE_KEYS = [
    "NG239-OV",
    "NG239-R1",
    "NG239-CTX",
    "NG239-RAT",
    "NG239-BMJ",
    "NG239-DRAFT",
    "NG239-SPS",
    "NWLP",
    "PULSE",
    "NASGP",
    "RUH",
    "NBT",
    "BNSSG",
    "BSH-2014",
    "BSH-NOTE",
    "CKS-2020",
    "BNF-HYDROXO",
    "DG-FORM",
    "MEHT",
    "ODS-ARCH",
    "ODS-T2",
    "ODS-QF",
    "ODS-ABS",
    "ODS-INT",
    "IOM-1998",
    "EFSA-2015",
    "ADA-SOC",
    "MHRA-2022",
    "CG150",
    "SNOOP",
    "BMJBP-CES",
    "CKS-SCI-OLD",
    "LOTHIAN",
    "MAYO-MMA",
    "MAYO-B12",
    "MAYO-FOL",
    "ARUP",
    "UHN-MMA",
    "BASPATH",
    "FDA-LBL",
    "USCORE",
    "HEALTHASSURE",
    "CDS4CPM",
    "PDDI",
    "AAFP-2025",
]

CONTRACT_SYMPTOMS = [
    "tingling",
    "numbness",
    "burning",
    "shooting_pain",
    "muscle_weakness",
    "poor_balance",
    "fatigue",
    "pale_skin",
    "shortness_of_breath",
    "dizziness",
    "mouth_ulcers",
    "memory_problems",
    "confusion",
    "visual_changes",
    "depression",
    "anxiety",
    "glossitis",
    "angular_cheilitis",
    "unsteady_gait",
    "positive_romberg",
    "reduced_vibration_sense",
    "widespread_pain",
    "headache",
    "saddle_numbness",
    "urinary_retention",
    "bladder_dysfunction",
    "bowel_dysfunction",
    "bilateral_leg_weakness",
    "sexual_dysfunction",
    "bilateral_sciatica",
    "foot_drop",
    "thunderclap_headache",
    "headache_with_fever",
    "new_neurological_deficit",
    "impaired_consciousness",
    "breathless_at_rest",
    "chest_pain",
    "rapidly_progressive_symptoms",
    "unexplained_weight_loss",
    "fever",
    "history_of_cancer",
]

CONTRACT_CONDITIONS = [
    "type1_diabetes",
    "type2_diabetes",
    "diabetic_neuropathy",
    "peripheral_neuropathy",
    "autoimmune_gastritis",
    "coeliac",
    "crohns",
    "ileal_resection",
    "gastrectomy",
    "bariatric_surgery",
    "abdominal_pelvic_radiotherapy",
    "autoimmune_thyroid",
    "sjogrens",
    "renal_impairment",
    "alcohol_excess",
    "family_history_b12_deficiency",
    "sciatica",
    "back_pain",
    "fibromyalgia",
    "migraine",
]


def test_every_spec_source_is_in_the_bibliography() -> None:
    sources = load().sources
    for key in SPEC_SOURCE_KEYS:
        assert key.lower() in sources, key
    assert {"seed-article", "b12pain-policy"} <= set(sources)
    assert sources["seed-article"].level == "S"


def test_threshold_entries_read_by_cohort() -> None:
    kb = load()
    expected = {
        "threshold.total_b12.ng_l": ("total_b12", "ng/L", 180, 350),
        "threshold.total_b12.pmol_l": ("total_b12", "pmol/L", 133, 258),
        "threshold.active_b12.pmol_l": ("active_b12", "pmol/L", 25, 70),
    }
    for entry_id, (analyte, unit, low, high) in expected.items():
        entry = kb.typed(entry_id, clinical.Threshold)
        assert (entry.analyte, entry.unit, entry.deficiency_below, entry.unlikely_above) == (
            analyte,
            unit,
            low,
            high,
        )
        assert entry.citations
    conversion = kb.typed("conversion.total_b12.pmol_to_ng", clinical.Conversion)
    assert conversion.factor == 1.355
    assert [c.source for c in conversion.citations] == ["baspath"]


def test_contract_ids_exist() -> None:
    cat = catalogue()
    assert set(CONTRACT_SYMPTOMS) <= set(cat.symptoms)
    assert set(CONTRACT_CONDITIONS) <= set(cat.conditions)
    assert set(ALLOWED_UNITS) <= set(cat.lab_tests)


def test_seed_lists_are_complete() -> None:
    cat = catalogue()
    neuropathic = {s for s, e in cat.symptoms.items() if "seed_neuropathic" in e.lists}
    general = {s for s, e in cat.symptoms.items() if "seed_general" in e.lists}
    assert neuropathic == {
        "tingling",
        "numbness",
        "burning",
        "shooting_pain",
        "muscle_weakness",
        "poor_balance",
    }
    assert {
        "fatigue",
        "pale_skin",
        "shortness_of_breath",
        "dizziness",
        "mouth_ulcers",
        "memory_problems",
        "confusion",
        "tingling",
        "numbness",
    } <= general
    assert set(cat.pain_types) == {
        "diabetic_neuropathy",
        "sciatica",
        "peripheral_neuropathy",
        "back_pain",
        "fibromyalgia",
        "migraine",
        "other",
    }
    assert {p.id for p in cat.plan_items} == {
        f"plan.{n}"
        for n in (
            "exercise",
            "diet",
            "stress",
            "sleep",
            "pain_medicines",
            "physical_therapy",
            "nerve_blocks",
            "surgery",
        )
    }
    # R1-R8 of §B.1, plus metformin (§J.8, NHS Lothian) and the cited options for an unknown cause.
    assert {r.rule for r in cat.regimens.values()} == {f"R{i}" for i in range(1, 9)} | {
        "R-metformin",
        "R-choice",
    }
    assert {f.rule for f in cat.follow_up.values()} == {"F1", "F2", "F3", "F4"}
    rules = {r.rule for r in cat.test_rules.values()}
    assert {"T1", "T2a", "T2b", "T2c", "T2d", "T2e", "T2f", "T2g", "T2h"} <= rules


def test_references_between_entries_resolve() -> None:
    cat = catalogue()
    for rule in cat.red_flags:
        assert set(rule.any_of) | set(rule.context_symptoms) <= set(cat.symptoms), rule.id
    for regimen in cat.regimens.values():
        assert set(regimen.cautions) <= set(cat.notes), regimen.id
    medicine_keys = set(cat.medicines) | {m.group for m in cat.medicines.values() if m.group}
    for factor in cat.risk_factors:
        if factor.category == "medicine":
            assert set(factor.matches) <= medicine_keys, factor.id
        elif factor.category in ("condition", "surgery", "family_history"):
            assert set(factor.matches) <= set(cat.conditions), factor.id
    for tier in cat.tiers:
        assert set(tier.closest_regimens) <= set(cat.regimens), tier.id
    for synonym_map in (cat.symptom_names, cat.condition_names, cat.medicine_names):
        assert all(re.fullmatch(r"[a-z0-9_]+", key) for key in synonym_map)


def test_unverified_items_are_notes_only() -> None:
    kb = load()
    unverified = [e for e in kb if e.unverified and e.kind in _kind_names()]
    assert unverified, "the age-prevalence note is shipped as a visible unverified note"
    assert {e.kind for e in unverified} == {"note"}


def test_codes_carry_verification() -> None:
    codes = load().of_kind("code", clinical.TerminologyCode)
    assert {c.verification for c in codes} <= {"verified", "partly"}
    assert {c.code for c in codes} >= {"2132-9", "13964-2", "23056005", "7646"}
    assert "11248" not in {c.code for c in codes}  # cyanocobalamin RxNorm is UNVERIFIED


def test_disclaimer_lives_in_knowledge() -> None:
    assert "not medical advice" in (catalogue().note("disclaimer").text or "").lower()


# --- broken copies fail loudly, naming file, line and key --------------------------------------


@pytest.fixture
def clinical_copy(tmp_path: Path) -> Path:
    """A copy of the bibliography and the clinical knowledge files only."""
    target = tmp_path / "data"
    target.mkdir()
    for name in ("sources.yaml", *CLINICAL_FILES):
        shutil.copy(DATA_DIR / name, target)
    return target


def _kind_names() -> set[str]:
    from b12pain.knowledge.schema import ENTRY_KINDS

    return {name for name, model in ENTRY_KINDS.items() if model.__module__ == clinical.__name__}


def test_copy_loads(clinical_copy: Path) -> None:
    assert "threshold.total_b12.ng_l" in load_from(clinical_copy).entries


def test_unknown_source_is_named_with_file_line_and_key(clinical_copy: Path) -> None:
    path = clinical_copy / "thresholds.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('sources: ["nwlp#<25', 'sources: ["no-such-source#<25'), encoding="utf-8"
    )
    with pytest.raises(KnowledgeError) as caught:
        load_from(clinical_copy)
    err = caught.value
    assert err.file.endswith("thresholds.yaml")
    assert err.key == "threshold.active_b12.pmol_l.sources"
    line = next(
        i for i, s in enumerate(text.splitlines(), 1) if "id: threshold.active_b12.pmol_l" in s
    )
    assert err.line == line
    assert "no-such-source" in str(err)


def test_unused_source_fails(clinical_copy: Path) -> None:
    path = clinical_copy / "sources.yaml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + "  - {id: orphan, title: Orphan, organisation: x, level: S}\n",
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeError, match="never cited: orphan"):
        load_from(clinical_copy)


def test_bad_field_names_file_line_and_key(clinical_copy: Path) -> None:
    path = clinical_copy / "regimens.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("route: oral", "route: nasal", 1), encoding="utf-8"
    )
    with pytest.raises(KnowledgeError) as caught:
        load_from(clinical_copy)
    assert caught.value.key == "oral_cyanocobalamin_dietary"
    assert caught.value.line is not None and "route" in caught.value.message


def test_unverified_rule_is_refused(clinical_copy: Path) -> None:
    path = clinical_copy / "regimens.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("    rule: R1\n", "    rule: R1\n    unverified: true\n", 1), encoding="utf-8"
    )
    with pytest.raises(KnowledgeError, match="cannot be unverified"):
        load_from(clinical_copy)


def test_yaml_syntax_error_names_line(clinical_copy: Path) -> None:
    path = clinical_copy / "plan.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5] + " ]["
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_from(clinical_copy)
    assert caught.value.file.endswith("plan.yaml") and caught.value.line is not None


def test_duplicate_id_fails(clinical_copy: Path) -> None:
    path = clinical_copy / "plan.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("id: plan.stress", "id: plan.diet"),
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeError, match="duplicate id"):
        load_from(clinical_copy)


def test_thresholds_must_be_ordered(clinical_copy: Path) -> None:
    path = clinical_copy / "thresholds.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("unlikely_above: 350", "unlikely_above: 100"),
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeError, match="deficiency_below must not exceed"):
        load_from(clinical_copy)


def test_every_entry_cites_a_known_source_and_every_source_is_cited() -> None:
    kb = load()
    cited = set()
    for entry in kb:
        assert entry.citations, entry.id
        for citation in entry.citations:
            assert citation.source in kb.sources, (entry.id, citation.source)
            cited.add(citation.source)
    assert cited == set(kb.sources)


def test_clinical_citation_levels_match_their_sources() -> None:
    kb = load()
    for entry in kb:
        if entry.kind in _kind_names():
            for citation in entry.citations:
                assert citation.level == kb.sources[citation.source].level, entry.id
