"""The app a process manager starts in each of its workers reads its database from the
environment, and the workers share what the database holds: a session started in one is
honoured by the other, and signing out in one ends it in both."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.conftest import NOW, migrated_sqlite

from rxsupply.adapters.passwords import Argon2Hasher
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.users import Role
from rxsupply.entrypoints.app import from_environment
from rxsupply.errors import AuthenticationFailed
from rxsupply.services import users


def test_a_session_started_in_one_worker_holds_in_another_until_signed_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'rx.db'}"
    engine = migrated_sqlite(tmp_path / "rx.db")
    with SqlUnitOfWork(engine) as uow:
        tech = users.add_user(
            uow,
            Argon2Hasher(),
            username="tech",
            display_name="Taylor Tech",
            role=Role.TECHNICIAN,
            password="a long enough password",
            now=NOW,
            by="admin",
        )
    engine.dispose()
    monkeypatch.setenv("RXSUPPLY_DATABASE_URL", url)
    first, second = from_environment(), from_environment()

    cookie, csrf = first.state.sessions.issue(tech)
    seen = second.state.sessions.caller(cookie)
    second.state.sessions.revoke(cookie)

    with TestClient(second) as client:
        assert client.get("/health").json() == {"status": "ok", "database": "sqlite"}
    assert (seen.user.username, seen.csrf) == ("tech", csrf)
    with pytest.raises(AuthenticationFailed):
        first.state.sessions.caller(cookie)
