"""`b12pain serve --multi-user`: several worker processes (by default one per CPU core plus
one) share one database, so a session begun on one worker is honoured by every other (sessions,
rate limits and shares live in the database, not in a process). A real uvicorn server with its
default workers on SQLite."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from serverkit import PASSWORD, SECRET_KEY

CLI = [sys.executable, "-c", "from b12pain.cli.main import run; run()"]
_TOKEN = re.compile(r'name="csrftoken" value="([^"]+)"')


def _env(data_dir: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("B12PAIN_")}
    return {**clean, "B12PAIN_SECRET_KEY": SECRET_KEY, "B12PAIN_DATA_DIR": str(data_dir)}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_local_mode_refuses_more_than_one_worker(tmp_path: Path) -> None:
    done = subprocess.run(
        [*CLI, "serve", "--workers", "2", "--data-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=120, env=_env(tmp_path),
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "--workers" in done.stderr and "--multi-user" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.xdist_group("uvicorn-workers")
def test_a_session_is_honoured_by_every_worker(tmp_path: Path) -> None:
    env = _env(tmp_path)
    added = subprocess.run(
        [*CLI, "users", "add", "ann", "--role", "person", "--password-stdin",
         "--data-dir", str(tmp_path)],
        input=PASSWORD + "\n", capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    port = _free_port()
    address = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [*CLI, "serve", "--multi-user", "--port", str(port),
         "--public-url", address, "--insecure-dev", "--data-dir", str(tmp_path)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    expected = min((os.cpu_count() or 1) + 1, 32)
    try:
        with httpx.Client(base_url=address, timeout=10) as client:
            login = None
            for _ in range(600):
                try:
                    login = client.get("/login")
                    break
                except httpx.TransportError:
                    assert server.poll() is None, server.stderr.read().decode()  # type: ignore[union-attr]
                    time.sleep(0.1)
            assert login is not None and login.status_code == 200
            said = b"".join(server.stdout.readline() for _ in range(2)).decode()  # type: ignore[union-attr]
            assert f"with {expected} worker processes" in said
            workers = psutil.Process(server.pid).children(recursive=True)
            assert len([w for w in workers if "python" in w.name().lower()]) >= expected
            token = _TOKEN.search(login.text)
            assert token is not None
            signed = client.post(
                "/login",
                data={"username": "ann", "password": PASSWORD, "csrftoken": token.group(1)},
                headers={"origin": address},
            )
            assert signed.status_code in (200, 303), signed.text
            # Many requests on fresh connections: uvicorn's workers share the socket, so they
            # land on both processes; every one must see Ann signed in.
            for _ in range(30):
                with httpx.Client(base_url=address, timeout=10, cookies=client.cookies) as fresh:
                    page = fresh.get("/api/v1/entries")
                    assert page.status_code == 200, page.text
            with httpx.Client(base_url=address, timeout=10) as stranger:
                assert stranger.get("/api/v1/entries").status_code == 401
    finally:
        server.terminate()
        server.wait(timeout=30)
