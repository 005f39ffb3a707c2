"""Benchmark: back up and restore the demo hospital through the real CLI, on SQLite.

Builds the demo (``rxsupply demo``), backs it up while a writer keeps posting receipts (the
online backup's one snapshot), posts more, restores the backup, and checks that the on-hand of
every (location, product, lot) is the backup's and that ``rxsupply check`` is clean. Prints the
seconds each step took, the file size and the figures the commands printed. The peer is a plain
file copy of the same database (``shutil.copyfile`` of a quiet file: what a backup costs at
the least, without a snapshot).

    .venv/bin/python bench/backup_restore.py [--days 730]
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import closing
from datetime import date
from pathlib import Path

from rxsupply.adapters.database import make_engine
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.entrypoints.clock import current
from rxsupply.services import ledger

Key = tuple[int, int, int]


def rxsupply(db: Path, *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", "from rxsupply.entrypoints.cli import main; main()", "--db",
         str(db), "--user", "admin", *args],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"rxsupply {' '.join(args)} failed: {done.stderr}")
    return time.perf_counter() - started, " ".join(done.stdout.split())


def on_hand(db: Path) -> dict[Key, int]:
    with closing(sqlite3.connect(db)) as con:
        rows = con.execute("SELECT location_id, product_id, lot_id, quantity FROM on_hand")
        return {(loc, prod, lot): q for loc, prod, lot, q in rows}


def keep_receiving(db: Path, stop: threading.Event, posted: list[int]) -> None:
    engine = make_engine(f"sqlite:///{db}")
    with closing(sqlite3.connect(db)) as con:
        location, ndc = con.execute(
            "SELECT l.code, p.ndc FROM on_hand o JOIN location l ON l.id = o.location_id "
            "JOIN product p ON p.id = o.product_id WHERE l.kind = 'storeroom' LIMIT 1"
        ).fetchone()
    n = 0
    while not stop.is_set():
        n += 1
        with SqlUnitOfWork(engine) as uow:
            ledger.post_one(
                uow,
                ledger.Receive(
                    user="admin", location=location, product=ndc, lot=f"BENCH{n}",
                    expiry=date(2035, 12, 31), quantity=1,
                ),
                clock=current(),
            )  # fmt: skip
    posted.append(n)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=730, help="days of demo history")
    days = parser.parse_args().days
    with tempfile.TemporaryDirectory() as folder:
        db, backup = Path(folder) / "demo.db", Path(folder) / "backup.db"
        took, _ = rxsupply(db, "demo", "--seed", "7", "--days", str(days))
        print(f"demo ({days} days): {took:.1f} s, {db.stat().st_size / 1e6:.1f} MB")

        started = time.perf_counter()
        shutil.copyfile(db, Path(folder) / "plain.db")
        plain = time.perf_counter() - started

        stop, posted = threading.Event(), list[int]()
        writer = threading.Thread(target=keep_receiving, args=(db, stop, posted))
        writer.start()
        time.sleep(1)
        took, said = rxsupply(db, "backup", str(backup))
        stop.set()
        writer.join()
        print(f"backup while a writer posted {posted[0]} receipts: {took:.1f} s ({said})")
        print(f"peer, a plain copy of the quiet file: {plain:.2f} s")
        kept = on_hand(backup)

        took, said = rxsupply(db, "restore", str(backup))
        print(f"restore: {took:.1f} s ({said})")
        same = on_hand(db) == kept
        took, said = rxsupply(db, "check")
        print(f"on-hand of every location, product and lot as backed up: {same}; check: {said}")
        if not same:
            raise SystemExit("the restored on-hand differs from the backup's")


if __name__ == "__main__":
    main()
