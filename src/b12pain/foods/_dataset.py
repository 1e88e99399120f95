"""What every importer yields, and the bookkeeping they share (skipped rows, progress by bytes)."""

from __future__ import annotations

import csv
import io
import math
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from b12pain.errors import InputError
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
    """One archive opened for import: a source name, its data types and its rows as iterators.

    `foods_file` and `values_file` name the members holding foods and nutrient values, so an
    archive that holds none can be refused by name.
    """

    source: str
    skipped: SkipLog
    path: Path
    foods_file: str
    values_file: str

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
    """A finite float, or None for an empty or unreadable field ("NaN" and "inf" are unreadable)."""
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


#: Zip compression methods Python reads (stored, deflate, bzip2, lzma).
SUPPORTED_COMPRESSION = {
    zipfile.ZIP_STORED: "stored",
    zipfile.ZIP_DEFLATED: "deflate",
    zipfile.ZIP_BZIP2: "bzip2",
    zipfile.ZIP_LZMA: "lzma",
}
#: Longest text field kept (USDA descriptions are under 200 characters); longer rows are skipped.
MAX_TEXT_FIELD = 1000
#: Longest field the CSV readers accept at all (Python's default limit), in characters.
MAX_CSV_FIELD = 131_072


def finite_amount(path: Path, member: str, line: int, column: str, text: str) -> float | None:
    """A nutrient amount: None when empty or unreadable (the row is skipped and reported);
    a clean error for "NaN", "inf" or a negative number, which no USDA file holds."""
    try:
        value = float(text)
    except ValueError:
        return None
    if not math.isfinite(value) or value < 0:
        raise archive_problem(path, member, f"line {line}, {column}: {text!r}; a number, 0 or more")
    return value


def archive_problem(path: Path, member: str, what: str) -> InputError:
    """A clean error about one member of an archive: which file, which member, what is allowed."""
    return InputError.single("path", str(path), f"{member}: {what}")


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
        self._names = {fold(Path(n).name): n for n in self.zip.namelist() if not n.endswith("/")}
        missing = [r for r in required if fold(r) not in self._names]
        if missing:
            self.zip.close()
            raise ValueError(f"not {label}: missing {', '.join(missing)}")
        try:
            self._check_members()
        except InputError:
            self.zip.close()
            raise

    def _check_members(self) -> None:
        """Refuse encrypted members and compression methods Python cannot read, by name."""
        for member in self._names.values():
            info = self.zip.getinfo(member)
            if info.flag_bits & 0x1:
                raise archive_problem(
                    self.path,
                    member,
                    "is encrypted; import the archive as USDA publishes it (no password)",
                )
            if info.compress_type not in SUPPORTED_COMPRESSION:
                methods = ", ".join(SUPPORTED_COMPRESSION.values())
                raise archive_problem(
                    self.path,
                    member,
                    f"uses zip compression method {info.compress_type}, which b12pain cannot "
                    f"read; supported: {methods}",
                )

    def close(self) -> None:
        """Close the zip file."""
        self.zip.close()

    def _has(self, name: str) -> bool:
        return self._fold(name) in self._names

    def _text_lines(self, name: str, encoding: str) -> Iterator[str]:
        """The lines of one member, decoded, counting bytes for the progress bar.

        A damaged member (bad CRC, truncated data) or text that is not in `encoding` ends the
        import with a clean error naming the member; the import's transaction is rolled back.
        """
        member = self._names[self._fold(name)]
        size = self.zip.getinfo(member).file_size
        try:
            with self.zip.open(member) as raw:
                text = io.TextIOWrapper(raw, encoding=encoding, newline="")
                for number, line in enumerate(ByteProgress(name, size, self._progress).lines(text)):
                    if "\x00" in line:
                        raise archive_problem(
                            self.path,
                            member,
                            f"line {number + 1} holds a NUL byte; USDA files are plain text",
                        )
                    yield line
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise archive_problem(
                self.path, member, f"is damaged ({exc}); download the archive again"
            ) from None
        except UnicodeDecodeError as exc:
            raise archive_problem(
                self.path,
                member,
                f"is not {encoding.removesuffix('-sig').upper()} text (byte "
                f"{exc.object[exc.start]:#04x}); USDA's files are "
                f"{'UTF-8' if encoding.startswith('utf') else 'Latin-1'}",
            ) from None

    def _csv(self, name: str, rows: Iterator[Any], reader: Any) -> Iterator[Any]:
        """`rows` of a CSV `reader` over one member; a malformed file (a NUL byte, a field over
        the size limit) ends the import with a clean error naming the member and line."""
        member = self._names[self._fold(name)]
        try:
            yield from rows
        except csv.Error as exc:
            message = str(exc)
            if "field larger than field limit" in message:
                message = f"a field is longer than {MAX_CSV_FIELD:,} characters"
            raise archive_problem(
                self.path,
                member,
                f"line {getattr(reader, 'line_num', 0)}: {message}; USDA files hold short text "
                "fields",
            ) from None
