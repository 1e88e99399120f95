"""Screening rules as data: YAML files in `cohort/rules/`, validated, every number a knowledge id.

A rule has a population (everyone aged `param.min_age_years`+, alive and under observation at the
as-of date), an `include` tree (`all` / `any` of primitives), `exclude` primitives (none may hold)
and optionally `not_followed_by` (no such exposure within N days after the index date). The
primitives are `exposure`, `condition`, `observation` and `measurement`; that small fixed set is
what the SQL generator (`cohort.sql`) knows how to compile for every engine.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from b12pain.errors import InputError, Problem, problems_from_pydantic
from b12pain.knowledge import KnowledgeBase, load
from b12pain.knowledge.schema.cohort import ConceptSet

RULES_DIR = Path(str(resources.files("b12pain.cohort") / "rules"))

#: A number: a literal, or the id of a `cohort_parameter` knowledge entry.
Number = int | str


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Events(_Strict):
    """Events of some concept sets, optionally only in the `within_days` before the as-of date."""

    concept_sets: tuple[str, ...] = Field(min_length=1)
    within_days: Number | None = None


class Exposure(Events):
    """Drug exposure covering at least `min_days` distinct days in the exposure look-back window."""

    min_days: Number = 1


class Measurement(Events):
    """A test in the window; with `band: deficiency` the latest one must be in the deficiency band."""

    band: Literal["any", "deficiency"] = "any"


class Primitive(_Strict):
    """Exactly one of the four primitives, or a nested `any` / `all`."""

    exposure: Exposure | None = None
    condition: Events | None = None
    observation: Events | None = None
    measurement: Measurement | None = None
    any: tuple[Primitive, ...] | None = None
    all: tuple[Primitive, ...] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Primitive:
        given = [name for name, value in self if value is not None]
        if len(given) != 1:
            raise ValueError(
                f"give exactly one of exposure, condition, observation, measurement, any, all (got {given or 'none'})"
            )
        return self

    def kind(self) -> str:
        """Which primitive this is."""
        return next(name for name, value in self if value is not None)


class FollowUp(_Strict):
    """`not_followed_by`: no exposure of these sets overlapping [index, index + within_days]."""

    exposure: Events
    within_days: Number


class Rule(_Strict):
    """One screening rule (see the module docstring)."""

    id: str = Field(pattern=r"^[a-z0-9_.]+$")
    version: int = Field(ge=1)
    title: str
    reason: str
    #: Which `clinical.assess` output this rule corresponds to (docs/cohort.md, agreement test).
    maps_to: Literal[
        "testing.recommended",
        "testing.indicated",
        "testing.monitoring_suggested",
        "labs.deficiency_confirmed",
    ]
    evidence: tuple[str, ...] = Field(min_length=1)
    include: Primitive
    exclude: tuple[Primitive, ...] = ()
    not_followed_by: FollowUp | None = None

    @model_validator(mode="after")
    def _known_placeholders(self) -> Rule:
        from b12pain.cohort.reasons import PLACEHOLDERS, placeholders

        unknown = [p for p in placeholders(self.reason) if p not in PLACEHOLDERS]
        if unknown:
            raise ValueError(
                f"reason uses unknown placeholder(s) {unknown}; allowed: {', '.join(PLACEHOLDERS)}"
            )
        return self

    def primitives(self) -> list[Primitive]:
        """Every leaf primitive of the rule, include and exclude."""
        found: list[Primitive] = []

        def walk(node: Primitive) -> None:
            children = node.any or node.all
            if children is not None:
                for child in children:
                    walk(child)
            else:
                found.append(node)

        walk(self.include)
        for node in self.exclude:
            walk(node)
        return found

    def concept_sets(self) -> set[str]:
        """Every concept set id the rule reads."""
        ids: set[str] = set()
        for node in self.primitives():
            events = getattr(node, node.kind())
            ids.update(events.concept_sets)
        if self.not_followed_by is not None:
            ids.update(self.not_followed_by.exposure.concept_sets)
        return ids

    def needs_drug_records(self) -> bool:
        """True when the rule reads drug exposures (to include people, or to see treatment)."""
        return self.not_followed_by is not None or any(
            node.exposure is not None for node in self.primitives()
        )

    def needs_b12_tests(self) -> bool:
        """True when the rule flags people for having *no* test (needs a lab feed to mean anything)."""
        return any(node.measurement is not None for node in self.exclude)


def parameter(kb: KnowledgeBase, value: Number) -> int:
    """Resolve a number: a literal int, or the `value` of a knowledge entry (a `cohort_parameter`,
    or a clinical `parameter` such as `param.min_age_years`)."""
    if isinstance(value, int):
        return value
    number = getattr(kb.get(value), "value", None)
    if not isinstance(number, int | float):
        raise TypeError(f"knowledge entry {value!r} has no numeric value")
    return int(number)


def missing_knowledge(rule: Rule, kb: KnowledgeBase, where: str = "rule") -> list[Problem]:
    """Evidence ids, concept sets and parameters the rule names that knowledge does not hold."""
    problems = []
    for entry_id in rule.evidence:
        if entry_id not in kb.entries:
            problems.append(
                Problem(f"{where}.evidence", entry_id, "no knowledge entry with this id")
            )
    for set_id in sorted(rule.concept_sets()):
        if set_id not in kb.entries or not isinstance(kb.get(set_id), ConceptSet):
            problems.append(
                Problem(f"{where}.concept_sets", set_id, "not a concept_set knowledge entry")
            )
    for number in _numbers(rule):
        if isinstance(number, str) and (
            number not in kb.entries
            or not isinstance(getattr(kb.get(number), "value", None), int | float)
        ):
            problems.append(Problem(where, number, "not a knowledge entry with a numeric value"))
    return problems


def _numbers(rule: Rule) -> list[Number]:
    numbers: list[Number] = []
    for node in rule.primitives():
        events = getattr(node, node.kind())
        if events.within_days is not None:
            numbers.append(events.within_days)
        if isinstance(events, Exposure):
            numbers.append(events.min_days)
    if rule.not_followed_by is not None:
        numbers.append(rule.not_followed_by.within_days)
    return numbers


def read_rule(path: Path, kb: KnowledgeBase | None = None, strict: bool = True) -> Rule:
    """Read and validate one rule file; `InputError` names the file and field on any problem.

    With `strict`, every knowledge id the rule names must exist; shipped rules are read
    leniently and a rule whose knowledge is missing is refused at screening time instead.
    """
    from b12pain.userfiles import read_user_file

    # The one reading of user files: regular file, size, no aliases or tags, unique keys.
    raw = read_user_file(path, "--rules")
    try:
        rule = Rule.model_validate(raw)
    except ValidationError as exc:
        raise InputError(problems_from_pydantic(exc, prefix=path.name)) from exc
    problems = missing_knowledge(rule, kb or load(), path.name) if strict else []
    if problems:
        raise InputError(problems)
    return rule


@cache
def shipped_rules() -> tuple[Rule, ...]:
    """The rules shipped with b12pain, in file-name order."""
    return tuple(read_rule(path, strict=False) for path in sorted(RULES_DIR.glob("*.yaml")))


def select_rules(ids: list[str] | None) -> list[Rule]:
    """The shipped rules with these ids (all when `ids` is empty); unknown ids are an `InputError`."""
    rules = list(shipped_rules())
    if not ids:
        return rules
    known = {rule.id: rule for rule in rules}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise InputError.single(
            "--rules", ",".join(unknown), f"unknown rule; one of {', '.join(known)}"
        )
    return [known[i] for i in ids]
