"""Fixtures of the web tests.

One hospital database and one uvicorn server per pytest-xdist worker (session scope is per
worker), one chromium per worker, a fresh browser context per test. The Playwright sync API
runs in the test thread (no asyncio loop there); uvicorn runs its own loop in a thread.

The app's clock (``rxsupply.entrypoints.clock.now``, which the pages, the API and the facility's
"today" read at each call) is pinned at ``NOW`` for every test, so what is expired, what expires
within 90 days and which century a scanned YYMMDD falls in do not depend on the day the tests
run. The server runs in this process, so it reads the pinned clock too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy import Engine
from tests.conftest import NOW

from rxsupply.entrypoints import clock
from rxsupply.entrypoints.app import create_app
from rxsupply.entrypoints.http.security import COOKIE

from .harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PASSWORD,
    SCREENSHOTS,
    build_hospital,
    require_chromium,
    serving,
)

Snap = Callable[..., Path]
SignIn = Callable[[str], Page]


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture(scope="session")
def web_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = build_hospital(tmp_path_factory.mktemp("web") / "rx.db")
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def served_engine(web_engine: Engine) -> Engine:
    """The database a module's pages and server use: the shared example hospital, unless the
    module overrides this fixture with its own (a walk on data of its own)."""
    return web_engine


@pytest.fixture(scope="module")
def web_app(served_engine: Engine) -> FastAPI:
    return create_app(served_engine)


@pytest.fixture(scope="module")
def live_url(web_app: FastAPI) -> Iterator[str]:
    with serving(web_app) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    require_chromium()
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, live_url: str) -> Iterator[Page]:
    context = browser.new_context(base_url=live_url, viewport={"width": 1280, "height": 900})
    # a demo page answers in well under a second; 30 s leaves room for a machine whose cores
    # other work holds (seen: 10 s exceeded with two test processes beside two builds)
    context.set_default_timeout(30_000)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def snap(request: pytest.FixtureRequest) -> Snap:
    """``snap(page)`` saves build/test-output/screenshots/<test name>[-suffix].png."""

    def save(pg: Page, suffix: str = "") -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = request.node.name + (f"-{suffix}" if suffix else "")
        path = SCREENSHOTS / f"{name}.png"
        pg.screenshot(path=str(path), full_page=True)
        return path

    return save


@pytest.fixture(scope="module")
def sessions() -> dict[str, str]:
    """Session cookie values by username: each user signs in through the form once a module
    (each module's server may serve its own hospital)."""
    return {}


@pytest.fixture
def sign_in(page: Page, live_url: str, sessions: dict[str, str]) -> SignIn:
    """``sign_in("tech")`` signs the page's browser context in (through the login form the first
    time, then with the cookie that gave) and returns the page, still blank."""

    def login(username: str) -> Page:
        if username in sessions:
            page.context.add_cookies(
                [{"name": COOKIE, "value": sessions[username], "url": live_url}]
            )
            return page
        page.goto("/login?next=%2Flocations")
        page.fill("#username", username)
        page.fill("#password", PASSWORD)
        page.press("#password", "Enter")
        page.wait_for_url("**/locations", wait_until="commit")
        sessions[username] = next(c["value"] for c in page.context.cookies() if c["name"] == COOKIE)
        return page

    return login
