"""The demo hospital's back end of the supply chain walked in Debian's chromium (issue 13), as a
pharmacy would on a morning: the manager reads the expiry report (the five slow movers received
short-dated during a backorder have expired, on the shelf and in pockets), the technician runs
the daily sweep (the storeroom's expired lots move to the quarantine shelf), carries out a
recommended transfer from the lots at risk, the manager builds a return batch of an expired lot,
ships it and reconciles its credit memo, and the recall screen quarantines the demo's open
recall in every location at once.

The demo is built with 30 days of history ending on the tests' clock (11/20/2026), served by
its own uvicorn on this module's own database (the walk moves stock)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine
from tests.conftest import EASTERN, NOW, demo_copy

from rxsupply.domain.clock import FixedClock

from .conftest import Snap
from .harness import PASSWORD, add_users, on_hand

DEMO_END = FixedClock(datetime.combine(NOW.date(), time(0), EASTERN), EASTERN)
QUARANTINE = "F1-QUAR"


@pytest.fixture(scope="module")
def demo_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path: Path = tmp_path_factory.mktemp("expiry-walk") / "demo.db"
    engine = demo_copy(path, clock=DEMO_END, user="admin", seed=7, days=30)
    add_users(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def served_engine(demo_engine: Engine) -> Engine:
    """This module's server serves its own hospital."""
    return demo_engine


def sign_in(page: Page, user: str, target: str) -> None:
    page.context.clear_cookies()
    page.goto(f"/login?next={target.replace('/', '%2F')}")
    page.fill("#username", user)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url(f"**{target}")


def test_a_morning_of_expiry_transfers_returns_and_a_recall_on_the_demo(
    page: Page, snap: Snap, demo_engine: Engine
) -> None:
    # the expiry report: the demo's expired lots, on the shelf and in pockets
    sign_in(page, "manager", "/expiry")
    expired = page.locator('#expiring tr[data-lot^="SD2611"]')
    expect(expired).to_have_count(10)  # five lots, each in the storeroom and one pocket
    expect(page.locator("#by-window")).to_contain_text("expired")
    snap(page, "expiry")
    lot = expired.first.get_attribute("data-lot") or ""
    lot_ndc = _ndc_of(page, lot)
    # the daily sweep: the storeroom's expired lots go to the quarantine shelf
    sign_in(page, "tech", "/expiry/sweep")
    expect(page.locator('#shelf-pulls tr[data-location="F1-STORE"]')).to_have_count(5)
    expect(page.locator("#pocket-pulls tbody tr")).to_have_count(5)
    page.locator("#run-sweep button").click()
    expect(page.locator("#flash")).to_contain_text("5 lot-locations")
    expect(page.locator("#flash")).to_contain_text("moved to quarantine")
    expect(page.locator('#shelf-pulls tr[data-location="F1-STORE"]')).to_have_count(0)
    assert on_hand(demo_engine, location="F1-STORE", ndc=lot_ndc, lot=lot) == 0
    # the lots at risk: a recommended transfer carried out
    page.goto("/expiry/risk")
    move = page.locator("#transfers tbody tr[data-lot]").first
    moved_lot = move.get_attribute("data-lot") or ""
    source = move.get_attribute("data-from") or ""
    target = move.get_attribute("data-to") or ""
    units = int(re.sub(r"\D", "", move.locator("button").inner_text()))
    ndc = move.locator("td").nth(1).inner_text().strip()
    before = on_hand(demo_engine, location=target, ndc=ndc, lot=moved_lot)
    move.locator("button").click()
    expect(page.locator("#flash")).to_contain_text(
        f"Moved {units} units of lot {moved_lot} from {source} to {target}"
    )
    assert on_hand(demo_engine, location=target, ndc=ndc, lot=moved_lot) == before + units
    # a return batch of the swept lot, shipped and reconciled
    sign_in(page, "manager", "/returns")
    page.goto("/returns?returnability=now")
    tick = page.locator(f"#lots input[value$=':{lot}']")
    expect(tick).to_have_count(1)
    tick.check()
    page.fill("#distributor", "Demo Reverse Distribution")
    page.locator("#create-batch").click()
    expect(page.locator("#flash")).to_contain_text("1 lines, expected credit")
    found = re.search(r"expected credit \$?([\d,]+\.\d\d)", page.locator("#flash").inner_text())
    assert found is not None
    expected = found[1].replace(",", "")
    page.locator("#ship-batch").click()
    expect(page.locator("#flash")).to_contain_text("Shipped")
    expect(page.locator("#batch-status")).to_contain_text("shipped")
    assert on_hand(demo_engine, location=QUARANTINE, ndc=lot_ndc, lot=lot) == 0
    page.fill("#memo-number", "CM-DEMO-1")
    page.fill(f"[aria-label='Credit for lot {lot}']", expected)
    page.locator("#enter-memo").click()
    expect(page.locator(f"#reconciliation tr[data-lot='{lot}']")).to_have_attribute(
        "data-state", "matched"
    )
    snap(page, "reconciled")
    # the demo's open recall: every unit quarantined with one action
    sign_in(page, "tech", "/recalls")
    page.locator("tr[data-recall] a").first.click()
    page.wait_for_url("**/recalls/*")
    places = page.locator("#recall-units-table tbody tr[data-location]")
    assert places.count() >= 3
    page.locator("#quarantine-all").click()
    expect(page.locator("#flash")).to_contain_text("quarantined")
    statuses = page.locator("#recall-units-table td[data-status]")
    expect(statuses.first).to_have_text("recalled")
    assert set(statuses.all_inner_texts()) == {"recalled"}
    snap(page, "recall")


def _ndc_of(page: Page, lot: str) -> str:
    """The NDC of a demo lot, as the expiry report shows it."""
    row = page.context.request.get("/api/expiry?within_days=0").json()
    return str(next(r["ndc"] for r in row["lots"] if r["lot"] == lot))
