"""`b12pain serve`: loopback only unless told; a real uvicorn server prints its address and answers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from b12pain.cli.main import app
from b12pain.web.settings import Settings, is_loopback

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"])
def test_loopback_hosts(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.5", "example.org", ""])
def test_network_hosts(host: str) -> None:
    assert not is_loopback(host)


def test_serve_refuses_a_network_host_and_says_why() -> None:
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0"], standalone_mode=False)
    assert result.exception is not None
    message = str(result.exception)
    assert "--host" in message and "0.0.0.0" in message
    assert "no login" in message and "--allow-network" in message


def test_serve_refuses_a_network_host_with_exit_2() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from b12pain.cli.main import run; run()", "serve", "--host", "0.0.0.0"],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 2
    assert "no login" in done.stderr and "Traceback" not in done.stderr


def test_settings_address() -> None:
    assert Settings(port=8123).address() == "http://127.0.0.1:8123/"
    assert Settings(host="::1", port=80).address() == "http://[::1]:80/"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_prints_the_address_and_serves_the_app(data_dir: Path) -> None:
    port = _free_port()
    env = {**os.environ, "B12PAIN_DATA_DIR": str(data_dir)}
    process = subprocess.Popen(
        [sys.executable, "-c", "from b12pain.cli.main import run; run()", "serve", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in first_line
        for _ in range(200):
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/learn", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("the server never answered")
        assert response.status_code == 200 and "Learn" in response.text
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_make_run_serves_and_prints_the_address() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    run_recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "b12pain serve" in run_recipe
