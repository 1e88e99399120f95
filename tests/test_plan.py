"""Pain-management plan: the seed's lifestyle and medical items as cited points to discuss."""

from __future__ import annotations

from b12pain.clinical.plan import pain_type_findings, plan_for


def test_all_seed_items_for_back_pain() -> None:
    plan = plan_for(["back_pain"])
    ids = [p.id for p in plan]
    assert ids == [
        "plan.exercise",
        "plan.diet",
        "plan.stress",
        "plan.sleep",
        "plan.pain_medicines",
        "plan.physical_therapy",
        "plan.nerve_blocks",
        "plan.surgery",
    ]
    assert all(p.citations and p.why and p.discuss for p in plan)


def test_lifestyle_first_then_medical() -> None:
    groups = [p.group for p in plan_for(["fibromyalgia"])]
    assert groups == sorted(groups, key=lambda g: g != "lifestyle")


def test_surgery_and_nerve_blocks_only_where_relevant() -> None:
    ids = {p.id for p in plan_for(["fibromyalgia"])}
    assert "plan.surgery" not in ids
    assert "plan.nerve_blocks" not in ids
    assert "plan.surgery" in {p.id for p in plan_for(["sciatica"])}


def test_no_pain_no_plan() -> None:
    assert plan_for([]) == ()


def test_pain_type_evidence_is_labelled_secondary_and_cites_the_seed() -> None:
    findings = pain_type_findings(["migraine", "diabetic_neuropathy", "migraine"])
    assert [f.code for f in findings] == ["pain_type.migraine", "pain_type.diabetic_neuropathy"]
    for finding in findings:
        assert "seed-article" in {c.source for c in finding.citations}
        assert finding.evidence == "secondary"
        assert finding.summary and finding.clinician_summary


def test_unknown_pain_type_has_no_evidence_finding() -> None:
    assert pain_type_findings(["not_a_pain_type"]) == ()
