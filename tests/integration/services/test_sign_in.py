"""Signing in: one password check whatever the outcome, the same answer for an unknown name
and a wrong password, five wrong passwords within 15 minutes lock the account until an admin
unlocks it, too many failures from one address refuse it for a while; all of it in the
database and the audit trail."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select
from tests.conftest import NOW
from tests.fake_hasher import CountingHasher

from rxsupply.adapters import tables
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.clock import FixedClock
from rxsupply.domain.sign_in import SignInLimits
from rxsupply.domain.users import Role, User
from rxsupply.errors import AuthenticationFailed, PermissionDenied, TooManyRequests
from rxsupply.services import users
from rxsupply.services.sign_in import approve, sign_in

PASSWORD = "correct-horse-battery-staple"
LIMITS = SignInLimits(user_failures=5, address_failures=8)
ADDRESS = "10.1.2.3"


@pytest.fixture
def hasher(engine: Engine) -> CountingHasher:
    hasher = CountingHasher()
    with SqlUnitOfWork(engine) as uow:
        users.add_user(
            uow,
            hasher,
            username="ana",
            display_name="Ana",
            role=Role.TECHNICIAN,
            password=PASSWORD,
            now=NOW,
            by="tests",
        )
    with SqlUnitOfWork(engine) as uow:
        users.add_user(
            uow,
            hasher,
            username="bo",
            display_name="Bo",
            role=Role.BUYER,
            password=PASSWORD,
            now=NOW,
            by="tests",
        )
        users.set_active(uow, username="bo", active=False, now=NOW, by="tests")
    return hasher


def attempt(
    engine: Engine,
    hasher: CountingHasher,
    username: str,
    password: str,
    *,
    minutes: float = 0,
    address: str = ADDRESS,
) -> User:
    with SqlUnitOfWork(engine) as uow:
        return sign_in(
            uow,
            hasher,
            username=username,
            password=password,
            address=address,
            clock=FixedClock(NOW + timedelta(minutes=minutes)),
            limits=LIMITS,
        )


def refusal(
    engine: Engine,
    hasher: CountingHasher,
    username: str,
    password: str,
    *,
    minutes: float = 0,
    address: str = ADDRESS,
) -> str:
    with pytest.raises(AuthenticationFailed) as caught:
        attempt(engine, hasher, username, password, minutes=minutes, address=address)
    return str(caught.value)


def audit(engine: Engine, action: str) -> list[tuple[str, str, dict[str, object]]]:
    a = tables.audit
    with engine.connect() as conn:
        rows = conn.execute(
            select(a.c.user_name, a.c.entity_key, a.c.after)
            .where(a.c.action == action)
            .order_by(a.c.id)
        )
        return [(r[0], r[1], json.loads(r[2] or "null")) for r in rows]


def test_the_right_password_signs_in_and_is_recorded_with_the_address(
    engine: Engine, hasher: CountingHasher
) -> None:
    user = attempt(engine, hasher, "ana", PASSWORD)

    assert user.username == "ana"
    assert audit(engine, "sign_in") == [("ana", "ana", {"address": ADDRESS})]


@pytest.mark.parametrize(
    ("username", "password", "checked_against"),
    [
        ("nobody", PASSWORD, "fake:dummy"),
        ("ana", "wrong-password-12", f"fake:{PASSWORD}"),
        ("bo", PASSWORD, f"fake:{PASSWORD}"),  # disabled
    ],
    ids=["unknown user", "wrong password", "disabled user"],
)
def test_every_failure_checks_one_password_and_answers_the_same(
    engine: Engine, hasher: CountingHasher, username: str, password: str, checked_against: str
) -> None:
    hasher.checked.clear()

    message = refusal(engine, hasher, username, password)

    assert hasher.checked == [checked_against]
    assert message == users.REFUSED


def test_a_failure_is_recorded_with_the_name_typed_the_address_and_the_reason(
    engine: Engine, hasher: CountingHasher
) -> None:
    refusal(engine, hasher, "nobody", PASSWORD)
    refusal(engine, hasher, "ana", "wrong-password-12")

    assert audit(engine, "sign_in_failed") == [
        ("nobody", "nobody", {"address": ADDRESS, "reason": "unknown user"}),
        ("ana", "ana", {"address": ADDRESS, "reason": "wrong password", "failures": 1}),
    ]
    with engine.connect() as conn:
        rows = conn.execute(
            select(tables.sign_in_attempt.c.username, tables.sign_in_attempt.c.succeeded)
        )
        assert sorted(tuple(r) for r in rows) == [("ana", False), ("nobody", False)]


def test_five_wrong_passwords_within_15_minutes_lock_the_account(
    engine: Engine, hasher: CountingHasher
) -> None:
    for n in range(5):
        refusal(engine, hasher, "ana", "wrong-password-12", minutes=n * 3)

    message = refusal(engine, hasher, "ana", PASSWORD, minutes=14)

    assert message == users.REFUSED  # the right password no longer signs in
    assert [u for u, _, _ in audit(engine, "lock_user")] == ["ana"]
    assert audit(engine, "sign_in_failed")[-1][2]["reason"] == "locked"
    with SqlUnitOfWork(engine, readonly=True) as uow:
        stored = uow.users.get("ana")
    assert stored is not None and stored.locked_at == NOW + timedelta(minutes=12)


def test_an_admin_unlocks_a_locked_account_and_its_count_starts_afresh(
    engine: Engine, hasher: CountingHasher
) -> None:
    for n in range(5):
        refusal(engine, hasher, "ana", "wrong-password-12", minutes=n)

    with SqlUnitOfWork(engine) as uow:
        users.unlock(uow, username="ana", now=NOW + timedelta(minutes=20), by="admin")

    assert attempt(engine, hasher, "ana", PASSWORD, minutes=21).username == "ana"
    assert [(u, k) for u, k, _ in audit(engine, "unlock_user")] == [("admin", "ana")]
    for n in range(4):  # four more do not lock it again
        refusal(engine, hasher, "ana", "wrong-password-12", minutes=22 + n)
    assert attempt(engine, hasher, "ana", PASSWORD, minutes=27).username == "ana"


def test_failures_spread_over_more_than_15_minutes_do_not_lock(
    engine: Engine, hasher: CountingHasher
) -> None:
    for n in range(8):
        refusal(engine, hasher, "ana", "wrong-password-12", minutes=n * 5, address=f"10.0.0.{n}")

    assert attempt(engine, hasher, "ana", PASSWORD, minutes=41).username == "ana"
    assert audit(engine, "lock_user") == []


def test_a_right_password_resets_the_count_of_failures(
    engine: Engine, hasher: CountingHasher
) -> None:
    for n in range(4):
        refusal(engine, hasher, "ana", "wrong-password-12", minutes=n)
    attempt(engine, hasher, "ana", PASSWORD, minutes=5)

    for n in range(4):
        refusal(engine, hasher, "ana", "wrong-password-12", minutes=6 + n, address="10.7.7.7")

    assert attempt(engine, hasher, "ana", PASSWORD, minutes=11).username == "ana"


def test_too_many_failures_from_one_address_refuse_it_before_any_password_is_checked(
    engine: Engine, hasher: CountingHasher
) -> None:
    for n in range(LIMITS.address_failures):
        refusal(engine, hasher, f"guess{n}", PASSWORD, minutes=n)
    hasher.checked.clear()

    with pytest.raises(TooManyRequests, match=r"failed sign-ins from 10\.1\.2\.3") as caught:
        attempt(engine, hasher, "ana", PASSWORD, minutes=10)

    assert hasher.checked == []
    assert caught.value.retry_after == 5 * 60  # the first failure leaves the window at 15 min
    assert (
        attempt(engine, hasher, "ana", PASSWORD, minutes=10, address="10.9.9.9").username == "ana"
    )
    assert attempt(engine, hasher, "ana", PASSWORD, minutes=15).username == "ana"


def test_attempts_older_than_the_address_window_are_forgotten(
    engine: Engine, hasher: CountingHasher
) -> None:
    """The attempts table only counts recent failures (the audit trail keeps every sign-in):
    without pruning it grew by a row per sign-in forever."""
    for n in range(3):
        refusal(engine, hasher, "ana", "wrong", minutes=n)
    attempt(engine, hasher, "ana", PASSWORD, minutes=10)
    with engine.connect() as conn:
        before = conn.execute(select(tables.sign_in_attempt.c.at)).scalars().all()

    attempt(engine, hasher, "ana", PASSWORD, minutes=17)  # minutes 0 and 1: over 15 min ago

    with engine.connect() as conn:
        after = conn.execute(select(tables.sign_in_attempt.c.at)).scalars().all()
        audited = (
            conn.execute(select(tables.audit.c.action).where(tables.audit.c.entity == "user"))
            .scalars()
            .all()
        )
    assert len(before) == 4
    assert len(after) == 3  # minutes 2, 10 and 17
    assert audited.count("sign_in_failed") == 3


def approval(engine: Engine, hasher: CountingHasher, password: str, *, minutes: float = 0) -> str:
    """Ana confirming someone's command with ``password``: her name, or the refusal."""
    with SqlUnitOfWork(engine) as uow:
        try:
            return approve(
                uow,
                hasher,
                username="ana",
                password=password,
                clock=FixedClock(NOW + timedelta(minutes=minutes)),
                limits=LIMITS,
            ).username
        except PermissionDenied as exc:
            return str(exc)


def test_wrong_approver_passwords_count_towards_the_lockout(
    engine: Engine, hasher: CountingHasher
) -> None:
    """A two-person approval field took unlimited guesses at the approver's password."""
    right = approval(engine, hasher, PASSWORD)
    guesses = [approval(engine, hasher, f"guess-{n}", minutes=n) for n in range(5)]
    after_lock = approval(engine, hasher, PASSWORD, minutes=6)

    assert right == "ana"
    assert all("could not be confirmed" in g for g in guesses)
    assert "could not be confirmed" in after_lock  # locked: even the right password fails
    assert [a for a, _, _ in audit(engine, "approval_failed")] == ["ana"] * 6
    assert len(audit(engine, "lock_user")) == 1
    assert audit(engine, "sign_in") == []  # an approval is audited with its command
    assert len(hasher.checked) == 7  # one password check each
