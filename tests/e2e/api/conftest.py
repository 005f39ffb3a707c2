"""Every API test runs at the tests' fixed time: the app reads ``rxsupply.entrypoints.clock``
at each call, so what is expired (and which century a scanned YYMMDD is in) never depends on
the day the tests run. A test may pin another time over this one."""

from __future__ import annotations

import pytest
from tests.conftest import NOW

from rxsupply.entrypoints import clock


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)
