"""The daily sweep page over HTTP on its own example hospital on 02/01/2027, the day after
morphine lot MS2409 expired: the technician sees the storeroom's 60 units and the pocket's 15,
runs the sweep, and the storeroom's units are in quarantine; an auditor may look, not sweep."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from rxsupply.entrypoints import clock

from .harness import build_hospital, client_for, csrf_of

DAY_AFTER = datetime(2027, 2, 1, 15, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def sweep_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = build_hospital(Path(tmp_path_factory.mktemp("sweep")) / "rx.db")
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def served_engine(sweep_engine: Engine) -> Engine:
    """This module's server serves its own hospital."""
    return sweep_engine


def test_a_technician_runs_the_daily_sweep_from_its_page(
    web_app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clock, "now", lambda: DAY_AFTER)
    with client_for(web_app, "auditor") as auditor:
        looked = auditor.get("/expiry/sweep")
        refused = auditor.post("/expiry/sweep", data={"csrf_token": csrf_of(auditor, "/expiry")})
    with client_for(web_app, "tech") as tech:
        before = tech.get("/expiry/sweep")
        swept = tech.post(
            "/expiry/sweep",
            data={"csrf_token": csrf_of(tech, "/expiry/sweep")},
            follow_redirects=True,
        )

    assert looked.status_code == 200 and 'id="run-sweep"' not in looked.text
    assert refused.status_code == 403
    assert 'data-lot="MS2409" data-location="MAIN-STORE"' in before.text
    assert 'data-lot="MS2409" data-location="ICU-ADC1-P02"' in before.text
    assert swept.status_code == 200
    assert "1 lot-locations (60 units) moved to quarantine" in swept.text
    assert "1 in pockets wait for the refill run" in swept.text
    assert 'data-location="MAIN-STORE"' not in swept.text
    assert 'data-lot="MS2409" data-location="ICU-ADC1-P02"' in swept.text
