"""The trace page over HTTP (today 2026-11-20): a technician searches a serial and a lot and
sees the transaction records, moves, status changes and dispenses with the response package's
download links; an unknown serial or a bad request shows the reason."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine
from tests.integration.services.test_dscsa_trace import GTIN, build_hospital, ship_document

from rxsupply.entrypoints.app import create_app

from .harness import alert, client_for
from .harness import build_hospital as example_hospital


@pytest.fixture(scope="module")
def trace_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    engine: Engine = example_hospital(tmp_path_factory.mktemp("trace-pages") / "rx.db")
    build_hospital(engine)
    ship_document(engine, ["S1", "S2", "S3"])
    yield create_app(engine)
    engine.dispose()


def section(html: str, testid: str) -> str:
    found = re.search(rf'<table[^>]*data-testid="{testid}".*?</table>', html, re.S)
    assert found is not None, testid
    return found[0]


def test_the_search_form_is_shown_without_a_query(trace_app: FastAPI) -> None:
    with client_for(trace_app, "tech") as tech:
        page = tech.get("/dscsa/trace")

    assert page.status_code == 200
    assert 'data-testid="trace-search"' in page.text
    assert 'data-testid="trace-serial"' in page.text
    assert 'data-testid="trace-result"' not in page.text


def test_a_serial_shows_its_records_moves_and_dispense_with_downloads(
    trace_app: FastAPI,
) -> None:
    with client_for(trace_app, "tech") as tech:
        page = tech.get("/dscsa/trace", params={"serial": f"01{GTIN}21S2"})
        download = tech.get(f"/api/dscsa/trace/package?serial=01{GTIN}21S2&format=html")

    assert page.status_code == 200
    html = page.text
    assert "ship-1.xml" in section(html, "trace-records")
    assert "OR-SAT" in section(html, "trace-moves")
    assert "OR-SAT" in section(html, "trace-dispenses")
    assert f"01{GTIN}21S2" in section(html, "trace-package")
    for fmt in ("json", "epcis", "html"):
        assert f'data-testid="trace-download-{fmt}"' in html
    assert f"/api/dscsa/trace/package?serial=01{GTIN}21S2&amp;format=epcis" in html
    assert download.status_code == 200 and "DSCSA trace" in download.text


def test_a_lot_shows_every_move_status_change_and_dispense(trace_app: FastAPI) -> None:
    with client_for(trace_app, "tech") as tech:
        html = tech.get("/dscsa/trace", params={"lot": "TR100", "ndc": "98765-402-10"}).text

    assert section(html, "trace-moves").count("<tr data-kind=") == 2
    assert "damaged seal" in section(html, "trace-status")
    dispenses = section(html, "trace-dispenses")
    assert dispenses.count('<tr data-kind="dispense"') == 3
    assert "ICU-ADC1" in dispenses and "(15 units net)" in dispenses
    assert section(html, "trace-receipts").count("MAIN-STORE") == 3


@pytest.mark.parametrize(
    ("params", "status", "why"),
    [
        ({"serial": "NOPE"}, 404, "unknown serialised package"),
        ({"serial": "S1", "lot": "TR100"}, 422, "give a serial or a lot"),
    ],
)
def test_a_request_not_traced_shows_why(
    trace_app: FastAPI, params: dict[str, str], status: int, why: str
) -> None:
    with client_for(trace_app, "tech") as tech:
        page = tech.get("/dscsa/trace", params=params)

    assert page.status_code == status
    assert why in alert(page.text)
    assert 'data-testid="trace-search"' in page.text
