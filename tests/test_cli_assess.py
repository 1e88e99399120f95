"""The assessment commands end to end: real files in, real output out, clean errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from b12pain.cli.errors import run_guarded
from b12pain.cli.main import app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "metformin-neuropathy.yaml"
BIN = Path(sys.executable).parent / "b12pain"


def cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str, stdin: str = ""
) -> tuple[int, str, str]:
    """Run `b12pain ARGS` in-process through the same guard as the console script."""
    import io

    monkeypatch.setattr(sys, "argv", ["b12pain", *args])
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = run_guarded(app)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_assess_json_follows_the_contract(monkeypatch, capsys) -> None:
    code, out, _ = cli(
        monkeypatch, capsys, "assess", str(EXAMPLE), "--today", "2026-11-24", "--json"
    )
    assert code == 0
    result = json.loads(out)
    assert result["schema"] == "b12pain.assessment/1"
    assert result["testing"]["status"] == "recommended"
    assert result["testing"]["monitoring_suggested"] is True
    assert result["labs"][0]["band"] == "indeterminate"
    assert "mma" in result["labs"][0]["next_tests"]
    assert result["urgency"] in {"routine", "none"}
    assert result["disclaimer"]
    for finding in result["findings"]:
        assert finding["citations"], finding["code"]


def test_assess_text_shows_red_flags_before_anything_else(tmp_path, monkeypatch, capsys) -> None:
    profile = tmp_path / "p.yaml"
    profile.write_text(
        "age: 50\nsymptoms: [saddle_numbness, urinary_retention, tingling]\npain: {types: [back_pain]}\n"
    )
    code, out, _ = cli(monkeypatch, capsys, "assess", str(profile), "--today", "2026-11-24")
    assert code == 0
    assert "RED FLAG" in out
    assert out.index("RED FLAG") < out.index("Testing")
    assert "Not medical advice" in out


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("age: 130\n", "age: 130;"),
        (
            "age: 40\nlabs:\n  - {test: total_b12, value: 210}\n",
            "labs[0].unit: missing; one of ng/L, pg/mL, pmol/L, ng/mL",
        ),
        ("age: 40\nlabs:\n  - {test: total_b12, value: -3, unit: ng/L}\n", "labs[0].value: -3;"),
        (
            "age: 40\nlabs:\n  - {test: vitamin_q, value: 3, unit: ng/L}\n",
            "labs[0].test: 'vitamin_q';",
        ),
        ("age: 40\nsymptoms: [glowing]\n", "'glowing'"),
        ("age: [\n", "not valid YAML or JSON"),
    ],
)
def test_bad_profiles_exit_2_with_field_value_and_rule(
    tmp_path, monkeypatch, capsys, content, expected
) -> None:
    profile = tmp_path / "bad.yaml"
    profile.write_text(content)
    code, out, err = cli(monkeypatch, capsys, "assess", str(profile))
    assert code == 2
    assert expected in err
    assert "Traceback" not in err + out


def test_bad_profile_json_errors_list(tmp_path, monkeypatch, capsys) -> None:
    profile = tmp_path / "bad.json"
    profile.write_text(
        json.dumps({"age": -1, "labs": [{"test": "mma", "value": 1, "unit": "ng/L"}]})
    )
    code, out, _ = cli(monkeypatch, capsys, "assess", str(profile), "--json")
    assert code == 2
    errors = json.loads(out)["errors"]
    fields = {e["field"] for e in errors}
    assert {"age", "labs[0].unit"} <= fields
    assert all({"field", "value", "message"} <= set(e) for e in errors)


def test_missing_file_and_bad_date_are_clean_errors(monkeypatch, capsys) -> None:
    code, _, err = cli(monkeypatch, capsys, "assess", "/nonexistent/profile.yaml")
    assert code == 2 and "no such file" in err
    code, _, err = cli(monkeypatch, capsys, "assess", str(EXAMPLE), "--today", "24/11/2026")
    assert code == 2 and "--today: '24/11/2026'; a date as YYYY-MM-DD" in err


def test_console_script_never_shows_a_traceback(tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("age: 200\n")
    done = subprocess.run(
        [str(BIN), "assess", str(bad)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert "age: 200;" in done.stderr
    assert "Traceback" not in done.stderr


def test_quick_lab_reading_in_pmol_per_litre(monkeypatch, capsys) -> None:
    code, out, _ = cli(monkeypatch, capsys, "labs", "total_b12", "133", "pmol/L", "--json")
    assert code == 0
    reading = json.loads(out)["labs"][0]
    assert reading["band"] == "indeterminate"  # 133 is not below 133 (clinical-spec §G #5)
    assert reading["unit"] == "pmol/L"


def test_quick_lab_reading_with_mma_option(monkeypatch, capsys) -> None:
    code, out, _ = cli(
        monkeypatch, capsys, "labs", "total_b12", "179", "ng/L", "--mma", "0.5", "umol/L", "--json"
    )
    assert code == 0
    labs = {r["test"]: r for r in json.loads(out)["labs"]}
    assert labs["total_b12"]["band"] == "deficiency_confirmed"
    assert labs["mma"]["band"] == "raised"  # above the default upper limit 0.40 (§J.6)


def test_quick_lab_reading_bad_unit(monkeypatch, capsys) -> None:
    code, _, err = cli(monkeypatch, capsys, "labs", "active_b12", "30", "ng/L")
    assert code == 2
    assert "labs[0].unit: 'ng/L'" in err and "pmol/L" in err


def test_regimen_schedule_uses_only_the_cited_dose(monkeypatch, capsys) -> None:
    code, out, _ = cli(
        monkeypatch,
        capsys,
        "regimen",
        "im_hydroxocobalamin_no_neuro",
        "--start",
        "2026-12-01",
        "--json",
    )
    assert code == 0
    payload = json.loads(out)
    doses = [s for s in payload["schedule"] if s["kind"] == "dose"]
    assert doses[0]["date"] == "2026-12-01"
    assert len([d for d in doses if "loading" in d["what"]]) == 6  # 3 a week for 2 weeks
    assert {d["dose"] for d in doses} == {"1 mg"}
    assert payload["citations"]


def test_regimen_unknown_id(monkeypatch, capsys) -> None:
    code, _, err = cli(monkeypatch, capsys, "regimen", "megadose")
    assert code == 2 and "REGIMEN: 'megadose'" in err


def test_guided_check_builds_a_profile_and_assesses(tmp_path, monkeypatch, capsys) -> None:
    answers = [
        *("", "", ""),  # red flags (back/bladder/legs, headache, anything else): none
        "58",  # age
        "1",  # female
        "n",
        "n",  # not pregnant, not breastfeeding
        "1",  # omnivore
        "1",  # metformin
        "5y",  # for 5 years
        "2",  # type 2 diabetes
        "n",  # no recreational nitrous oxide
        "n",  # no recent medical nitrous oxide
        "1,3",  # tingling, burning
        "1",  # fatigue
        "1",  # diabetic neuropathy
        "6",  # NRS
        "y",
        "1",
        "210",
        "ng/L",
        "2026-11-01",  # one lab
        "n",  # no more labs
    ]
    saved = tmp_path / "profile.yaml"
    code, out, _ = cli(
        monkeypatch,
        capsys,
        "check",
        "--save",
        str(saved),
        "--today",
        "2026-11-24",
        "--json",
        stdin="\n".join(answers) + "\n",
    )
    assert code == 0, out
    import yaml

    profile = yaml.safe_load(saved.read_text())
    assert profile["age"] == 58 and profile["medications"] == [
        {"name": "metformin", "duration": "5y"}
    ]
    assert profile["symptoms"] == ["tingling", "burning", "fatigue"]
    result = json.loads(out[out.index("{") :])
    assert result["testing"]["status"] == "recommended"
    assert result["labs"][0]["band"] == "indeterminate"


def test_guided_check_asks_again_for_a_test_date_it_cannot_use(monkeypatch, capsys) -> None:
    """A test date that is not a date, or lies after today, is asked again at once."""
    answers = [
        *("", "", "", "58", "1", "n", "n", "1", "", "", "n", "n", "", "", "", ""),  # … no NRS
        *("y", "1", "150", "ng/L"),  # one total B12 result
        *("14/03/2026", "2026-11-25", "2026-11-20"),  # not ISO, after today, then fine
        "n",
    ]
    code, out, err = cli(
        monkeypatch,
        capsys,
        "check",
        "--today",
        "2026-11-24",
        "--json",
        stdin="\n".join(answers) + "\n",
    )
    assert code == 0, (out, err)
    assert "YYYY-MM-DD" in err and "after today (2026-11-24)" in err
    result = json.loads(out[out.index("{") :])
    assert result["labs"][0]["date"] == "2026-11-20"


def test_quick_lab_reading_dated_after_today_is_refused(monkeypatch, capsys) -> None:
    code, _, err = cli(
        monkeypatch,
        capsys,
        "labs",
        "total_b12",
        "150",
        "ng/L",
        "--date",
        "2026-12-02",
        "--today",
        "2026-12-01",
    )
    assert code == 2 and "error: --date: '2026-12-02'" in err and "2026-12-01" in err


def test_guided_check_can_go_back_and_reanswer(monkeypatch, capsys) -> None:
    answers = ["", "", "", "40", "b", "", "41", "2", "1", "", "", "n", "n", "", "", "", "", "n"]
    code, out, _ = cli(monkeypatch, capsys, "check", "--json", stdin="\n".join(answers) + "\n")
    assert code == 0, out
    result = json.loads(out[out.index("{") :])
    assert result["testing"]["status"] in {"not_indicated", "clinician_judgement"}


def test_guided_check_ctrl_c_leaves_cleanly(tmp_path) -> None:
    # End of input behaves like Ctrl-C/Ctrl-D: a clean exit with no traceback and nothing saved.
    saved = tmp_path / "p.yaml"
    done = subprocess.run(
        [str(BIN), "check", "--save", str(saved)],
        input="",
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 130
    assert "Traceback" not in done.stderr
    assert not saved.exists()


def test_quick_lab_reading_with_symptoms_advises_mma(monkeypatch, capsys) -> None:
    code, out, _ = cli(
        monkeypatch, capsys, "labs", "total_b12", "210", "ng/L", "--symptoms", "--json"
    )
    assert code == 0
    assert json.loads(out)["labs"][0]["next_tests"] == ["mma"]
    code, out, _ = cli(monkeypatch, capsys, "labs", "total_b12", "210", "ng/L", "--json")
    assert json.loads(out)["labs"][0]["next_tests"] == []


def test_treatment_shows_schedule_and_the_articles_tiers_beside_it(monkeypatch, capsys) -> None:
    example = ROOT / "examples" / "vegan-low-b12.yaml"
    code, out, _ = cli(monkeypatch, capsys, "assess", str(example), "--today", "2026-11-24")
    assert code == 0
    assert "oral_cyanocobalamin_dietary" in out and "by mouth" in out
    assert "2026-11-24" in out  # first dose on the start date
    assert "partly agrees" in out  # the seed's 1000-2000 mcg tier beside R1
    assert out.index("Treatment to discuss") < out.rindex("Not medical advice")


def test_guided_check_asks_about_every_red_flag_feature_first() -> None:
    from b12pain.cli.guided_check import GuidedCheck, options_from_knowledge
    from b12pain.knowledge import load

    options, _ = options_from_knowledge(load())
    from test_knowledge import CONTRACT_SYMPTOMS  # CONTRACT.md ids; red flags come last

    contract_red_flags = set(CONTRACT_SYMPTOMS[CONTRACT_SYMPTOMS.index("saddle_numbness") :])
    assert len(contract_red_flags) == 18  # the CONTRACT.md red-flag features
    assert contract_red_flags <= set(options.red_flags)
    asked: list[str] = []

    def ask(prompt: str) -> str:
        asked.append(prompt)
        if "age" in prompt:
            raise KeyboardInterrupt  # only the order of the first questions matters here
        return ""

    check = GuidedCheck(ask=ask, say=asked.append, options=options)
    with pytest.raises(KeyboardInterrupt):
        check.run()
    first_question = next(line for line in asked if "?" in line)
    assert "urgent" in first_question
    assert any("age" in line for line in asked)  # red flags were asked before anything else
