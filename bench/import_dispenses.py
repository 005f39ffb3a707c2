"""Benchmark: import 1,000,000 ADC dispense rows into SQLite through ``rxsupply import``.

Builds a hospital (storeroom, 30 ADCs with pockets, 400 items) with opening stock, writes a
dispense export of N rows (default 1,000,000) spread over two years, then times the real CLI
(`rxsupply import dispenses FILE`) in a subprocess and reports rows/s and peak memory. The peer,
measured in the same run on the same file, is a bare load: Python's csv module plus sqlite3
``executemany`` into one table with no validation, no allocation and no ledger; the ratio says
what the validation, FEFO allocation and ledger cost on top of moving the bytes.

    .venv/bin/python bench/import_dispenses.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
ITEMS = 400
ADCS = 30
POCKETS_PER_ADC = 60


def write_hospital(folder: Path) -> tuple[list[tuple[str, str]], int]:
    """Items, locations and opening stock files; returns (adc, item) pairs stocked."""
    items = folder / "items.csv"
    with items.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            ["item_code", "item_name", "ndc", "package_size", "dispense_unit", "package_cost"]
        )
        for i in range(ITEMS):
            w.writerow([f"B{i:04d}", f"bench item {i}", f"99990-{i:04d}-1", 25, "VIAL", "10.00"])
    rng = random.Random(1)
    pairs: list[tuple[str, str]] = []
    locations = folder / "locations.csv"
    stock = folder / "stock.csv"
    with locations.open("w", newline="") as f, stock.open("w", newline="") as g:
        w, s = csv.writer(f), csv.writer(g)
        w.writerow(["code", "name", "kind", "parent", "capacity", "item"])
        s.writerow(["location", "ndc", "lot", "expiry", "quantity"])
        w.writerow(["H", "Bench hospital", "facility", "", "", ""])
        w.writerow(["STORE", "Storeroom", "storeroom", "H", "", ""])
        for a in range(ADCS):
            adc = f"ADC{a:02d}"
            w.writerow([adc, f"cabinet {a}", "adc", "H", "", ""])
            for p, i in enumerate(rng.sample(range(ITEMS), POCKETS_PER_ADC)):
                pocket = f"{adc}-P{p:02d}"
                w.writerow([pocket, pocket, "pocket", adc, 1_000_000, f"B{i:04d}"])
                s.writerow([pocket, f"99990-{i:04d}-1", f"L{i:04d}A", "2030-12-31", 1_000_000])
                pairs.append((adc, f"B{i:04d}"))
    return pairs, len(pairs)


def write_dispenses(path: Path, rows: int, pairs: list[tuple[str, str]]) -> None:
    rng = random.Random(2)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    step = timedelta(days=730) / rows
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["transaction_id", "timestamp", "item", "location", "quantity", "kind"])
        for n in range(rows):
            adc, item = pairs[rng.randrange(len(pairs))]
            when = (start + step * n).replace(microsecond=0)
            kind = "dispense" if rng.random() < 0.97 else "waste"
            w.writerow([f"T{n:08d}", when.isoformat(), item, adc, rng.randint(1, 3), kind])


def rxsupply(db: Path, *args: str) -> tuple[float, int]:
    """Run the CLI; return (seconds, peak RSS in MiB of that process)."""
    exe = Path(sys.executable).with_name("rxsupply")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    subprocess.run(
        [str(exe), "--db", str(db), "--user", "bench", *args], check=True, stdout=subprocess.DEVNULL
    )
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) // 1024


def bare_load(path: Path, db: Path) -> float:
    t0 = time.perf_counter()
    conn = sqlite3.connect(db)
    conn.execute(
        "CREATE TABLE raw (transaction_id TEXT PRIMARY KEY, timestamp TEXT, "
        "item TEXT, location TEXT, quantity INTEGER, kind TEXT)"
    )
    with path.open(newline="") as f:
        reader = csv.reader(f)
        next(reader)
        conn.executemany("INSERT INTO raw VALUES (?,?,?,?,?,?)", reader)
    conn.commit()
    conn.close()
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    for old in OUT.glob("bench*.db*"):
        old.unlink()
    db = OUT / "bench.db"
    pairs, lines = write_hospital(OUT)
    dispenses = OUT / "dispenses.csv"
    write_dispenses(dispenses, args.rows, pairs)
    for kind in ("items", "locations", "stock"):
        rxsupply(db, "import", kind, str(OUT / f"{kind}.csv"))
    seconds, peak = rxsupply(db, "import", "dispenses", str(dispenses))
    again, _ = rxsupply(db, "import", "dispenses", str(dispenses))
    check, _ = rxsupply(db, "check")
    peer = bare_load(dispenses, OUT / "bench-bare.db")
    size = dispenses.stat().st_size / 2**20
    print(
        f"dispense import into SQLite: {args.rows:,} rows ({size:.0f} MiB CSV), "
        f"{lines:,} pocket stock lines, {os.cpu_count()} cores"
    )
    print(f"{'measure':<44}{'value':>14}")
    print(f"{'rxsupply import dispenses, seconds':<44}{seconds:>14.1f}")
    print(f"{'rxsupply rows/s':<44}{args.rows / seconds:>14,.0f}")
    print(f"{'rxsupply peak memory, MiB':<44}{peak:>14,}")
    print(f"{'re-import of the same file (no-op), seconds':<44}{again:>14.1f}")
    print(f"{'rxsupply check after import, seconds':<44}{check:>14.1f}")
    print(f"{'peer: csv + sqlite3 executemany, seconds':<44}{peer:>14.1f}")
    print(f"{'peer rows/s':<44}{args.rows / peer:>14,.0f}")
    print(f"{'ratio rxsupply time / bare load time':<44}{seconds / peer:>14.2f}")
    print(
        f"target: 1,000,000 rows in 60 s or less -> "
        f"{'met' if args.rows / seconds >= 1_000_000 / 60 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
