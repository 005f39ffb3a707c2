"""Web sessions: started for a signed-in user, live until ended, refused once ended or once
their user is disabled; only the key's SHA-256 is stored."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select
from tests.conftest import NOW

from rxsupply.adapters import tables
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.clock import FixedClock
from rxsupply.domain.users import Role, User
from rxsupply.errors import AuthenticationFailed, NotFound
from rxsupply.services import sessions
from rxsupply.services.users import token_digest

CLOCK = FixedClock(NOW)


@pytest.fixture
def ana(engine: Engine) -> User:
    user = User(username="ana", display_name="Ana", role=Role.TECHNICIAN)
    with SqlUnitOfWork(engine) as uow:
        user.id = uow.users.add(user, "not-a-real-hash", NOW)
        uow.commit()
    return user


def _start(engine: Engine, user: User) -> str:
    with SqlUnitOfWork(engine) as uow:
        return sessions.start_session(uow, user=user, clock=CLOCK)


def _check(engine: Engine, key: str, user_id: int) -> User:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return sessions.check_session(uow, key=key, user_id=user_id)


def test_a_started_session_is_live_and_stores_only_the_keys_digest(
    engine: Engine, ana: User
) -> None:
    assert ana.id is not None

    key = _start(engine, ana)

    assert _check(engine, key, ana.id).username == "ana"
    with engine.connect() as conn:
        stored = conn.execute(select(tables.app_session.c.id, tables.app_session.c.created_at))
        assert [tuple(r) for r in stored] == [(token_digest(key), NOW)]


def test_an_ended_session_is_refused(engine: Engine, ana: User) -> None:
    assert ana.id is not None
    key, other = _start(engine, ana), _start(engine, ana)

    with SqlUnitOfWork(engine) as uow:
        sessions.end_session(uow, key=key)

    with pytest.raises(AuthenticationFailed, match="signed out"):
        _check(engine, key, ana.id)
    assert _check(engine, other, ana.id).username == "ana"  # only that one ended


def test_a_session_of_a_disabled_user_is_refused(engine: Engine, ana: User) -> None:
    assert ana.id is not None
    key = _start(engine, ana)
    with SqlUnitOfWork(engine) as uow:
        uow.users.set_active("ana", False)
        uow.commit()

    with pytest.raises(AuthenticationFailed, match="disabled"):
        _check(engine, key, ana.id)


def test_a_user_never_stored_gets_no_session(engine: Engine) -> None:
    stranger = User(username="stranger", display_name="?", role=Role.TECHNICIAN)

    with pytest.raises(NotFound, match="stranger"):
        _start(engine, stranger)
