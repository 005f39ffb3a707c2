"""The expiry-risk benchmark's replay (bench/expiry_replay.py) compares like with like, on
each database: it counts the lots on hand at the cut-off that expire unused in the window, not
a lot received after the cut-off, and not units returned to vendor on their expiry day."""

from __future__ import annotations

import importlib.util
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from tests.conftest import CLOCK, TESTER, post

from rxsupply.services.ledger import Receive, ReturnToVendor

APAP = "98765-3250-01"
SCRIPT = Path(__file__).parents[2] / "bench" / "expiry_replay.py"


def bench() -> Any:
    """The benchmark script as a module (bench/ is scripts, not a package)."""
    spec = importlib.util.spec_from_file_location("expiry_replay", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CUTOFF, END = date(2026, 11, 1), date(2026, 11, 19)


def at(day: int, month: int = 11) -> datetime:
    return datetime(2026, month, day, 10, 0, tzinfo=CLOCK.zone)


def receive(engine: Engine, lot: str, *, on: datetime, expiry: date, units: int) -> None:
    post(
        engine,
        Receive(
            user=TESTER,
            product=APAP,
            lot=lot,
            expiry=expiry,
            quantity=units,
            location="MAIN-STORE",
            occurred_at=on,
        ),
    )


def test_the_replay_counts_only_lots_on_hand_at_the_cut_off_that_expire_on_the_shelf(
    hospital: Engine,
) -> None:
    receive(hospital, "OLD", on=at(1, 10), expiry=date(2026, 11, 10), units=10)
    receive(hospital, "OLD", on=at(3), expiry=date(2026, 11, 10), units=3)  # more, later
    receive(hospital, "NEW", on=at(5), expiry=date(2026, 11, 12), units=7)  # after the cut-off
    receive(hospital, "RTV", on=at(1, 10), expiry=date(2026, 11, 15), units=5)
    post(
        hospital,
        ReturnToVendor(
            user=TESTER,
            location="MAIN-STORE",
            product=APAP,
            lot="RTV",
            quantity=5,
            occurred_at=at(15),
        ),
    )

    with hospital.connect() as conn:
        found = bench().replay(conn, first=CUTOFF, last=END, zone=CLOCK.zone)

    mine = {lot: n for (_, _, lot), (n, _, _) in found.items() if lot in {"OLD", "NEW", "RTV"}}
    assert mine == {"OLD": 10}  # the 10 on hand at the cut-off, not the 3 received after
