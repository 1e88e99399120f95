"""Accounts and sessions of server mode (service.accounts) on SQLite and on PostgreSQL: argon2id
hashes, login refusals, rate limits and lockout per account and per address, and the ways a
session ends (logout, logout everywhere, password reset, expiry, idle time, removal)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from b12pain.errors import ConflictError, InputError, NotFoundError
from b12pain.journal import accounts as rows
from b12pain.journal import tables as t
from b12pain.journal.store import Journal
from b12pain.service import accounts
from b12pain.service.accounts import Account, LoginPolicy, LoginRefused, LoginThrottled

NOW = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)
PASSWORD = "correct horse battery staple"
POLICY = LoginPolicy(
    max_account_failures=3,
    max_address_failures=5,
    window=dt.timedelta(minutes=15),
    lockout=dt.timedelta(minutes=15),
    session_lifetime=dt.timedelta(hours=12),
    idle_timeout=dt.timedelta(minutes=30),
)


@pytest.fixture
def store(journal_url: str) -> Iterator[Journal]:
    with Journal.open(journal_url) as journal:
        yield journal


def _add(store: Journal, username: str = "ann", role: str = "person") -> Account:
    return accounts.add_account(
        store,
        username=username,
        display_name=username.title(),
        role=role,
        password=PASSWORD,
        now=NOW,
    )


def _login(
    store: Journal,
    username: str = "ann",
    password: str = PASSWORD,
    *,
    address: str = "10.0.0.1",
    now: dt.datetime = NOW,
) -> str:
    return accounts.login(
        store, username=username, password=password, address=address, now=now, policy=POLICY
    )[1]


def _signed_in(store: Journal, token: str, now: dt.datetime = NOW) -> Account | None:
    return accounts.account_for_session(store, token, now=now, idle_timeout=POLICY.idle_timeout)


# accounts -----------------------------------------------------------------------------------


def test_passwords_are_stored_as_argon2id_hashes(store: Journal) -> None:
    _add(store)
    record = rows.find_account(store, "ann")
    assert record is not None
    assert record.password_hash.startswith("$argon2id$v=19$m=")
    assert PASSWORD not in record.password_hash
    other = accounts.hash_password(PASSWORD)
    assert other != record.password_hash  # a fresh salt each time


def test_the_production_hash_cost_is_rfc_9106_low_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests hash with a test-sized cost (conftest); the server's own hasher is argon2id at
    RFC 9106's second recommended profile: 64 MiB, 3 passes, 4 lanes."""
    monkeypatch.setattr(accounts, "_hasher", None)
    made = accounts.hash_password(PASSWORD)
    assert made.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert accounts._verify(made, PASSWORD) and not accounts._verify(made, PASSWORD + "!")


def test_accounts_are_listed_and_found(store: Journal) -> None:
    _add(store, "ann")
    _add(store, "dr.lee", "clinician")
    _add(store, "root", "admin")
    assert accounts.list_accounts(store) == [
        Account("ann", "Ann", "person"),
        Account("dr.lee", "Dr.Lee", "clinician"),
        Account("root", "Root", "admin"),
    ]
    assert accounts.get_account(store, "dr.lee").role == "clinician"
    with pytest.raises(NotFoundError):
        accounts.get_account(store, "nobody")


def test_bad_fields_are_each_named(store: Journal) -> None:
    with pytest.raises(InputError) as refused:
        accounts.add_account(
            store, username="no spaces", display_name="", role="doctor", password="short", now=NOW
        )
    assert sorted(p.field for p in refused.value.problems) == [
        "display_name",
        "password",
        "role",
        "username",
    ]
    assert "short" not in str(refused.value)  # the password itself is never shown
    assert accounts.list_accounts(store) == []


def test_a_taken_username_is_a_conflict(store: Journal) -> None:
    _add(store)
    with pytest.raises(ConflictError) as refused:
        _add(store)
    assert refused.value.problems[0].field == "username"


def test_removing_an_account_ends_its_sessions(store: Journal) -> None:
    _add(store)
    token = _login(store)
    accounts.remove_account(store, "ann", now=NOW)
    assert _signed_in(store, token) is None
    with pytest.raises(NotFoundError):
        accounts.remove_account(store, "ann", now=NOW)


# logging in ---------------------------------------------------------------------------------


def test_login_gives_a_token_whose_hash_only_is_stored(store: Journal) -> None:
    _add(store)
    account, token = accounts.login(
        store, username="ann", password=PASSWORD, address="10.0.0.1", now=NOW, policy=POLICY
    )
    assert account == Account("ann", "Ann", "person")
    assert len(token) >= 40
    with store.engine.connect() as conn:
        stored = conn.execute(sa.select(t.SessionRow.id_hash)).scalars().all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    assert _signed_in(store, token) == account
    assert _signed_in(store, stored[0]) is None  # the stored hash does not sign anyone in
    assert _signed_in(store, "") is None and _signed_in(store, "x" * 5000) is None


def test_a_wrong_password_and_an_unknown_name_get_the_same_answer(store: Journal) -> None:
    _add(store)
    with pytest.raises(LoginRefused) as wrong:
        _login(store, password="not the password")
    with pytest.raises(LoginRefused) as unknown:
        _login(store, username="nobody")
    assert type(wrong.value) is type(unknown.value) is LoginRefused
    assert str(wrong.value) == str(unknown.value)
    assert wrong.value.status_code == 401


def test_too_many_failures_lock_the_account_until_the_lockout_ends(store: Journal) -> None:
    _add(store)
    for _ in range(POLICY.max_account_failures):
        with pytest.raises(LoginRefused):
            _login(store, password="wrong password!", address="10.0.0.9")
    with pytest.raises(LoginThrottled) as locked:  # even the right password, from anywhere
        _login(store, address="10.0.0.77")
    assert locked.value.status_code == 429
    assert "locked" in str(locked.value)
    later = NOW + POLICY.lockout + dt.timedelta(seconds=1)
    assert _signed_in(store, _login(store, now=later), now=later) is not None


def test_an_unknown_name_is_throttled_like_a_real_one(store: Journal) -> None:
    for _ in range(POLICY.max_account_failures):
        with pytest.raises(LoginRefused):
            _login(store, username="ghost", address=f"10.1.0.{_}")
    with pytest.raises(LoginThrottled):
        _login(store, username="ghost", address="10.1.0.99")


def test_too_many_failures_from_one_address_refuse_that_address(store: Journal) -> None:
    _add(store, "ann")
    for i in range(POLICY.max_address_failures):
        with pytest.raises(LoginRefused):
            _login(store, username=f"guess{i}", password="wrong password!", address="203.0.113.5")
    with pytest.raises(LoginThrottled) as refused:  # the right password, from that address
        _login(store, address="203.0.113.5")
    assert refused.value.problems[0].field == "address"
    assert _signed_in(store, _login(store, address="198.51.100.1")) is not None  # elsewhere: fine
    later = NOW + POLICY.window + dt.timedelta(seconds=1)
    assert _login(store, address="203.0.113.5", now=later)  # the window has passed


def test_a_success_forgets_the_accounts_earlier_failures(store: Journal) -> None:
    _add(store)
    for _ in range(POLICY.max_account_failures - 1):
        with pytest.raises(LoginRefused):
            _login(store, password="wrong password!")
    _login(store)
    for _ in range(POLICY.max_account_failures - 1):
        with pytest.raises(LoginRefused):
            _login(store, password="wrong password!")
    assert _login(store)  # not locked: the count started again


# sessions ending ----------------------------------------------------------------------------


def test_logout_ends_that_session_only(store: Journal) -> None:
    _add(store)
    phone, laptop = _login(store), _login(store)
    accounts.logout(store, phone)
    assert _signed_in(store, phone) is None
    assert _signed_in(store, laptop) is not None


def test_logout_everywhere_ends_every_session_of_that_account(store: Journal) -> None:
    _add(store, "ann")
    _add(store, "bob")
    phone, laptop, bobs = _login(store), _login(store), _login(store, "bob")
    accounts.logout_everywhere(store, "ann", now=NOW + dt.timedelta(minutes=1))
    assert _signed_in(store, phone) is None and _signed_in(store, laptop) is None
    assert _signed_in(store, bobs) is not None
    fresh = _login(store, now=NOW + dt.timedelta(minutes=2))
    assert _signed_in(store, fresh, now=NOW + dt.timedelta(minutes=2)) is not None


def test_a_password_reset_ends_sessions_unlocks_and_changes_the_password(store: Journal) -> None:
    _add(store)
    token = _login(store)
    for _ in range(POLICY.max_account_failures):
        with pytest.raises(LoginRefused):
            _login(store, password="wrong password!", address="10.9.9.9")
    with pytest.raises(LoginThrottled):
        _login(store, address="10.8.8.8")
    accounts.reset_password(
        store, "ann", "a brand new passphrase", now=NOW + dt.timedelta(minutes=1)
    )
    assert _signed_in(store, token) is None
    with pytest.raises(LoginRefused):
        _login(store, address="10.8.8.8", now=NOW + dt.timedelta(minutes=2))
    assert _login(store, password="a brand new passphrase", address="10.8.8.8")
    with pytest.raises(InputError):
        accounts.reset_password(store, "ann", "short", now=NOW)
    with pytest.raises(NotFoundError):
        accounts.reset_password(store, "nobody", "long enough password", now=NOW)


def test_a_session_expires_at_the_end_of_its_lifetime(store: Journal) -> None:
    _add(store)
    token = _login(store)
    step = dt.timedelta(minutes=20)  # used every 20 minutes: never idle
    at = NOW
    while at + step < NOW + POLICY.session_lifetime:
        at += step
        assert _signed_in(store, token, now=at) is not None
    assert _signed_in(store, token, now=NOW + POLICY.session_lifetime) is None
    assert _signed_in(store, token, now=NOW) is None  # gone for good


def test_an_idle_session_ends(store: Journal) -> None:
    _add(store)
    token = _login(store)
    idle = NOW + POLICY.idle_timeout + dt.timedelta(seconds=1)
    assert _signed_in(store, token, now=idle) is None
    assert _signed_in(store, token, now=NOW) is None


def test_failures_older_than_the_window_are_forgotten(store: Journal) -> None:
    _add(store)
    with pytest.raises(LoginRefused):
        _login(store, password="wrong password!")
    later = NOW + POLICY.window + dt.timedelta(minutes=1)
    with pytest.raises(LoginRefused):
        _login(store, password="wrong password!", now=later)
    with store.engine.connect() as conn:
        kept = conn.execute(sa.select(t.LoginFailureRow.at)).scalars().all()
    assert len(kept) == 1  # only the recent one is still stored


def test_an_overlong_password_is_refused_without_hashing_all_of_it(store: Journal) -> None:
    _add(store)
    with pytest.raises(LoginRefused):
        _login(store, password=PASSWORD + "x" * 100_000)
    with pytest.raises(LoginRefused):
        _login(store, username="x" * 10_000)
