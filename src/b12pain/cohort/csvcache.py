"""A private cache of converted OMOP CSV files, so a second screen of the same extract is fast.

Converting a large CSV folder to Parquet is most of a first run (about 25 s for a million
people). The typed Parquet of each CSV is kept in a folder of b12pain's data directory
(`cohort-cache/`, mode 0700, files 0600: it holds patient data), named by the CSV's path and
keyed by its size and modification time: when either changes the file is converted again and
the old copy removed. Deleting the folder is always safe.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CacheEntry:
    """Where the conversion of one source file (in its current size and mtime) lives."""

    folder: Path
    prefix: str
    path: Path

    def hit(self) -> Path | None:
        """The cached file, when this version of the source was converted before."""
        return self.path if self.path.is_file() else None

    def temporary(self) -> Path:
        """A new private file (0600) in the cache folder to convert into."""
        fd, name = tempfile.mkstemp(prefix=".converting-", suffix=".parquet", dir=self.folder)
        os.close(fd)
        os.chmod(name, 0o600)
        return Path(name)

    def commit(self, written: Path) -> Path:
        """Make `written` the cached conversion; drop older versions of the same source."""
        os.chmod(written, 0o600)
        os.replace(written, self.path)
        for old in self.folder.glob(f"{self.prefix}-*.parquet"):
            if old != self.path:
                old.unlink(missing_ok=True)
        return self.path


@dataclass(frozen=True)
class CsvCache:
    """The cache folder; created private (0700) on first use."""

    folder: Path

    @classmethod
    def default(cls) -> CsvCache:
        """`cohort-cache/` in b12pain's data directory (`B12PAIN_DATA_DIR` moves it)."""
        from b12pain.paths import data_dir

        return cls(data_dir() / "cohort-cache")

    def entry(self, source: Path, tag: str) -> CacheEntry:
        """The entry for `source` as it is now (size, mtime); `tag` tells apart several
        conversions of one file (e.g. members of a zip)."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.folder, 0o700)
        stat = source.stat()
        prefix = hashlib.sha256(f"{source.resolve()}\0{tag}".encode()).hexdigest()[:24]
        version = hashlib.sha256(f"{stat.st_size}\0{stat.st_mtime_ns}".encode()).hexdigest()[:16]
        return CacheEntry(self.folder, prefix, self.folder / f"{prefix}-{version}.parquet")
