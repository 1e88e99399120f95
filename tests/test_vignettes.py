"""The 12 worked vignettes of clinical-spec §G, one data file each in `tests/vignettes/`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from b12pain import assess, parse_profile
from b12pain.clinical.result import Assessment

VIGNETTES = sorted((Path(__file__).parent / "vignettes").glob("*.yaml"))


def _reading(assessment: Assessment, test: str) -> Any:
    return next(r for r in assessment.labs if r.test == test)


def test_all_twelve_vignettes_are_present() -> None:
    assert len(VIGNETTES) == 12


@pytest.mark.parametrize("path", VIGNETTES, ids=lambda p: p.stem)
def test_vignette(path: Path) -> None:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    today = (
        case["today"]
        if isinstance(case["today"], dt.date)
        else dt.date.fromisoformat(case["today"])
    )
    result = assess(parse_profile(case["profile"]), today)
    expect: dict[str, Any] = case["expect"]
    if "testing" in expect:
        assert result.testing.status == expect["testing"]
    if "monitoring_suggested" in expect:
        assert result.testing.monitoring_suggested is expect["monitoring_suggested"]
    if "tests_first" in expect:
        assert result.testing.tests[0] == expect["tests_first"]
    if "tests_include" in expect:
        assert set(expect["tests_include"]) <= set(result.testing.tests)
    if "testing_citations_include" in expect:
        cited = {c.source for c in result.testing.citations}
        assert set(expect["testing_citations_include"]) <= cited
    for test, sources in expect.get("lab_citations_include", {}).items():
        assert set(sources) <= {c.source for c in _reading(result, test).citations}
    for test, band in expect.get("bands", {}).items():
        assert _reading(result, test).band == band
    for test, tests in expect.get("next_tests", {}).items():
        assert list(_reading(result, test).next_tests) == tests
    for test, flags in expect.get("flags", {}).items():
        assert set(flags) <= set(_reading(result, test).flags)
    for test, unit in expect.get("reference_unit", {}).items():
        assert _reading(result, test).reference_unit == unit
    for test, (low, high) in expect.get("display_ng_l", {}).items():
        reading = _reading(result, test)
        assert reading.equivalent_unit == "ng/L"
        assert low <= reading.equivalent_value <= high
    if "deficiency" in expect:
        assert result.deficiency == expect["deficiency"]
    if "neurological_involvement" in expect:
        assert result.neurological_involvement is expect["neurological_involvement"]
    if "red_flags" in expect:
        assert [f.id for f in result.red_flags] == expect["red_flags"]
    if "urgency" in expect:
        assert result.urgency == expect["urgency"]
    assert result.urgency not in expect.get("urgency_not", [])
    if "regimen" in expect:
        regimen = result.treatment.regimen_id if result.treatment else None
        assert regimen == expect["regimen"]
    if "alternatives_include" in expect:
        assert result.treatment is not None
        assert set(expect["alternatives_include"]) <= set(result.treatment.alternatives)
    if "review_after_days" in expect:
        assert result.treatment is not None
        assert result.treatment.review_after_days == expect["review_after_days"]
    if "lifelong" in expect:
        assert result.treatment is not None
        assert result.treatment.lifelong is expect["lifelong"]
    for tier, agreement in expect.get("tier_agreement", {}).items():
        assert result.treatment is not None
        tiers = {t.id: t for t in result.treatment.consumer_tiers}
        assert tiers[tier].agreement == agreement
    for text in expect.get("treatment_notes_include", []):
        assert result.treatment is not None
        assert any(text in note.lower() for note in result.treatment.notes)
    if "maintenance_includes" in expect:
        assert result.treatment is not None
        assert expect["maintenance_includes"] in result.treatment.maintenance
    codes = {f.code for f in result.findings}
    for code in expect.get("findings_include", []):
        assert code in codes
    # every vignette: every clinical statement is cited, red flags come first in urgency
    assert all(f.citations for f in result.findings)
    assert all(lab.citations for lab in result.labs)
    assert result.disclaimer
