"""Many users moving stock at once never lose an update, never drive on-hand below zero and
never fill a pocket beyond its capacity."""

from __future__ import annotations

import random
import threading
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import Engine, func, select
from tests.conftest import EASTERN, NOW, TESTER, load_examples

from rxsupply.adapters import queries, tables
from rxsupply.adapters.unit_of_work import SqlUnitOfWork, run_with_retry
from rxsupply.domain.clock import FixedClock
from rxsupply.domain.external_id import ExternalId
from rxsupply.errors import InsufficientStock, OverCapacity
from rxsupply.services import ledger

THREADS = 16
OPERATIONS = 960  # 60 per thread: every thread still overlaps the others from start to end
ITEMS = ["ONDA4INJ", "MORPH2INJ", "APAP325TAB"]
PLACES = ["MAIN-STORE", "ICU-ADC1", "ED-ADC1", "OR-SAT"]
POCKETED = {"ED-ADC1": ["ONDA4INJ", "APAP325TAB"]}
"""A cabinet takes only the items it has a pocket for (ED-ADC1 has none for morphine)."""


def _total_units(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.sum(tables.on_hand.c.quantity))).scalar_one())


def _over_capacity(engine: Engine) -> int:
    """Pockets that hold more units than their capacity."""
    on_hand, location = tables.on_hand, tables.location
    held = (
        select(on_hand.c.location_id, func.sum(on_hand.c.quantity).label("units"))
        .group_by(on_hand.c.location_id)
        .subquery()
    )
    with engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count())
                .select_from(held.join(location, location.c.id == held.c.location_id))
                .where(location.c.capacity.is_not(None), held.c.units > location.c.capacity)
            ).scalar_one()
        )


def _post(command: ledger.Command, when: datetime, uow: SqlUnitOfWork) -> ledger.Posted:
    """Post at ``when`` (the command's time and the clock's)."""
    return ledger.post_one(uow, command, clock=FixedClock(when, EASTERN))


def _run(engine: Engine) -> tuple[int, int, int]:
    start_total = _total_units(engine)
    done = {"ok": 0, "short": 0, "dispensed": 0}
    lock = threading.Lock()
    failures: list[BaseException] = []
    lowest: list[int] = []
    overfull: list[int] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            with engine.connect() as conn:
                lowest.append(
                    int(conn.execute(select(func.min(tables.on_hand.c.quantity))).scalar_one())
                )
            overfull.append(_over_capacity(engine))

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        for n in range(OPERATIONS // THREADS):
            item = rng.choice(ITEMS)
            when = NOW + timedelta(seconds=seed * 1000 + n)
            try:
                if rng.random() < 0.5:
                    src, dst = rng.sample(PLACES, 2)
                    move = ledger.Move(
                        user=TESTER,
                        from_location=src,
                        to_location=dst,
                        item=rng.choice(POCKETED.get(dst, ITEMS)),
                        quantity=rng.randint(1, 12),
                        occurred_at=when,
                    )
                    run_with_retry(engine, partial(_post, move, when))
                else:
                    qty = rng.randint(1, 4)
                    use = ledger.Dispense(
                        user=TESTER,
                        location=rng.choice(PLACES[1:]),
                        item=item,
                        quantity=qty,
                        occurred_at=when,
                        external_id=ExternalId("txn", f"t{seed}-{n}"),
                    )
                    run_with_retry(engine, partial(_post, use, when))
                    with lock:
                        done["dispensed"] += qty
                with lock:
                    done["ok"] += 1
            except (InsufficientStock, OverCapacity):  # short, or no room in the pocket
                with lock:
                    done["short"] += 1
            except BaseException as exc:
                failures.append(exc)
                return

    watcher = threading.Thread(target=watch)
    watcher.start()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    stop.set()
    watcher.join()

    assert failures == []
    assert done["ok"] + done["short"] == OPERATIONS // THREADS * THREADS
    assert min(lowest) >= 0
    assert max(overfull) == 0
    assert _over_capacity(engine) == 0
    return start_total, done["dispensed"], done["ok"]


def test_sixteen_threads_of_transfers_and_dispenses_keep_every_on_hand_equal_to_its_ledger(
    pg_engine: Engine,
) -> None:
    load_examples(pg_engine, "items", "locations", "stock")

    start_total, dispensed, ok = _run(pg_engine)

    with pg_engine.connect() as conn:
        assert queries.check_rows(conn) == []
    assert _total_units(pg_engine) == start_total - dispensed
    assert ok > OPERATIONS // 4


def test_the_same_concurrent_load_on_sqlite_keeps_the_ledger_exact(
    sqlite_engine: Engine,
) -> None:
    load_examples(sqlite_engine, "items", "locations", "stock")

    start_total, dispensed, _ = _run(sqlite_engine)

    with sqlite_engine.connect() as conn:
        assert queries.check_rows(conn) == []
    assert _total_units(sqlite_engine) == start_total - dispensed
