"""`b12pain users add|remove|reset-password|list`: the accounts of a multi-user server.

They work on the server's journal (`B12PAIN_DATABASE_URL`, else `--data-dir`). A password is
read with a hidden prompt (typed twice) or, for scripts, as one line from standard input with
`--password-stdin`; it is never an argument (arguments show up in `ps` and shell history) and
never echoed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer

from b12pain.cli.journal_common import DATA_DIR, JSON, print_json, shown

#: Who removes an account from the command line (no username can look like this).
COMMAND_LINE = "(command line)"

users = typer.Typer(help="Accounts of a multi-user server (b12pain serve --multi-user).")

ROLE = typer.Option("person", "--role", help="person (keeps a diary), clinician or admin.")
NAME = typer.Option(None, "--name", help="The name shown to people (default: the username).")
PASSWORD_STDIN = typer.Option(
    False, "--password-stdin", help="Read the password as one line from standard input."
)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the app."""
    app.add_typer(users, name="users")


@contextlib.contextmanager
def _store(data_dir: Path | None) -> Iterator[Any]:
    from b12pain.service.context import open_store

    store = open_store(data_dir)
    try:
        yield store
    finally:
        store.close()


def _now() -> dt.datetime:
    return dt.datetime.now().astimezone()


def read_password(from_stdin: bool) -> str:
    """The new password: one line of standard input, or a hidden prompt typed twice (which
    needs a terminal: without one, `--password-stdin` is asked for)."""
    from b12pain.errors import InputError

    try:
        if from_stdin:
            return sys.stdin.readline().rstrip("\r\n")
        if not sys.stdin.isatty():
            raise InputError.single(
                "password",
                None,
                "typed at a terminal (hidden), or one line on standard input with --password-stdin",
            )
        value: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    except OSError:
        raise InputError.single("password", None, "could not be read from standard input") from None
    return value


@users.command("add")
def add(
    username: str = typer.Argument(..., help="Login name: letters, digits and _ . @ : -"),
    role: str = ROLE,
    name: str | None = NAME,
    password_stdin: bool = PASSWORD_STDIN,
    data_dir: Path | None = DATA_DIR,
    as_json: bool = JSON,
) -> None:
    """Create an account.

    Example: b12pain users add ann --role person --name "Ann Smith"
    """
    from b12pain.service import accounts

    accounts.check_account_fields(username=username, display_name=name or username, role=role)
    password = read_password(password_stdin)
    with _store(data_dir) as store:
        account = accounts.add_account(
            store,
            username=username,
            display_name=name or username,
            role=role,
            password=password,
            now=_now(),
        )
    if as_json:
        print_json(vars(account))
    else:
        typer.echo(f"Added {shown(account.username)} ({account.role}).")


@users.command("remove")
def remove(
    username: str = typer.Argument(..., help="The account to remove."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Remove an account and everything it left: diary, shares, audit log, preferences, sessions.

    Example: b12pain users remove ann --yes
    """
    from b12pain.service import accounts, erasure

    with _store(data_dir) as store:
        accounts.get_account(store, username)  # an unknown name is refused before asking
        _confirm(f"Remove {shown(username)} and delete everything this account left?", yes)
        erased = erasure.remove_account_and_data(store, username, by=COMMAND_LINE, now=_now())
    typer.echo(
        f"Removed {shown(username)}: {erased.entries} diary entries and {erased.other_rows} "
        "other rows deleted; every session of it has ended."
    )


def _confirm(question: str, yes: bool) -> None:
    """Go on only when told `--yes` or answered yes at a terminal (else exit 2, nothing done)."""
    from b12pain.errors import InputError

    if yes:
        return
    if not sys.stdin.isatty():
        raise InputError.single("--yes", None, "given to confirm when no terminal can ask")
    if not typer.confirm(question, default=False):
        raise typer.Exit(1)


@users.command("reset-password")
def reset_password(
    username: str = typer.Argument(..., help="The account whose password is reset."),
    password_stdin: bool = PASSWORD_STDIN,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Set a new password: unlocks the account and signs it out everywhere.

    Example: b12pain users reset-password ann
    """
    from b12pain.service import accounts

    with _store(data_dir) as store:
        accounts.get_account(store, username)  # an unknown name is refused before asking
        password = read_password(password_stdin)
        accounts.reset_password(store, username, password, now=_now())
    typer.echo(f"New password set for {shown(username)}; every session of it has ended.")


@users.command("list")
def list_users(data_dir: Path | None = DATA_DIR, as_json: bool = JSON) -> None:
    """List the accounts (username, role, name).

    Example: b12pain users list
    """
    from b12pain.service import accounts

    with _store(data_dir) as store:
        found = accounts.list_accounts(store)
    if as_json:
        print_json([vars(a) for a in found])
        return
    if not found:
        typer.echo("No accounts yet. Add one with: b12pain users add NAME --role admin")
    for a in found:
        typer.echo(f"{shown(a.username):<24} {a.role:<10} {shown(a.display_name)}")
