"""Benchmark: 50 concurrent API clients posting dispenses and receipts against PostgreSQL.

Creates a throwaway PostgreSQL schema, builds the demo hospital in it (``rxsupply demo``),
issues an API token for the technician ``tech``, starts ``rxsupply serve --processes 2`` (uvicorn)
on a free port of 127.0.0.1, adds ``--top-up`` units (100) to every stocked cabinet pocket line
(``rxsupply import stock``: the demo's cabinets hold about 28,000 units, less than a minute of
back-to-back dispenses, and a dispense refused for stock writes nothing) and runs N concurrent
clients (asyncio, one keep-alive HTTP/1.1 connection each) for S seconds. The mix is ~80%
``POST /api/dispenses`` (one unit of an item at a cabinet that holds it, picked in proportion
to its on-hand from ``GET /api/stock``; a 409 insufficient-stock is a business answer, counted
apart from errors) and ~20% ``POST /api/receipts`` into the storeroom (a new lot expiring a year
ahead, 1-5 packages). The server writes concurrent receipts and dispenses in batches
(``rxsupply.entrypoints.api.writer``), each request with its own answer. It prints latency
percentiles, throughput and outcomes, runs ``rxsupply check`` and counts the acknowledged
writes found in the ledger (each carries a fresh external id, so a reply saying "duplicate" is
counted as an error).

The peer, measured in the same run by the same clients against the same server, is
``GET /health``: routing, JSON and one ``SELECT 1`` from the pool, no authentication and no
ledger; the ratios say what authentication plus the ledger transaction cost over the bare HTTP
stack. The schema is dropped at the end, also on failure.

The clients speak HTTP/1.1 over asyncio streams themselves (:class:`Wire`), about 40 lines: the
load generator shares the machine's cores with the server and PostgreSQL, and httpx spent about
1.4 ms of CPU per request, as much as the server spent answering ``/health``. What a client
measures is the same: from writing the request to reading the whole response.

By default each client sends back to back (closed loop), as the issue's target is stated: with
50 clients the latency is then 50 / throughput by Little's law. ``--rate R`` offers R requests/s
in all instead (Poisson arrivals) to read the latency at a given load. ``--profile`` records the
server with py-spy during the measured mix into ``bench/out/api_load_profile.txt`` (collapsed
stacks of the thread holding the GIL, i.e. where the server's Python time goes).

    .venv/bin/python bench/api_load.py [--clients 50] [--seconds 60] [--days 30] [--rate R]
        [--top-up 100] [--processes 2] [--workers 40] [--profile]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import csv
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from types import FrameType
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from rxsupply.entrypoints import clock

OUT = Path(__file__).resolve().parent / "out"
EXE = Path(sys.executable).with_name("rxsupply")
STOREROOM = "F1-STORE"
RECEIPT_SHARE = 0.2
REQUEST_TIMEOUT = 10.0
PAGE = 1000
MAX_REQUESTS_PER_CLIENT = 100_000
TARGET_P95_MS = 100.0
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


# --- setup: schema, hospital, server ------------------------------------------------------


@contextmanager
def fresh_schema(base_url: str) -> Iterator[str]:
    """Create ``rx_bench_<random>``; yield a URL whose connections use it; drop it after."""
    url = make_url(base_url)
    if url.host not in LOCAL_HOSTS:
        raise SystemExit(f"this benchmark only runs against 127.0.0.1, not {url.host}")
    name = f"rx_bench_{secrets.token_hex(4)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
        try:
            scoped = url.update_query_dict({"options": f"-csearch_path={name}"})
            yield scoped.render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
    finally:
        admin.dispose()


def analyze(db: str) -> str:
    """ANALYZE the fresh tables, as autovacuum would soon after a bulk load in production
    (and never will on a server running with autovacuum off); returns that setting."""
    engine = create_engine(db, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            return str(conn.execute(text("SHOW autovacuum")).scalar_one())
    finally:
        engine.dispose()


def rxsupply(db: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """The CLI as the demo's admin (who builds the demo, issues the token, tops up stock)."""
    return subprocess.run(
        [str(EXE), "--db", db, "--user", "admin", *args],
        check=check,
        capture_output=True,
        text=True,
        timeout=600,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def server(
    db: str, port: int, log: Path, processes: int = 1, workers: int = 40, wait: float = 60
) -> Iterator[subprocess.Popen[bytes]]:
    """``rxsupply serve`` in a subprocess, up once /health answers (within ``wait`` seconds);
    terminated on the way out."""
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            [
                str(EXE),
                "--db",
                db,
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--processes",
                str(processes),
                "--workers",
                str(workers),
            ],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + wait
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"rxsupply serve exited with {proc.returncode}; see {log}")
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).is_success:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"rxsupply serve did not answer /health in {wait:.0f} s; see {log}"
                    )
                time.sleep(0.2)
            yield proc
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)  # uvicorn's graceful shutdown
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=15)


def cpu_seconds(pid: int, *, children: bool = False, live: bool = True) -> float:
    """User plus system CPU time of a process so far (Linux /proc), with ``children`` plus
    that of the children it has reaped, with ``live`` plus that of its live descendants."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = sum(int(f) for f in fields[11 : 15 if children else 13])
    total = ticks / os.sysconf("SC_CLK_TCK")
    if not live:
        return total
    # live worker processes (serve --processes N) count as the server too
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        kids = []
    return total + sum(cpu_seconds(int(k)) for k in kids)


def machine_cpu_seconds() -> float:
    """Busy CPU time of the whole machine so far, all cores (Linux /proc/stat)."""
    ticks = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(ticks[:8]) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # minus idle, iowait


def postgres_cpu_seconds() -> float:
    """CPU time so far of the PostgreSQL processes visible here (0 when it runs elsewhere),
    including backends that have exited (the postmaster reaps them); each live process is
    counted once (the postmaster's live backends are in the list themselves)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if stat.read_text().split(" ", 2)[1] == "(postgres)":
                total += cpu_seconds(int(stat.parent.name), children=True, live=False)
        except OSError:
            continue
    return total


# --- what the clients send ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Request:
    op: str
    method: str
    path: str
    body: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Hospital:
    """Cabinet stock to dispense from (weighted by on-hand) and products to receive."""

    cabinets: list[tuple[str, str]]  # (ADC code, item code)
    cumulative: list[int]  # running sum of on-hand, for weighted picks
    products: list[tuple[str, int]]  # (NDC, package size)

    @property
    def units(self) -> int:
        return self.cumulative[-1] if self.cumulative else 0


def every_row(
    client: httpx.Client, path: str, key: Callable[[dict[str, Any]], object]
) -> Iterator[dict[str, Any]]:
    """All rows of a paginated list endpoint, read until a short page; rows seen before (by
    ``key``) are skipped, so the reader does not depend on how pages overlap."""
    seen: set[object] = set()
    for offset in range(0, 10_000_000, PAGE):
        page = client.get(path, params={"limit": PAGE, "offset": offset})
        page.raise_for_status()
        rows: list[dict[str, Any]] = page.json()["data"]
        for row in rows:
            if key(row) not in seen:
                seen.add(key(row))
                yield row
        if len(rows) < PAGE:
            return


def read_hospital(base: str, token: str, pockets: list[dict[str, Any]] | None = None) -> Hospital:
    """Cabinet on-hand per (ADC, item) from its pockets; products the storeroom stocks.
    ``pockets`` receives the cabinet pockets' stock lines."""
    on_hand: Counter[tuple[str, str]] = Counter()
    stored: set[str] = set()
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        lines = every_row(
            client, "/api/stock", lambda r: (r["location"], r["item"], r["ndc"], r["lot"])
        )
        for row in lines:
            if row["location_kind"] == "pocket" and row["parent"] and row["item"]:
                on_hand[(row["parent"], row["item"])] += int(row["quantity"])
                if pockets is not None:
                    pockets.append(row)
            elif row["location"] == STOREROOM:
                stored.add(row["ndc"])
        catalogue = every_row(client, "/api/products", lambda r: r["ndc"])
        sizes = {r["ndc"]: int(r["package_size"]) for r in catalogue}
    cabinets = sorted(k for k, v in on_hand.items() if v > 0)
    cumulative: list[int] = []
    total = 0
    for key in cabinets:
        total += on_hand[key]
        cumulative.append(total)
    products = sorted((ndc, size) for ndc, size in sizes.items() if ndc in stored or not stored)
    if not cabinets or not products:
        raise RuntimeError("the demo hospital has no cabinet stock or no products to receive")
    return Hospital(cabinets, cumulative, products)


def top_up(db: str, pockets: list[dict[str, Any]], units: int) -> int:
    """Add ``units`` to every stocked cabinet pocket line (``rxsupply import stock``: one
    "opening stock" adjustment per line), so a minute of back-to-back dispenses does not
    empty the cabinets; returns the units added. Pockets refuse more than their capacity, so
    each pocket's capacity is raised by what it receives first (``rxsupply import
    locations``): the benchmark's cabinets are as large as the minute's load needs."""
    lines: Counter[str] = Counter(row["location"] for row in pockets)
    engine = create_engine(db)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT l.code, l.name, l.kind, p.code, l.capacity, i.code, l.unit "
                "FROM location l JOIN location p ON p.id = l.parent_id "
                "LEFT JOIN item i ON i.id = l.item_id WHERE l.kind = 'pocket'"
            )
        ).all()
    engine.dispose()
    bigger = OUT / "api_load_pockets.csv"
    with bigger.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["code", "name", "kind", "parent", "capacity", "item", "unit"])
        for code, name, kind, parent, capacity, item, unit in rows:
            if code in lines:
                room = (capacity or 0) + units * lines[code]
                writer.writerow([code, name, kind, parent, room, item or "", unit])
    rxsupply(db, "import", "locations", str(bigger))
    path = OUT / "api_load_top_up.csv"
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["location", "ndc", "lot", "expiry", "quantity", "external_id"])
        for n, row in enumerate(pockets):
            writer.writerow(
                [row["location"], row["ndc"], row["lot"], row["expiry"] or "", units, f"top-up-{n}"]
            )
    rxsupply(db, "import", "stock", str(path))
    return units * len(pockets)


class LedgerMix:
    """~80% dispenses of one unit at a stocked cabinet, ~20% receipts of a new lot."""

    def __init__(self, hospital: Hospital, run: str, today: date) -> None:
        self.hospital = hospital
        self.run = run
        self.expiry = (today + timedelta(days=365)).isoformat()

    def __call__(self, client: int, n: int, rng: random.Random) -> Request:
        h = self.hospital
        key = f"bench-{self.run}-{client}-{n}"
        if rng.random() >= RECEIPT_SHARE:
            pick = bisect.bisect_right(h.cumulative, rng.randrange(h.units))
            cabinet, item = h.cabinets[pick]
            body = {
                "location": cabinet,
                "item": item,
                "quantity": 1,
                "kind": "dispense",
                "external_id": key,
            }
            return Request("dispense", "POST", "/api/dispenses", body)
        ndc, package_size = h.products[rng.randrange(len(h.products))]
        body = {
            "location": STOREROOM,
            "product": ndc,
            "lot": f"B{self.run}{client:03d}{n:06d}",
            "expiry": self.expiry,
            "quantity": package_size * rng.randint(1, 5),
            "reference": f"bench PO {self.run}",
            "external_id": key,
        }
        return Request("receipt", "POST", "/api/receipts", body)


def health(client: int, n: int, rng: random.Random) -> Request:
    return Request("health", "GET", "/health")


# --- the load -----------------------------------------------------------------------------

OUTCOMES = (
    "2xx",
    "409 stock-out",
    "409 pocket full",
    "2xx duplicate",
    "other 4xx",
    "5xx",
    "transport",
)
ERRORS = ("2xx duplicate", "other 4xx", "5xx", "transport")


@dataclass
class Phase:
    name: str
    latencies: dict[str, list[float]] = field(default_factory=dict)  # op -> seconds
    outcomes: Counter[str] = field(default_factory=Counter)
    acknowledged: Counter[str] = field(default_factory=Counter)  # op -> 2xx
    unexpected: Counter[str] = field(default_factory=Counter)  # what the errors said
    seconds: float = 0.0
    server_cpu: float = 0.0
    client_cpu: float = 0.0
    postgres_cpu: float = 0.0
    machine_cpu: float = 0.0

    @property
    def errors(self) -> int:
        return sum(self.outcomes[k] for k in ERRORS)

    @property
    def requests(self) -> int:
        return sum(self.outcomes.values())

    def all_latencies(self) -> list[float]:
        return sorted(x for xs in self.latencies.values() for x in xs)

    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    content_type: str
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Wire:
    """One keep-alive HTTP/1.1 connection: a request out, its response (``Content-Length`` or
    chunked) back; reconnects when the server closes it."""

    def __init__(self, host: str, port: int, token: str) -> None:
        self.host, self.port = host, port
        self.head = f"Host: {host}:{port}\r\nAuthorization: Bearer {token}\r\n"
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def request(self, method: str, path: str, body: dict[str, Any] | None) -> Reply:
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        payload = b"" if body is None else json.dumps(body).encode()
        extra = "" if body is None else "Content-Type: application/json\r\n"
        writer.write(
            f"{method} {path} HTTP/1.1\r\n{self.head}{extra}"
            f"Content-Length: {len(payload)}\r\n\r\n".encode()
            + payload
        )
        try:
            async with asyncio.timeout(REQUEST_TIMEOUT):
                lines = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
                fields = {}
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    fields[name.strip().lower()] = value.strip()
                if "content-length" in fields:
                    data = await reader.readexactly(int(fields["content-length"]))
                elif fields.get("transfer-encoding", "").lower() == "chunked":
                    data = await self._chunks(reader)
                else:
                    raise ValueError(f"response without a length: {lines[0]}")
        except BaseException:
            await self.close()
            raise
        if fields.get("connection", "").lower() == "close":
            await self.close()
        return Reply(int(lines[0].split()[1]), fields.get("content-type", ""), data)

    @staticmethod
    async def _chunks(reader: asyncio.StreamReader) -> bytes:
        parts = []
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
        await reader.readuntil(b"\r\n")
        return b"".join(parts)

    async def close(self) -> None:
        if self.streams is not None:
            writer = self.streams[1]
            self.streams = None
            writer.close()
            with suppress(OSError):
                await writer.wait_closed()


TRANSPORT = (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError)


def outcome(req: Request, response: Reply) -> str:
    status = response.status
    if status < 300:
        # every request carries a fresh external id: "already recorded" would be a bug
        fresh = req.body is None or not response.json().get("duplicate")
        return "2xx" if fresh else "2xx duplicate"
    problem = response.content_type.endswith("json")
    if status == 409 and problem and response.json()["type"].endswith("/insufficient-stock"):
        return "409 stock-out"
    if status == 409 and problem and response.json()["type"].endswith("/over-capacity"):
        return "409 pocket full"  # a refill into a full pocket: refused, as at the cabinet
    return "5xx" if status >= 500 else "other 4xx"


async def one_client(
    number: int,
    client: Wire,
    plan: Callable[[int, int, random.Random], Request],
    deadline: float,
    phase: Phase,
    interval: float | None,
) -> None:
    """Send until the deadline: back to back (``interval`` None), or at Poisson arrivals
    ``interval`` seconds apart on average, latency counted from the scheduled send time so a
    server that falls behind is charged for the queue it causes."""
    rng = random.Random(number)
    scheduled = time.perf_counter()
    for n in range(MAX_REQUESTS_PER_CLIENT):
        if interval is not None:
            scheduled += rng.expovariate(1 / interval)
            if scheduled >= deadline:
                break
            await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
        elif time.perf_counter() >= deadline:
            break
        req = plan(number, n, rng)
        t0 = scheduled if interval is not None else time.perf_counter()
        try:
            response = await client.request(req.method, req.path, req.body)
        except (*TRANSPORT, ValueError) as exc:
            phase.outcomes["transport"] += 1
            phase.unexpected[f"transport {type(exc).__name__}: {exc}"[:160]] += 1
            await asyncio.sleep(0.05)  # a dead server must not turn this into a spin
            continue
        phase.latencies.setdefault(req.op, []).append(time.perf_counter() - t0)
        kind = outcome(req, response)
        phase.outcomes[kind] += 1
        if kind == "2xx":
            phase.acknowledged[req.op] += 1
        elif kind in ERRORS:
            text = response.body.decode("utf-8", "replace")
            phase.unexpected[f"{response.status} {text}"[:160]] += 1


def run_phase(
    name: str,
    base: str,
    token: str,
    plan: Callable[[int, int, random.Random], Request],
    *,
    clients: int,
    seconds: float,
    server_pid: int,
    rate: float | None,
) -> Phase:
    """``clients`` concurrent clients for ``seconds``; closed loop, or ``rate`` requests/s
    offered in all."""
    phase = Phase(name)
    interval = None if rate is None else clients / rate

    async def everyone() -> None:
        # Connections are opened before the clock starts.
        url = httpx.URL(base)
        pool = [Wire(url.host, url.port or 80, token) for _ in range(clients)]
        for wire in pool:
            await wire.request("GET", "/health", None)
        try:
            cpu0, own0, pg0 = cpu_seconds(server_pid), time.process_time(), postgres_cpu_seconds()
            all0 = machine_cpu_seconds()
            t0 = time.perf_counter()
            deadline = t0 + seconds
            await asyncio.gather(
                *(
                    one_client(n, client, plan, deadline, phase, interval)
                    for n, client in enumerate(pool)
                )
            )
            phase.seconds = time.perf_counter() - t0
            phase.server_cpu = cpu_seconds(server_pid) - cpu0
            phase.client_cpu = time.process_time() - own0
            phase.postgres_cpu = postgres_cpu_seconds() - pg0
            phase.machine_cpu = machine_cpu_seconds() - all0
        finally:
            for wire in pool:
                await wire.close()

    asyncio.run(everyone())
    return phase


def recorded(db: str, run: str) -> tuple[int, int]:
    """Distinct dispense and receipt transactions of this run that are in the ledger."""
    engine = create_engine(db)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                text(
                    "SELECT count(DISTINCT external_id) FILTER (WHERE external_id LIKE :d), "
                    "count(DISTINCT external_id) FILTER (WHERE external_id LIKE :r) "
                    "FROM movement"
                ),
                {"d": f"txn:bench-{run}-%", "r": f"api:bench-{run}-%"},
            ).one()
        return int(row[0]), int(row[1])
    finally:
        engine.dispose()


# --- report -------------------------------------------------------------------------------


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile, in milliseconds."""
    if not sorted_values:
        return float("nan")
    rank = max(1, -(-len(sorted_values) * p // 100))
    return sorted_values[int(rank) - 1] * 1000


def report(mix: Phase, peer: Phase, check: subprocess.CompletedProcess[str]) -> bool:
    lat, peer_lat = mix.all_latencies(), peer.all_latencies()
    disp = sorted(mix.latencies.get("dispense", []))
    rec = sorted(mix.latencies.get("receipt", []))
    w = 38

    def row(label: str, a: str, b: str, c: str = "", d: str = "", e: str = "") -> None:
        print(f"{label:<{w}}{a:>12}{b:>12}{c:>12}{d:>14}{e:>10}")

    row("measure", "mix", "dispenses", "receipts", "peer /health", "ratio")
    for p in (50, 95, 99):
        a, b = percentile(lat, p), percentile(peer_lat, p)
        row(
            f"latency p{p}, ms",
            f"{a:.1f}",
            f"{percentile(disp, p):.1f}",
            f"{percentile(rec, p):.1f}",
            f"{b:.1f}",
            f"{a / b:.1f}",
        )
    row(
        "throughput, requests/s",
        f"{mix.throughput():,.0f}",
        f"{len(disp) / mix.seconds:,.0f}",
        f"{len(rec) / mix.seconds:,.0f}",
        f"{peer.throughput():,.0f}",
        f"{mix.throughput() / peer.throughput():.2f}",
    )
    row("requests", f"{mix.requests:,}", f"{len(disp):,}", f"{len(rec):,}", f"{peer.requests:,}")
    for k in OUTCOMES:
        row(f"  {k}", f"{mix.outcomes[k]:,}", "", "", f"{peer.outcomes[k]:,}")
    row("errors (all but 2xx and stock-outs)", f"{mix.errors:,}", "", "", f"{peer.errors:,}")
    row(
        "server CPU, cores busy",
        f"{mix.server_cpu / mix.seconds:.2f}",
        "",
        "",
        f"{peer.server_cpu / peer.seconds:.2f}",
    )
    row(
        "client CPU, cores busy",
        f"{mix.client_cpu / mix.seconds:.2f}",
        "",
        "",
        f"{peer.client_cpu / peer.seconds:.2f}",
    )
    row(
        "PostgreSQL CPU, cores busy",
        f"{mix.postgres_cpu / mix.seconds:.2f}",
        "",
        "",
        f"{peer.postgres_cpu / peer.seconds:.2f}",
    )
    row(
        "whole machine CPU, cores busy",
        f"{mix.machine_cpu / mix.seconds:.2f}",
        "",
        "",
        f"{peer.machine_cpu / peer.seconds:.2f}",
    )
    for phase in (mix, peer):
        for what, count in phase.unexpected.most_common(5):
            print(f"  {phase.name} error x{count}: {what}")
    print(f"$ rxsupply check  (exit code {check.returncode})")
    for line in (check.stdout + check.stderr).strip().splitlines()[:40]:
        print(f"  {line}")
    p95 = percentile(lat, 95)
    targets = [
        (f"p95 under {TARGET_P95_MS:.0f} ms ({p95:.1f} ms)", p95 < TARGET_P95_MS),
        (f"zero errors ({mix.errors:,})", mix.errors == 0),
        ("zero ledger differences", check.returncode == 0),
    ]
    for label, ok in targets:
        print(f"target: {label} -> {'met' if ok else 'NOT met'}")
    return all(ok for _, ok in targets)


def profiler(pid: int, seconds: float) -> subprocess.Popen[bytes]:
    """py-spy sampling the thread holding the server's GIL into collapsed stacks."""
    return subprocess.Popen(
        [
            str(Path(sys.executable).with_name("py-spy")),
            "record",
            "--pid",
            str(pid),
            "--duration",
            str(int(seconds)),
            "--rate",
            "50",
            "--gil",
            "--subprocesses",
            "--format",
            "raw",
            "--output",
            str(OUT / "api_load_profile.txt"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(signum: int, frame: FrameType | None) -> None:
    """SIGTERM unwinds like Ctrl-C, so the server is stopped and the schema dropped."""
    raise SystemExit(128 + signum)


def main() -> None:
    signal.signal(signal.SIGTERM, stop)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0, help="Per measured phase.")
    parser.add_argument("--warmup", type=float, default=3.0, help="Unmeasured mix first.")
    parser.add_argument("--days", type=int, default=30, help="Days of demo history.")
    parser.add_argument(
        "--rate",
        type=float,
        default=None,
        help="Offer this many requests/s in all (Poisson arrivals) instead of sending back "
        "to back; latency then counts from the scheduled send time.",
    )
    parser.add_argument(
        "--postgres",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/test",
        help="Database to create the throwaway schema in (127.0.0.1 only).",
    )
    parser.add_argument(
        "--processes", type=int, default=2, help="Server processes (rxsupply serve)."
    )
    parser.add_argument(
        "--workers", type=int, default=40, help="Request threads per server process."
    )
    parser.add_argument(
        "--top-up",
        type=int,
        default=100,
        help="Units added to each stocked cabinet pocket line before the load (0: none), so "
        "the cabinets do not run dry and every dispense writes.",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="Record the server with py-spy during the measured mix (bench/out).",
    )
    args = parser.parse_args()
    if not 1 <= args.clients <= 500 or not 0 < args.seconds <= 600 or args.days < 30:
        parser.error("--clients must be 1-500, --seconds 0-600 and --days at least 30")
    if not 0 <= args.top_up <= 100_000:
        parser.error("--top-up must be 0-100,000 units")
    if args.rate is not None and not 0 < args.rate <= 10_000:
        parser.error("--rate must be 0-10,000 requests/s")
    OUT.mkdir(exist_ok=True)
    run = secrets.token_hex(3)
    t0 = time.perf_counter()
    with fresh_schema(args.postgres) as db:
        rxsupply(db, "demo", "--days", str(args.days), "--seed", "7")
        autovacuum = analyze(db)
        built = time.perf_counter() - t0
        token = rxsupply(db, "users", "token", "tech", "--name", "api-load").stdout.split()[-1]
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        with server(db, port, OUT / "api_load_server.log", args.processes, args.workers) as proc:
            pockets: list[dict[str, Any]] = []
            read_hospital(base, token, pockets)
            added = top_up(db, pockets, args.top_up) if args.top_up else 0
            hospital = read_hospital(base, token)
            pacing = (
                "back to back (closed loop)"
                if args.rate is None
                else f"{args.rate:,.0f} requests/s offered (open loop, Poisson)"
            )
            print(
                f"API load against PostgreSQL: {args.clients} clients x {args.seconds:.0f} s "
                f"per phase, {pacing}, {os.cpu_count()} cores; demo hospital of {args.days} "
                f"days built and analyzed in {built:.0f} s (autovacuum {autovacuum}); "
                f"{len(hospital.cabinets):,} stocked (cabinet, item) pairs holding "
                f"{hospital.units:,} units ({added:,} added to {len(pockets):,} pocket lines "
                f"first); {len(hospital.products):,} storeroom products",
                flush=True,
            )
            today = clock.local_today()
            common: dict[str, Any] = {
                "clients": args.clients,
                "server_pid": proc.pid,
                "rate": args.rate,
            }
            warm = LedgerMix(hospital, f"{run}w", today)
            run_phase("warm-up", base, token, warm, seconds=args.warmup, **common)
            peer = run_phase("peer", base, token, health, seconds=args.seconds, **common)
            spy = profiler(proc.pid, args.seconds) if args.profile else None
            try:
                mix = LedgerMix(hospital, f"{run}m", today)
                load = run_phase("mix", base, token, mix, seconds=args.seconds, **common)
            finally:
                if spy is not None:
                    try:
                        spy.wait(timeout=args.seconds + 60)
                    except subprocess.TimeoutExpired:
                        spy.kill()
                        spy.wait()
        t1 = time.perf_counter()
        check = rxsupply(db, "check", check=False)
        checked = time.perf_counter() - t1
        dispensed, received = recorded(db, f"{run}m")
    ok = report(load, peer, check)
    print(f"rxsupply check took {checked:.1f} s")
    print(
        f"acknowledged writes found in the ledger: dispenses {dispensed:,} of "
        f"{load.acknowledged['dispense']:,}, receipts {received:,} of "
        f"{load.acknowledged['receipt']:,}"
    )
    if spy is not None:
        print(f"py-spy profile of the server during the mix: {OUT / 'api_load_profile.txt'}")
    complete = (dispensed, received) == (
        load.acknowledged["dispense"],
        load.acknowledged["receipt"],
    )
    sys.exit(0 if ok and complete else 1)


if __name__ == "__main__":
    main()
