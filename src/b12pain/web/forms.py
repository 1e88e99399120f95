"""Reading what a person typed into a form: text stays text until the service validates it.

The reader only turns form strings into the types the service's inputs declare (a number, a
day, a list) and records a `Problem` for each field it cannot read, so a form with three bad
fields shows three problems at once. Ranges and allowed values are the service's to check.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import Any

from starlette.datastructures import FormData

from b12pain.errors import InputError, Problem

#: Longest text any single form field may carry (a note is shorter still; the service says so).
MAX_FIELD = 5000


class FormReader:
    """Typed values from one submitted form, collecting every problem before raising."""

    def __init__(self, form: FormData) -> None:
        self._form = form
        self.problems: list[Problem] = []

    def text(self, name: str) -> str | None:
        """The field's text, trimmed; None when empty or absent."""
        raw = self._form.get(name)
        if not isinstance(raw, str):
            return None
        value = raw.strip()
        if len(value) > MAX_FIELD:
            self.problems.append(Problem(name, value, f"at most {MAX_FIELD} characters"))
            return None
        return value or None

    def required(self, name: str, allowed: str) -> str | None:
        """The field's text; a problem ("required; `allowed`") when it is empty."""
        value = self.text(name)
        if value is None:
            self.problems.append(Problem(name, None, f"required; {allowed}"))
        return value

    def integer(self, name: str, allowed: str, *, required: bool = False) -> int | None:
        """A whole number (`allowed` says which, e.g. "a whole number 0 to 10")."""
        value = self.required(name, allowed) if required else self.text(name)
        if value is None:
            return None
        try:
            return int(value)
        except ValueError:
            self.problems.append(Problem(name, value, allowed))
            return None

    def number(self, name: str, allowed: str, *, required: bool = False) -> float | None:
        """A decimal number (a comma as decimal mark is read too: 2,5)."""
        value = self.required(name, allowed) if required else self.text(name)
        if value is None:
            return None
        try:
            number = float(value.replace(",", ".")) if value.count(",") == 1 and "." not in value else float(value)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            self.problems.append(Problem(name, value, allowed))
            return None
        return number

    def day(self, name: str, *, required: bool = False) -> dt.date | None:
        """A day as YYYY-MM-DD (what a date input sends)."""
        allowed = "a date such as 2026-11-24"
        value = self.required(name, allowed) if required else self.text(name)
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.problems.append(Problem(name, value, allowed))
            return None

    def many(self, name: str) -> list[str]:
        """Every value of a repeated field (ticked checkboxes), empty ones dropped."""
        return [v.strip() for v in self._form.getlist(name) if isinstance(v, str) and v.strip()]

    def check(self) -> None:
        """Raise `InputError` with every problem found so far (nothing is saved)."""
        if self.problems:
            raise InputError(self.problems)


def values_of(form: FormData, names: Iterable[str] | None = None) -> dict[str, Any]:
    """The form as typed, to fill the fields again when it comes back with problems."""
    keys = names if names is not None else list(form)
    result: dict[str, Any] = {}
    for key in keys:
        found = [v for v in form.getlist(key) if isinstance(v, str)]
        result[key] = found if len(found) > 1 else (found[0] if found else "")
    return result
