"""The projected stock-out date against a replay of the demo hospital: hide every item's supply
from a given day, and compare the projection made that morning (median and 10th percentile)
with the day the hospital's real use, replayed, would have emptied its stock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine
from tests.conftest import EASTERN, TESTER, demo_copy

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.clock import FixedClock
from rxsupply.services.outlook import project_items

END = date(2026, 11, 1)
CLOCK = FixedClock(datetime.combine(END, time(0), EASTERN), EASTERN)
HIDDEN = END - timedelta(days=28)
"""Supply stops at the start of this day; 28 days of real use follow it."""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path: Path = tmp_path_factory.mktemp("replay") / "demo.db"
    # 120 days: 12 weeks of history before HIDDEN, 28 after
    engine = demo_copy(path, clock=CLOCK, user=TESTER, seed=7, days=120)
    yield engine
    engine.dispose()


def replayed(engine: Engine) -> list[tuple[str, int]]:
    """Items holding at least 20 units when supply stops that real use empties 5 to 27 days
    later: (item, the first day, counted from HIDDEN, whose use the stock could not meet)."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        items = uow.outlook.items()
        ids = [i.id for i in items]
        start = datetime.combine(HIDDEN, time(), EASTERN)
        held = dict.fromkeys(ids, 0)
        for lot in uow.outlook.stock(ids, today=HIDDEN, as_of=start):
            held[lot.item_id] += lot.units
        use = uow.outlook.daily_use(ids, zone=EASTERN, first=HIDDEN, last=END - timedelta(days=1))
    out = []
    for item in items:
        total = np.cumsum(use[item.id])
        if held[item.id] >= 20 and total[-1] > held[item.id]:
            day = int(np.argmax(total > held[item.id]))
            if day >= 5:
                out.append((item.code, day))
    return out


def test_the_projected_stockout_brackets_the_day_the_replay_runs_out(demo: Engine) -> None:
    actual = replayed(demo)
    with SqlUnitOfWork(demo, readonly=True) as uow:
        projected = {
            p.item: p
            for p in project_items(
                uow,
                items=[code for code, _ in actual],
                clock=CLOCK,
                as_of=HIDDEN,
                with_orders=False,
            )
        }

    def offset(day: date | None) -> int:
        return (day - HIDDEN).days if day else 10_000

    median_error = [offset(projected[c].projected_stockout) - day for c, day in actual]
    p10 = [offset(projected[c].projected_stockout_p10) for c, _ in actual]
    p90 = [offset(projected[c].projected_stockout_p90) for c, _ in actual]
    days = [day for _, day in actual]
    inside = np.mean([lo <= d <= hi for lo, d, hi in zip(p10, days, p90, strict=True)])
    not_before_p10 = np.mean([lo <= d for lo, d in zip(p10, days, strict=True)])

    assert len(actual) > 100  # 181 items on seed 7
    assert abs(float(np.median(median_error))) <= 1
    assert float(np.mean(np.abs(median_error))) <= 3  # 1.8 days on seed 7
    assert inside >= 0.7  # the 10th to 90th percentile band: 81 % on seed 7
    assert not_before_p10 >= 0.85  # the pessimistic date comes first nine times in ten
