"""`b12pain serve`: the web app on this machine (local mode: no login, your own journal).

Local mode holds one person's data with no login, so by default it only listens on this machine
(127.0.0.1). Listening on another address would let anyone on the network read and change the
journal; that needs `--allow-network` said explicitly.
"""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    """Add this area's commands to the app."""
    app.command("serve")(serve)


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (default: this machine only)."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    data_dir: Path | None = typer.Option(
        None, "--data-dir", help="Journal folder (default: B12PAIN_DATA_DIR or the user data folder)."
    ),
    allow_network: bool = typer.Option(
        False,
        "--allow-network",
        help="Listen on a non-loopback address although local mode has no login (anyone who can reach it sees your journal).",
    ),
) -> None:
    """Open b12pain in your browser: the web app at the printed address, on this machine only.

    Example: b12pain serve --port 8000
    """
    from b12pain.errors import InputError
    from b12pain.web.settings import Settings, is_loopback

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

    settings = Settings(host=host, port=port, data_dir=data_dir)
    typer.echo(f"b12pain is running at {settings.address()}  (press Ctrl-C to stop)")
    typer.echo("Not medical advice. Your data stays in your journal on this computer.")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning", access_log=False)
