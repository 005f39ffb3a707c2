"""A browser walks a recall (issue 13): a compliance officer enters a recall of acetaminophen
lot AP2406 on /recalls, the recall screen shows its units in three locations (the storeroom and
two cabinet pockets), one "Quarantine all" blocks every one of them, and the screen then shows
them recalled while the ledger refuses to dispense them. The example hospital on a server of
its own (the walk blocks stock)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine
from tests.conftest import TESTER, load_examples, post

from rxsupply.errors import InsufficientStock
from rxsupply.services.ledger import Dispense

from .conftest import Snap
from .harness import PASSWORD, build_hospital

PLACES = ("MAIN-STORE", "ICU-ADC1-P03", "ED-ADC1-P02")


@pytest.fixture(scope="module")
def walk_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = build_hospital(tmp_path_factory.mktemp("recall-walk") / "rx.db")
    load_examples(engine, "dispenses")  # AP2406 dispensed from both cabinets
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def served_engine(walk_engine: Engine) -> Engine:
    """This module's server serves its own hospital."""
    return walk_engine


def test_a_recall_quarantines_its_units_in_three_locations_with_one_action(
    page: Page, snap: Snap, walk_engine: Engine
) -> None:
    page.goto("/login?next=%2Frecalls")
    page.fill("#username", "auditor")
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url("**/recalls")

    # the recall entered
    page.fill("#number", "D-0123-2027")
    page.select_option("#recall_class", "I")
    page.fill("#firm", "Example Labs")
    page.fill("#reason", "tablets out of specification for dissolution")
    page.fill("#ndcs", "98765-3250-01 AP2406")
    page.locator("#enter-recall button").click()
    page.wait_for_url("**/recalls/*")
    expect(page.locator("#flash")).to_contain_text("Recall D-0123-2027 entered")
    rows = page.locator("#recall-units-table tbody tr")
    expect(rows).to_have_count(3)
    for place in PLACES:
        expect(
            page.locator(f'#recall-units-table tr[data-location="{place}"] td[data-status]')
        ).to_have_text("available")
    expect(page.locator("#recall-net-dispensed")).to_contain_text("class I: follow up each patient")
    snap(page, "found")

    # one action blocks them all
    page.locator("#quarantine-all").click()
    expect(page.locator("#flash")).to_contain_text("2,366 unit(s) quarantined")
    for place in PLACES:
        expect(
            page.locator(f'#recall-units-table tr[data-location="{place}"] td[data-status]')
        ).to_have_text("recalled")
    expect(page.locator("#recall-unblocked")).to_have_text("none")
    expect(page.locator("#quarantine-all")).to_have_count(0)  # nothing left to block
    snap(page, "quarantined")

    with pytest.raises(InsufficientStock, match="148 more are expired or blocked"):
        post(walk_engine, Dispense(user=TESTER, location="ICU-ADC1", item="APAP325TAB", quantity=1))
