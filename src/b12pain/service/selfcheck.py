"""The self-check: the ordered questions (red-flag questions first), the profile they build, and
the red flags the answers raise so far (clinical-spec §J.13).

Shared by the web app's self-check and the CLI guided check (`b12pain check`), so both ask the
same questions in the same order and show a red flag as soon as its question is answered, before
any further question (the person may then continue or stop). Pure: no I/O, no clock.

Red-flag features are asked in three questions (back, bladder, bowel and legs; headache; anything
else), each feature in the question its `self_check` in knowledge/data/symptoms.yaml names,
features of emergency flags first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, get_args

from b12pain.clinical.catalogue import build_catalogue
from b12pain.clinical.profile import Diet, LabTest, PainType, Profile
from b12pain.clinical.result import URGENCY_ORDER, RedFlag
from b12pain.clinical.triage import red_flags
from b12pain.knowledge import KnowledgeBase
from b12pain.knowledge.schema.clinical import Condition, Medicine, RedFlagRule, Symptom

__all__ = [
    "RED_FLAG_ANSWERS",
    "Question",
    "QuestionOptions",
    "answers_to_profile",
    "options_from_knowledge",
    "questions",
    "red_flag_questions",
    "red_flags_so_far",
]

#: The answers key that holds every red-flag feature picked (all red-flag questions together).
RED_FLAG_ANSWERS = "red_flag_answers"

_GROUP_TEXT = {
    "spine": "Back, bladder, bowel and legs: do you have any of these now?",
    "head": "Headache: do you have any of these now?",
    "general": "Anything else that needs urgent care: do you have any of these now?",
}
_GROUP_ORDER = ("spine", "head", "general")

QuestionKind = Literal["many", "one", "yes_no", "number", "labs"]
#: Pain types that are asked about as pain, not again as conditions.
_PAIN_CONDITIONS = frozenset(get_args(PainType))


@dataclass(frozen=True)
class QuestionOptions:
    """The choices offered at each question, in order (ids from knowledge and the profile model)."""

    red_flags: tuple[str, ...]
    nerve_symptoms: tuple[str, ...]
    general_symptoms: tuple[str, ...]
    medicines: tuple[str, ...]
    conditions: tuple[str, ...]
    diets: tuple[str, ...] = get_args(Diet)
    pain_types: tuple[str, ...] = get_args(PainType)
    lab_tests: tuple[str, ...] = get_args(LabTest)


def options_from_knowledge(kb: KnowledgeBase) -> tuple[QuestionOptions, dict[str, str]]:
    """The question choices and their readable titles, read from the knowledge base.

    Red-flag features, the seed's nerve symptoms, the seed's and NG239's other symptoms, the
    risk-factor medicines (not B12 itself) and conditions (pain types are asked separately).
    """
    symptoms = kb.of_kind("symptom", Symptom)

    def listed(*lists: str) -> tuple[str, ...]:
        return tuple(e.id for e in symptoms if set(e.lists) & set(lists))

    nerve = listed("seed_neuropathic")
    medicines = kb.of_kind("medicine", Medicine)
    # A class id (e.g. `ppi`) is not offered when its members (omeprazole …) are listed.
    classes_with_members = {e.group for e in medicines if e.group and e.id != e.group}
    options = QuestionOptions(
        red_flags=listed("red_flag"),
        nerve_symptoms=nerve,
        general_symptoms=tuple(s for s in listed("seed_general", "ng239") if s not in nerve),
        medicines=tuple(
            e.id for e in medicines if e.group != "b12" and e.id not in classes_with_members
        ),
        conditions=tuple(
            e.id for e in kb.of_kind("condition", Condition) if e.id not in _PAIN_CONDITIONS
        ),
    )
    named: list[Symptom | Condition | Medicine] = [
        *symptoms,
        *kb.of_kind("condition", Condition),
        *medicines,
    ]
    titles = {e.id: e.plain or e.title for e in named}
    return options, titles


@dataclass(frozen=True)
class Question:
    """One self-check question: an id (the answers key), its words, the kind of answer and the
    choices (knowledge ids), and whether it asks about red-flag features."""

    id: str
    text: str
    kind: QuestionKind
    choices: tuple[str, ...] = ()
    red_flag: bool = False


@lru_cache(maxsize=8)
def red_flag_questions(kb: KnowledgeBase) -> tuple[Question, ...]:
    """The red-flag questions, in the order asked (spine, head, general); each feature where its
    `self_check` in knowledge puts it, features of emergency flags first."""
    urgency_of: dict[str, int] = {}
    for rule in kb.of_kind("red_flag", RedFlagRule):
        for feature in (*rule.any_of, *rule.with_any_of, *rule.also_reported):
            rank = URGENCY_ORDER.index(rule.urgency)
            urgency_of[feature] = min(rank, urgency_of.get(feature, rank))
    symptoms = [s for s in kb.of_kind("symptom", Symptom) if s.self_check is not None]
    symptoms.sort(key=lambda s: urgency_of.get(s.id, len(URGENCY_ORDER)))  # stable: file order
    return tuple(
        Question(
            id=f"red_flags.{group}",
            text=_GROUP_TEXT[group],
            kind="many",
            choices=tuple(s.id for s in symptoms if s.self_check == group),
            red_flag=True,
        )
        for group in _GROUP_ORDER
    )


def questions(kb: KnowledgeBase) -> tuple[Question, ...]:
    """Every self-check question in order: the red-flag questions first, then the person,
    medicines, conditions, nitrous oxide, symptoms, pain and blood tests."""
    options, _ = options_from_knowledge(kb)
    return (
        *red_flag_questions(kb),
        Question("age", "Your age in years (0-120)", "number"),
        Question("sex", "Sex", "one", ("female", "male", "intersex", "unspecified")),
        Question("pregnant", "Are you pregnant?", "yes_no"),
        Question("breastfeeding", "Are you breastfeeding?", "yes_no"),
        Question("diet", "Which best describes how you eat?", "one", options.diets),
        Question("medications", "Do you take any of these medicines?", "many", options.medicines),
        Question(
            "conditions", "Have you been told you have any of these?", "many", options.conditions
        ),
        Question(
            "nitrous_oxide",
            "Have you used nitrous oxide?",
            "one",
            ("none", "recreational", "medical_recent"),
        ),
        Question("symptoms.nerve", "Nerve symptoms: any of these?", "many", options.nerve_symptoms),
        Question(
            "symptoms.general",
            "Other signs of low B12: any of these?",
            "many",
            options.general_symptoms,
        ),
        Question("pain", "Which kinds of pain do you have?", "many", options.pain_types),
        Question("labs", "Blood test results", "labs", options.lab_tests),
    )


def answers_to_profile(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The CONTRACT.md profile from self-check answers: red-flag answers become symptoms (first),
    per-question keys (`red_flags.spine`, `symptoms.nerve` …) are merged, the rest is kept."""
    profile = {
        k: v
        for k, v in answers.items()
        if k != RED_FLAG_ANSWERS and not k.startswith(("red_flags.", "symptoms."))
    }
    picked: list[str] = list(answers.get(RED_FLAG_ANSWERS, []))
    for group in _GROUP_ORDER:
        picked += list(answers.get(f"red_flags.{group}", []))
    for part in ("nerve", "general"):
        picked += list(answers.get(f"symptoms.{part}", []))
    picked += list(answers.get("symptoms", []))
    profile["symptoms"] = list(dict.fromkeys(picked))
    return profile


def red_flags_so_far(kb: KnowledgeBase, answers: Mapping[str, Any]) -> tuple[RedFlag, ...]:
    """The red flags the answers given so far raise (emergencies first), whatever is still to be
    asked: a missing age counts as unknown (the age-bound flag waits for it). Answers that do not
    make a valid profile yet are read for their red-flag features only."""
    from pydantic import ValidationError

    from b12pain.clinical.parse import parse_profile
    from b12pain.errors import InputError

    data = answers_to_profile(answers)
    data.setdefault("age", 30)  # an age that raises no age-bound flag until the real one is given
    try:
        profile = parse_profile(data)
    except (InputError, ValidationError):
        known = set(_catalogue(kb).symptom_ids)
        profile = Profile(age=30, symptoms=tuple(s for s in data["symptoms"] if s in known))
    return red_flags(profile, cat=_catalogue(kb))


@lru_cache(maxsize=4)
def _catalogue(kb: KnowledgeBase) -> Any:
    from b12pain.clinical.catalogue import catalogue
    from b12pain.knowledge import load

    return catalogue() if kb is load() else build_catalogue(kb)
