"""``rxsupply users``: unlock a locked account, change a password (your own with the current
one, anyone's as an admin), list a user's API tokens (never their secrets) and revoke one."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from tests.conftest import NOW
from tests.e2e.cli_runner import Rx

from rxsupply.adapters.passwords import Argon2Hasher
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.clock import FixedClock
from rxsupply.domain.sign_in import SignInLimits
from rxsupply.errors import AuthenticationFailed
from rxsupply.services import users
from rxsupply.services.sign_in import sign_in

PASSWORD = "a-long-admin-passphrase"
TECH = "tech-long-passphrase"


@pytest.fixture
def accounts(rx: Rx, monkeypatch: pytest.MonkeyPatch) -> Rx:
    ran = rx("users", "add", "boss", "--role", "admin", "--password", PASSWORD)
    assert ran.code == 0, ran.err
    monkeypatch.setenv("RXSUPPLY_USER", "boss")
    ran = rx("users", "add", "tara", "--role", "technician", "--password", TECH, "--token", "pump")
    assert ran.code == 0, ran.err
    return rx


def try_sign_in(rx: Rx, username: str, password: str) -> bool:
    engine = create_engine(f"sqlite:///{rx.db}")
    try:
        with SqlUnitOfWork(engine) as uow:
            sign_in(
                uow,
                Argon2Hasher(),
                username=username,
                password=password,
                address="10.0.0.1",
                clock=FixedClock(NOW),
                limits=SignInLimits(),
            )
    except AuthenticationFailed:
        return False
    finally:
        engine.dispose()
    return True


def test_an_admin_unlocks_a_locked_user(accounts: Rx) -> None:
    for _ in range(5):
        assert not try_sign_in(accounts, "tara", "wrong-password-1")
    assert not try_sign_in(accounts, "tara", TECH)
    listed = accounts("users", "list", "--json").json()
    assert next(u for u in listed if u["username"] == "tara")["locked_at"] is not None

    ran = accounts("users", "unlock", "tara")

    assert (ran.code, ran.out.strip()) == (0, "unlocked tara")
    assert try_sign_in(accounts, "tara", TECH)


def test_an_admin_resets_a_password_and_the_old_one_stops_working(accounts: Rx) -> None:
    ran = accounts("users", "passwd", "tara", "--password", "a-fresh-passphrase")

    assert ran.code == 0, ran.err
    assert try_sign_in(accounts, "tara", "a-fresh-passphrase")
    assert not try_sign_in(accounts, "tara", TECH)


def test_a_user_changes_their_own_password_only_with_the_current_one(
    accounts: Rx, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RXSUPPLY_USER", "tara")

    wrong = accounts("users", "passwd", "tara", "--current", "not-it", "--password", "x-new-pass-1")
    right = accounts("users", "passwd", "tara", "--current", TECH, "--password", "x-new-pass-1")
    other = accounts("users", "passwd", "boss", "--password", "x-new-pass-2")

    assert wrong.code != 0 and "current_password" in wrong.message
    assert right.code == 0, right.err
    assert other.code != 0 and "may not manage_users" in other.message
    assert try_sign_in(accounts, "tara", "x-new-pass-1")


def test_a_common_password_is_refused_naming_the_reason(accounts: Rx) -> None:
    ran = accounts("users", "passwd", "tara", "--password", "password123")

    assert ran.code != 0
    assert "most common" in ran.message


def test_tokens_are_listed_without_their_secret_and_one_is_revoked(accounts: Rx) -> None:
    issued = accounts("users", "token", "tara", "--name", "cabinet", "--days", "7").out.strip()

    listed = accounts("users", "tokens", "tara", "--json")
    revoked = accounts("users", "revoke-token", str(listed.json()[0]["id"]))
    after = accounts("users", "tokens", "tara", "--json").json()

    rows = listed.json()
    assert [(r["name"], r["state"]) for r in rows] == [("pump", "live"), ("cabinet", "live")]
    assert rows[1]["expires_at"].startswith("2026-11-27")
    assert issued not in listed.out
    assert revoked.code == 0 and "revoked token" in revoked.out
    assert [r["state"] for r in after] == ["revoked", "live"]
    engine = create_engine(f"sqlite:///{accounts.db}")
    with SqlUnitOfWork(engine, readonly=True) as uow:
        assert users.live_token(uow, issued, now=NOW).user.username == "tara"
    with engine.connect() as conn:
        actions = {r[0] for r in conn.execute(text("SELECT action FROM audit"))}
    engine.dispose()
    assert {"issue_token", "revoke_token"} <= actions


def test_a_token_days_setting_sets_the_default_expiry(
    accounts: Rx, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RXSUPPLY_TOKEN_DAYS", "10")

    accounts("users", "token", "tara", "--name", "short")

    rows = accounts("users", "tokens", "tara", "--json").json()
    assert rows[-1]["expires_at"].startswith("2026-11-30")
