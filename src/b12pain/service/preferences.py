"""Preference use cases: the units a person reads B12 results in and how their food intake target
is chosen, kept per owner and applied wherever they matter.

- `b12_unit`: the unit a total-B12 result is entered in by default (the Labs form) and shown in
  (Insights' B12 chart); None asks each time and shows the guidance's own unit.
- `intake_region`: whose reference intake food is compared with (`us`: NIH ODS RDA/AI; `eu`:
  EFSA AI), as `clinical.intake.target_for` takes it.
- `intake_life_stage`: `from_profile` follows the self-check's pregnancy and breastfeeding
  answers; `pregnancy`, `breastfeeding` or `neither` say so here. The age always comes from the
  profile: b12pain never assumes one.

`get_preferences` answers the defaults when nothing was saved; `save_preferences` checks every
field first (an `InputError` names each bad field, its value and what is allowed) and then
replaces what was stored in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from b12pain.clinical.intake import REGIONS
from b12pain.errors import InputError, Problem
from b12pain.journal.preferences import delete_preferences, read_preferences, write_preferences
from b12pain.service.context import Context

#: The units of total B12 (`clinical.profile.ALLOWED_UNITS`; a test checks they agree).
B12Unit = Literal["ng/L", "pg/mL", "pmol/L", "ng/mL"]
#: Reference-intake regions (`clinical.intake.REGIONS`).
Region = Literal["us", "eu"]
LifeStage = Literal["from_profile", "pregnancy", "breastfeeding", "neither"]

B12_UNITS: tuple[str, ...] = get_args(B12Unit)
LIFE_STAGES: tuple[str, ...] = get_args(LifeStage)


class Preferences(BaseModel):
    """One person's preferences (every field has a default, so none need be saved)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    b12_unit: B12Unit | None = Field(
        default=None,
        description="Unit of total B12 results entered and shown; null: ask each time.",
    )
    intake_region: Region = Field(
        default="us", description="Reference intake: us (NIH ODS RDA/AI) or eu (EFSA AI)."
    )
    intake_life_stage: LifeStage = Field(
        default="from_profile",
        description="Pregnancy/breastfeeding for the intake target; from_profile follows the "
        "self-check answers.",
    )


#: What each field allows, as people read it in an error.
_ALLOWED: dict[str, tuple[str | None, ...]] = {
    "b12_unit": (*B12_UNITS, None),
    "intake_region": REGIONS,
    "intake_life_stage": LIFE_STAGES,
}


def _allowed_words(field: str) -> str:
    words = ["empty (ask each time)" if v is None else v for v in _ALLOWED[field]]
    return "one of " + ", ".join(words)


def parse_preferences(values: Mapping[str, Any]) -> Preferences:
    """`Preferences` from a mapping (a form, a JSON body, the stored row); `InputError` naming
    every unknown field and every value that is not allowed. Fields left out take defaults."""
    if not isinstance(values, Mapping):
        raise InputError.single("preferences", str(values)[:80], "a mapping of preferences")
    problems: list[Problem] = []
    for field, value in values.items():
        if field not in _ALLOWED:
            problems.append(
                Problem(str(field), value, f"not a preference; one of {', '.join(_ALLOWED)}")
            )
        elif value not in _ALLOWED[field] or (value is not None and not isinstance(value, str)):
            problems.append(Problem(field, value, _allowed_words(field)))
    if problems:
        raise InputError(problems)
    return Preferences.model_validate(dict(values))


def get_preferences(ctx: Context) -> Preferences:
    """`ctx.owner`'s preferences (the defaults for anything not saved). A stored value that is
    no longer allowed (an older version's choice) falls back to its default."""
    stored = read_preferences(ctx.store, owner=ctx.owner)
    usable = {}
    for field, value in stored.items():
        try:
            parse_preferences({field: value})
        except InputError:
            continue
        usable[field] = value
    return Preferences.model_validate(usable)


def save_preferences(ctx: Context, values: Mapping[str, Any]) -> Preferences:
    """Check `values` and make them `ctx.owner`'s preferences (replacing all that were saved);
    nothing is written when any field is refused."""
    preferences = parse_preferences(values)
    write_preferences(ctx.store, preferences.model_dump(mode="json"), owner=ctx.owner)
    return preferences


def reset_preferences(ctx: Context) -> bool:
    """Forget `ctx.owner`'s preferences (the defaults apply again); whether any were saved."""
    return delete_preferences(ctx.store, owner=ctx.owner)
