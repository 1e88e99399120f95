"""Read, validate and index every knowledge file once.

Layout of `knowledge/data/` (searched recursively):

- `sources.yaml`: `knowledge_version: "2026.11.0"` and `sources: [...]` (the bibliography);
  further bibliography files are named `sources-<area>.yaml` (e.g. `sources-instruments.yaml`).
- every other `*.yaml`: `kind: <entry kind>` and `entries: [...]`, each entry validated by the
  model registered for that kind (`knowledge/schema/`).

Every citation must name a source that exists, every source must be cited by some entry, and ids
are unique across all files. Anything wrong raises `KnowledgeError(file, line, key, message)`.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import ValidationError

from b12pain.knowledge._model import Citation, Entry, KnowledgeError, Source
from b12pain.knowledge.schema import ENTRY_KINDS

E = TypeVar("E", bound=Entry)

DATA_DIR = Path(str(resources.files("b12pain.knowledge") / "data"))


class KnowledgeBase:
    """The validated knowledge: sources by id, entries by id, and entries grouped by kind.

    Immutable once loaded (entries are frozen models; nothing changes the maps after `__init__`),
    so one knowledge base is shared by every thread and every memo keyed by it (hashed and
    compared by identity). `load()` reads the shipped one once per process.
    """

    def __init__(self, version: str, sources: dict[str, Source], entries: dict[str, Entry]) -> None:
        self.version = version
        self.sources = sources
        self.entries = entries
        self._by_kind: dict[str, list[Entry]] = {}
        for entry in entries.values():
            self._by_kind.setdefault(entry.kind, []).append(entry)

    def get(self, entry_id: str) -> Entry:
        """The entry with this id; `KeyError` naming the id if there is none."""
        try:
            return self.entries[entry_id]
        except KeyError:
            raise KeyError(f"no knowledge entry with id {entry_id!r}") from None

    def typed(self, entry_id: str, model: type[E]) -> E:
        """The entry with this id, checked to be of `model`'s type."""
        entry = self.get(entry_id)
        if not isinstance(entry, model):
            raise TypeError(f"{entry_id!r} is a {type(entry).__name__}, not a {model.__name__}")
        return entry

    def of_kind(self, kind: str, model: type[E] = Entry) -> list[E]:  # type: ignore[assignment]
        """Every entry of one kind, in file order."""
        found = self._by_kind.get(kind, [])
        return [e for e in found if isinstance(e, model)]

    def kinds(self) -> list[str]:
        """The entry kinds present, sorted."""
        return sorted(self._by_kind)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries.values())


@cache
def load() -> KnowledgeBase:
    """The knowledge base shipped in the package (loaded once per process)."""
    return load_from(DATA_DIR)


def load_from(directory: Path) -> KnowledgeBase:
    """Load and validate a knowledge directory (tests use this on broken copies)."""
    sources_path = directory / "sources.yaml"
    if not sources_path.exists():
        raise KnowledgeError(str(sources_path), None, "sources", "file is missing")
    version, sources = _read_sources(sources_path)
    bibliography = [sources_path, *sorted(directory.rglob("sources-*.yaml"))]
    for extra_path in bibliography[1:]:
        _, extra = _read_sources(extra_path)
        for source_id in extra:
            if source_id in sources:
                raise KnowledgeError(str(extra_path), None, source_id, "duplicate source id")
        sources.update(extra)
    entries: dict[str, Entry] = {}
    where: dict[str, str] = {}
    used: set[str] = set()
    for path in sorted(directory.rglob("*.yaml")):
        if path in bibliography:
            continue
        for entry, line in _read_entries(path):
            label = f"{path.name}:{line}"
            if entry.id in entries:
                raise KnowledgeError(
                    str(path), line, entry.id, f"duplicate id (also in {where[entry.id]})"
                )
            citations = []
            for ref in entry.sources:
                source = sources.get(ref.source)
                if source is None:
                    raise KnowledgeError(
                        str(path), line, f"{entry.id}.sources", f"unknown source {ref.source!r}"
                    )
                used.add(ref.source)
                citations.append(
                    Citation(
                        source=ref.source, section=ref.section, level=ref.level or source.level
                    )
                )
            entries[entry.id] = entry.model_copy(update={"citations": tuple(citations)})
            where[entry.id] = label
    unused = sorted(set(sources) - used)
    if unused:
        raise KnowledgeError(
            str(sources_path), None, "sources", f"never cited: {', '.join(unused)}"
        )
    return KnowledgeBase(version, sources, entries)


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: much faster


def _compose(path: Path) -> tuple[Any, yaml.Node | None]:
    """Parse a file once: the node tree (for line numbers) and the plain data built from it."""
    text = path.read_text(encoding="utf-8")
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise KnowledgeError(str(path), line, "(yaml)", str(exc).splitlines()[0]) from exc
    finally:
        loader.dispose()
    return data, node


def _item_lines(node: yaml.Node | None, key: str) -> list[int]:
    """Line numbers (1-based) of each item of the list under top-level `key`."""
    if not isinstance(node, yaml.MappingNode):
        return []
    for key_node, value_node in node.value:
        if key_node.value == key and isinstance(value_node, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value_node.value]
    return []


def _read_sources(path: Path) -> tuple[str, dict[str, Source]]:
    data, node = _compose(path)
    if not isinstance(data, dict) or "sources" not in data:
        raise KnowledgeError(str(path), 1, "sources", "expected a mapping with a `sources` list")
    lines = _item_lines(node, "sources")
    sources: dict[str, Source] = {}
    for index, raw in enumerate(data["sources"]):
        line = lines[index] if index < len(lines) else None
        try:
            source = Source.model_validate(raw)
        except ValidationError as exc:
            key = (
                raw.get("id", f"sources[{index}]") if isinstance(raw, dict) else f"sources[{index}]"
            )
            raise KnowledgeError(str(path), line, str(key), _first_error(exc)) from exc
        if source.id in sources:
            raise KnowledgeError(str(path), line, source.id, "duplicate source id")
        sources[source.id] = source
    return str(data.get("knowledge_version", "0")), sources


def _read_entries(path: Path) -> Iterator[tuple[Entry, int | None]]:
    data, node = _compose(path)
    if not isinstance(data, dict) or "kind" not in data or "entries" not in data:
        raise KnowledgeError(str(path), 1, "kind", "expected a mapping with `kind` and `entries`")
    kind = data["kind"]
    model = ENTRY_KINDS.get(kind)
    if model is None:
        known = ", ".join(sorted(ENTRY_KINDS))
        raise KnowledgeError(str(path), 1, "kind", f"unknown kind {kind!r}; known: {known}")
    lines = _item_lines(node, "entries")
    for index, raw in enumerate(data["entries"] or []):
        line = lines[index] if index < len(lines) else None
        key = raw.get("id", f"entries[{index}]") if isinstance(raw, dict) else f"entries[{index}]"
        try:
            entry = model.model_validate({**raw, "kind": kind})
        except (ValidationError, TypeError) as exc:
            message = _first_error(exc) if isinstance(exc, ValidationError) else str(exc)
            raise KnowledgeError(str(path), line, str(key), message) from exc
        yield entry, line


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err["loc"])
    return f"{loc}: {err['msg']}" if loc else str(err["msg"])
