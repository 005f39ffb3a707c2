"""The pages keep to their Content Security Policy in a real browser: chromium reports no
violation (no inline script, no outside resource) on the main pages, the charts among them, and
on the API docs, and the charts and Swagger UI are drawn."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from .conftest import SignIn
from .harness import PASSWORD

PAGES = (
    "/",
    "/stock",
    "/locations",
    "/locations/ICU-ADC1",
    "/items/ONDA4INJ",
    "/ledger",
    "/classes",
    "/levels",
    "/receive",
    "/transfer",
    "/refills",
    "/transfers",
    "/adjust",
    "/counts",
    "/shortages",
    "/expiry",
    "/expiry/risk",
    "/stress-test",
    "/recalls",
    "/partners",
    "/returns",
    "/dscsa",
    "/audit",
)
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""
"""Runs before each page's own scripts (Playwright's init scripts are not the page's)."""


@pytest.fixture
def watched(page: Page) -> tuple[Page, list[str]]:
    """The page, and the CSP violations its console reports."""
    reported: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            reported.append(message.text)

    page.add_init_script(LISTEN)
    page.on("console", on_console)
    return page, reported


def violations(page: Page, reported: list[str]) -> list[str]:
    seen: list[str] = page.evaluate("window.__violations")
    return seen + reported


@pytest.mark.parametrize("path", PAGES)
def test_a_page_reports_no_content_security_policy_violation(
    watched: tuple[Page, list[str]], sign_in: SignIn, path: str
) -> None:
    page, reported = watched
    sign_in("admin")

    page.goto(path)
    page.wait_for_load_state("load")

    assert page.url.endswith(path)
    assert violations(page, reported) == []


def test_the_sign_in_page_reports_no_violation_and_signs_in(
    watched: tuple[Page, list[str]],
) -> None:
    page, reported = watched

    page.goto("/login?next=%2Fstock")
    page.fill("#username", "tech")
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")

    expect(page).to_have_url(re.compile(r"/stock$"))
    assert violations(page, reported) == []


def test_the_charts_are_drawn_under_the_policy(
    watched: tuple[Page, list[str]], sign_in: SignIn
) -> None:
    page, reported = watched
    sign_in("manager")

    page.goto("/")
    expect(page.locator("#chart-value .main-svg").first).to_be_visible()
    page.goto("/items/ONDA4INJ")
    expect(page.locator("#chart-usage .main-svg").first).to_be_visible()
    page.goto("/locations/ICU-ADC1")
    expect(page.locator("#chart-pockets .main-svg").first).to_be_visible()

    assert violations(page, reported) == []


def test_the_api_docs_draw_swagger_ui_under_the_policy(
    watched: tuple[Page, list[str]], live_url: str
) -> None:
    page, reported = watched
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(live_url) else outside.append(r.url))

    page.goto("/docs")
    expect(page.locator(".swagger-ui .info .title").first).to_contain_text("rxsupply")
    expect(page.locator(".opblock").first).to_be_visible()

    assert violations(page, reported) == []
    assert outside == []
