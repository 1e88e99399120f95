"""Command-line usage errors (a word where a number goes, a missing argument) as `Problem`s.

Typer says "Invalid value for 'nrs': Input should be a valid integer"; people need the argument,
the value they typed and what is allowed, in the same shape as every other refusal:
`nrs: 'abc'; a whole number (Pain now, 0 (none) to 10 (worst imaginable).)`. The parameter's
help text states its range, so it is repeated as the "allowed" part.
"""

from __future__ import annotations

from typing import Any

from b12pain.errors import Problem
from b12pain.textsafe import plain_for_terminal

#: Pydantic error types (Typer converts arguments with pydantic) in plain words.
_KIND_WORDS = {
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "int_type": "a whole number",
    "float_parsing": "a number",
    "float_type": "a number",
    "finite_number": "a finite number",
    "bool_parsing": "yes or no (true/false)",
    "date_from_datetime_parsing": "a date (YYYY-MM-DD)",
    "date_parsing": "a date (YYYY-MM-DD)",
    "datetime_parsing": "a date-time (YYYY-MM-DDTHH:MM)",
    "enum": "one of the listed values",
    "literal_error": "one of the listed values",
}


def field_name(param: Any) -> str:
    """How a refusal names the parameter: an argument by its name, an option by its flag."""
    if param is None:
        return "(command line)"
    opts = [str(o) for o in getattr(param, "opts", None) or []]
    flags = [o for o in opts if o.startswith("-")]
    if flags:
        return max(flags, key=len)  # `--quality`, not `-q`
    return str(getattr(param, "name", None) or "(command line)")


def _with_help(words: str, param: Any) -> str:
    help_text = str(getattr(param, "help", None) or "").strip()
    return f"{words} ({help_text.rstrip('.')})" if help_text else words


def usage_problem(exc: Any) -> Problem:
    """A Typer/click usage error as a `Problem`: the parameter, the value typed, what is allowed.

    Recognised by shape (`param`, `message`, a pydantic cause) rather than class, so both
    Typer's own click and click itself are understood.
    """
    message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    message = plain_for_terminal(message)
    param = getattr(exc, "param", None)
    name = type(exc).__name__
    if name == "MissingParameter":
        return Problem(field_name(param), None, _with_help("required", param))
    if name == "NoSuchOption":
        option = getattr(exc, "option_name", None)
        return Problem("option", option, f"no such option; see --help ({message})")
    cause = exc.__cause__
    errors = cause.errors() if cause is not None and hasattr(cause, "errors") else []
    if param is not None and errors:
        first = errors[0]
        words = _KIND_WORDS.get(str(first.get("type")), str(first.get("msg", "invalid")))
        return Problem(field_name(param), first.get("input"), _with_help(words, param))
    return Problem(field_name(param), None, message)
