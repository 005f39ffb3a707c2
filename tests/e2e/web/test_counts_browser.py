"""A cycle count in Debian's chromium (Playwright): a technician starts a count of a cabinet's
acetaminophen from /counts, counts blind and submits; a manager reviews the variance, picks its
reason and posts it. Screenshots under build/test-output/screenshots/."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy import Engine

from .conftest import SignIn, Snap
from .harness import on_hand


def test_a_blind_cycle_count_is_submitted_reviewed_and_posted(
    page: Page, sign_in: SignIn, snap: Snap, web_engine: Engine
) -> None:
    sign_in("tech")
    page.goto("/counts")
    page.select_option("#count-location", "ED-ADC1")
    page.fill("#count-item", "APAP325TAB")
    page.click("#start-count-button")
    expect(page).to_have_url(re.compile(r"/counts/CC\d{6}$"))
    number = page.url.rsplit("/", 1)[1]
    row = page.locator("#count-lines tbody tr", has_text="AP2406")
    expect(row).to_have_count(1)
    expect(page.locator("#count-lines")).not_to_contain_text("220")  # the record stays hidden
    row.locator("input[name^=counted-]").fill("219")
    snap(page, "sheet")
    page.click("#submit-count")
    expect(page.locator("#flash")).to_contain_text("Submitted: variance -1 units")

    sign_in("manager")
    page.goto(f"/counts/{number}")
    expect(page.locator("#count-status")).to_have_text("submitted")
    reviewed = page.locator("#count-lines tbody tr", has_text="AP2406")
    expect(reviewed.locator("[data-expected]")).to_have_text("220")
    expect(reviewed.locator("[data-variance]")).to_have_text("-1")
    reviewed.locator("select[name^=reason-]").select_option("damaged")
    snap(page, "review")
    page.click("#post-count")

    expect(page.locator("#flash")).to_contain_text("Posted")
    expect(page.locator("#count-status")).to_have_text("posted")
    assert on_hand(web_engine, location="ED-ADC1-P02", ndc="98765-3250-1") == 219
