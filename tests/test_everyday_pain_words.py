"""Where it hurts and what it is like, in people's words (issue 13): the head (front, back, each
side), neck, elbows and knees are body regions; singular and plural forms are understood; pain
descriptors take the symptom table's synonyms ("pins and needles"), one source of truth."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from b12pain.clinical.vocabulary import resolve
from b12pain.errors import InputError
from b12pain.journal import Journal
from b12pain.journal.pain_words import BODY_REGIONS, PAIN_TYPES, pain_type_id, region_ids
from b12pain.service import diary
from b12pain.service.context import Context
from servicekit import context


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[Context]:
    with Journal.open(f"sqlite:///{tmp_path / 'journal.sqlite'}") as store:
        yield context(store)


def test_head_neck_elbows_and_knees_are_regions() -> None:
    new = {"head_front", "head_back", "head_side_left", "head_side_right", "neck"}
    new |= {"elbow_left", "elbow_right", "knee_left", "knee_right"}
    assert new <= set(BODY_REGIONS)


@pytest.mark.parametrize(
    ("word", "regions"),
    [
        ("left knee", ("knee_left",)),
        ("Knee Right", ("knee_right",)),
        ("knees", ("knee_left", "knee_right")),
        ("both elbows", ("elbow_left", "elbow_right")),
        ("right elbow", ("elbow_right",)),
        ("foot", ("feet",)),
        ("hand", ("hands",)),
        ("forehead", ("head_front",)),
        ("back of the head", ("head_back",)),
        ("temples", ("head_side_left", "head_side_right")),
        ("left temple", ("head_side_left",)),
        ("head", ("head_front", "head_back", "head_side_left", "head_side_right")),
        ("Lower back", ("lower_back",)),
        ("lower_back", ("lower_back",)),
        ("neck", ("neck",)),
        ("calves", ("lower_leg_left", "lower_leg_right")),
    ],
)
def test_region_words(word: str, regions: tuple[str, ...]) -> None:
    assert region_ids(word) == regions


def test_a_part_with_two_sides_named_without_one_is_asked_about() -> None:
    with pytest.raises(ValueError, match="'left knee', 'right knee', or 'knees' for both"):
        region_ids("knee")


@pytest.mark.parametrize(
    ("word", "pain_type"),
    [
        ("burning", "burning"),
        ("Burning pain", "burning"),
        ("pins and needles", "tingling"),
        ("prickling", "tingling"),
        ("numb", "numbness"),
        ("sharp pain", "shooting"),
        ("stabbing pain", "stabbing"),
        ("electric shock pain", "shooting"),
    ],
)
def test_pain_words_take_the_symptom_synonyms(word: str, pain_type: str) -> None:
    assert pain_type_id(word) == pain_type


def test_every_symptom_synonym_that_names_a_pain_type_is_taken() -> None:
    """One source of truth: the words come from knowledge/symptoms.yaml, not a second list."""
    from b12pain.clinical.catalogue import catalogue

    for name, symptom in catalogue().symptom_names.items():
        kind = symptom.removesuffix("_pain")
        if symptom in PAIN_TYPES or kind in PAIN_TYPES:
            assert pain_type_id(name) in PAIN_TYPES, name
            assert resolve("symptom", name) == symptom


def test_a_pain_entry_in_everyday_words(ctx: Context) -> None:
    entry = diary.PainInput(
        5,
        regions=["left knee", "knees", "back of the head", "foot"],
        pain_type="pins and needles",
        descriptors=["burning pain", "numb", "burning"],
    )
    saved = diary.log_pain(ctx, entry)
    assert saved.regions == ("knee_left", "knee_right", "head_back", "feet")  # type: ignore[attr-defined]
    assert saved.pain_type == "tingling"  # type: ignore[attr-defined]
    assert saved.descriptors == ("burning", "numbness")  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("entry", "field", "words"),
    [
        (diary.PainInput(5, regions=["feet", "knee"]), "regions[1]", "left knee"),
        (diary.PainInput(5, regions=["spleen"]), "regions[0]", "one of head_front"),
        (diary.PainInput(5, descriptors=["sparkly"]), "descriptors[0]", "pins and needles"),
        (diary.PainInput(5, pain_type="sharpish"), "pain_type", "one of burning"),
    ],
)
def test_unknown_words_are_refused_by_item(
    ctx: Context, entry: diary.PainInput, field: str, words: str
) -> None:
    with pytest.raises(InputError) as refused:
        diary.log_pain(ctx, entry)
    (problem,) = refused.value.problems
    assert problem.field == field and words in problem.message
    assert diary.list_entries(ctx) == []


def test_the_web_body_map_draws_every_region() -> None:
    """The body map's SVG has a control for every region id (the checkbox list comes from the
    same tuple)."""
    template = Path(__file__).parents[1] / "src/b12pain/web/templates/partials/body_map.html"
    drawn = re.findall(r'region\("(\w+)"', template.read_text("utf-8"))
    assert sorted(drawn) == sorted(BODY_REGIONS)


def test_the_cli_takes_region_and_descriptor_words(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import json
    import sys

    from b12pain.cli.errors import run_guarded
    from b12pain.cli.main import app

    args = ["log", "pain", "6", "--regions", "left knee,head", "--descriptors", "pins and needles"]
    monkeypatch.setattr(sys, "argv", ["b12pain", *args, "--json"])
    assert run_guarded(app) == 0
    saved = json.loads(capsys.readouterr().out)["saved"]
    assert saved["regions"][0] == "knee_left" and "head_side_right" in saved["regions"]
    assert saved["descriptors"] == ["tingling"]


def test_an_edit_takes_one_word_for_a_list_field(ctx: Context) -> None:
    saved = diary.log_pain(ctx, diary.PainInput(5, regions=["feet"]))
    changes = diary.EntryChanges({"regions": "knees", "descriptors": "pins and needles"})
    edited = diary.edit_entry(ctx, saved.uid, changes)
    assert edited.regions == ("knee_left", "knee_right")  # type: ignore[attr-defined]
    assert edited.descriptors == ("tingling",)  # type: ignore[attr-defined]


def test_regions_read_side_first_where_people_read_them(ctx: Context) -> None:
    from b12pain.journal.pain_words import region_words
    from b12pain.presentation.entries import describe

    saved = diary.log_pain(ctx, diary.PainInput(4, regions=["knee_left", "head_back", "neck"]))
    assert describe(saved) == "pain 4/10 in left knee, back of the head, neck"
    assert region_words("head_side_right") == "right side of the head"
    assert region_words("shoulder_girdle_left") == "left shoulder"
