"""Many users moving stock at once never lose an update and never drive on-hand below zero."""

from __future__ import annotations

import random
import threading
from datetime import timedelta
from functools import partial

from sqlalchemy import Engine, func, select
from tests.conftest import NOW, load_examples

from rxsupply.adapters import queries, tables
from rxsupply.adapters.unit_of_work import run_with_retry
from rxsupply.domain.movement import MovementKind
from rxsupply.errors import InsufficientStock
from rxsupply.services import ledger

THREADS = 16
OPERATIONS = 2000
ITEMS = ["ONDA4INJ", "MORPH2INJ", "APAP325TAB"]
PLACES = ["MAIN-STORE", "ICU-ADC1", "ED-ADC1", "OR-SAT"]


def _total_units(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.sum(tables.on_hand.c.quantity))).scalar_one())


def _run(engine: Engine) -> tuple[int, int, int]:
    start_total = _total_units(engine)
    done = {"ok": 0, "short": 0, "dispensed": 0}
    lock = threading.Lock()
    failures: list[BaseException] = []
    lowest: list[int] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            with engine.connect() as conn:
                lowest.append(
                    int(conn.execute(select(func.min(tables.on_hand.c.quantity))).scalar_one())
                )

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        for n in range(OPERATIONS // THREADS):
            item = rng.choice(ITEMS)
            when = NOW + timedelta(seconds=seed * 1000 + n)
            try:
                if rng.random() < 0.5:
                    src, dst = rng.sample(PLACES, 2)
                    move = partial(
                        ledger.transfer,
                        from_location=src,
                        to_location=dst,
                        item=item,
                        quantity=rng.randint(1, 12),
                        kind=MovementKind.TRANSFER,
                        now=when,
                    )
                    run_with_retry(engine, move)
                else:
                    qty = rng.randint(1, 4)
                    use = partial(
                        ledger.dispense,
                        location=rng.choice(PLACES[1:]),
                        item=item,
                        quantity=qty,
                        now=when,
                        external_id=f"txn:t{seed}-{n}",
                    )
                    run_with_retry(engine, use)
                    with lock:
                        done["dispensed"] += qty
                with lock:
                    done["ok"] += 1
            except InsufficientStock:
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
