"""The verification page over HTTP (today 2026-11-20): a technician verifies a package received
by scan (submitted twice, recorded once) and sees it verified in the recent list; a lot that
differs is refused with the field named and listed as not verified; a malformed GTIN is
refused naming it; a return batch's page lists a saleable line's product identifiers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine
from tests.conftest import CLOCK, TESTER, post

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.return_policy import PartialRule
from rxsupply.entrypoints.app import create_app
from rxsupply.services import ledger, returns

from .harness import alert, build_hospital, client_for, form_of

TRAY = "00398765401027"
PAGE = "/dscsa/verify"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    made = build_hospital(tmp_path_factory.mktemp("verify-pages") / "rx.db")
    for serial in ("W1", "W2"):
        post(
            made,
            ledger.Receive(
                user=TESTER,
                product=TRAY,
                lot="WV1",
                expiry=date(2027, 2, 28),
                packages=1,
                serial=serial,
                location="MAIN-STORE",
            ),
        )
    yield made
    made.dispose()


@pytest.fixture(scope="module")
def app(engine: Engine) -> FastAPI:
    return create_app(engine)


def rows(html: str) -> list[str]:
    return re.findall(r"<tr data-verification[^>]*>.*?</tr>", html, re.S)


def test_a_package_verified_from_the_page_is_recorded_once_and_listed(app: FastAPI) -> None:
    identifier = {"gtin": TRAY, "serial": "W1", "lot": "WV1", "expiry": "270228"}
    with client_for(app, "tech") as tech:
        form = form_of(tech, PAGE) | identifier
        first = tech.post(PAGE, data=form)
        again = tech.post(PAGE, data=form)
        page = tech.get(first.headers["location"]).text

    assert first.status_code == 303 and again.status_code == 303
    listed = [r for r in rows(page) if ">W1<" in r]
    assert len(listed) == 1
    assert 'class="tag ok">yes' in listed[0]
    assert "Taylor Tech" in listed[0] or ">tech<" in listed[0]


def test_a_differing_lot_is_refused_with_the_field_named(app: FastAPI) -> None:
    identifier = {"gtin": TRAY, "serial": "W2", "lot": "WV9", "expiry": "270228"}
    with client_for(app, "auditor") as auditor:
        answer = auditor.post(PAGE, data=form_of(auditor, PAGE) | identifier)
        page = auditor.get(answer.headers["location"]).text

    assert "NOT verified: No_match_GTIN_Serial_Lot: lot: received WV1, asked WV9" in alert(page)
    assert 'class="tag bad">no' in next(r for r in rows(page) if ">WV9<" in r)


def test_a_malformed_gtin_is_refused_naming_it(app: FastAPI) -> None:
    identifier = {"gtin": TRAY[:-1] + "8", "serial": "W2", "lot": "WV1", "expiry": "270228"}
    with client_for(app, "tech") as tech:
        answer = tech.post(PAGE, data=form_of(tech, PAGE) | identifier)
        page = tech.get(answer.headers["location"]).text

    assert "Not verified: gtin" in alert(page)
    assert "check digit" in alert(page)


def test_a_return_batch_page_lists_a_saleable_lines_product_identifiers(
    app: FastAPI, engine: Engine
) -> None:
    with SqlUnitOfWork(engine) as uow:
        returns.set_return_policy(
            uow,
            labeler="Example Labs",
            months_before=6,
            months_after=12,
            partial=PartialRule.FULL_ONLY,
            credit_share="90%",
            user=TESTER,
            clock=CLOCK,
        )
    with SqlUnitOfWork(engine) as uow:
        batch = returns.create_return_batch(
            uow, lots=[("98765-401-02", "WV1")], user=TESTER, clock=CLOCK
        )

    with client_for(app, "manager") as manager:
        page = manager.get(f"/returns/batches/{batch.number}").text

    assert "Saleable returns: product identifiers" in page
    assert re.search(r'<tr data-serial="W1">.*?when it ships', page, re.S)
    assert '<tr data-serial="W2">' in page
