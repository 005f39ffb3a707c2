"""A browser builds and reconciles a return batch (issue 13): Example Labs' policy set on its
page, the workbench showing the lots returnable now, a batch built of the morphine and
ondansetron lots ticked, the morphine line's DEA Form 222 number recorded (shipping refuses
without it), the batch shipped through the ledger, the printable manifest, and the credit memo
entered line by line and reconciled (one line matched, one short-paid). The example hospital
on a server of its own (the walk ships stock)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine

from .conftest import Snap
from .harness import PASSWORD, build_hospital, on_hand


@pytest.fixture(scope="module")
def walk_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = build_hospital(tmp_path_factory.mktemp("returns-walk") / "rx.db")
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def served_engine(walk_engine: Engine) -> Engine:
    """This module's server serves its own hospital."""
    return walk_engine


def test_a_return_batch_built_shipped_and_reconciled(
    page: Page, snap: Snap, walk_engine: Engine
) -> None:
    page.goto("/login?next=%2Freturns%2Fwaste")
    page.fill("#username", "manager")
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url("**/returns/waste")

    # Example Labs' policy: 6 months before expiry to 12 after, 90% of WAC
    page.fill("#p-labeler", "Example Labs")
    page.fill("#p-before", "6")
    page.fill("#p-after", "12")
    page.fill("#p-share", "90%")
    page.locator("#set-policy button").click()
    expect(page.locator("#flash")).to_contain_text("Policy of Example Labs saved")
    expect(page.locator("#policies")).to_contain_text("Example Labs")

    # the workbench: two lots returnable now, ticked into a batch
    page.goto("/returns?returnability=now")
    lots = page.locator("#lots tbody tr[data-returnability=now]")
    expect(lots).to_have_count(2)
    snap(page, "workbench")
    page.check("input[value='98765-0210-1:MS2409']")
    page.check("input[value='98765-401-02:ON2411A']")
    page.fill("#distributor", "Demo Reverse Distribution")
    page.locator("#create-batch").click()
    # the storeroom's units (the cabinets keep theirs): 6 x 31.20 and 10 x 18.75, at 90%
    expect(page.locator("#flash")).to_contain_text("2 lines, expected credit 337.23")
    expect(page.locator("#lines tbody tr")).to_have_count(2)
    expect(page.locator("#lines tr[data-lot=MS2409] .picks")).to_have_text("MAIN-STORE: 60")

    # shipping refuses the Schedule II line until its Form 222 number is recorded
    page.locator("#ship-batch").click()
    expect(page.locator("#flash")).to_contain_text("without a DEA Form 222 number")
    page.fill("#f222-1", "CSOS-4455667")
    page.locator("#form-222-1 button").click()
    expect(page.locator("#flash")).to_contain_text("DEA Form 222 CSOS-4455667 recorded")
    page.locator("#ship-batch").click()
    expect(page.locator("#flash")).to_contain_text("Shipped")
    expect(page.locator("#batch-status")).to_contain_text("shipped")
    assert on_hand(walk_engine, location="MAIN-STORE", ndc="98765-0210-1", lot="MS2409") == 0
    assert on_hand(walk_engine, location="ICU-ADC1-P01", ndc="98765-401-02", lot="ON2411A") == 30

    # the printable manifest, one table per stream
    with page.expect_popup() as opened:
        page.locator("#manifests a", has_text="printable").last.click()
    manifest = opened.value
    expect(manifest.locator("h2")).to_have_count(2)
    expect(manifest.locator("body")).to_contain_text("Controlled substances (DEA)")
    manifest.close()

    # the credit memo, line by line: morphine in full, ondansetron short
    page.fill("#memo-number", "CM-2026-118")
    page.fill("[aria-label='Credit for lot MS2409']", "168.48")
    page.fill("[aria-label='Credit for lot ON2411A']", "150.00")
    page.locator("#enter-memo").click()
    expect(page.locator("#flash")).to_contain_text("outstanding 18.75")
    expect(page.locator("#reconciled-totals")).to_contain_text("short-paid $18.75")
    expect(page.locator("#reconciliation tr[data-lot=MS2409]")).to_have_attribute(
        "data-state", "matched"
    )
    expect(page.locator("#reconciliation tr[data-lot=ON2411A]")).to_have_attribute(
        "data-state", "short_paid"
    )
    snap(page, "reconciled")

    # the aging list on the workbench shows what is still owed
    page.goto("/returns")
    expect(page.locator("#aging tbody tr")).to_have_count(1)
    expect(page.locator("#aging")).to_contain_text("$18.75")
