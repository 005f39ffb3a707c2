"""Load: 100 concurrent API clients doing a hospital's mixed work against PostgreSQL.

Builds the demo hospital in a throwaway PostgreSQL schema, starts ``rxsupply serve
--processes N`` (uvicorn, separate processes) on a free port, raises the cabinets' stock as
``bench/api_load.py`` does, then runs ``--clients`` clients back to back for ``--seconds``
(default 100 clients for five minutes), each request one of:

- ``scan`` (20 %): ``POST /api/scan`` of a GS1 element string (GTIN, expiry, lot) of a product
  the storeroom receives, as a barcode scanner at the dock sends it;
- ``receipt`` (10 %): ``POST /api/receipts`` of a new lot into the storeroom;
- ``dispense`` (45 %): ``POST /api/dispenses`` of one unit at a cabinet that holds the item;
- ``refill`` (15 %): ``POST /api/transfers`` of one unit of an item from the storeroom to a
  cabinet that stocks it (``refill``: the unit lands in the item's pocket);
- ``report`` (10 %): ``GET /api/kpi`` (the dashboard's key figures) or ``GET /api/stock`` of one
  cabinet, alternately.

It prints the latency percentiles (p50, p95, p99) of each kind and overall, the throughput,
the outcomes (a 409 insufficient stock, or a refill into a full pocket, is a business answer;
every other non-2xx, and a request without an answer in ``--timeout`` seconds, is an error, and
there must be none), the machine's load average, and ``rxsupply check`` afterwards, which
must be clean; every acknowledged write must be in the ledger. The schema is dropped at the
end, also on failure. The clients, the server processes and PostgreSQL share the machine.

    .venv/bin/python bench/load.py [--clients 100] [--seconds 300] [--processes 2]
        [--days 30] [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import bisect
import os
import random
import secrets
import signal
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx
from sqlalchemy import create_engine, text

import api_load
from api_load import (
    ERRORS,
    OUT,
    STOREROOM,
    Hospital,
    Phase,
    Request,
    analyze,
    every_row,
    free_port,
    fresh_schema,
    percentile,
    read_hospital,
    run_phase,
    rxsupply,
    server,
    stop,
    top_up,
)
from rxsupply.domain.ndc import NDC
from rxsupply.entrypoints import clock

SHARES = (("scan", 0.20), ("receipt", 0.10), ("dispense", 0.45), ("refill", 0.15), ("report", 0.10))
KINDS = tuple(k for k, _ in SHARES)
WRITES = {"dispense": "txn", "receipt": "api", "refill": "api"}


@dataclass(frozen=True, slots=True)
class Ward:
    """What the mix draws from: the cabinets' stock, the storeroom's products and items."""

    hospital: Hospital
    refills: list[tuple[str, str]]  # (ADC, item) the storeroom also holds
    cabinets: list[str]


def read_ward(base: str, token: str, hospital: Hospital) -> Ward:
    """The (cabinet, item) pairs a refill can serve: items the storeroom holds."""
    stored: set[str] = set()
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as client:
        lines = every_row(
            client,
            f"/api/stock?location={STOREROOM}",
            lambda r: (r["location"], r["item"], r["ndc"], r["lot"]),
        )
        for row in lines:
            if row["item"] and int(row["quantity"]) > 0:
                stored.add(row["item"])
    refills = [pair for pair in hospital.cabinets if pair[1] in stored]
    return Ward(hospital, refills, sorted({c for c, _ in hospital.cabinets}))


def element_string(ndc: str, expiry: date, lot: str, serial: str) -> str:
    """The DSCSA product identifier as a 2D scanner sends it: (01) GTIN-14 of the NDC
    package, (17) expiry, (10) lot, a group separator, (21) serial."""
    return f"01{NDC.parse(ndc).gtin14()}17{expiry:%y%m%d}10{lot}\x1d21{serial}"


class HospitalMix:
    """The mix of :data:`SHARES`, each write with a fresh external id."""

    def __init__(self, ward: Ward, run: str, today: date) -> None:
        self.ward = ward
        self.run = run
        self.expiry = today + timedelta(days=365)
        self.cut = [sum(s for _, s in SHARES[: i + 1]) for i in range(len(SHARES))]

    def __call__(self, client: int, n: int, rng: random.Random) -> Request:
        kind = KINDS[min(bisect.bisect_right(self.cut, rng.random()), len(KINDS) - 1)]
        h = self.ward.hospital
        key = f"load-{self.run}-{client}-{n}"
        if kind == "dispense":
            cabinet, item = h.cabinets[bisect.bisect_right(h.cumulative, rng.randrange(h.units))]
            body = {"location": cabinet, "item": item, "quantity": 1, "external_id": key}
            return Request(kind, "POST", "/api/dispenses", body)
        if kind == "refill":
            cabinet, item = self.ward.refills[rng.randrange(len(self.ward.refills))]
            body = {
                "from_location": STOREROOM,
                "to_location": cabinet,
                "item": item,
                "quantity": 1,
                "refill": True,
                "external_id": key,
            }
            return Request(kind, "POST", "/api/transfers", body)
        ndc, package_size = h.products[rng.randrange(len(h.products))]
        lot = f"L{self.run}{client:03d}{n:06d}"
        if kind == "scan":
            data = element_string(ndc, self.expiry, lot, f"S{client:03d}{n:07d}")
            return Request(kind, "POST", "/api/scan", {"data": data})
        if kind == "receipt":
            body = {
                "location": STOREROOM,
                "product": ndc,
                "lot": lot,
                "expiry": self.expiry.isoformat(),
                "quantity": package_size * rng.randint(1, 5),
                "reference": f"load PO {self.run}",
                "external_id": key,
            }
            return Request(kind, "POST", "/api/receipts", body)
        if n % 2:
            return Request(kind, "GET", "/api/kpi")
        cabinet = self.ward.cabinets[rng.randrange(len(self.ward.cabinets))]
        return Request(kind, "GET", f"/api/stock?location={cabinet}&limit=50")


def recorded(db: str, run: str) -> dict[str, int]:
    """This run's writes found in the ledger, by kind (each carries its own external id)."""
    engine = create_engine(db)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT kind, count(DISTINCT external_id) FROM movement "
                    "WHERE external_id LIKE :k GROUP BY kind"
                ),
                {"k": f"%:load-{run}-%"},
            ).all()
    finally:
        engine.dispose()
    found = {str(kind): int(count) for kind, count in rows}
    return {
        "dispense": found.get("dispense", 0),
        "receipt": found.get("receipt", 0),
        "refill": found.get("refill", 0) + found.get("transfer", 0),
    }


def report(phase: Phase, load: str, check_code: int, check_out: str) -> bool:
    everything = phase.all_latencies()
    print(f"{'kind':<10}{'requests':>10}{'per s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for kind in (*KINDS, "overall"):
        lat = everything if kind == "overall" else sorted(phase.latencies.get(kind, []))
        print(
            f"{kind:<10}{len(lat):>10,}{len(lat) / phase.seconds:>9.1f}"
            f"{percentile(lat, 50):>9.1f}{percentile(lat, 95):>9.1f}{percentile(lat, 99):>9.1f}"
        )
    print("outcomes: " + ", ".join(f"{k} {v:,}" for k, v in sorted(phase.outcomes.items())))
    print(f"errors: {phase.errors:,} ({', '.join(ERRORS)})")
    for what, count in phase.unexpected.most_common(5):
        print(f"  error x{count}: {what}")
    print(
        f"CPU, cores busy: server {phase.server_cpu / phase.seconds:.2f}, clients "
        f"{phase.client_cpu / phase.seconds:.2f}, PostgreSQL "
        f"{phase.postgres_cpu / phase.seconds:.2f}, whole machine "
        f"{phase.machine_cpu / phase.seconds:.2f}; load average {load}"
    )
    print(f"$ rxsupply check  (exit code {check_code})")
    for line in check_out.strip().splitlines()[:20]:
        print(f"  {line}")
    return phase.errors == 0 and check_code == 0


def main() -> None:
    signal.signal(signal.SIGTERM, stop)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--warmup", type=float, default=3.0, help="Unmeasured mix first.")
    parser.add_argument("--days", type=int, default=30, help="Days of demo history.")
    parser.add_argument("--processes", type=int, default=2, help="Server processes.")
    parser.add_argument("--workers", type=int, default=40, help="Threads per server process.")
    parser.add_argument("--top-up", type=int, default=200, help="Units added per pocket line.")
    parser.add_argument(
        "--timeout", type=float, default=30.0, help="Seconds a request may take (else an error)."
    )
    parser.add_argument(
        "--postgres",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/test",
        help="Database to create the throwaway schema in (127.0.0.1 only).",
    )
    args = parser.parse_args()
    if not 1 <= args.clients <= 500 or not 0 < args.seconds <= 3600 or args.days < 30:
        parser.error("--clients must be 1-500, --seconds 0-3600 and --days at least 30")
    api_load.REQUEST_TIMEOUT = args.timeout
    OUT.mkdir(exist_ok=True)
    run = secrets.token_hex(3)
    t0 = time.perf_counter()
    with fresh_schema(args.postgres) as db:
        rxsupply(db, "demo", "--days", str(args.days), "--seed", "7")
        analyze(db)
        token = rxsupply(db, "users", "token", "tech", "--name", "load").stdout.split()[-1]
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = OUT / "load_server.log"
        with server(db, port, log, args.processes, args.workers, wait=300) as proc:
            pockets: list[dict[str, Any]] = []
            read_hospital(base, token, pockets)
            added = top_up(db, pockets, args.top_up) if args.top_up else 0
            ward = read_ward(base, token, read_hospital(base, token))
            print(
                f"load against PostgreSQL: {args.clients} clients x {args.seconds:.0f} s back to "
                f"back, {args.processes} server processes, {os.cpu_count()} cores; demo of "
                f"{args.days} days ready in {time.perf_counter() - t0:.0f} s, "
                f"{len(ward.hospital.cabinets):,} stocked (cabinet, item) pairs, {added:,} "
                f"units added; load average before: {_load()}",
                flush=True,
            )
            today = clock.local_today()
            common: dict[str, Any] = {
                "clients": args.clients,
                "server_pid": proc.pid,
                "rate": None,
            }
            warm = HospitalMix(ward, f"{run}w", today)
            run_phase("warm-up", base, token, warm, seconds=args.warmup, **common)
            mix = HospitalMix(ward, run, today)
            phase = run_phase("mix", base, token, mix, seconds=args.seconds, **common)
            load = _load()
        check = rxsupply(db, "check", check=False)
        found = recorded(db, run)
    ok = report(phase, load, check.returncode, check.stdout + check.stderr)
    lost = {
        k: (found[k], phase.acknowledged[k]) for k in WRITES if found[k] != phase.acknowledged[k]
    }
    print(
        "acknowledged writes found in the ledger: "
        + ", ".join(f"{k} {found[k]:,} of {phase.acknowledged[k]:,}" for k in WRITES)
    )
    sys.exit(0 if ok and not lost else 1)


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
