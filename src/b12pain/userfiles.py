"""Reading a person's own YAML or JSON file (profile, answers, meals, journal import) safely.

Every command reads user files through `read_user_file`, so every command refuses the same
things the same way, with a `UserFileError` (an `InputError`: exit 2, HTTP 422) naming the file,
what was found (cut short) and what is allowed:

- anything but a regular file (a folder, a named pipe, a device): checked with `os.stat` before
  opening, and opened with `O_NONBLOCK`, so a pipe can never make a command hang;
- files larger than `max_bytes`, or with more than `max_items` values (a 0.9 MB list of 100,000
  rows is refused at once instead of taking minutes to validate);
- YAML aliases and anchors (`&a`, `*a`: a 565-byte "billion laughs" would expand to gigabytes),
  explicit tags (`!!python/object`, `!!binary`, `!custom`), merge keys (`<<`);
- nesting deeper than `MAX_DEPTH` (instead of a RecursionError);
- the same key twice in one mapping (YAML and JSON would silently keep the last one);
- integers longer than `MAX_INT_DIGITS` digits (Python refuses 4,300 digits with a ValueError),
  and non-finite numbers (`.inf`, `.nan`, `NaN`, `1e999`).

Dates are left as text for the models to check, so `2026-02-30` is reported at its field.
The strict-type helpers at the end keep YAML's `yes` from becoming the number 1.
"""

from __future__ import annotations

import json
import math
import os
import stat
from collections.abc import Callable, Mapping
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, BeforeValidator
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent, MappingStartEvent, ScalarEvent, SequenceStartEvent
from yaml.nodes import MappingNode, Node, ScalarNode

from b12pain.errors import MAX_ECHO, InputError, Problem

#: Largest file read by default: a profile or a set of answers is a few kilobytes.
MAX_BYTES = 1_000_000
#: Most values (scalars, lists and mappings, counted together) in one file by default.
MAX_ITEMS = 20_000
#: Deepest nesting of lists and mappings (a profile needs 4).
MAX_DEPTH = 32
#: Longest integer, in digits (a quantity in b12pain never needs more than a handful).
MAX_INT_DIGITS = 18

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_INT_DIGITS",
    "MAX_ITEMS",
    "Number",
    "UserFileError",
    "WholeNumber",
    "not_a_boolean",
    "parse_json",
    "parse_user_text",
    "parse_yaml",
    "read_user_file",
    "read_user_text",
    "shorten",
    "strict_int",
    "strict_number",
    "strict_type_problems",
    "usable_folder",
]


class UserFileError(InputError):
    """A user file (or text typed as YAML/JSON) that cannot be used; CLI exit 2, HTTP 422."""

    @classmethod
    def about(cls, field: str, value: Any, allowed: str) -> UserFileError:
        """One problem: `field` (the option or file), `value` (cut short), `allowed`."""
        return cls([Problem(field, shorten(value), allowed)])


def shorten(value: Any, limit: int = MAX_ECHO) -> Any:
    """`value` cut to `limit` characters when it is text (other values as they are)."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str) and len(value) > limit:
        return value[:limit] + "…"
    return value


# -- opening ------------------------------------------------------------------------------

_NOT_REGULAR = {
    stat.S_IFDIR: "is a folder, not a file",
    stat.S_IFIFO: "is a named pipe, not a regular file",
    stat.S_IFCHR: "is a device, not a regular file",
    stat.S_IFBLK: "is a device, not a regular file",
    stat.S_IFSOCK: "is a socket, not a regular file",
}


def _refuse_unless_regular(mode: int, path: Path, field: str) -> None:
    if not stat.S_ISREG(mode):
        reason = _NOT_REGULAR.get(stat.S_IFMT(mode), "is not a regular file")
        raise UserFileError.about(field, str(path), reason)


def read_user_text(path: Path, field: str, max_bytes: int = MAX_BYTES) -> str:
    """The UTF-8 text of the regular file `path`, at most `max_bytes` long; `UserFileError` else.

    `os.stat` first, so a named pipe or a device is refused without being opened; then the file
    is opened with `O_NONBLOCK` and checked again, so one swapped in between cannot block either.
    """
    try:
        _refuse_unless_regular(os.stat(path).st_mode, path, field)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise UserFileError.about(field, str(path), "no such file") from None
    except NotADirectoryError:
        raise UserFileError.about(
            field, str(path), "no such file (a part of the path is a file)"
        ) from None
    except OSError as exc:
        raise UserFileError.about(field, str(path), f"cannot be read ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        _refuse_unless_regular(info.st_mode, path, field)
        if info.st_size > max_bytes:
            raise UserFileError.about(field, str(path), _too_big(info.st_size, max_bytes))
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise UserFileError.about(field, str(path), f"cannot be read ({exc.strerror})") from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:  # grew while being read
        raise UserFileError.about(field, str(path), _too_big(len(data), max_bytes))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserFileError.about(field, str(path), "not a UTF-8 text file") from None


def _too_big(size: int, max_bytes: int) -> str:
    return f"is {size:,} bytes; files up to {max_bytes:,} bytes are read"


# -- YAML ----------------------------------------------------------------------------------


class _StrictYamlError(Exception):
    """Raised inside the loader; turned into a `UserFileError` naming the file and line."""

    def __init__(self, allowed: str, node_or_event: Any = None, value: Any = None) -> None:
        mark = getattr(node_or_event, "start_mark", None)
        self.line = mark.line + 1 if mark is not None else None
        self.value = value
        super().__init__(allowed)


class _StrictComposer(Composer):
    """Builds the node tree while refusing aliases, anchors, explicit tags and deep or huge trees."""

    max_items = MAX_ITEMS
    _depth = 0
    _items = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()  # type: ignore[attr-defined]  # from the Parser mixin
        if isinstance(event, AliasEvent):
            raise _StrictYamlError(
                "aliases (*name) are not allowed; write the value out in full",
                event,
                f"*{event.anchor}",
            )
        if isinstance(event, ScalarEvent | SequenceStartEvent | MappingStartEvent):
            if event.anchor is not None:
                raise _StrictYamlError(
                    "anchors (&name) are not allowed; write each value out in full",
                    event,
                    f"&{event.anchor}",
                )
            if event.tag is not None and event.tag != "!":
                shown = event.tag.replace("tag:yaml.org,2002:", "!!")
                raise _StrictYamlError(
                    "tags (!name, !!type) are not allowed; plain values only", event, shown
                )
        self._items += 1
        if self._items > self.max_items:
            raise _StrictYamlError(f"more than {self.max_items:,} values; split the file", event)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _StrictYamlError(f"nested deeper than {MAX_DEPTH} levels", event)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _StrictConstructor(SafeConstructor):
    """Safe construction with unique scalar keys, bounded integers and finite floats."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        if not isinstance(node, MappingNode):
            return super().construct_mapping(node, deep=deep)  # raises the usual error
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _StrictYamlError("merge keys (<<) are not allowed", key_node, "<<")
            if not isinstance(key_node, ScalarNode):
                raise _StrictYamlError("keys must be plain words or numbers", key_node)
            key = self.construct_object(key_node, deep=deep)
            if key in mapping:
                raise _StrictYamlError(
                    "each key once per mapping (this one is given twice)", key_node, key
                )
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping

    def construct_yaml_int(self, node: ScalarNode) -> int:
        digits = sum(ch.isdigit() for ch in str(node.value))
        if digits > MAX_INT_DIGITS:
            raise _StrictYamlError(
                f"a number of at most {MAX_INT_DIGITS} digits", node, str(node.value)
            )
        return int(super().construct_yaml_int(node))

    def construct_yaml_float(self, node: ScalarNode) -> float:
        number = float(super().construct_yaml_float(node))
        if not math.isfinite(number):
            raise _StrictYamlError("a finite number", node, str(node.value))
        return number


_StrictConstructor.yaml_constructors = {
    **SafeConstructor.yaml_constructors,
    "tag:yaml.org,2002:int": _StrictConstructor.construct_yaml_int,
    "tag:yaml.org,2002:float": _StrictConstructor.construct_yaml_float,
}


class _StrictLoader(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    _StrictComposer,
    _StrictConstructor,
    yaml.resolver.Resolver,
):
    """The YAML loader for people's files: safe types only, and the refusals above."""

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        _StrictComposer.__init__(self)
        _StrictConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)


# Dates stay text (the pydantic models parse and check them, naming the field).
_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
}


def parse_yaml(
    text: str, field: str = "(input)", max_items: int = MAX_ITEMS, source: str | None = None
) -> Any:
    """YAML (or JSON, a subset) under the rules above; `UserFileError` on `field` otherwise.

    `source` is what a problem with the whole text shows as the value (the file name); the
    text itself, cut short, when not given.
    """
    shown_source = shorten(text) if source is None else source
    loader: _StrictLoader | None = None
    try:
        loader = _StrictLoader(text)  # checks the characters: a NUL is refused here
        loader.max_items = max_items
        return loader.get_single_data()
    except _StrictYamlError as exc:
        where = f" (line {exc.line})" if exc.line is not None else ""
        shown = f"{exc.value}{where}" if exc.value is not None else f"{shown_source}{where}"
        raise UserFileError.about(field, shown, str(exc)) from None
    except yaml.reader.ReaderError as exc:
        raise UserFileError.about(
            field,
            shown_source,
            f"not a text file (character #x{exc.character:04x} is not allowed in YAML or JSON)"
            if isinstance(exc.character, int)
            else "not a text file (a character YAML does not allow)",
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise UserFileError.about(
            field, shown_source, f"not valid YAML or JSON{where} ({problem})"
        ) from None
    except RecursionError:  # cannot happen below MAX_DEPTH; kept as a last line of defence
        raise UserFileError.about(
            field, shown_source, f"nested deeper than {MAX_DEPTH} levels"
        ) from None
    finally:
        if loader is not None:
            loader.dispose()


# -- JSON ----------------------------------------------------------------------------------


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping: dict[str, Any] = {}
    for key, value in pairs:
        if key in mapping:
            raise _StrictYamlError("each key once per object (this one is given twice)", None, key)
        mapping[key] = value
    return mapping


def _bounded_int(text: str) -> int:
    if sum(ch.isdigit() for ch in text) > MAX_INT_DIGITS:
        raise _StrictYamlError(f"a number of at most {MAX_INT_DIGITS} digits", None, text)
    return int(text)


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise _StrictYamlError("a finite number", None, text)
    return number


def _refuse_constant(text: str) -> Any:
    raise _StrictYamlError("a finite number (NaN and Infinity are not JSON numbers)", None, text)


def _depth_and_count(data: Any) -> tuple[int, int]:
    """Deepest nesting and number of values, walked without recursion."""
    deepest, count = 0, 0
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        count += 1
        deepest = max(deepest, depth)
        if isinstance(value, dict):
            stack.extend((child, depth + 1) for child in value.values())
        elif isinstance(value, list):
            stack.extend((child, depth + 1) for child in value)
    return deepest, count


def parse_json(
    text: str, field: str = "(input)", max_items: int = MAX_ITEMS, source: str | None = None
) -> Any:
    """JSON with unique keys, bounded integers, finite numbers, bounded depth and size."""
    shown_source = shorten(text) if source is None else source
    try:
        data = json.loads(
            text,
            object_pairs_hook=_unique_pairs,
            parse_int=_bounded_int,
            parse_float=_finite_float,
            parse_constant=_refuse_constant,
        )
    except _StrictYamlError as exc:
        raise UserFileError.about(field, exc.value, str(exc)) from None
    except json.JSONDecodeError as exc:
        raise UserFileError.about(
            field, shown_source, f"not valid JSON at line {exc.lineno} ({exc.msg})"
        ) from None
    except RecursionError:
        raise UserFileError.about(
            field, shown_source, f"nested deeper than {MAX_DEPTH} levels"
        ) from None
    depth, count = _depth_and_count(data)
    if depth > MAX_DEPTH:
        raise UserFileError.about(field, shown_source, f"nested deeper than {MAX_DEPTH} levels")
    if count > max_items:
        raise UserFileError.about(
            field, shown_source, f"more than {max_items:,} values; split the file"
        )
    return data


# -- the one door --------------------------------------------------------------------------


def read_user_file(
    path: Path, field: str, max_bytes: int = MAX_BYTES, max_items: int = MAX_ITEMS
) -> Any:
    """The data in a YAML or JSON file (JSON when named `.json`); `UserFileError` on `field`.

    Problems inside the file are reported on `field` with the file name and the line.
    """
    path = Path(path)
    return parse_user_text(read_user_text(path, field, max_bytes), path, field, max_items)


def parse_user_text(
    text: str, path: Path, field: str, max_items: int = MAX_ITEMS, as_json: bool | None = None
) -> Any:
    """The data in `text` read from the file `path` (JSON when `as_json`, or when unset and the
    file is named `.json`; YAML otherwise); problems name `field` and end with the file name."""
    path = Path(path)
    if as_json is None:
        as_json = path.suffix.lower() == ".json"
    try:
        if as_json:
            return parse_json(text, field, max_items, source=str(path))
        return parse_yaml(text, field, max_items, source=str(path))
    except UserFileError as exc:
        if all(p.value == str(path) for p in exc.problems):
            raise
        raise UserFileError(
            [
                Problem(p.field, p.value, f"{p.message} in {shorten(str(path))}")
                for p in exc.problems
            ]
        ) from None


def usable_folder(make: Callable[[], Path], field: str) -> Path:
    """The folder `make()` returns (creating it); `UserFileError` on `field` when it cannot be."""
    try:
        return make()
    except OSError as exc:
        where = exc.filename or os.environ.get("B12PAIN_DATA_DIR", "")
        reason = "a file is in the way" if isinstance(exc, FileExistsError) else exc.strerror
        raise UserFileError.about(
            field, str(where), f"must be a folder b12pain can write to ({reason})"
        ) from None


# -- strict types --------------------------------------------------------------------------


def not_a_boolean(value: Any) -> Any:
    """Pydantic before-validator: refuse `True`/`False` where a number is expected.

    YAML reads `yes`, `no`, `on`, `off`, `true`, `false` as booleans, and pydantic would turn
    them into 1 and 0, so `age: yes` would silently become one year old.
    """
    if isinstance(value, bool):
        raise ValueError(f"a number, not {str(value).lower()} (yes/no/true/false are not numbers)")
    return value


#: A number (int or float) that is never a boolean; use in pydantic models for user input.
Number = Annotated[float, BeforeValidator(not_a_boolean)]
#: A whole number that is never a boolean.
WholeNumber = Annotated[int, BeforeValidator(not_a_boolean)]


def strict_number(
    value: Any, field: str, minimum: float | None = None, maximum: float | None = None
) -> float:
    """`value` as a finite number within [minimum, maximum]; `UserFileError` naming it else."""
    allowed = _range_words("a number", minimum, maximum)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise UserFileError.about(field, value, allowed)
    number = float(value)
    if (
        not math.isfinite(number)
        or (minimum is not None and number < minimum)
        or (maximum is not None and number > maximum)
    ):
        raise UserFileError.about(field, value, allowed)
    return number


def strict_int(
    value: Any, field: str, minimum: int | None = None, maximum: int | None = None
) -> int:
    """`value` as a whole number within [minimum, maximum]; `UserFileError` naming it else."""
    allowed = _range_words("a whole number", minimum, maximum)
    if isinstance(value, bool) or not isinstance(value, int):
        raise UserFileError.about(field, value, allowed)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise UserFileError.about(field, value, allowed)
    return value


def _range_words(kind: str, minimum: float | None, maximum: float | None) -> str:
    if minimum is not None and maximum is not None:
        return f"{kind} from {minimum:g} to {maximum:g}"
    if minimum is not None:
        return f"{kind} of at least {minimum:g}"
    if maximum is not None:
        return f"{kind} of at most {maximum:g}"
    return kind


def strict_type_problems(model: type[BaseModel], data: Any, prefix: str = "") -> list[Problem]:
    """Booleans given for numbers, and numbers given for yes/no fields, in `data` for `model`.

    Pydantic (in its default lax mode) reads `age: yes` as 1 and `pregnant: 1` as true; a
    person who typed either meant something else. Call before `model.model_validate(data)`;
    field paths are written as `labs[0].value`, like `problems_from_pydantic`.
    """
    problems: list[Problem] = []
    if not isinstance(data, Mapping):
        return problems
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key in data:
            where = f"{prefix}.{key}" if prefix else key
            problems += _value_problems(info.annotation, data[key], where)
    return problems


def _value_problems(annotation: Any, value: Any, where: str) -> list[Problem]:
    kinds = _kinds(annotation)
    if value is None:
        return []
    if isinstance(value, bool) and kinds and kinds <= {int, float}:
        return [Problem(where, value, "a number, not yes/no or true/false")]
    if kinds == {bool} and not isinstance(value, bool) and isinstance(value, int | float):
        return [Problem(where, value, "yes or no (true or false), not a number")]
    problems: list[Problem] = []
    for inner in _inner(annotation):
        origin = get_origin(inner)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            problems += strict_type_problems(inner, value, where)
        elif origin in (tuple, list) and isinstance(value, list | tuple):
            item_type = get_args(inner)[0] if get_args(inner) else Any
            for index, item in enumerate(value):
                problems += _value_problems(item_type, item, f"{where}[{index}]")
    return problems


def _inner(annotation: Any) -> list[Any]:
    """The alternatives of a union (or the annotation itself), `Annotated` unwrapped."""
    if get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) in (Union, UnionType):
        return [a for arg in get_args(annotation) for a in _inner(arg)]
    return [annotation]


def _kinds(annotation: Any) -> set[Any]:
    """The scalar types a field takes (None left out), or an empty set if any is not scalar."""
    kinds = {a for a in _inner(annotation) if a is not type(None)}
    return kinds if kinds and kinds <= {int, float, bool} else set()
