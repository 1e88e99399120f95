"""Reading a person's own YAML or JSON file (profile, answers, meals) without surprises.

Every way a file can be unusable (missing, a folder, unreadable, not UTF-8, malformed) becomes one
`InputError` naming the file. Dates are left as text for the models to check, so an impossible
date such as `2026-02-30` is reported at its field instead of failing inside the YAML parser.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from b12pain.errors import InputError


class _TextDatesLoader(yaml.SafeLoader):
    """`yaml.SafeLoader` that keeps `2026-11-24` as a string (the pydantic models parse it)."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_yaml(text: str) -> Any:
    """YAML (or JSON, a subset) with dates kept as text; `yaml.YAMLError` when malformed."""
    return yaml.load(text, Loader=_TextDatesLoader)  # a SafeLoader subclass: safe


def read_user_file(path: Path, field: str) -> Any:
    """The data in a YAML or JSON file; `InputError` on `field` when the file cannot be used."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError.single(field, str(path), "no such file") from None
    except IsADirectoryError:
        raise InputError.single(field, str(path), "is a folder, not a file") from None
    except OSError as exc:
        raise InputError.single(field, str(path), f"cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InputError.single(field, str(path), "not a UTF-8 text file") from None
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError.single(
                field, str(path), f"not valid JSON at line {exc.lineno} ({exc.msg})"
            ) from None
    try:
        return parse_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError.single(
            field, str(path), f"not valid YAML or JSON{where} ({problem})"
        ) from None


def usable_folder(make: Callable[[], Path], field: str) -> Path:
    """The folder `make()` returns (creating it); `InputError` on `field` when it cannot be."""
    try:
        return make()
    except OSError as exc:
        where = exc.filename or os.environ.get("B12PAIN_DATA_DIR", "")
        reason = "a file is in the way" if isinstance(exc, FileExistsError) else exc.strerror
        raise InputError.single(
            field, str(where), f"must be a folder b12pain can write to ({reason})"
        ) from None
