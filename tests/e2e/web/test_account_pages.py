"""Your account page: change your password (your other sessions sign out, this one stays) and
revoke one of your API tokens; the sign-in form locks an account after five wrong passwords."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine
from tests.conftest import NOW

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.entrypoints.app import create_app
from rxsupply.services import users

from .harness import LOGIN_TOKEN, PASSWORD, TestClient, alert, build_hospital, client_for, csrf_of

NEW = "a-brand-new-passphrase"


@pytest.fixture
def own_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = build_hospital(tmp_path / "rx.db")
    yield engine
    engine.dispose()


@pytest.fixture
def app(own_engine: Engine) -> FastAPI:
    return create_app(own_engine)


def sign_in(app: FastAPI, username: str, password: str) -> int:
    client = TestClient(app, follow_redirects=False)
    token = LOGIN_TOKEN.search(client.get("/login").text)
    assert token is not None
    body = {"username": username, "password": password, "login_token": token[1]}
    return int(client.post("/login", data=body).status_code)


def test_changing_your_password_signs_out_your_other_sessions_only(app: FastAPI) -> None:
    here, elsewhere = client_for(app, "tech"), client_for(app, "tech")
    form = {
        "csrf_token": csrf_of(here, "/account"),
        "current_password": PASSWORD,
        "new_password": NEW,
        "confirm_password": NEW,
    }

    answer = here.post("/account/password", data=form)

    assert (answer.status_code, answer.headers["location"]) == (303, "/account")
    assert "Password changed" in here.get("/account").text
    assert elsewhere.get("/account").status_code == 303  # sent to sign in again
    assert sign_in(app, "tech", NEW) == 303
    assert sign_in(app, "tech", PASSWORD) == 401


def test_a_common_new_password_is_refused_in_place(app: FastAPI) -> None:
    client = client_for(app, "tech")
    form = {
        "csrf_token": csrf_of(client, "/account"),
        "current_password": PASSWORD,
        "new_password": "password123",
        "confirm_password": "password123",
    }

    client.post("/account/password", data=form)

    assert "most common" in alert(client.get("/account").text)


def test_you_see_your_tokens_without_secrets_and_revoke_one(
    app: FastAPI, own_engine: Engine
) -> None:
    with SqlUnitOfWork(own_engine) as uow:
        issued = users.issue_token(uow, username="tech", name="scanner", now=NOW, by="tests")
    client = client_for(app, "tech")
    page = client.get("/account").text
    assert "scanner" in page and issued.token not in page

    client.post(
        f"/account/tokens/{issued.id}/revoke", data={"csrf_token": csrf_of(client, "/account")}
    )

    with SqlUnitOfWork(own_engine, readonly=True) as uow:
        assert [t.revoked for t in users.list_tokens(uow, username="tech")] == [True]


def test_five_wrong_passwords_on_the_form_lock_the_account(app: FastAPI) -> None:
    codes = [sign_in(app, "manager", "not-the-password") for _ in range(5)]

    assert codes == [401] * 5
    assert sign_in(app, "manager", PASSWORD) == 401
