"""The lots-at-risk page over HTTP (``/expiry/risk``): the example hospital with a forecast of
1 ondansetron vial a day at the ED pocket, so the ICU pocket's idle lot ON2411A has a transfer;
the page shows the same projection as ``GET /api/expiry/risk`` and carries the transfer out
once."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine
from tests.e2e.expiry_risk_state import forecast

from rxsupply.entrypoints.app import create_app

from .harness import build_hospital, client_for, csrf_of, form_of, on_hand

TRAY = "98765-401-02"


@pytest.fixture(scope="module")
def risk_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = build_hospital(tmp_path_factory.mktemp("expiry-risk") / "rx.db")
    forecast(engine, location="ED-ADC1-P01", item="ONDA4INJ", daily=1.0)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def risk_app(risk_engine: Engine) -> FastAPI:
    return create_app(risk_engine)


def test_the_page_shows_the_lots_at_risk_the_method_the_chart_and_the_transfer(
    risk_app: FastAPI,
) -> None:
    page = client_for(risk_app, "auditor").get("/expiry/risk")
    report = client_for(risk_app, "auditor").get("/expiry")

    assert page.status_code == 200, page.text
    html = page.text
    assert 'data-lot="ON2411A" data-location="ICU-ADC1-P01"' in html
    assert 'data-lot="ON2411A" data-from="ICU-ADC1-P01" data-to="ED-ADC1-P01"' in html
    assert "earliest expiry first" in html and 'id="chart-risk"' in html
    assert 'action="/expiry/risk/transfers"' not in html  # an auditor may not move stock
    assert 'href="/expiry/risk"' in report.text


def test_a_technician_moves_the_recommended_units_once(
    risk_app: FastAPI, risk_engine: Engine
) -> None:
    tech = client_for(risk_app, "tech")
    fields = form_of(tech, "/expiry/risk")
    html = tech.get("/expiry/risk").text
    form = re.search(r'<form method="post" action="/expiry/risk/transfers".*?</form>', html, re.S)
    assert form is not None
    data = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', form[0])) | fields

    done = tech.post("/expiry/risk/transfers", data=data)
    shown = tech.get("/expiry/risk").text
    tech.post("/expiry/risk/transfers", data=data)
    again = tech.get("/expiry/risk").text

    assert done.status_code == 303 and done.headers["location"] == "/expiry/risk"
    assert "Moved 15 units of lot ON2411A from ICU-ADC1-P01 to ED-ADC1-P01" in shown
    assert "Already moved" in again
    assert on_hand(risk_engine, location="ED-ADC1-P01", ndc=TRAY, lot="ON2411A") == 15
    assert on_hand(risk_engine, location="ICU-ADC1-P01", ndc=TRAY, lot="ON2411A") == 15


def test_units_that_are_not_ascii_digits_are_refused_by_name_not_a_server_error(
    risk_app: FastAPI, risk_engine: Engine
) -> None:
    tech = client_for(risk_app, "tech")
    data = {
        "csrf_token": csrf_of(tech, "/expiry/risk"),
        "token": "units-not-ascii",
        "product": TRAY,
        "lot": "ON2411A",
        "from_location": "ICU-ADC1-P01",
        "to_location": "ED-ADC1-P01",
        "units": "²",  # a digit to str.isdigit, not to int()
    }

    answer = tech.post("/expiry/risk/transfers", data=data, follow_redirects=True)

    assert answer.status_code == 200, answer.text
    assert "Not moved: units" in answer.text and "enter a whole number" in answer.text
