"""A browser walks the lots at risk (issue 13): from the expiry report to the lots-at-risk
page, the ICU pocket's idle ondansetron lot listed with its value at risk and the chart, the
recommended transfer to the ED pocket (which a planning run forecasts at 1 vial a day) carried
out from the page, and the move seen in the ledger. The example hospital on a server of its own
(the walk moves stock)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine
from tests.e2e.expiry_risk_state import forecast

from .conftest import Snap
from .harness import PASSWORD, build_hospital, on_hand

TRAY = "98765-401-02"


@pytest.fixture(scope="module")
def walk_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = build_hospital(tmp_path_factory.mktemp("expiry-risk-walk") / "rx.db")
    forecast(engine, location="ED-ADC1-P01", item="ONDA4INJ", daily=1.0)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def served_engine(walk_engine: Engine) -> Engine:
    """This module's server serves its own hospital."""
    return walk_engine


def test_a_lot_at_risk_is_moved_to_the_pocket_that_will_use_it(
    page: Page, snap: Snap, walk_engine: Engine
) -> None:
    page.goto("/login?next=%2Fexpiry")
    page.fill("#username", "tech")
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url("**/expiry")

    # from the expiry report to the lots at risk
    page.locator("#lots-at-risk-link").click()
    page.wait_for_url("**/expiry/risk")
    idle = page.locator('#lots-at-risk tr[data-lot="ON2411A"][data-location="ICU-ADC1-P01"]')
    expect(idle).to_contain_text("$22.50")  # 30 vials at $0.75, none used before 03/31/2027
    expect(idle).to_contain_text("move 15 to ED-ADC1-P01")
    expect(page.locator("#chart-risk .main-svg").first).to_be_visible()
    expect(page.locator("#method")).to_contain_text("earliest expiry first")
    snap(page, "lots")

    # the recommended transfer carried out
    move = page.locator('#transfers tr[data-lot="ON2411A"][data-from="ICU-ADC1-P01"]')
    expect(move).to_contain_text("$11.25")
    move.locator("button").click()
    expect(page.locator("#flash")).to_contain_text(
        "Moved 15 units of lot ON2411A from ICU-ADC1-P01 to ED-ADC1-P01"
    )
    expect(
        page.locator('#transfers tr[data-lot="ON2411A"][data-from="ICU-ADC1-P01"]')
    ).to_have_count(0)
    snap(page, "moved")

    # the move in the ledger
    page.goto("/ledger?item=ONDA4INJ&location=ED-ADC1-P01")
    expect(page.locator("main")).to_contain_text("expiry risk transfer")
    assert on_hand(walk_engine, location="ED-ADC1-P01", ndc=TRAY, lot="ON2411A") == 15
    assert on_hand(walk_engine, location="ICU-ADC1-P01", ndc=TRAY, lot="ON2411A") == 15
