"""The refill run pages over HTTP: a technician starts a run of the ICU cabinet, prints its
pick list, confirms the package by scanning it at the pocket (a wrong lot refused first) and
completes the run; a viewer sees the run but has no forms."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine
from tests.conftest import post as ledger_post
from tests.e2e.refill_state import CABINET, POCKET, room_for_a_run

from rxsupply.domain.ndc import NDC
from rxsupply.domain.status import StockStatus
from rxsupply.entrypoints.app import create_app
from rxsupply.services import ledger

from .harness import TestClient, build_hospital, client_for, csrf_of

TRAY = NDC.parse("98765-401-02").gtin14()
GS = "\x1d"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    engine: Engine = build_hospital(tmp_path_factory.mktemp("refills") / "rx.db")
    room_for_a_run(engine)
    yield create_app(engine)
    engine.dispose()


def flash(html: str) -> str:
    found = re.search(r'id="flash">(.*?)</div>', html, re.S)
    return " ".join(found[1].split()) if found else ""


def post(client: TestClient, path: str, page: str, **data: str) -> str:
    done = client.post(path, data={"csrf_token": csrf_of(client, page), **data})
    assert done.status_code == 303, done.text
    return flash(client.get(done.headers["location"]).text)


def test_a_run_from_start_to_completion_confirmed_by_scanning(app: FastAPI) -> None:
    with client_for(app, "tech") as tech:
        started = tech.post(
            "/refills", data={"csrf_token": csrf_of(tech, "/refills"), "cabinet": CABINET}
        )
        page = started.headers["location"]
        sheet = tech.get(page).text
        wrong = post(tech, f"{page}/scan", page, pocket=POCKET, ndc="98765-402-10", lot="ON2502B")
        right = post(
            tech, f"{page}/scan", page, pocket=POCKET, scan=f"01{TRAY}17270331{GS}10ON2411A{GS}21R1"
        )
        completed = post(tech, f"{page}/complete", page)
        final = tech.get(page).text

    assert re.search(r'data-cabinet="ICU-ADC1"', sheet)
    assert f'data-pocket="{POCKET}"' in sheet and "data-print" in sheet
    assert "Not confirmed" in wrong and "take NDC 98765-401-02 lot ON2411A" in wrong
    assert "10 of 10 units of lot ON2411A in; the line is filled" in right
    assert completed == "Completed: every line filled."
    assert 'data-figure="status">completed<' in final
    assert 'data-figure="left">0<' in final


def test_a_viewer_sees_the_runs_without_their_forms(app: FastAPI) -> None:
    with client_for(app, "auditor") as auditor:
        listing = auditor.get("/refills").text

    assert 'id="refill-runs"' in listing
    assert 'id="start-refill"' not in listing


def test_units_that_are_not_a_plain_number_are_refused_with_a_message(app: FastAPI) -> None:
    room_for_a_run(app.state.engine)
    with client_for(app, "tech") as tech:
        started = tech.post(
            "/refills", data={"csrf_token": csrf_of(tech, "/refills"), "cabinet": CABINET}
        )
        page = started.headers["location"]
        said = [
            post(
                tech,
                f"{page}/scan",
                page,
                pocket=POCKET,
                ndc="98765-401-02",
                lot="ON2411A",
                units=units,
            )
            for units in ("²", "99999999999999999999", "-1")
        ]
        post(tech, f"{page}/cancel", page)

    assert all(s.startswith("Not confirmed: units") for s in said), said


def test_units_put_in_beyond_what_the_line_has_left_are_said_not_recorded(app: FastAPI) -> None:
    room_for_a_run(app.state.engine)
    with client_for(app, "tech") as tech:
        started = tech.post(
            "/refills", data={"csrf_token": csrf_of(tech, "/refills"), "cabinet": CABINET}
        )
        page = started.headers["location"]
        said = post(
            tech, f"{page}/scan", page, pocket=POCKET, ndc="98765-401-02", lot="ON2411A",
            units="14",
        )  # fmt: skip
        post(tech, f"{page}/cancel", page)

    filled = re.search(r": (\d+) of \1 units of lot ON2411A in; the line is filled", said)
    assert filled is not None, said  # the line's units (the module's earlier runs took some)
    over = 14 - int(filled[1])
    assert said.endswith(
        f"{over} of the 14 units put in are more than the line had left: not recorded, take "
        "them back."
    )


def test_the_run_page_marks_a_line_whose_lot_was_quarantined_after_the_run_started(
    app: FastAPI,
) -> None:
    engine = app.state.engine
    room_for_a_run(engine)
    with client_for(app, "tech") as tech:
        started = tech.post(
            "/refills", data={"csrf_token": csrf_of(tech, "/refills"), "cabinet": CABINET}
        )
        page = started.headers["location"]
        before = tech.get(page).text
        set_status(engine, StockStatus.QUARANTINED)
        try:
            after = tech.get(page).text
        finally:
            set_status(engine, StockStatus.AVAILABLE)
            post(tech, f"{page}/cancel", page)

    assert 'data-lot-status="available"' in before and "lot-blocked" not in before
    assert 'data-lot-status="quarantined"' in after
    row = re.search(r'<tr data-line="1"[^>]*>.*?</tr>', after, re.S)
    assert row is not None and "quarantined: do not take" in row[0]
    warning = re.search(r'id="lot-blocked"[^>]*>(.*?)</section>', after, re.S)
    assert warning is not None
    assert "lot ON2411A is quarantined by tester since" in " ".join(warning[1].split())


def set_status(engine: Engine, status: StockStatus) -> None:
    ledger_post(
        engine,
        ledger.SetStatus(
            user="tester", product="98765-401-02", lot="ON2411A", status=status, reason="tests"
        ),
    )
