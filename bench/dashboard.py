"""Benchmark: the dashboard (``GET /``) on the demo database, cold and warm.

Opens the database (``--db``, the file ``rxsupply demo`` built), makes the app as
``rxsupply serve`` does, signs in as the demo's ``manager`` through the login form and asks for
the dashboard page through the app in this process (starlette's TestClient: routing, the
queries, the templates and the charts, no socket). **Cold** is the first request of a fresh
process and engine (nothing cached in the process; what the operating system caches of the
file is not under its control); **warm** is the median of the ``--repeat`` requests after it.
It also asks for ``GET /api/kpi`` (the same numbers as JSON) and prints each latency with its
ratio to the 300 ms target of issue 11. ``--warm-up`` first computes the key figures once, as
``rxsupply serve`` does before it takes requests (then the first request is the first a user
of a started server sees). ``--profile`` writes cProfile's top functions of one warm request
to stdout.

    .venv/bin/rxsupply --db /tmp/kpi-demo.db --user admin demo --seed 7
    .venv/bin/python bench/dashboard.py --db /tmp/kpi-demo.db [--repeat 10] [--warm-up]
        [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import re
import statistics
import time
import warnings

from rxsupply.adapters.database import make_engine, migrate
from rxsupply.entrypoints.app import create_app
from rxsupply.entrypoints.kpi import warm_up

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

TARGET = 0.300
PASSWORD = "rxsupply-demo"
HTML = {"accept": "text/html,application/xhtml+xml"}


def _timed(client: TestClient, path: str) -> float:
    start = time.perf_counter()
    answer = client.get(path)
    took = time.perf_counter() - start
    assert answer.status_code == 200, (path, answer.status_code, answer.text[:300])
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="demo.db", help="The demo database (a SQLite file).")
    parser.add_argument("--url", help="A database URL instead of --db (PostgreSQL).")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--warm-up",
        action="store_true",
        help="Warm up as `rxsupply serve` does before the first request.",
    )
    args = parser.parse_args()

    opened = time.perf_counter()
    engine = make_engine(args.url or f"sqlite:///{args.db}")
    migrate(engine)
    app = create_app(engine)
    client = TestClient(app, headers=HTML, follow_redirects=False)
    form = client.get("/login").text
    token = re.search(r'name="login_token" value="([^"]+)"', form)
    assert token is not None
    answer = client.post(
        "/login", data={"username": "manager", "password": PASSWORD, "login_token": token[1]}
    )
    assert answer.status_code == 303, answer.text
    if args.warm_up:
        started = time.perf_counter()
        warm_up(engine)
        print(f"serve's warm-up (key figures computed once): {time.perf_counter() - started:.2f} s")
    print(f"app ready and signed in: {time.perf_counter() - opened:.2f} s")

    cold = _timed(client, "/")
    warm = [_timed(client, "/") for _ in range(args.repeat)]
    api = [_timed(client, "/api/kpi") for _ in range(max(args.repeat // 2, 1))]
    median = statistics.median(warm)
    for name, took in (
        ("dashboard first request" + (" after warm-up" if args.warm_up else ", cold"), cold),
        (f"dashboard warm (median of {len(warm)})", median),
        (f"dashboard warm (slowest of {len(warm)})", max(warm)),
        (f"GET /api/kpi warm (median of {len(api)})", statistics.median(api)),
    ):
        print(f"{name:42} {1000 * took:8.1f} ms   {took / TARGET:5.2f}x the 300 ms target")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        _timed(client, "/")
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
        print(out.getvalue())
    engine.dispose()


if __name__ == "__main__":
    main()
