"""Fixtures for the web app: an in-process client over a fresh journal (the shared `data_dir`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from b12pain.web import Settings, create_app


@pytest.fixture
def client(data_dir: Path) -> Iterator[TestClient]:
    """A TestClient over a local-mode app; server errors come back as responses, not exceptions."""
    app = create_app(Settings(data_dir=data_dir))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client
