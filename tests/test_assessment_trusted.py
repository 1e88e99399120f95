"""Objects `assess` builds without re-validation (`clinical.result.trusted`) equal validated ones.

The hot path builds `Assessment`, `LabReading`, `Testing`, and lab and testing `Finding` objects
with `trusted` for speed (issues 2 and 10). Each must be exactly what pydantic validation would have built: same fields in
the same order, same value types, citations present, literals in range.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from b12pain import assess, parse_profile
from b12pain.clinical.result import Assessment

sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
from generate_profiles import generate_profiles

TODAY = dt.date(2026, 11, 24)
VIGNETTES = sorted((Path(__file__).parent / "vignettes").glob("*.yaml"))


def assert_same_as_validated(obj: BaseModel) -> None:
    validated = type(obj).model_validate(obj.model_dump(by_alias=True))
    assert validated == obj
    assert list(validated.__dict__) == list(obj.__dict__)
    assert [type(v) for v in validated.__dict__.values()] == [
        type(v) for v in obj.__dict__.values()
    ]
    assert repr(validated) == repr(obj)
    assert validated.model_dump_json() == obj.model_dump_json()


def check_assessment(profile: dict[str, Any], today: dt.date = TODAY) -> Assessment:
    result = assess(parse_profile(profile), today)
    assert_same_as_validated(result)
    assert_same_as_validated(result.testing)
    for reading in result.labs:
        assert_same_as_validated(reading)
        assert reading.citations
    for finding in result.findings:
        assert_same_as_validated(finding)
        assert finding.citations
    return result


def test_generated_profiles_build_the_same_objects_as_validation() -> None:
    for profile in generate_profiles(300, seed=11):
        check_assessment(profile)


@pytest.mark.parametrize("path", VIGNETTES, ids=lambda p: p.stem)
def test_vignettes_build_the_same_objects_as_validation(path: Path) -> None:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    today = case["today"]
    check_assessment(case["profile"], today if isinstance(today, dt.date) else TODAY)


def test_less_common_labs_and_instruments_build_the_same_objects() -> None:
    result = check_assessment(
        {
            "age": 70,
            "sex": "female",
            "symptoms": ["tingling", "fatigue"],
            "medications": [{"name": "metformin", "duration": "6y"}],
            "b12_treatment": {"route": "im", "last_dose": "2026-11-20"},
            "labs": [
                {"test": "total_b12", "value": 150, "unit": "ng/L", "reference_low": 180},
                {"test": "haemoglobin", "value": 95, "unit": "g/L", "reference_low": 120},
                {
                    "test": "mcv",
                    "value": 90,
                    "unit": "fL",
                    "reference_low": 80,
                    "reference_high": 100,
                },
                {"test": "homocysteine", "value": 30, "unit": "umol/L"},
            ],
            "instruments": {"nrs": {"nrs": 6, "baseline": 8}},
        }
    )
    assert result.instruments and len(result.labs) == 4
    assert any(f.code.startswith("lab.haemoglobin") for f in result.findings)
