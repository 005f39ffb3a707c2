"""The DSCSA index (``/dscsa``) and the records ledger page (``/dscsa/ledger``) over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, text
from tests.conftest import CLOCK
from tests.dscsa_ledger_state import (
    behind_the_back,
    record_case,
    record_document,
    record_exception,
)

from rxsupply.entrypoints.app import create_app

from .harness import alert, build_hospital, client_for


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """A hospital of its own: these tests tamper with its records."""
    built = build_hospital(tmp_path / "rx.db")
    yield built
    built.dispose()


@pytest.fixture
def app(engine: Engine) -> FastAPI:
    return create_app(engine)


def test_the_dscsa_index_lists_its_pages_and_each_facilitys_chain(
    app: FastAPI, engine: Engine
) -> None:
    record_document(engine, serials=("A1",))
    with engine.connect() as conn:
        head = conn.execute(text("SELECT hash FROM dscsa_record")).scalar_one()

    with client_for(app, "auditor") as auditor, client_for(app, "tech") as tech:
        for_auditor = auditor.get("/dscsa")
        for_tech = tech.get("/dscsa").text

    assert for_auditor.status_code == 200
    assert 'href="/dscsa/ledger"' in for_auditor.text
    assert 'accesskey="v"' in for_auditor.text and 'aria-current="page"' in for_auditor.text
    assert head in for_auditor.text and '<tr data-facility="MAIN">' in for_auditor.text
    assert 'href="/dscsa/ledger"' not in for_tech  # the ledger is the auditors'
    assert head in for_tech


def test_the_dscsa_index_links_every_dscsa_page_with_the_work_waiting_on_it(
    app: FastAPI, engine: Engine
) -> None:
    record_exception(engine, clock=CLOCK)
    record_case(engine, clock=CLOCK)
    record_case(engine, clock=CLOCK, later=(CLOCK,), kind="illegitimate")

    with client_for(app, "tech") as tech:
        page = tech.get("/dscsa").text

    for path in ("documents", "exceptions", "verify", "cases", "trace"):
        assert f'<li id="dscsa-page-{path}"><a href="/dscsa/{path}"' in page
    assert '<span class="count" id="dscsa-open-exceptions">1</span> open' in page
    assert '<span class="count" id="dscsa-open-cases">2</span> open' in page
    assert '<span class="count" id="dscsa-fda-clocks">1</span> illegitimate' in page


def test_the_ledger_page_shows_the_head_hash_then_names_a_record_edited(
    app: FastAPI, engine: Engine
) -> None:
    record_document(engine, serials=("A1",))
    edited = record_document(engine, serials=("B1",))
    with engine.connect() as conn:
        head = conn.execute(text("SELECT hash FROM dscsa_record WHERE seq = 2")).scalar_one()

    with client_for(app, "auditor") as auditor:
        intact = auditor.get("/dscsa/ledger").text
        with behind_the_back(engine) as conn:
            conn.execute(text("UPDATE dscsa_document SET buyer = 'x' WHERE id = :d"), {"d": edited})
        altered = auditor.get("/dscsa/ledger?facility=MAIN").text

    assert "intact" in intact and head in intact and "2 records checked" in intact
    assert f'<tr data-subject="document:{edited}" data-problem="altered">' in altered
    assert "edited after it was recorded" in altered


def test_the_ledger_page_is_refused_to_a_technician_and_names_an_unknown_facility(
    app: FastAPI,
) -> None:
    with client_for(app, "tech") as tech, client_for(app, "admin") as admin:
        refused = tech.get("/dscsa/ledger")
        unknown = admin.get("/dscsa/ledger?facility=NOPE")

    assert refused.status_code == 403
    assert "may not view the audit trail" in alert(refused.text)
    assert unknown.status_code == 404
    assert "NOPE" in alert(unknown.text)
