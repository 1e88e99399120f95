"""Accounts of a multi-user server: who they are, signing in and out, and the limits on guessing.

- Passwords are hashed with argon2id (argon2-cffi, the `web` extra, imported when first needed);
  the stored string carries its own parameters and salt, and is rehashed when they change.
- A session is a random token given to the browser once; only its SHA-256 is stored, so a copy
  of the database cannot be used to sign in. It ends at its expiry, after an idle time, at
  logout, at logout everywhere, and when the password is reset.
- Failed logins are counted per username and per address over a window: too many for a name
  locks it for a while (a password reset unlocks it); too many from one address refuses that
  address. A missing account is refused exactly like a wrong password, so names do not leak.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, cast

from b12pain.journal import accounts as rows
from b12pain.journal.store import Journal
from b12pain.service.errors import InputError, NotFoundError, Problem

if TYPE_CHECKING:
    from argon2 import PasswordHasher

Role = Literal["person", "clinician", "admin"]
ROLES: tuple[Role, ...] = ("person", "clinician", "admin")

#: The same rule as a `Context` owner: an account's username owns that person's rows.
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@:-]{0,63}$")
MIN_PASSWORD = 12
MAX_PASSWORD = 128
MAX_DISPLAY_NAME = 80


@dataclass(frozen=True)
class Account:
    """An account as every surface sees it (never its hash)."""

    username: str
    display_name: str
    role: Role


@dataclass(frozen=True)
class LoginPolicy:
    """How long sessions last and how many failed logins are allowed (server settings)."""

    max_account_failures: int = 5
    max_address_failures: int = 20
    window: dt.timedelta = dt.timedelta(minutes=15)
    lockout: dt.timedelta = dt.timedelta(minutes=15)
    session_lifetime: dt.timedelta = dt.timedelta(hours=12)
    idle_timeout: dt.timedelta = dt.timedelta(minutes=30)


class LoginRefused(InputError):
    """The username or password is not right (HTTP 401); which one is never said."""

    status_code = 401


class LoginThrottled(LoginRefused):
    """Too many failed logins for this account or from this address (HTTP 429)."""

    status_code = 429


#: Refreshing `last_seen_at` at most this often keeps a busy session from writing on every page.
_TOUCH_EVERY = dt.timedelta(minutes=1)
_hasher: PasswordHasher | None = None
_dummy_hash: str | None = None


def _passwords() -> PasswordHasher:
    """The argon2id hasher (RFC 9106 low-memory profile), made once."""
    global _hasher
    if _hasher is None:
        from argon2 import PasswordHasher, Type

        _hasher = PasswordHasher(type=Type.ID)
    return _hasher


def hash_password(password: str) -> str:
    """An argon2id PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) for `password`."""
    return _passwords().hash(password)


def _verify(password_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _passwords().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def token_hash(token: str) -> str:
    """What is stored for a session token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def _public(record: rows.AccountRecord) -> Account:
    return Account(record.username, record.display_name, cast(Role, record.role))


# checking input -----------------------------------------------------------------------------


def is_username(name: str) -> bool:
    """Whether `name` can be a username at all (checked before any query: PostgreSQL refuses
    some characters, a NUL among them, with an error rather than "no such row")."""
    return USERNAME.fullmatch(name) is not None


def _check_username(username: str) -> None:
    if not is_username(username):
        raise InputError.single(
            "username",
            username,
            "1 to 64 letters, digits or _ . @ : -, starting with a letter or digit",
        )


def _check_password(password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InputError.single(
            "password",
            f"({len(password)} characters)",
            f"{MIN_PASSWORD} to {MAX_PASSWORD} characters (a few words make a good one)",
        )


def check_account_fields(*, username: str, display_name: str, role: str) -> None:
    """`InputError` naming each bad field of a new account (the password aside)."""
    _check_new(username, display_name, role, None)


def _check_new(username: str, display_name: str, role: str, password: str | None) -> None:
    problems: list[Problem] = []
    try:
        _check_username(username)
    except InputError as exc:
        problems.extend(exc.problems)
    if password is not None:
        try:
            _check_password(password)
        except InputError as exc:
            problems.extend(exc.problems)
    name = display_name.strip()
    if not name or len(name) > MAX_DISPLAY_NAME or not name.isprintable():
        problems.append(
            Problem("display_name", display_name, f"1 to {MAX_DISPLAY_NAME} printable characters")
        )
    if role not in ROLES:
        problems.append(Problem("role", role, f"one of {', '.join(ROLES)}"))
    if problems:
        raise InputError(problems)


# managing accounts --------------------------------------------------------------------------


def add_account(
    store: Journal,
    *,
    username: str,
    display_name: str,
    role: str,
    password: str,
    now: dt.datetime,
) -> Account:
    """Create an account; `InputError` naming each bad field, `ConflictError` if the name is taken."""
    _check_new(username, display_name, role, password)
    rows.insert_account(
        store,
        username=username,
        display_name=display_name.strip(),
        role=role,
        password_hash=hash_password(password),
        now=now,
    )
    return Account(username, display_name.strip(), cast(Role, role))


def get_account(store: Journal, username: str) -> Account:
    """The account called `username`; `NotFoundError` if there is none, `InputError` if it
    cannot be a username."""
    _check_username(username)
    record = rows.find_account(store, username)
    if record is None:
        raise NotFoundError.single("username", username, "the name of an existing account")
    return _public(record)


def list_accounts(store: Journal) -> list[Account]:
    """Every account, by username."""
    return [_public(record) for record in rows.all_accounts(store)]


def remove_account(store: Journal, username: str, *, now: dt.datetime) -> None:
    """Delete the account and end its sessions (its diary rows are deleted separately)."""
    _check_username(username)
    if not rows.delete_account(store, username):
        raise NotFoundError.single("username", username, "the name of an existing account")


def reset_password(store: Journal, username: str, password: str, *, now: dt.datetime) -> None:
    """Set a new password: unlocks the account and ends every one of its sessions."""
    _check_username(username)
    _check_password(password)
    if not rows.set_password(store, username, hash_password(password), now):
        raise NotFoundError.single("username", username, "the name of an existing account")


# signing in and out -------------------------------------------------------------------------


def login(
    store: Journal,
    *,
    username: str,
    password: str,
    address: str,
    now: dt.datetime,
    policy: LoginPolicy = LoginPolicy(),
) -> tuple[Account, str]:
    """Check a password and begin a session: the account and the session token for the cookie.

    `LoginThrottled` when this name or address has failed too often lately (or the account is
    locked); `LoginRefused` for an unknown name or a wrong password (the same answer for both).
    A name that cannot be a username (a NUL, 300 characters) is an unknown name: it is never
    put in a query, and its failure counts against the address only (under the name "").
    """
    if not is_username(username):
        username = ""
    by_name, by_address = rows.failures_since(
        store, since=now - policy.window, username=username, address=address
    )
    if by_address >= policy.max_address_failures:
        raise LoginThrottled.single(
            "address", address, "too many failed logins from here; wait a few minutes"
        )
    record = rows.find_account(store, username) if username else None
    locked = record is not None and record.locked_until is not None and record.locked_until > now
    if locked or (username and by_name >= policy.max_account_failures):
        raise LoginThrottled.single(
            "username",
            username,
            "locked after too many failed logins; wait a few minutes or ask for a password reset",
        )
    usable = record is not None and len(password) <= MAX_PASSWORD
    if record is None or not usable or not _verify(record.password_hash, password):
        if not usable:  # the same work as a real check: timing does not tell names apart
            _verify(_dummy(), password[:MAX_PASSWORD])
        rows.forget_failures_before(store, now - policy.window)  # old ones no longer count
        rows.record_failure(store, username, address, now)
        if record is not None and by_name + 1 >= policy.max_account_failures:
            rows.lock_account(store, record.username, now + policy.lockout)
        raise LoginRefused.single("password", None, "the username or password is not right")
    if _passwords().check_needs_rehash(record.password_hash):
        rows.set_hash(store, record.username, hash_password(password))
    token = secrets.token_urlsafe(32)
    rows.insert_session(
        store, token_hash(token), record.username, now, now + policy.session_lifetime
    )
    return _public(record), token


def _dummy() -> str:
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = hash_password(secrets.token_urlsafe(16))
    return _dummy_hash


def account_for_session(
    store: Journal,
    token: str,
    *,
    now: dt.datetime,
    idle_timeout: dt.timedelta = LoginPolicy.idle_timeout,
) -> Account | None:
    """The account signed in with `token`, or None when the session is unknown, expired, idle
    for longer than `idle_timeout`, or ended by logout everywhere or a password reset."""
    if not token or len(token) > 256:
        return None
    id_hash = token_hash(token)
    found = rows.find_session(store, id_hash)
    if found is None:
        return None
    session, record = found
    if (
        now >= session.expires_at
        or now - session.last_seen_at > idle_timeout
        or session.created_at < record.sessions_valid_after
    ):
        rows.delete_session(store, id_hash)
        return None
    if now - session.last_seen_at >= _TOUCH_EVERY:
        rows.touch_session(store, id_hash, now)
    return _public(record)


def logout(store: Journal, token: str) -> None:
    """End the session of `token` (nothing happens for an unknown token)."""
    if token:
        rows.delete_session(store, token_hash(token))


def logout_everywhere(store: Journal, username: str, *, now: dt.datetime) -> None:
    """End every session of `username`, on every device."""
    _check_username(username)
    rows.end_sessions(store, username, now)
