"""A browser walks issue 14's DSCSA story end to end (today 2026-11-20): a technician receives
four ondansetron trays by scanning their DataMatrix codes on the order's page, follows the order
to its receipt reconciliation (three matched, one whose barcode lot differs from the seller's
EPCIS document), opens the exceptions, marks the mismatch seller contacted then resolved; a
manager opens a suspect case on one tray, sees it blocked, determines it illegitimate, sees the
24-hour FDA clock and the pre-filled Form 3911 draft (NDC, lot, serial), and traces the serial
to its transaction record, its receipt and its change to suspect, downloading the EPCIS
response package. The example hospital with prices, licensed wholesalers, one sent order and
the seller's EPCIS 1.2 document for it, on a server of its own (the walk receives stock)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine
from tests.conftest import CLOCK, priced_storeroom
from tests.dscsa_shipments import GTIN, ship

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.services import purchasing

from .conftest import SignIn, Snap
from .harness import build_hospital, scan

TRAY = "98765-401-02"  # ondansetron 4 mg/2 mL, 25 vials a tray
EXPIRY = date(2028, 6, 30)
LOT, OTHER_LOT = "ON2611A", "ON2611B"
SERIALS = ("ONW1001", "ONW1002", "ONW1003", "ONW1004")
MISMATCHED = SERIALS[1]  # the document says lot ON2611A; its barcode says ON2611B
SUSPECT = SERIALS[2]


@pytest.fixture(scope="module")
def walk_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = build_hospital(tmp_path_factory.mktemp("dscsa-walk") / "rx.db")
    priced_storeroom(engine, {"ONDA4INJ": (400, 600)})
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def order_number(walk_engine: Engine) -> str:
    """A sent order of ondansetron trays and the seller's document shipping four of them."""
    with SqlUnitOfWork(walk_engine) as uow:
        (draft,) = purchasing.suggest_orders(uow, clock=CLOCK, user="buyer").orders
    with SqlUnitOfWork(walk_engine) as uow:
        number = purchasing.approve_order(uow, order=draft.number, user="buyer", clock=CLOCK).number
    ship(walk_engine, number, [(serial, LOT, EXPIRY) for serial in SERIALS])
    return number


@pytest.fixture(scope="module")
def served_engine(walk_engine: Engine) -> Engine:
    """This module's server serves its own hospital."""
    return walk_engine


def sgtin(serial: str) -> str:
    return f"01{GTIN}21{serial}"


def receive_and_reconcile(page: Page, number: str) -> None:
    """The technician scans the four trays, then reconciles the order against the document."""
    page.goto(f"/orders/{number}")
    for serial in SERIALS:
        lot = OTHER_LOT if serial == MISMATCHED else LOT
        page.locator("#scan").click()
        page.keyboard.type(scan(TRAY, lot=lot, expiry=EXPIRY, serial=serial))
        with page.expect_navigation():  # the form posts, the order's page comes back
            page.keyboard.press("Enter")
        expect(page.locator("#flash")).to_contain_text("Received; the order is partly received")

    page.get_by_test_id("dscsa-reconciliation").click()
    page.wait_for_url(f"**/dscsa/orders/{number}")
    expect(page.get_by_test_id("scanned").locator("tbody tr")).to_have_count(4)
    expect(page.get_by_test_id("count-matched")).to_have_text("3")
    expect(page.get_by_test_id("count-mismatched")).to_have_text("1")
    mismatch = page.get_by_test_id("group-mismatched").locator(
        f"tr[data-identifier='{sgtin(MISMATCHED)}'][data-kind='lot_mismatch']"
    )
    expect(mismatch).to_contain_text(LOT)
    expect(mismatch).to_contain_text(OTHER_LOT)
    page.get_by_test_id("reconcile").click()
    expect(page.get_by_test_id("count-open-exceptions")).to_have_text("1")


def resolve_the_mismatch(page: Page, snap: Snap) -> None:
    """The pharmacy's manager (resolving needs a buyer, manager or admin) from the DSCSA
    menu to the open exceptions."""
    page.goto("/dscsa")
    page.get_by_test_id("dscsa-exceptions").click()
    page.wait_for_url("**/dscsa/exceptions")
    row = page.locator(f"#exceptions tr[data-identifier='{sgtin(MISMATCHED)}']")
    expect(row).to_have_attribute("data-kind", "lot_mismatch")
    expect(row).to_have_attribute("data-state", "open")
    number = row.get_attribute("data-exception")

    page.get_by_test_id(f"contacted-note-{number}").fill("Asked Example Wholesale for the lot")
    page.get_by_test_id(f"contacted-submit-{number}").click()
    expect(row).to_have_attribute("data-state", "seller_contacted")
    page.get_by_test_id(f"resolve-note-{number}").fill(
        "Corrected document received: the tray is lot ON2611B"
    )
    page.get_by_test_id(f"resolve-submit-{number}").click()

    expect(page.get_by_test_id("exception-count")).to_have_text("0 exception(s)")
    page.get_by_test_id("show").select_option("all")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(row.get_by_test_id("exception-state")).to_have_text("resolved")
    expect(row).to_contain_text("seller contacted")
    expect(row).to_contain_text("Corrected document received")
    snap(page, "exceptions")


def open_a_case_and_mark_it_illegitimate(page: Page, snap: Snap) -> None:
    page.goto("/dscsa")
    page.get_by_test_id("dscsa-cases").click()
    page.get_by_test_id("case-reason").select_option("counterfeit")
    page.get_by_test_id("case-source").select_option("visual_inspection")
    page.get_by_test_id("case-serials").fill(f"{GTIN}:{SUSPECT}")
    page.get_by_test_id("case-note").fill("Tray seal differs from the other three")
    page.get_by_test_id("open-case").click()

    expect(page.locator("#flash")).to_contain_text("marked suspect")
    expect(page.get_by_test_id("case-status")).to_have_text("open")
    subject = page.get_by_test_id("case-subjects").locator("tbody tr")
    expect(subject).to_have_count(1)
    expect(subject).to_contain_text(SUSPECT)
    expect(subject.locator("td[data-status]")).to_have_text("suspect")

    page.get_by_test_id("disposition-note").fill("The manufacturer confirms it never made it")
    page.get_by_test_id("mark-illegitimate").click()
    expect(page.get_by_test_id("case-status")).to_have_text("illegitimate")
    clock = page.get_by_test_id("fda-clock")
    expect(clock).to_have_attribute("data-state", "running")
    expect(clock).to_contain_text("FDA notification (24 hours)")
    expect(subject.locator("td[data-status]")).to_have_text("suspect")
    snap(page, "case")

    page.get_by_test_id("form3911-link").click()
    page.wait_for_url("**/form3911")
    expect(page.get_by_test_id("form3911-title")).to_contain_text("Form 3911")
    expect(page.get_by_test_id("form3911-ndc")).to_contain_text(TRAY)
    expect(page.get_by_test_id("form3911-lot")).to_have_text(LOT)
    expect(page.get_by_test_id("form3911-serials")).to_contain_text(SUSPECT)


def trace_the_serial(page: Page, number: str, snap: Snap) -> None:
    page.goto("/dscsa")
    page.get_by_test_id("dscsa-trace").click()
    page.get_by_test_id("trace-serial").fill(sgtin(SUSPECT))
    page.get_by_test_id("trace-serial").press("Enter")

    expect(page.get_by_test_id("trace-package")).to_contain_text("suspect")
    records = page.get_by_test_id("trace-records").locator("tbody tr[data-document]")
    expect(records).to_have_count(1)
    expect(records).to_contain_text(number)
    expect(records).to_contain_text("Example Wholesale Drug Co")
    receipts = page.get_by_test_id("trace-receipts").locator("tbody tr")
    expect(receipts).to_have_count(1)
    expect(receipts).to_contain_text(number)
    changes = page.get_by_test_id("trace-status").locator("tbody tr")
    expect(changes).to_have_count(1)
    expect(changes).to_contain_text(SUSPECT)
    expect(changes).to_contain_text("suspect")
    snap(page, "trace")

    href = page.get_by_test_id("trace-download-epcis").get_attribute("href")
    assert href is not None
    answer = page.context.request.get(href)
    assert answer.ok, answer.status
    body = answer.text().lstrip()
    assert body.startswith(("<?xml", "<epcis")), body[:80]
    assert SUSPECT in body


def test_a_shipment_scanned_reconciled_then_a_suspect_tray_traced(
    page: Page, sign_in: SignIn, snap: Snap, order_number: str
) -> None:
    sign_in("tech")
    receive_and_reconcile(page, order_number)

    page.context.clear_cookies()
    sign_in("manager")
    resolve_the_mismatch(page, snap)
    open_a_case_and_mark_it_illegitimate(page, snap)
    trace_the_serial(page, order_number, snap)
