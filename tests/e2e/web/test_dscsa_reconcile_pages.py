"""The receipt reconciliation and exceptions pages over HTTP (today 2026-11-20): an order of
ondansetron trays with the seller's document for three, three scanned (one with another lot,
one not in the document); the page shows the four groups, reconciling opens the exceptions,
the seller is marked contacted (submitted twice, recorded once), a resolution without a note
is refused, then the exception is resolved and leaves the open list. A compliance officer reads
the pages without the forms."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine
from tests.conftest import CLOCK, priced_storeroom
from tests.dscsa_shipments import GTIN, ship

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.entrypoints.app import create_app
from rxsupply.services import purchasing, receiving

from .harness import CSRF, alert, build_hospital, client_for

FAR = date(2028, 6, 30)


@pytest.fixture(scope="module")
def order_number(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, str]]:
    engine: Engine = build_hospital(tmp_path_factory.mktemp("dscsa-pages") / "rx.db")
    priced_storeroom(engine, {"ONDA4INJ": (400, 600)})
    with SqlUnitOfWork(engine) as uow:
        (draft,) = purchasing.suggest_orders(uow, clock=CLOCK, user="buyer").orders
    with SqlUnitOfWork(engine) as uow:
        number = purchasing.approve_order(uow, order=draft.number, user="buyer", clock=CLOCK).number
    ship(engine, number, [("S1", "ON1", FAR), ("S2", "ON1", FAR), ("S3", "ON1", FAR)])
    for serial, lot in (("S1", "ON1"), ("S2", "ON2"), ("S4", "ON1")):
        with SqlUnitOfWork(engine) as uow:
            receiving.receive_against_order(
                uow, order=number, product=GTIN, lot=lot, expiry=FAR, packages=1,
                serial=serial, user="tech", clock=CLOCK,
            )  # fmt: skip
    yield create_app(engine), number
    engine.dispose()


def exception_row(html: str, kind: str) -> tuple[str, str]:
    """The id and the row of the exception of this kind."""
    found = re.search(r'<tr data-testid="exception-(\d+)"[^>]*data-kind="' + kind + r'".*?</tr>',
                      html, re.S)  # fmt: skip
    assert found is not None, kind
    return found[1], found[0]


def csrf(html: str) -> dict[str, str]:
    found = CSRF.search(html)
    assert found is not None
    return {"csrf_token": found[1]}


def step_form(html: str) -> dict[str, str]:
    csrf = CSRF.search(html)
    token = re.search(r'name="token" value="([^"]+)"', html)
    back = re.search(r'name="back" value="([^"]+)"', html)
    assert csrf is not None and token is not None and back is not None
    return {"csrf_token": csrf[1], "token": token[1], "back": back[1].replace("&amp;", "&")}


def test_the_page_shows_the_four_groups_and_reconciling_opens_the_exceptions(
    order_number: tuple[FastAPI, str],
) -> None:
    app, number = order_number
    with client_for(app, "tech") as tech:
        before = tech.get(f"/dscsa/orders/{number}").text
        reconciled = tech.post(f"/dscsa/orders/{number}/reconcile", data=csrf(before))
        after = tech.get(reconciled.headers["location"]).text

    assert reconciled.status_code == 303
    assert reconciled.headers["location"] == f"/dscsa/orders/{number}"
    counts = dict(re.findall(r'data-testid="count-([a-z-]+)"><strong>(\d+)', before))
    assert counts == {
        "missing": "1", "unexpected": "1", "mismatched": "1", "unconfirmed": "0", "matched": "1",
        "open-exceptions": "0",
    }  # fmt: skip
    assert f'data-identifier="01{GTIN}21S3"' in before.split('data-testid="group-missing"')[1]
    assert 'data-kind="lot_mismatch"' in before and "No exception." in before
    assert "Reconciled: 3 exception(s) opened" in after
    assert 'data-testid="count-open-exceptions"><strong>3' in after
    for kind in ("missing", "unexpected", "lot_mismatch"):
        exception_row(after, kind)


def test_an_exception_is_marked_contacted_once_then_resolved_with_a_note(
    order_number: tuple[FastAPI, str],
) -> None:
    app, number = order_number
    with client_for(app, "tech") as tech:
        page = tech.get(f"/dscsa/orders/{number}").text
        if 'data-testid="exception-' not in page:
            tech.post(f"/dscsa/orders/{number}/reconcile", data=csrf(page))
        listed = tech.get("/dscsa/exceptions").text
        exception, _ = exception_row(listed, "unexpected")
        form = step_form(listed)
        contact = form | {"step": "seller_contacted", "note": "asked for the serial's TI"}
        first = tech.post(f"/dscsa/exceptions/{exception}/steps", data=contact)
        again = tech.post(f"/dscsa/exceptions/{exception}/steps", data=contact)
        contacted = tech.get("/dscsa/exceptions").text
        form = step_form(contacted)
        steps = f"/dscsa/exceptions/{exception}/steps"
        not_mine = tech.post(steps, data=form | {"step": "resolved", "note": "returned"})
        not_mine_page = tech.get(not_mine.headers["location"]).text
    with client_for(app, "manager") as manager:
        form = step_form(manager.get("/dscsa/exceptions").text)
        refused = manager.post(steps, data=form | {"step": "resolved", "note": " "})
        refused_page = manager.get(refused.headers["location"]).text
        resolved = manager.post(steps, data=form | {"step": "resolved", "note": "returned"})
        open_list = manager.get(resolved.headers["location"]).text
        everything = manager.get("/dscsa/exceptions?show=all").text

    assert first.status_code == 303 and first.headers["location"] == "/dscsa/exceptions?show=open"
    _, row = exception_row(contacted, "unexpected")
    assert row.count("asked for the serial&#39;s TI") == 1 and "seller contacted" in row
    assert "tech (technician) may not purchase" in alert(not_mine_page)
    assert "say how it was resolved" in alert(refused_page)
    assert f'data-testid="exception-{exception}"' not in open_list
    _, row = exception_row(everything, "unexpected")
    assert (
        'data-state="resolved"' in row and "resolved 11/20/2026 10:00 by manager: returned" in row
    )
    assert again.status_code == 303


def test_a_compliance_officer_reads_the_pages_without_the_forms(
    order_number: tuple[FastAPI, str],
) -> None:
    app, number = order_number
    with client_for(app, "auditor") as auditor:
        page = auditor.get(f"/dscsa/orders/{number}")
        listed = auditor.get("/dscsa/exceptions?show=all")
        refused = auditor.post(f"/dscsa/orders/{number}/reconcile", data={})

    assert page.status_code == 200 and listed.status_code == 200
    assert 'data-testid="scanned"' in page.text
    assert 'id="reconcile-order"' not in page.text and "/steps" not in listed.text
    assert refused.status_code == 403


def test_an_unknown_order_is_a_not_found_page(order_number: tuple[FastAPI, str]) -> None:
    app, _ = order_number
    with client_for(app, "tech") as tech:
        answer = tech.get("/dscsa/orders/PO999999")

    assert answer.status_code == 404
