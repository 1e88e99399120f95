"""Fixtures shared by every area's tests. Area-specific fixtures live in the area's own test files."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(scope="session", autouse=True)
def _test_sized_password_hashing() -> Iterator[None]:
    """Real argon2id, with test-sized cost (t=1, 1 MiB, p=1) in this process.

    Production's cost (RFC 9106 low-memory profile, 64 MiB, t=3, p=4) takes 0.1-1.5 s a hash on
    two busy cores, and the server tests create and sign in hundreds of accounts; verification
    reads the parameters from each hash, so hashes of either cost verify alike. Servers started as
    subprocesses keep the production cost (tests/test_server_accounts.py checks its format).
    """
    from argon2 import PasswordHasher, Type

    from b12pain.service import accounts

    kept = accounts._hasher
    accounts._hasher = PasswordHasher(type=Type.ID, time_cost=1, memory_cost=1024, parallelism=1)
    yield
    accounts._hasher = kept


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh, empty b12pain data directory (B12PAIN_DATA_DIR) for one test."""
    path = tmp_path / "b12pain-data"
    path.mkdir()
    monkeypatch.setenv("B12PAIN_DATA_DIR", str(path))
    monkeypatch.delenv("B12PAIN_DATABASE_URL", raising=False)
    yield path


@pytest.fixture(scope="session")
def sr28_zip() -> Path:
    """The USDA SR28 ASCII archive (B12PAIN_SR28 or ../shared); skips with a reason when absent."""
    path = Path(os.environ.get("B12PAIN_SR28", SHARED / "data/usda-sr28/sr28asc.zip"))
    if not path.exists():
        pytest.skip(f"USDA SR28 archive not found at {path} (set B12PAIN_SR28)")
    return path


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The ../shared folder (sample data, specs); skips when absent."""
    if not SHARED.exists():
        pytest.skip(f"shared folder not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """A reachable PostgreSQL URL; in CI a missing server fails, elsewhere it skips with a reason."""
    url = os.environ.get("B12PAIN_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    try:
        import sqlalchemy as sa

        engine = sa.create_engine(url)
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        engine.dispose()
    except Exception as exc:  # pragma: no cover - depends on the machine
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL not reachable at {url}: {exc}")
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def journal_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty journal database URL: a SQLite file, or a private PostgreSQL schema.

    Each PostgreSQL test gets its own schema (named after the xdist worker and a random suffix,
    set as `search_path` in the URL), dropped afterwards, so parallel workers never collide.
    """
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'journal.sqlite'}"
        return
    import uuid

    import sqlalchemy as sa

    base = request.getfixturevalue("postgres_url")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    schema = f"journal_{worker}_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options=-csearch_path%3D{schema}"
    finally:
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()
