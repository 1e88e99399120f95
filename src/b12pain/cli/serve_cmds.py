"""`b12pain serve`: the web app on this machine (local mode: no login, your own journal), or
`b12pain serve --multi-user`: a clinic server with accounts (server mode).

Local mode holds one person's data with no login, so by default it only listens on this machine
(127.0.0.1). Listening on another address would let anyone on the network read and change the
journal; that needs `--allow-network` said explicitly.

Server mode reads its settings from `B12PAIN_*` variables (secret key, public URL, database URL;
see docs/server.md) and refuses to start with insecure ones, naming each (exit 2).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from b12pain.web.settings import Settings


def register(app: typer.Typer) -> None:
    """Add this area's commands to the app."""
    app.command("serve")(serve)


def serve(
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Address to listen on (default: this machine only)."
    ),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    data_dir: Path | None = typer.Option(
        None,
        "--data-dir",
        help="Journal folder (default: B12PAIN_DATA_DIR or the user data folder).",
    ),
    allow_network: bool = typer.Option(
        False,
        "--allow-network",
        help="Listen on a non-loopback address although local mode has no login (anyone who can reach it sees your journal).",
    ),
    multi_user: bool = typer.Option(
        False,
        "--multi-user",
        help="Server mode: accounts and login, on B12PAIN_DATABASE_URL (PostgreSQL) or SQLite; needs B12PAIN_SECRET_KEY and B12PAIN_PUBLIC_URL (https).",
    ),
    public_url: str | None = typer.Option(
        None,
        "--public-url",
        help="Server mode: the https:// address people open (else B12PAIN_PUBLIC_URL).",
    ),
    insecure_dev: bool = typer.Option(
        False,
        "--insecure-dev",
        help="Server mode: allow a plain-http public URL (development on this machine only).",
    ),
    workers: int | None = typer.Option(
        None,
        "--workers",
        min=1,
        max=32,
        help="Server mode: worker processes serving requests (default: one per CPU core, plus one).",
    ),
) -> None:
    """Open b12pain in your browser: the web app at the printed address, on this machine only.
    With --multi-user: a clinic server with accounts and login (docs/server.md).

    Example: b12pain serve --port 8000
    """
    from b12pain.errors import InputError
    from b12pain.web.settings import is_loopback

    if multi_user:
        chosen = workers if workers is not None else default_workers()
        _serve_multi_user(host, port, data_dir, public_url, insecure_dev, chosen)
        return
    if workers not in (None, 1):
        raise InputError.single(
            "--workers", workers, "1 in local mode (one person); more only with --multi-user"
        )
    if not is_loopback(host) and not allow_network:
        raise InputError.single(
            "--host",
            host,
            "local mode has no login, so anyone who can reach this address could read and change "
            "your journal; use 127.0.0.1 (this machine only), or add --allow-network if you "
            "really mean to share it",
        )
    import uvicorn

    from b12pain.web import create_app

    settings = read_settings(mode="local", host=host, port=port, data_dir=data_dir)
    typer.echo(f"b12pain is running at {settings.address()}  (press Ctrl-C to stop)")
    typer.echo("Not medical advice. Your data stays in your journal on this computer.")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning", access_log=False)


def default_workers() -> int:
    """Server mode's worker processes unless told: one per CPU core plus one, since a request
    spends part of its time waiting for the database, when another process can use the core
    (at most 32)."""
    import os

    return min((os.cpu_count() or 1) + 1, 32)


def _serve_multi_user(
    host: str,
    port: int,
    data_dir: Path | None,
    public_url: str | None,
    insecure_dev: bool,
    workers: int,
) -> None:
    """Server mode: check the settings (exit 2 naming each unsafe one), then serve with
    `workers` processes. Sessions, rate limits and shares live in the database, so any worker
    can answer any request; each worker builds its app from the same `B12PAIN_*` settings."""
    import os

    import uvicorn

    from b12pain.web import create_app

    given: dict[str, object] = {"mode": "server", "host": host, "port": port}
    for name, value in (("data_dir", data_dir), ("public_url", public_url)):
        if value is not None:
            given[name] = value
    if insecure_dev:
        given["insecure_dev"] = True
    settings = read_settings(**given)
    app = create_app(settings)  # refuses unsafe settings, naming each
    typer.echo(f"b12pain (server mode) is running at {settings.address()}  (press Ctrl-C to stop)")
    processes = "1 worker process" if workers == 1 else f"{workers} worker processes"
    typer.echo(
        f"Listening on {host}:{port} with {processes}. Accounts: b12pain users add. "
        "Not medical advice."
    )
    if workers == 1:
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
        return
    # Worker processes import the app factory and read their settings from the environment.
    for name, value in given.items():
        os.environ[f"B12PAIN_{name.upper()}"] = str(value).lower() if value is True else str(value)
    uvicorn.run(
        "b12pain.web.app:create_app",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
    )


def read_settings(**given: object) -> Settings:
    """Settings from `given` and `B12PAIN_*` variables; a bad value is `InputError` naming it."""
    from pydantic import ValidationError

    from b12pain.errors import InputError, problems_from_pydantic
    from b12pain.web.settings import Settings

    try:
        return Settings(**given)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise InputError(problems_from_pydantic(exc)) from None
