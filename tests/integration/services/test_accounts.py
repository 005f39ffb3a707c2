"""Accounts: one user per name even when ten add it at once, look-alike names refused,
passwords changed and reset (other sessions end), API tokens that expire, are listed without
their secret and are revoked one by one; all of it in the audit trail."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select
from tests.conftest import NOW
from tests.fake_hasher import CountingHasher

from rxsupply.adapters import tables
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.clock import FixedClock
from rxsupply.domain.users import Role, User
from rxsupply.errors import AlreadyExists, AuthenticationFailed, InvalidValue, NotFound
from rxsupply.services import passwords, sessions, users

PASSWORD = "correct-horse-battery-staple"
NEW = "a-new-passphrase-for-ana"


def add(engine: Engine, hasher: CountingHasher, username: str) -> User:
    with SqlUnitOfWork(engine) as uow:
        return users.add_user(
            uow,
            hasher,
            username=username,
            display_name="",
            role=Role.TECHNICIAN,
            password=PASSWORD,
            now=NOW,
            by="tests",
        )


@pytest.fixture
def hasher() -> CountingHasher:
    return CountingHasher()


@pytest.fixture
def ana(engine: Engine, hasher: CountingHasher) -> User:
    return add(engine, hasher, "ana")


def audit_actions(engine: Engine) -> list[tuple[str, str, str]]:
    a = tables.audit
    with engine.connect() as conn:
        rows = conn.execute(select(a.c.action, a.c.user_name, a.c.entity_key).order_by(a.c.id))
        return [(r[0], r[1], r[2]) for r in rows]


def test_ten_concurrent_adds_of_one_name_make_one_user_and_nine_clear_refusals(
    engine: Engine, hasher: CountingHasher
) -> None:
    outcomes: list[object] = []
    start = threading.Barrier(10)

    def one() -> None:
        start.wait()
        try:
            outcomes.append(add(engine, hasher, "casey"))
        except Exception as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=one) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    refused = [o for o in outcomes if isinstance(o, AlreadyExists)]
    assert len([o for o in outcomes if isinstance(o, User)]) == 1
    assert len(refused) == 9, outcomes
    assert all("already taken" in str(o) for o in refused)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(tables.app_user)).scalar() == 1


@pytest.mark.parametrize(
    "look_alike",
    ["ANA", "ａｎａ", "\u0430\u043f\u0430"],  # upper case, full width, all Cyrillic
    ids=["upper case", "full width", "Cyrillic"],
)
def test_a_look_alike_of_an_existing_name_is_refused_naming_it(
    engine: Engine, hasher: CountingHasher, ana: User, look_alike: str
) -> None:
    with pytest.raises(AlreadyExists, match="ana"):
        add(engine, hasher, look_alike)


def test_a_name_mixing_scripts_is_refused(engine: Engine, hasher: CountingHasher) -> None:
    with pytest.raises(InvalidValue, match="one script only"):
        add(engine, hasher, "p\u0430ul")  # Cyrillic a


def test_a_full_width_name_is_stored_in_ascii(engine: Engine, hasher: CountingHasher) -> None:
    assert add(engine, hasher, "ｒｏｂｉｎ").username == "robin"


def test_a_user_made_before_the_rules_keeps_signing_in_by_any_case(
    engine: Engine, hasher: CountingHasher
) -> None:
    with SqlUnitOfWork(engine) as uow:  # as 0040 leaves it: the key computed, the name as it was
        uow.users.add(User("Dr.Mixed", "Mixed", Role.MANAGER), f"fake:{PASSWORD}", NOW)
        uow.commit()

    with SqlUnitOfWork(engine, readonly=True) as uow:
        same = users.authenticate(uow, hasher, username="Dr.Mixed", password=PASSWORD)
        folded = users.authenticate(uow, hasher, username="dr.mixed", password=PASSWORD)

    assert same.username == folded.username == "Dr.Mixed"


def test_a_blank_password_of_spaces_is_refused_when_adding(
    engine: Engine, hasher: CountingHasher
) -> None:
    with SqlUnitOfWork(engine) as uow, pytest.raises(InvalidValue, match="blank"):
        users.add_user(
            uow,
            hasher,
            username="sam",
            display_name="",
            role=Role.BUYER,
            password=" " * 10,
            now=NOW,
            by="tests",
        )


# --- passwords -----------------------------------------------------------------------------


def start_session(engine: Engine, user: User) -> str:
    with SqlUnitOfWork(engine) as uow:
        return sessions.start_session(uow, user=user, clock=FixedClock(NOW))


def session_live(engine: Engine, key: str, user: User) -> bool:
    assert user.id is not None
    try:
        with SqlUnitOfWork(engine, readonly=True) as uow:
            sessions.check_session(uow, key=key, user_id=user.id)
    except AuthenticationFailed:
        return False
    return True


def test_changing_your_password_ends_your_other_sessions_and_keeps_this_one_and_tokens(
    engine: Engine, hasher: CountingHasher, ana: User
) -> None:
    here, elsewhere = start_session(engine, ana), start_session(engine, ana)
    with SqlUnitOfWork(engine) as uow:
        token = users.issue_token(uow, username="ana", name="pump", now=NOW, by="tests").token

    with SqlUnitOfWork(engine) as uow:
        passwords.change_password(
            uow,
            hasher,
            username="ana",
            current_password=PASSWORD,
            new_password=NEW,
            now=NOW,
            keep_session=here,
        )

    assert session_live(engine, here, ana)
    assert not session_live(engine, elsewhere, ana)
    with SqlUnitOfWork(engine, readonly=True) as uow:
        assert users.live_token(uow, token, now=NOW).user.username == "ana"
        assert users.authenticate(uow, hasher, username="ana", password=NEW).username == "ana"
        with pytest.raises(AuthenticationFailed):
            users.authenticate(uow, hasher, username="ana", password=PASSWORD)
    assert ("change_password", "ana", "ana") in audit_actions(engine)


def test_a_wrong_current_password_changes_nothing(
    engine: Engine, hasher: CountingHasher, ana: User
) -> None:
    with (
        SqlUnitOfWork(engine) as uow,
        pytest.raises(InvalidValue, match="current_password"),
    ):
        passwords.change_password(
            uow, hasher, username="ana", current_password="not-it-at-all", new_password=NEW, now=NOW
        )

    with SqlUnitOfWork(engine, readonly=True) as uow:
        assert users.authenticate(uow, hasher, username="ana", password=PASSWORD).username == "ana"


def test_a_new_password_must_pass_the_rule(
    engine: Engine, hasher: CountingHasher, ana: User
) -> None:
    with SqlUnitOfWork(engine) as uow, pytest.raises(InvalidValue, match="most common"):
        passwords.change_password(
            uow,
            hasher,
            username="ana",
            current_password=PASSWORD,
            new_password="password123",
            now=NOW,
        )


def test_an_admin_reset_ends_every_session_and_can_revoke_the_tokens(
    engine: Engine, hasher: CountingHasher, ana: User
) -> None:
    key = start_session(engine, ana)
    with SqlUnitOfWork(engine) as uow:
        token = users.issue_token(uow, username="ana", name="pump", now=NOW, by="tests").token

    with SqlUnitOfWork(engine) as uow:
        passwords.reset_password(
            uow, hasher, username="ana", new_password=NEW, now=NOW, by="admin", revoke_tokens=True
        )

    assert not session_live(engine, key, ana)
    with SqlUnitOfWork(engine, readonly=True) as uow, pytest.raises(AuthenticationFailed):
        users.live_token(uow, token, now=NOW)
    a = tables.audit
    with engine.connect() as conn:
        after = conn.execute(select(a.c.after).where(a.c.action == "reset_password")).scalar_one()
    assert json.loads(after) == {"sessions_ended": 1, "tokens_revoked": 1}


# --- API tokens ----------------------------------------------------------------------------


def test_a_token_works_until_its_expiry_and_is_refused_after(engine: Engine, ana: User) -> None:
    with SqlUnitOfWork(engine) as uow:
        issued = users.issue_token(uow, username="ana", name="pump", now=NOW, by="tests", days=30)

    assert issued.expires_at == NOW + timedelta(days=30)
    with SqlUnitOfWork(engine, readonly=True) as uow:
        before = users.live_token(uow, issued.token, now=NOW + timedelta(days=29)).user
        with pytest.raises(AuthenticationFailed, match="expired"):
            users.live_token(uow, issued.token, now=NOW + timedelta(days=30))
        batch = uow.users.users_for_tokens(
            [users.token_digest(issued.token)], NOW + timedelta(days=31)
        )
    assert before.username == "ana"
    assert batch == {}


def test_tokens_are_listed_without_their_secret_and_revoked_one_by_one(
    engine: Engine, ana: User
) -> None:
    with SqlUnitOfWork(engine) as uow:
        pump = users.issue_token(uow, username="ana", name="pump", now=NOW, by="tests")
    with SqlUnitOfWork(engine) as uow:
        cabinet = users.issue_token(uow, username="ana", name="cabinet", now=NOW, by="tests")

    with SqlUnitOfWork(engine) as uow:
        users.revoke_token(uow, token_id=pump.id, now=NOW + timedelta(hours=1), by="admin")

    with SqlUnitOfWork(engine, readonly=True) as uow:
        listed = users.list_tokens(uow, username="ana")
        with pytest.raises(AuthenticationFailed):
            users.live_token(uow, pump.token, now=NOW)
        assert users.live_token(uow, cabinet.token, now=NOW).user.username == "ana"
    assert [(t.name, t.revoked, t.revoked_at) for t in listed] == [
        ("pump", True, NOW + timedelta(hours=1)),
        ("cabinet", False, None),
    ]
    assert all(t.expires_at == NOW + timedelta(days=users.TOKEN_DAYS) for t in listed)
    assert pump.token not in repr(listed) and users.token_digest(pump.token) not in repr(listed)
    assert ("revoke_token", "admin", "ana") in audit_actions(engine)


def test_someone_revoking_their_own_token_cannot_revoke_anothers(
    engine: Engine, hasher: CountingHasher, ana: User
) -> None:
    add(engine, hasher, "bo")
    with SqlUnitOfWork(engine) as uow:
        theirs = users.issue_token(uow, username="bo", name="pump", now=NOW, by="tests")

    with SqlUnitOfWork(engine) as uow, pytest.raises(NotFound, match="API token"):
        users.revoke_token(uow, token_id=theirs.id, now=NOW, by="ana", owner="ana")


def test_a_tokens_use_is_noted_at_most_every_few_minutes(engine: Engine, ana: User) -> None:
    with SqlUnitOfWork(engine) as uow:
        issued = users.issue_token(uow, username="ana", name="pump", now=NOW, by="tests")
    digest = users.token_digest(issued.token)

    def use(minutes: int) -> None:
        at = NOW + timedelta(minutes=minutes)
        with SqlUnitOfWork(engine) as uow:
            if users.use_to_note(users.live_token(uow, issued.token, now=at), at):
                users.note_token_use(uow, [digest], now=at)
            uow.commit()

    def last_used() -> object:
        with SqlUnitOfWork(engine, readonly=True) as uow:
            return users.list_tokens(uow, username="ana")[0].last_used_at

    use(1)
    use(3)
    assert last_used() == NOW + timedelta(minutes=1)
    use(7)
    assert last_used() == NOW + timedelta(minutes=7)


def test_a_token_lasts_1_to_3650_days(engine: Engine, ana: User) -> None:
    with SqlUnitOfWork(engine) as uow, pytest.raises(InvalidValue, match="days"):
        users.issue_token(uow, username="ana", name="pump", now=NOW, by="tests", days=0)
