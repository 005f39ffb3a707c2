"""The users page (``/users``): an admin sees who is locked out after too many failed sign-ins
and unlocks them, disables and enables accounts; everyone else is refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, select

from rxsupply.adapters import tables
from rxsupply.entrypoints.app import create_app

from .harness import LOGIN_TOKEN, build_hospital, client_for, csrf_of


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    built = build_hospital(tmp_path / "rx.db")
    yield built
    built.dispose()


@pytest.fixture
def app(engine: Engine) -> FastAPI:
    return create_app(engine)


def _lock_out(app: FastAPI, username: str) -> None:
    """Five wrong passwords, as someone guessing would type them."""
    with client_for(app) as guesser:
        for _ in range(5):
            token = LOGIN_TOKEN.search(guesser.get("/login").text)
            assert token is not None
            guesser.post(
                "/login", data={"username": username, "password": "guess", "login_token": token[1]}
            )


def test_an_admin_sees_a_locked_user_first_and_unlocks_them(app: FastAPI, engine: Engine) -> None:
    _lock_out(app, "tech")

    with client_for(app, "admin") as admin:
        account = admin.get("/account").text
        page = admin.get("/users")
        unlocked = admin.post("/users/tech/unlock", data={"csrf_token": csrf_of(admin, "/users")})
        after = admin.get(unlocked.headers["location"])
    with client_for(app, "tech") as tech:  # signs in again (the helper asserts it)
        assert tech.get("/").status_code == 200

    assert 'href="/users"' in account
    assert page.status_code == 200
    assert "1 locked" in page.text
    rows = page.text.split("<tbody>", 1)[1]
    assert rows.index('data-user="tech"') < rows.index('data-user="admin"')  # locked first
    assert 'action="/users/tech/unlock"' in page.text
    assert 'action="/users/admin/disable"' not in page.text  # not your own account
    assert unlocked.status_code == 303
    assert "tech is unlocked" in after.text
    assert 'action="/users/tech/unlock"' not in after.text
    with engine.connect() as conn:
        actions = conn.execute(
            select(tables.audit.c.action, tables.audit.c.user_name).where(
                tables.audit.c.entity_key == "tech"
            )
        ).all()
    assert ("unlock_user", "admin") in [tuple(a) for a in actions]


def test_an_admin_disables_and_enables_an_account(app: FastAPI) -> None:
    with client_for(app, "admin") as admin:
        csrf = csrf_of(admin, "/users")
        admin.post("/users/auditor/disable", data={"csrf_token": csrf})
        disabled = admin.get("/users").text
        admin.post("/users/auditor/enable", data={"csrf_token": csrf})
        enabled = admin.get("/users").text
        own = admin.post("/users/admin/disable", data={"csrf_token": csrf})
        refused = admin.get(own.headers["location"]).text

    assert 'action="/users/auditor/enable"' in disabled
    assert 'action="/users/auditor/disable"' in enabled
    assert "you cannot disable your own account" in refused


@pytest.mark.parametrize("username", ["manager", "tech", "auditor"])
def test_only_admins_see_the_users_page(app: FastAPI, username: str) -> None:
    with client_for(app, username) as someone:
        page = someone.get("/users")
        account = someone.get("/account").text

    assert page.status_code == 403
    assert 'href="/users"' not in account
