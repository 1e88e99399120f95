"""Files with people's data are private by default, whatever the umask, and never half-written.

A pain diary is health data. Everything b12pain writes that holds it (the journal and its SQLite
side files, backups, exports, the food database, reports, screening flags) is made here:

- folders 0700 (`private_dir`), files 0600 (`write_private`, `private_writer`,
  `ensure_private_file`), set explicitly rather than trusting the umask;
- written atomically: a temporary file created exclusively (`O_CREAT | O_EXCL | O_NOFOLLOW`,
  mode 0600, a random name) in the same folder, filled, fsynced, then renamed over the target.
  On any failure the temporary file is removed; a pre-existing file or symlink under a guessable
  name is never opened or followed;
- exports are refused where they would destroy data: onto the journal, onto any file inside the
  data folder, or onto a folder (`check_export_target`).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from b12pain.errors import InputError, Problem

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
#: Files SQLite keeps beside a database (write-ahead log, shared memory, rollback journal).
SQLITE_SIDE_SUFFIXES = ("-wal", "-shm", "-journal")
#: Marks the temporary files of an atomic write (`.<name>.<random>.partial`).
PARTIAL_SUFFIX = ".partial"

_CREATE_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
)

__all__ = [
    "BACKUPS_FOLDER",
    "COPIES_LEDGER",
    "PARTIAL_SUFFIX",
    "PRIVATE_DIR_MODE",
    "PRIVATE_FILE_MODE",
    "SQLITE_SIDE_SUFFIXES",
    "CopiesDeleted",
    "check_export_target",
    "delete_copies",
    "ensure_private_file",
    "is_inside",
    "note_copy",
    "private_dir",
    "private_temporary",
    "private_writer",
    "write_private",
]


def private_dir(path: Path, tighten_existing: bool = True) -> Path:
    """Create `path` and its missing parents as 0700; returns it.

    An existing folder is made 0700 too when `tighten_existing` (the data folder and its
    `backups` are b12pain's own); a folder the person chose for a copy (`backup --to
    ~/Backups`) keeps its mode, since the files b12pain puts there are 0600 anyway.
    """
    path = Path(path)
    existed = path.is_dir()
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):  # parents first, each 0700 (mkdir(parents=True) would not)
        with contextlib.suppress(FileExistsError):  # made by another process meanwhile
            folder.mkdir(mode=PRIVATE_DIR_MODE)
            folder.chmod(PRIVATE_DIR_MODE)
    if not path.is_dir():
        path.mkdir()  # raises the reason (a file in the way, not a directory …)
    if (tighten_existing or not existed) and stat.S_IMODE(path.stat().st_mode) != PRIVATE_DIR_MODE:
        path.chmod(PRIVATE_DIR_MODE)
    return path


def ensure_private_file(path: Path) -> Path:
    """Make the file `path` 0600, creating it empty if absent; SQLite side files too.

    Call before SQLite opens a database: SQLite gives its `-wal` and `-shm` files the mode of
    the database file, so a 0600 database keeps them private as well.
    """
    path = Path(path)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, _CREATE_FLAGS, PRIVATE_FILE_MODE))
    for candidate in (path, *(path.with_name(path.name + s) for s in SQLITE_SIDE_SUFFIXES)):
        with contextlib.suppress(FileNotFoundError):
            info = candidate.lstat()
            if stat.S_ISREG(info.st_mode) and stat.S_IMODE(info.st_mode) != PRIVATE_FILE_MODE:
                candidate.chmod(PRIVATE_FILE_MODE)
    return path


@contextlib.contextmanager
def private_writer(path: Path) -> Iterator[BinaryIO]:
    """Write `path` atomically as a private file: `with private_writer(p) as out: out.write(...)`.

    The data goes to an exclusively created temporary file (0600) in the same folder, which is
    fsynced and renamed over `path` when the block ends without error, and removed otherwise
    (including on Ctrl-C). `path` itself, if it is a symlink, is replaced, never followed.
    """
    path = Path(path)
    folder = path.parent
    temporary = folder / f".{path.name}.{secrets.token_hex(8)}{PARTIAL_SUFFIX}"
    fd = os.open(temporary, _CREATE_FLAGS, PRIVATE_FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    _sync_folder(folder)


@contextlib.contextmanager
def private_temporary(path: Path) -> Iterator[Path]:
    """A fresh private (0600) temporary file beside `path`, for writers that need a file name
    (SQLite's backup API); renamed over `path` when the block succeeds, removed otherwise.

    The name is random and the file is created exclusively without following symlinks, so a
    file or link planted at a guessable name (`journal.sqlite.partial`) is never written.
    """
    path = Path(path)
    temporary = path.parent / f".{path.name}.{secrets.token_hex(8)}{PARTIAL_SUFFIX}"
    os.close(os.open(temporary, _CREATE_FLAGS, PRIVATE_FILE_MODE))
    try:
        yield temporary
        ensure_private_file(temporary)  # side files a tool may have left beside it
        os.replace(temporary, path)
    except BaseException:
        for leftover in (temporary, *_side_files(temporary)):
            with contextlib.suppress(OSError):
                leftover.unlink()
        raise
    for leftover in _side_files(temporary):
        with contextlib.suppress(OSError):
            leftover.unlink()
    _sync_folder(path.parent)


def _side_files(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in SQLITE_SIDE_SUFFIXES]


def write_private(path: Path, data: bytes | str) -> Path:
    """Write `data` (text is UTF-8) to `path` atomically, as a 0600 file; returns `path`."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with private_writer(path) as out:
        out.write(payload)
    return Path(path)


def _sync_folder(folder: Path) -> None:
    """Make a rename durable (best effort: some file systems cannot fsync a folder)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def is_inside(path: Path, folder: Path) -> bool:
    """True when `path` (symlinks resolved) is `folder` or lies anywhere under it."""
    try:
        Path(path).resolve().relative_to(Path(folder).resolve())
    except ValueError:
        return False
    return True


def check_export_target(target: Path, data_folder: Path | None, field: str = "file") -> Path:
    """`target` if an export may be written there; `InputError` on `field` otherwise.

    Refused: the journal or any other file inside the data folder (an export there would
    replace people's data, and `delete-all` could not tell it from its own files), an existing
    folder, device or pipe (the rename would replace it), and a path whose folder does not exist.
    """
    target = Path(target)
    try:
        return _checked_target(target, data_folder, field)
    except OSError as exc:  # a name too long, a folder that cannot be looked into …
        raise InputError(
            [Problem(field, str(target), f"a file b12pain can write ({exc.strerror})")]
        ) from None


def _checked_target(target: Path, data_folder: Path | None, field: str) -> Path:
    shown = str(target)
    if data_folder is not None and is_inside(target, data_folder):
        raise InputError(
            [
                Problem(
                    field,
                    shown,
                    f"a file outside b12pain's data folder ({data_folder}); exports there "
                    "could overwrite the journal",
                )
            ]
        )
    if target.is_dir():
        raise InputError([Problem(field, shown, "a file name, not a folder")])
    with contextlib.suppress(OSError):
        existing = target.lstat().st_mode
        if not (stat.S_ISREG(existing) or stat.S_ISLNK(existing)):  # /dev/full, a pipe …
            raise InputError([Problem(field, shown, "a regular file name, not a device or pipe")])
    if not target.parent.is_dir():
        raise InputError([Problem(field, shown, "a file in a folder that exists")])
    return target


# -- copies of the journal, for `delete-all` -------------------------------------------------

#: Where `backup` puts dated copies by default, inside the data folder.
BACKUPS_FOLDER = "backups"
#: A private list of the copies b12pain wrote OUTSIDE the data folder (exports, `backup --to`),
#: so `delete-all` can name the copies it cannot delete for the person.
COPIES_LEDGER = "copies-made.txt"


def note_copy(data_folder: Path, copy: Path) -> None:
    """Remember that a copy of the journal was written at `copy` (an export or a backup)."""
    data_folder = Path(data_folder)
    if is_inside(copy, data_folder):
        return  # deleted by `delete_copies` anyway
    ledger = data_folder / COPIES_LEDGER
    known = _ledger(ledger)
    entry = str(Path(copy).resolve())
    if entry not in known:
        # Best effort: the copy is written already; a ledger that cannot be updated (a full or
        # read-only disk) only means delete-all cannot name this copy.
        with contextlib.suppress(OSError):
            write_private(ledger, "".join(f"{line}\n" for line in [*known, entry]))


def _ledger(ledger: Path) -> list[str]:
    try:
        text = ledger.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    return [line for line in text.splitlines() if line.strip()]


@dataclass(frozen=True)
class CopiesDeleted:
    """What `delete_copies` removed, and the copies it knows of but cannot reach."""

    deleted: tuple[Path, ...]
    out_of_reach: tuple[Path, ...]


def delete_copies(data_folder: Path) -> CopiesDeleted:
    """Delete the journal copies b12pain made inside `data_folder`: dated backups (with their
    SQLite side files) and temporary `.partial` files left by an interrupted write.

    Copies written outside the data folder are not touched (the person chose where they went);
    those recorded in the ledger and still present are returned as `out_of_reach`, with any
    copy inside that could not be deleted (permissions). The ledger itself is deleted last.
    """
    data_folder = Path(data_folder)
    deleted: list[Path] = []
    backups = data_folder / BACKUPS_FOLDER
    candidates: list[Path] = []
    if backups.is_dir() and not backups.is_symlink():
        candidates += [p for p in backups.iterdir() if p.name.startswith(("journal-", "."))]
    if data_folder.is_dir():
        candidates += [p for p in data_folder.iterdir() if p.name.endswith(PARTIAL_SUFFIX)]
    refused: list[Path] = []  # could not be deleted (permissions): named, not hidden
    for path in sorted(candidates):
        if path.is_file() or path.is_symlink():
            try:
                path.unlink()
                deleted.append(path)
            except FileNotFoundError:
                pass
            except OSError:
                refused.append(path)
    with contextlib.suppress(OSError):
        backups.rmdir()  # only when empty: files the person put there stay
    ledger = data_folder / COPIES_LEDGER
    out_of_reach = [Path(p) for p in _ledger(ledger) if Path(p).exists()]
    with contextlib.suppress(OSError):
        ledger.unlink()
    return CopiesDeleted(tuple(deleted), tuple(refused + out_of_reach))
