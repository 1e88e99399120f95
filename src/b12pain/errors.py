"""Errors that a user may see: bad input, named by field, value and what is allowed.

Every surface (CLI, web, FHIR) turns an `InputError` into the same list of problems
(`{"field", "value", "message"}`), so the wording is written once, here and at the raise site.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Self

#: Longest value echoed back in an error (a 3,000-character note is cut, not repeated).
MAX_ECHO = 200

#: Placeholder a model puts in for an absent field whose message must list what is allowed
#: (e.g. a lab result without a unit); reported as "missing".
MISSING = "\x00missing"

#: Friendlier words for pydantic's type messages that reach people.
_TYPE_MESSAGES = {
    "tuple_type": "should be a list, e.g. [a, b]",
    "list_type": "should be a list, e.g. [a, b]",
    "dict_type": "should be a mapping of fields",
    "model_type": "should be a mapping of fields",
    "model_attributes_type": "should be a mapping of fields",
    "missing": "required",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where (`field`, a dotted path), what was given, what is allowed."""

    field: str
    value: Any
    message: str

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape shared by the CLI (`--json`) and the web API (422)."""
        value = self.value
        if isinstance(value, str) and len(value) > MAX_ECHO:
            value = value[:MAX_ECHO] + "…"
        return {"field": self.field, "value": value, "message": self.message}

    def __str__(self) -> str:
        shown = "missing" if self.value is None else repr(self.value)
        if len(shown) > MAX_ECHO:
            shown = shown[:MAX_ECHO] + "…"
        return f"{self.field}: {shown}; {self.message}"


class InputError(ValueError):
    """Raised when an input cannot be used; carries every problem found, not just the first.

    Subclasses say why a request was refused when it is not the input's shape: `NotFoundError`
    (404) and `ConflictError` (409); `status_code` is the HTTP answer of each.
    """

    status_code: int = 422

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))

    @classmethod
    def single(cls, field: str, value: Any, message: str) -> Self:
        """Shorthand for an error with exactly one problem."""
        return cls([Problem(field, value, message)])


def problems_from_pydantic(exc: Any, prefix: str = "") -> list[Problem]:
    """Translate a pydantic `ValidationError` into `Problem`s with dotted field paths.

    `labs.0.unit` becomes `labs[0].unit`, matching CONTRACT.md.
    """
    problems: list[Problem] = []
    for err in exc.errors():
        path = prefix
        for part in err.get("loc", ()):
            if isinstance(part, int):
                path += f"[{part}]"
            else:
                path += f".{part}" if path else str(part)
        value = err.get("input")
        kind = err.get("type")
        if kind == "missing" or value == MISSING:
            value = None
        message = _TYPE_MESSAGES.get(str(kind)) or str(err.get("msg", "invalid"))
        message = message.removeprefix("Value error, ")
        problems.append(Problem(path or "(input)", value, message))
    return problems


class NotFoundError(InputError):
    """No such entry or plan for this owner (HTTP 404); another owner's rows are not found too."""

    status_code = 404


class ConflictError(InputError):
    """The change clashes with what is stored, e.g. stopping a stopped plan (HTTP 409)."""

    status_code = 409
