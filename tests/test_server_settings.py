"""Server mode's settings: insecure values are refused by name and reason (CLI exit 2, no
traceback); local mode is unchanged."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from b12pain.errors import InputError
from b12pain.web import create_app
from b12pain.web.settings import Settings

GOOD_KEY = "k" * 48


def _server(**values: object) -> Settings:
    base: dict[str, object] = {
        "mode": "server",
        "secret_key": GOOD_KEY,
        "public_url": "https://b12pain.clinic.example",
    }
    base.update(values)
    return Settings(**base)  # type: ignore[arg-type]


def _fields(settings: Settings) -> list[str]:
    return [p.field for p in settings.problems()]


def test_safe_server_settings_have_no_problems() -> None:
    settings = _server()
    assert settings.problems() == []
    assert settings.https and settings.public_host == "b12pain.clinic.example"


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"secret_key": None}, "secret_key", "at least 32"),
        ({"secret_key": "short"}, "secret_key", "at least 32"),
        ({"public_url": None}, "public_url", "the address people open"),
        ({"public_url": "b12pain.example"}, "public_url", "the address people open"),
        ({"public_url": "http://b12pain.clinic.example"}, "public_url", "https://"),
        ({"debug": True}, "debug", "tracebacks"),
    ],
)
def test_each_insecure_value_is_named_with_the_reason(
    values: dict[str, object], field: str, words: str
) -> None:
    settings = _server(**values)
    problems = settings.problems()
    assert [p.field for p in problems] == [field]
    assert words in problems[0].message
    with pytest.raises(InputError) as refused:
        create_app(settings)
    assert refused.value.problems == problems


def test_every_insecure_value_is_named_at_once() -> None:
    settings = _server(secret_key="", public_url="http://x.example", debug=True)
    assert _fields(settings) == ["secret_key", "public_url", "debug"]


def test_a_short_key_is_never_shown() -> None:
    (problem,) = _server(secret_key="hunter2").problems()
    assert "hunter2" not in str(problem.value) and "7 characters" in str(problem.value)


def test_plain_http_only_with_insecure_dev() -> None:
    assert _server(public_url="http://127.0.0.1:8000", insecure_dev=True).problems() == []
    assert not _server(public_url="http://127.0.0.1:8000", insecure_dev=True).https
    # insecure_dev does not excuse a missing key or debug
    assert _fields(
        _server(public_url="http://x", insecure_dev=True, secret_key=None, debug=True)
    ) == [
        "secret_key",
        "debug",
    ]


def test_local_mode_is_unchanged(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, debug=True)
    assert settings.mode == "local" and settings.problems() == []
    create_app(settings)  # no key or public URL needed


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("B12PAIN_MODE", "server")
    monkeypatch.setenv("B12PAIN_SECRET_KEY", GOOD_KEY)
    monkeypatch.setenv("B12PAIN_PUBLIC_URL", "https://clinic.example")
    monkeypatch.setenv("B12PAIN_DATABASE_URL", "postgresql+psycopg://u@db/b12")
    monkeypatch.setenv("B12PAIN_SESSION_IDLE_MINUTES", "10")
    settings = Settings()
    assert settings.mode == "server" and settings.problems() == []
    assert settings.database_url == "postgresql+psycopg://u@db/b12"
    assert settings.idle_timeout.total_seconds() == 600
    assert GOOD_KEY not in repr(settings)  # the key is a SecretStr


def _serve(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("B12PAIN_")}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from b12pain.cli.main import run; run()",
            "serve",
            "--multi-user",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**clean, **env},
    )


def test_serve_multi_user_refuses_insecure_settings_with_exit_2(tmp_path: Path) -> None:
    done = _serve(
        {"B12PAIN_SECRET_KEY": "short", "B12PAIN_DEBUG": "1"},
        "--public-url",
        "http://clinic.example",
        "--data-dir",
        str(tmp_path),
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback (most recent call last)" not in done.stderr
    assert "bug in b12pain" not in done.stderr
    for words in ("secret_key", "at least 32", "public_url", "https://", "debug"):
        assert words in done.stderr


def test_serve_multi_user_names_a_malformed_setting(tmp_path: Path) -> None:
    done = _serve({"B12PAIN_SESSION_IDLE_MINUTES": "soon"}, "--data-dir", str(tmp_path))
    assert done.returncode == 2, done.stderr
    assert "session_idle_minutes" in done.stderr and "Traceback" not in done.stderr


def test_serve_multi_user_runs_on_sqlite_and_postgresql(journal_url: str, tmp_path: Path) -> None:
    """A real uvicorn server in server mode over the journal URL: signed out, pages go to /login,
    the API answers 401, and the login page carries its CSRF token."""
    import socket
    import time

    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    address = f"http://127.0.0.1:{port}"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("B12PAIN_")}
    env = {**clean, "B12PAIN_SECRET_KEY": GOOD_KEY, "B12PAIN_DATABASE_URL": journal_url}
    process = subprocess.Popen(
        [sys.executable, "-c", "from b12pain.cli.main import run; run()", "serve", "--multi-user",
         "--port", str(port), "--public-url", address, "--insecure-dev", "--data-dir", str(tmp_path)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    login = None
    try:
        for _ in range(600):
            try:
                login = httpx.get(address + "/login", timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None, (
                    process.stderr.read().decode() if process.stderr else ""
                )
                time.sleep(0.1)
        assert login is not None, "b12pain serve --multi-user did not answer within a minute"
        assert login.status_code == 200 and 'name="csrftoken"' in login.text
        assert httpx.get(address + "/", timeout=5).headers["location"] == "/login?next=/"
        assert httpx.get(address + "/api/v1/entries", timeout=5).status_code == 401
    finally:
        process.terminate()
        process.wait(timeout=20)
