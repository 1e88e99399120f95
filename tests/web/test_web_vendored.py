"""The vendored htmx is exactly the npm-locked version (no CDN, no build step)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENDORED = ROOT / "src/b12pain/web/static/htmx.min.js"
NPM_COPY = ROOT / "node_modules/htmx.org/dist/htmx.min.js"


def test_vendored_htmx_equals_the_npm_locked_file() -> None:
    if not NPM_COPY.exists():
        pytest.skip("node_modules not installed (run `npm ci`)")
    assert VENDORED.read_bytes() == NPM_COPY.read_bytes()


def test_vendored_htmx_is_the_locked_2x_version() -> None:
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    version = lock["packages"]["node_modules/htmx.org"]["version"]
    assert version.startswith("2.")
    assert f'version:"{version}"' in VENDORED.read_text(encoding="utf-8").replace(" ", "")

