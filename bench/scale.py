"""Scale: a health system of ten hospitals (``rxsupply demo --facilities 10``), built and
planned on SQLite and on PostgreSQL.

Each stage runs as its own ``rxsupply`` process, timed, with its peak resident memory:

- ``build``: ``rxsupply demo --facilities N --days D`` (generating the history and writing it
  through the ledger's bulk path, one hospital at a time, then the key figures' daily sums);
- ``check``: ``rxsupply check`` (every on-hand equal to its ledger);
- ``plan``: ``rxsupply plan --propose`` (the full planning run over every item-location, its
  recommendations stored for review), optionally on a Dask scheduler (``--scheduler``).

It prints the item-locations planned, the ledger's dispense transactions and movements, the
item-location-days of demand, and each stage's seconds and peak memory, with the machine's
load average (other work on the machine slows every figure).

    .venv/bin/python bench/scale.py [--facilities 10] [--days 730] [--sqlite /tmp/scale.db]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test] [--no-sqlite]
        [--scheduler tcp://127.0.0.1:8786]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from api_load import fresh_schema

EXE = Path(sys.executable).with_name("rxsupply")


@dataclass(frozen=True, slots=True)
class Stage:
    name: str
    seconds: float
    peak_mib: float
    load: str
    out: str


def run(db: str, name: str, *args: str) -> Stage:
    """One ``rxsupply`` command: its wall time and peak resident memory (``wait4``)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [str(EXE), "--db", db, "--user", "admin", *args], stdout=out, stderr=err
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise SystemExit(f"rxsupply {' '.join(args)} failed:\n{err.read()[-3000:]}")
        return Stage(name, seconds, usage.ru_maxrss / 1024, _load(), out.read())


def measure(db: str, label: str, args: argparse.Namespace) -> None:
    print(f"== {label}: {args.facilities} hospitals, {args.days} days; load {_load()}", flush=True)
    print(f"{'stage':<8}{'seconds':>10}{'peak MiB':>10}  load average after", flush=True)
    stages: list[Stage] = []

    def stage(name: str, *command: str) -> Stage:
        done = run(db, name, *command)
        stages.append(done)
        print(
            f"{done.name:<8}{done.seconds:>10.1f}{done.peak_mib:>10,.0f}  {done.load}", flush=True
        )
        return done

    days = ["--days", str(args.days)]
    built = json.loads(
        stage(
            "build", "demo", "--facilities", str(args.facilities), *days, "--seed", "7", "--json"
        ).out
    )
    stage("check", "check")
    plan = ["plan", "--propose", "--json"]
    if args.scheduler:
        plan += ["--scheduler", args.scheduler]
    series = len(json.loads(stage("plan", *plan).out))
    print(f"{'total':<8}{sum(s.seconds for s in stages):>10.1f}")
    print(
        f"item-locations planned {series:,}; pockets {built['pockets']:,}; dispense "
        f"transactions {built['dispense_transactions']:,}; ledger movements "
        f"{built['movements']:,}; item-location-days of demand {series * args.days:,}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facilities", type=int, default=10)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--sqlite", type=Path, default=None, help="SQLite file (new).")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only.")
    parser.add_argument("--postgres", default=None, help="Also on PostgreSQL (127.0.0.1).")
    parser.add_argument("--scheduler", default=None, help="Plan on this Dask scheduler.")
    args = parser.parse_args()
    if not 1 <= args.facilities <= 20 or not 30 <= args.days <= 1500:
        parser.error("--facilities must be 1-20 and --days 30-1500")
    with ExitStack() as stack:
        if not args.no_sqlite:
            path = args.sqlite or Path(stack.enter_context(tempfile.TemporaryDirectory())) / "s.db"
            if path.exists():
                parser.error(f"{path} exists: the demo is built into a new database")
            measure(f"sqlite:///{path}", "SQLite", args)
        if args.postgres:
            measure(stack.enter_context(fresh_schema(args.postgres)), "PostgreSQL", args)


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
