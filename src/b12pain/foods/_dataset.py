"""What every importer yields, and the bookkeeping they share (skipped rows, progress by bytes)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from b12pain.foods.model import SkippedRows

#: (food_id, description, food_group, common_names, data_type, ndb_number)
FoodRow = tuple[str, str, str, str, str, str | None]
#: (number, name, unit)
NutrientDefinition = tuple[str, str, str]
#: (food_id, nutrient number, amount per 100 g)
NutrientValue = tuple[str, str, float]
#: (food_id, seq, amount, unit, grams)
PortionRow = tuple[str, int, float, str, float]

ProgressCallback = Callable[[str, int, int], None]
"""Called as `(phase, bytes_done, bytes_total)` while an archive is read."""


class Dataset(Protocol):
    """One archive opened for import: a source name, its data types and its rows as iterators."""

    source: str
    skipped: SkipLog

    def data_types(self) -> tuple[str, ...]: ...
    def nutrient_definitions(self) -> Iterator[NutrientDefinition]: ...
    def foods(self) -> Iterator[FoodRow]: ...
    def nutrient_values(self) -> Iterator[NutrientValue]: ...
    def portions(self) -> Iterator[PortionRow]: ...
    def close(self) -> None: ...


@dataclass
class SkipLog:
    """Counts skipped rows by (file, reason) and keeps the first few as examples."""

    keep: int = 5
    _counts: dict[tuple[str, str], int] = field(default_factory=dict)
    _examples: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def skip(self, file: str, reason: str, example: str) -> None:
        """Record one skipped row."""
        key = (file, reason)
        self._counts[key] = self._counts.get(key, 0) + 1
        examples = self._examples.setdefault(key, [])
        if len(examples) < self.keep:
            examples.append(example[:120])

    def report(self) -> tuple[SkippedRows, ...]:
        """The skipped rows, largest group first."""
        return tuple(
            SkippedRows(file=f, reason=r, count=n, examples=tuple(self._examples[(f, r)]))
            for (f, r), n in sorted(self._counts.items(), key=lambda kv: -kv[1])
        )


class ByteProgress:
    """Counts bytes of lines read and reports them every `every` lines."""

    def __init__(self, phase: str, total: int, callback: ProgressCallback | None) -> None:
        self.phase, self.total, self.callback, self.done = phase, total, callback, 0

    def lines(self, lines: Iterable[str], every: int = 20_000) -> Iterator[str]:
        """Pass lines through, counting their length."""
        callback = self.callback
        if callback is None:
            yield from lines
            return
        done, count = self.done, 0
        for line in lines:
            done += len(line) + 1
            count += 1
            if count == every:
                count = 0
                callback(self.phase, done, self.total)
            yield line
        self.done = done
        callback(self.phase, self.total, self.total)


def parse_float(text: str) -> float | None:
    """A float, or None for an empty or unreadable field."""
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return None


class ZipArchive:
    """A USDA zip opened for import: members found by file name, read as text with progress.

    `fold` normalises member names (SR28 names are matched upper-case, FDC lower-case); `required`
    lists the members the format cannot do without.
    """

    def __init__(
        self,
        path: Path,
        progress: ProgressCallback | None,
        fold: Callable[[str], str],
        required: Iterable[str],
        label: str,
    ) -> None:
        self.path = path
        self.zip = zipfile.ZipFile(path)
        self.skipped = SkipLog()
        self._progress = progress
        self._fold = fold
        self._names = {fold(Path(n).name): n for n in self.zip.namelist()}
        missing = [r for r in required if fold(r) not in self._names]
        if missing:
            self.zip.close()
            raise ValueError(f"not {label}: missing {', '.join(missing)}")

    def close(self) -> None:
        """Close the zip file."""
        self.zip.close()

    def _has(self, name: str) -> bool:
        return self._fold(name) in self._names

    def _text_lines(self, name: str, encoding: str) -> Iterator[str]:
        """The lines of one member, decoded, counting bytes for the progress bar."""
        member = self._names[self._fold(name)]
        size = self.zip.getinfo(member).file_size
        with self.zip.open(member) as raw:
            text = io.TextIOWrapper(raw, encoding=encoding, newline="")
            yield from ByteProgress(name, size, self._progress).lines(text)
