"""``rxsupply expiry pulls | sweep`` on the example hospital on 02/01/2027, the day after morphine
lot MS2409 (60 units in the storeroom, 15 in ICU-ADC1's pocket 2) expired."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from tests.conftest import EXAMPLES
from tests.e2e.cli_runner import Rx

from rxsupply.entrypoints.cli import context

DAY_AFTER = datetime(2027, 2, 1, 15, 0, tzinfo=UTC)


def test_the_sweep_moves_the_storeroom_lot_and_lists_the_pocket_for_the_run(
    rx: Rx, monkeypatch: pytest.MonkeyPatch
) -> None:
    for kind in ("items", "locations", "stock"):
        assert rx("import", kind, str(EXAMPLES / f"{kind}.csv")).code == 0
    monkeypatch.setattr(context, "now", lambda: DAY_AFTER)

    before = rx("expiry", "pulls", "--json")
    swept = rx("expiry", "sweep", "--json")
    again = rx("expiry", "sweep")
    after = rx("expiry", "pulls", "--json")

    assert before.code == 0, before.err
    assert {(p["location"], p["quantity"], p["how"]) for p in before.json()} == {
        ("MAIN-STORE", 60, "moved by the sweep"),
        ("ICU-ADC1-P02", 15, "on the refill run's pick list"),
    }
    assert swept.code == 0, swept.err
    assert swept.json()["moved"] == {"lots": 1, "units": 60, "value": "187.20"}
    assert swept.json()["pockets"]["units"] == 15
    assert again.code == 0 and "0 lot-locations moved to quarantine" in again.out
    assert [p["location"] for p in after.json()] == ["ICU-ADC1-P02"]
    assert rx.stock("--location", "MAIN-QUAR")[("MAIN-QUAR", "MS2409")] == 60
