"""The demo hospital walked in Debian's chromium, as a pharmacy's staff would on a morning:
the buyer turns the storeroom's suggested order into a sent one (the Schedule II lines given
their DEA Form 222 number), a technician receives it by scanning against the order (one package
with too little shelf life: recorded), starts a refill run of a cabinet and confirms it by
scanning at the pocket (the vend-to-fill KPI counts the refill) and counts the item received in
the storeroom, blind, one unit short (a manager posts the variance); the dashboard's figures
move as they should.

The demo is built with 30 days of history ending on the tests' clock (11/20/2026), served by
its own uvicorn on this module's own database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine, text
from tests.conftest import EASTERN, EXAMPLES, NOW, demo_copy

from rxsupply.adapters.hl7_cabinet import read_message
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.clock import FixedClock
from rxsupply.services.cabinet import record_cabinet_message

from .conftest import SignIn, Snap
from .harness import PASSWORD, add_users, scan

DEMO_END = FixedClock(datetime.combine(NOW.date(), time(0), EASTERN), EASTERN)
GOOD_EXPIRY, SHORT_EXPIRY = date(2028, 6, 30), date(2027, 1, 31)


@pytest.fixture(scope="module")
def demo_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path: Path = tmp_path_factory.mktemp("demo-walk") / "demo.db"
    engine = demo_copy(path, clock=DEMO_END, user="admin", seed=7, days=30)
    add_users(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def served_engine(demo_engine: Engine) -> Engine:
    """This module's server serves its own hospital."""
    return demo_engine


STORE = "F1-STORE"


def units_at(engine: Engine, location: str, ndc: str, lot: str) -> int:
    """Units on record of a product's lot at a location (the blind count's answer key)."""
    with engine.connect() as conn:
        return int(
            conn.execute(
                text(
                    "SELECT coalesce(sum(o.quantity), 0) FROM on_hand o "
                    "JOIN location l ON l.id = o.location_id JOIN lot ON lot.id = o.lot_id "
                    "JOIN product p ON p.id = o.product_id "
                    "WHERE l.code = :loc AND lot.lot_number = :lot AND p.ndc = :ndc"
                ),
                {"loc": location, "lot": lot, "ndc": ndc},
            ).scalar_one()
        )


def refills_of(page: Page, cabinet: str) -> int:
    """The refills of a cabinet the vend-to-fill KPI counts (GET /api/kpi, as the page's
    user)."""
    figures = page.request.get("/api/kpi").json()
    return int(next(r["refills"] for r in figures["vend_to_fill"] if r["cabinet"] == cabinet))


def money(text: str) -> Decimal:
    return Decimal(re.sub(r"[^0-9.\-]", "", text))


def figure(page: Page, name: str) -> str:
    return page.locator(f"[data-figure={name}]").first.inner_text()


def flash(page: Page) -> str:
    return " ".join(page.locator("#flash").inner_text().split())


def test_a_morning_in_the_demo_pharmacy(
    page: Page, sign_in: SignIn, snap: Snap, demo_engine: Engine
) -> None:
    sign_in("manager")
    # The first dashboard sums two years of the demo's ledger (about 2 s alone); beside CI's
    # other worker (a Dask cluster, the fault servers) it has taken more than the usual 10 s.
    page.goto("/", timeout=60_000)
    value_before = money(figure(page, "value"))

    # the buyer: the suggested order, its Schedule II lines' 222 numbers, approved and sent
    page.goto("/orders")
    page.locator("#suggest-orders button").click()
    expect(page).to_have_url(re.compile(r"/orders/PO\d+$"))
    order_url = page.url
    expect(page.locator("#flash")).to_contain_text("Suggested")
    needed = page.locator("input[name=dea_form_number]")
    while needed.count():
        needed.first.fill("261234567")
        needed.first.press("Enter")
        expect(page.locator("#flash")).to_contain_text("DEA Form 222 number recorded")
    page.locator("#approve-order button").click()
    expect(page.locator("[data-figure=status]")).to_have_text("sent")
    first = page.locator("#lines tbody tr").first
    ndc = first.locator("td").nth(2).inner_text().split()[0]
    size = int(first.locator("td").nth(3).inner_text().split("×")[1].replace(",", ""))
    price = money(first.locator("td").nth(4).inner_text())
    first_item = first.locator("td").nth(1).locator(".sub").inner_text()
    snap(page, "order")

    # the technician: two packages scanned against the order, the second short-dated
    sign_in("tech")
    page.goto(order_url)
    page.fill("#scan", scan(ndc, lot="WALK1", expiry=GOOD_EXPIRY, serial="WALK0001"))
    page.press("#scan", "Enter")
    expect(page.locator("#flash")).to_contain_text("Received; the order is partly received")
    page.fill("#scan", scan(ndc, lot="WALK2", expiry=SHORT_EXPIRY, serial="WALK0002"))
    page.press("#scan", "Enter")
    expect(page.locator("#flash")).to_contain_text("short expiry")
    issues = page.locator("#receiving-discrepancies tbody tr[data-issue]")
    expect(issues).to_have_count(1)
    expect(issues.first).to_have_attribute("data-issue", "short_expiry")
    snap(page, "received")

    # the refill run of the first cabinet with pockets at their min, confirmed by scanning
    page.goto("/refills")
    page.locator("#start-refill button").click()
    expect(page).to_have_url(re.compile(r"/refills/RF\d+$"))
    line = page.locator("table.pick-list tbody tr").filter(has_not_text="—").first
    pocket = line.get_attribute("data-pocket") or ""
    cells = line.locator("td")
    line_ndc, lot = cells.nth(4).inner_text(), cells.nth(5).inner_text()
    expiry = date.fromisoformat(cells.nth(6).inner_text())
    to_take = int(cells.nth(7).inner_text().replace(",", ""))
    cabinet = page.locator(f"table.pick-list:has(tr[data-pocket='{pocket}'])").first.get_attribute(
        "data-cabinet"
    )
    refills_before = refills_of(page, cabinet or "")
    page.select_option("#pocket", pocket)
    page.fill("#scan", scan(line_ndc, lot=lot, expiry=expiry, serial="RF0001"))
    page.press("#scan", "Enter")
    expect(page.locator("#flash")).to_contain_text(f"units of lot {lot} in")
    done = page.locator(f"table.pick-list tr[data-pocket='{pocket}']").first
    confirmed = int(done.locator("[data-figure=confirmed]").inner_text().replace(",", ""))
    assert 0 < confirmed <= to_take
    assert refills_of(page, cabinet or "") == refills_before + 1  # the vend-to-fill KPI's
    expect(page.locator("[data-figure=confirmed]").first).not_to_have_text("0 / 0")
    snap(page, "refill")

    # a cycle count of the item received, at the storeroom: one unit of lot WALK1 missing
    item = first_item
    page.goto("/counts")
    page.select_option("#count-location", STORE)
    page.fill("#count-item", item)
    page.click("#start-count-button")
    expect(page).to_have_url(re.compile(r"/counts/CC\d{6}$"))
    count_url = page.url
    rows = page.locator("#count-lines tbody tr[data-lot]")
    expect(rows.first).to_be_visible()
    for n in range(rows.count()):
        row = rows.nth(n)
        lot_here = row.get_attribute("data-lot") or ""
        ndc_here = row.locator("td").nth(2).inner_text().split()[0]
        counted = units_at(demo_engine, STORE, ndc_here, lot_here) - (lot_here == "WALK1")
        row.locator("input[name^=counted-]").fill(str(counted))
    if page.locator("#witness").count():  # a controlled substance: a second person signs
        page.fill("#witness", "admin")
        page.fill("#witness-password", PASSWORD)
    page.click("#submit-count")
    expect(page.locator("#flash")).to_contain_text("variance -1 units")
    snap(page, "count")
    sign_in("manager")
    page.goto(count_url)
    page.locator("#count-lines select[name^=reason-]").first.select_option("damaged")
    if page.locator("#approve-count").count():
        page.click("#approve-count")
        page.locator("#count-lines select[name^=reason-]").first.select_option("damaged")
    page.click("#post-count")
    expect(page.locator("#count-status")).to_have_text("posted")

    # the dashboard: the two packages received are on the books, less the unit counted missing
    page.goto("/")
    value_after = money(figure(page, "value"))
    unit_cost = (price / size).quantize(Decimal("0.0001"))
    assert value_after - value_before == pytest.approx(2 * price - unit_cost, abs=Decimal("0.05"))
    snap(page, "dashboard")


def test_every_example_cabinet_message_posts_on_the_demo(demo_engine: Engine) -> None:
    """examples/adc/*.hl7, sent in order a fortnight after the demo's history (the messages'
    day): each is accepted (AA); the over-dispense and the count record what they found."""
    day = FixedClock(datetime(2026, 12, 4, 18, 0, tzinfo=EASTERN), EASTERN)
    answers = {}
    for path in sorted((EXAMPLES / "adc").glob("*.hl7")):
        with SqlUnitOfWork(demo_engine) as uow:
            answers[path.name] = record_cabinet_message(
                uow, read_message(path.read_text(), zone=EASTERN), clock=day, receiver="tests"
            )

    assert {name: a.ack.value for name, a in answers.items()} == dict.fromkeys(answers, "AA")
    assert answers["06-over-dispense.hl7"].discrepancies == 1
    assert answers["07-refill.hl7"].posted == 1
    assert "counts agree" in answers["08-count.hl7"].text
