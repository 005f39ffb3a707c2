"""Accounts over HTTP: ten concurrent adds of one name give one 201 and nine 409s; the sign-in
form answers an unknown name and a wrong password alike, locks after five wrong passwords and
turns a flooding address away with 429 and Retry-After; tokens are listed, revoked and expire
(401); passwords change; the ledger check is for managers, one at a time."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlencode

import httpx
import pytest
from sqlalchemy import Engine, func, select, text
from tests.conftest import NOW

from rxsupply.adapters.exclusive import advisory_key, exclusive
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.users import Role
from rxsupply.services import users

from .harness import PASSWORD, Hospital, open_hospital, problem


@pytest.fixture
def pharmacy(hospital: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Hospital]:
    monkeypatch.setenv("RXSUPPLY_SIGNIN_ADDRESS_FAILURES", "8")
    with open_hospital(hospital) as opened:
        yield opened


def sign_in(pharmacy: Hospital, username: str, password: str) -> httpx.Response:
    """Fill in and post the sign-in form, as a browser does."""
    form = pharmacy.api.get("/login").text
    found = re.search(r'name="login_token" value="([^"]+)"', form)
    assert found is not None
    body = {"username": username, "password": password, "login_token": found.group(1)}
    return pharmacy.api.request(
        "POST",
        "/login",
        content=urlencode(body).encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )


def test_ten_concurrent_adds_of_one_username_give_one_201_and_nine_409s(
    pharmacy: Hospital,
) -> None:
    admin = pharmacy.token(Role.ADMIN)
    body = {"username": "casey", "role": "buyer", "password": PASSWORD}

    answers = pharmacy.api.concurrently([("POST", "/api/users", admin, body)] * 10)

    assert sorted(a.status_code for a in answers) == [201] + [409] * 9
    conflict = problem(next(a for a in answers if a.status_code == 409), 409)
    assert conflict["type"].endswith("/already-exists")
    assert "casey" in conflict["detail"]
    listed = pharmacy.api.get("/api/users", token=admin).json()["data"]
    assert [u["username"] for u in listed].count("casey") == 1


def test_a_look_alike_username_is_a_409_and_a_mixed_script_one_a_422(pharmacy: Hospital) -> None:
    admin = pharmacy.token(Role.ADMIN)

    full_width = pharmacy.api.post(
        "/api/users",
        token=admin,
        json={"username": "ａｄｍｉｎ", "role": "buyer", "password": PASSWORD},
    )
    mixed = pharmacy.api.post(
        "/api/users",
        token=admin,
        json={"username": "p\u0430ul", "role": "buyer", "password": PASSWORD},
    )

    assert "admin" in problem(full_width, 409)["detail"]
    assert problem(mixed, 422)["field"] == "username"


def test_a_password_of_ten_spaces_is_a_422_naming_the_password(pharmacy: Hospital) -> None:
    response = pharmacy.api.post(
        "/api/users",
        token=pharmacy.token(Role.ADMIN),
        json={"username": "sam", "role": "buyer", "password": " " * 10},
    )

    assert problem(response, 422)["field"] == "password"


def test_an_unknown_name_and_a_wrong_password_get_the_same_page(pharmacy: Hospital) -> None:
    pharmacy.token(Role.TECHNICIAN)

    unknown = sign_in(pharmacy, "nobody", PASSWORD)
    wrong = sign_in(pharmacy, "technician", "not-the-password")

    assert unknown.status_code == wrong.status_code == 401
    message = "Wrong username or password, or the account is locked or disabled."
    assert message in unknown.text and message in wrong.text


def test_five_wrong_passwords_lock_the_account_until_an_admin_unlocks_it(
    pharmacy: Hospital,
) -> None:
    admin = pharmacy.token(Role.ADMIN)
    pharmacy.token(Role.TECHNICIAN)
    for _ in range(5):
        assert sign_in(pharmacy, "technician", "not-the-password").status_code == 401

    locked = sign_in(pharmacy, "technician", PASSWORD)
    listed = pharmacy.api.get("/api/users", token=admin).json()["data"]
    unlocked = pharmacy.api.post("/api/users/technician/unlock", token=admin)
    after = sign_in(pharmacy, "technician", PASSWORD)

    assert locked.status_code == 401
    assert next(u for u in listed if u["username"] == "technician")["locked_at"] is not None
    assert (unlocked.status_code, unlocked.json()["locked_at"]) == (200, None)
    assert (after.status_code, after.headers["location"]) == (303, "/")
    actions = pharmacy.api.get("/api/audit", token=admin, params={"limit": 100}).json()["data"]
    assert {"sign_in", "sign_in_failed", "lock_user", "unlock_user"} <= {
        a["action"] for a in actions
    }
    unlock = next(a for a in actions if a["action"] == "unlock_user")
    assert (unlock["user"], unlock["key"]) == ("admin", "technician")
    assert json.loads(unlock["after"]) == {"locked_at": None, "address": "127.0.0.1"}


def test_an_address_with_too_many_failures_gets_429_with_retry_after(pharmacy: Hospital) -> None:
    for n in range(8):
        assert sign_in(pharmacy, f"guess{n}", "whatever-it-is").status_code == 401

    refused = sign_in(pharmacy, "guess9", "whatever-it-is")

    assert refused.status_code == 429
    assert refused.headers["retry-after"] == str(15 * 60)
    assert "too many failed sign-ins" in refused.text


def test_tokens_are_listed_without_secrets_and_a_revoked_one_is_a_401(
    pharmacy: Hospital,
) -> None:
    admin = pharmacy.token(Role.ADMIN)
    pharmacy.token(Role.BUYER)
    issued = pharmacy.api.post(
        "/api/users/buyer/tokens", token=admin, json={"name": "edi", "days": 30}
    ).json()
    assert pharmacy.api.get("/api/me", token=issued["token"]).status_code == 200

    listed = pharmacy.api.get("/api/users/buyer/tokens", token=admin)
    revoked = pharmacy.api.request("DELETE", f"/api/tokens/{issued['id']}", token=admin)
    after = pharmacy.api.get("/api/me", token=issued["token"])

    rows = listed.json()["data"]
    assert [(r["name"], r["state"]) for r in rows] == [("e2e", "live"), ("edi", "live")]
    assert rows[1]["expires_at"] == (NOW + timedelta(days=30)).isoformat()
    assert rows[1]["last_used_at"] == NOW.isoformat()
    assert issued["token"] not in listed.text
    assert revoked.status_code == 200
    assert "revoked" in problem(after, 401)["detail"]


def test_an_expired_token_is_a_401(pharmacy: Hospital) -> None:
    pharmacy.token(Role.BUYER)
    with SqlUnitOfWork(pharmacy.engine) as uow:
        old = users.issue_token(
            uow, username="buyer", name="old", now=NOW - timedelta(days=31), by="tests", days=30
        )

    response = pharmacy.api.get("/api/me", token=old.token)

    assert "expired" in problem(response, 401)["detail"]


def test_a_user_changes_their_own_password_with_the_current_one(pharmacy: Hospital) -> None:
    token = pharmacy.token(Role.TECHNICIAN)
    new = "another-long-passphrase"

    wrong = pharmacy.api.post(
        "/api/me/password",
        token=token,
        json={"current_password": "not-it-at-all", "new_password": new},
    )
    changed = pharmacy.api.post(
        "/api/me/password", token=token, json={"current_password": PASSWORD, "new_password": new}
    )

    assert problem(wrong, 422)["field"] == "current_password"
    assert changed.status_code == 200
    assert sign_in(pharmacy, "technician", new).status_code == 303
    assert pharmacy.api.get("/api/me", token=token).status_code == 200  # tokens kept


def test_the_ledger_check_is_for_managers_and_admins(pharmacy: Hospital) -> None:
    technician = pharmacy.api.get("/api/check", token=pharmacy.token(Role.TECHNICIAN))
    manager = pharmacy.api.get("/api/check", token=pharmacy.token(Role.MANAGER))

    problem(technician, 403)
    checked = manager.json()
    assert (checked["ok"], checked["differences"], checked["chain"]["breaks"]) == (True, [], [])


def test_a_second_ledger_check_while_one_runs_is_a_429(pharmacy: Hospital) -> None:
    token = pharmacy.token(Role.MANAGER)
    holding, release = threading.Event(), threading.Event()

    def running_check() -> None:
        with pharmacy.engine.connect() as conn, exclusive(conn, "ledger check") as alone:
            assert alone
            holding.set()
            release.wait(30)

    first = threading.Thread(target=running_check)
    first.start()
    holding.wait(30)
    try:
        busy = pharmacy.api.get("/api/check", token=token)
    finally:
        release.set()
        first.join()
    after = pharmacy.api.get("/api/check", token=token)

    assert "already running" in problem(busy, 429)["detail"]
    assert busy.headers["retry-after"] == "30"
    assert after.status_code == 200


def test_on_postgresql_a_check_in_another_process_makes_a_second_one_429(
    pharmacy: Hospital,
) -> None:
    if pharmacy.engine.dialect.name != "postgresql":
        pytest.skip("the advisory lock is PostgreSQL's")
    token = pharmacy.token(Role.MANAGER)

    with pharmacy.engine.connect() as other:  # stands in for another server process
        other.execute(select(func.pg_advisory_lock(advisory_key("ledger check"))))
        busy = pharmacy.api.get("/api/check", token=token)
        other.execute(text("SELECT pg_advisory_unlock_all()"))

    problem(busy, 429)
