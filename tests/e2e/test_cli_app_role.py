"""PostgreSQL: the role ``rxsupply db grant-app-role`` makes may post (a receipt) and check,
but may not rewrite history: TRUNCATE, ALTER TABLE, DELETE and UPDATE of the ledger, the audit
trail and the external ids, DISABLE TRIGGER and the replica session role are all refused."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, make_url, text
from sqlalchemy.exc import DBAPIError
from tests.conftest import CLOCK, POSTGRES_URL, TESTER, load_examples
from tests.e2e.cli_runner import Rx
from tests.e2e.test_cli_ledger_chain import cli_url

from rxsupply.adapters.database import make_engine
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.external_id import ExternalId
from rxsupply.services import ledger

PASSWORD = "app:pass%word"  # a colon and a percent sign reach the server as written
REFUSED = [
    "TRUNCATE movement",
    "TRUNCATE audit, external_ref",
    "ALTER TABLE movement ADD COLUMN forged integer",
    "ALTER TABLE movement DISABLE TRIGGER USER",
    "ALTER TABLE external_ref DISABLE TRIGGER external_ref_append_only",
    "DELETE FROM movement",
    "UPDATE movement SET quantity = quantity + 1",
    "DELETE FROM audit",
    "UPDATE audit SET user_name = 'mallory'",
    "DELETE FROM external_ref",
    "UPDATE external_ref SET external_id = 'txn:forged'",
    "DELETE FROM ledger_chain",
    "SET session_replication_role = replica",
]


@pytest.fixture
def app_role(pg_engine: Engine, capsys: pytest.CaptureFixture[str]) -> Iterator[Engine]:
    """The example hospital, and an engine connected as a fresh application role (dropped
    afterwards: roles belong to the whole cluster)."""
    load_examples(pg_engine, "items", "locations", "stock")
    role = f"rx_app_{uuid.uuid4().hex[:10]}"
    owner = Rx(Path(), capsys, url=cli_url(pg_engine))
    with pg_engine.connect() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    assert POSTGRES_URL is not None
    url = make_url(POSTGRES_URL).set(username=role, password=PASSWORD)
    try:
        ran = owner("db", "grant-app-role", role, "--password", PASSWORD)
        assert ran.code == 0, ran.err
        assert f'GRANT SELECT, INSERT ON "{schema}".movement TO {role}' in ran.out
        assert PASSWORD not in ran.out
        engine = make_engine(url.render_as_string(hide_password=False), schema=schema)
        try:
            yield engine
        finally:
            engine.dispose()
    finally:
        with pg_engine.begin() as conn:
            conn.execute(text(f"DROP OWNED BY {role}"))
            conn.execute(text(f"DROP ROLE IF EXISTS {role}"))


@pytest.mark.parametrize("owner_migrates", [False, True], ids=["alone", "owner-migrates"])
def test_the_application_role_receives_stock_and_checks_the_ledger(
    app_role: Engine,
    pg_engine: Engine,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    owner_migrates: bool,
) -> None:
    """Up to date, the schema is not migrated again by the role that may not (alone), or is
    migrated by its owner (``RXSUPPLY_MIGRATION_DATABASE_URL``)."""
    if owner_migrates:
        monkeypatch.setenv("RXSUPPLY_MIGRATION_DATABASE_URL", cli_url(pg_engine))
    with SqlUnitOfWork(app_role) as uow:
        posted = ledger.post_one(
            uow,
            ledger.Receive(
                user=TESTER,
                product="98765-401-02",
                lot="ROLE1",
                expiry=date(2028, 1, 31),
                quantity=25,
                external_id=ExternalId("txn", "ROLE-1"),
            ),
            clock=CLOCK,
        )
    with app_role.connect() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    url = app_role.url.render_as_string(hide_password=False)
    as_app = Rx(Path(), capsys, url=f"{url}?options=-csearch_path%3D{schema}")

    ran = as_app("check")

    assert [m.kind.value for m in posted.movements] == ["receipt"]
    assert ran.code == 0, ran.out + ran.err


@pytest.mark.parametrize("statement", REFUSED)
def test_the_application_role_cannot_rewrite_history(app_role: Engine, statement: str) -> None:
    refused = "permission denied|must be owner|append-only"
    with pytest.raises(DBAPIError, match=refused), app_role.begin() as conn:
        conn.execute(text(statement))
