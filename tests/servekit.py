"""A real `b12pain serve` for the tests that need one: a free port on this machine, and the
server (uvicorn, in its own process) running until a block ends. One helper for the end-to-end
tests, the API fuzzing and anything else that talks to a running server over HTTP."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

CLI = [sys.executable, "-c", "from b12pain.cli.main import run; run()"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running_serve(
    env: dict[str, str], port: int, *options: str, ready: str = "/learn"
) -> Iterator[str]:
    """A real `b12pain serve --port PORT OPTIONS` with `env`, until the block ends; yields its
    address once `ready` answers (fails with the server's error if it stops, or after a
    minute)."""
    address = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [*CLI, "serve", "--port", str(port), *options],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(600):
            try:
                httpx.get(address + ready, timeout=2)
                break
            except httpx.TransportError:
                if process.poll() is not None:
                    err = process.stderr.read().decode() if process.stderr else ""
                    pytest.fail(f"b12pain serve stopped: {err}")
                time.sleep(0.1)
        else:
            pytest.fail("b12pain serve did not answer within a minute")
        yield address
    finally:
        process.terminate()
        process.wait(timeout=20)


def running_server(
    env: dict[str, str], port: int, *options: str, ready: str = "/login"
) -> contextlib.AbstractContextManager[str]:
    """`running_serve` in server mode (`--multi-user`, plain http on this machine)."""
    address = f"http://127.0.0.1:{port}"
    return running_serve(
        env, port, "--multi-user", "--public-url", address, "--insecure-dev", *options, ready=ready
    )
