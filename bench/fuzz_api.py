"""Fuzz the API with schemathesis, long: every operation of ``/openapi.json`` with ``--examples``
generated requests per generation mode (positive and negative), as an admin on the example
hospital (items, locations, stock, purchases) on a throwaway SQLite file, or a PostgreSQL schema
with ``--postgres URL``. Prints the operations run, the cases sent, the statuses answered and
every operation that answered a server error (the first case of each, with a curl command).
Exits 1 when any did. The test (``tests/e2e/api/test_api_fuzz.py``) runs the same, short.

    .venv/bin/python bench/fuzz_api.py [--examples 100] [--only /api/orders]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.conftest import NOW
from tests.e2e.api.fuzzing import fuzz, fuzzed_site

from rxsupply.adapters.database import make_engine, migrate, postgres_schema
from rxsupply.entrypoints import clock


@contextmanager
def database(postgres: str | None) -> Iterator[Engine]:
    if postgres:
        with postgres_schema(postgres, f"rx_fuzz_{uuid.uuid4().hex[:12]}") as engine:
            migrate(engine)
            yield engine
        return
    with tempfile.TemporaryDirectory(prefix="rx-fuzz-") as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'rx.db'}")
        migrate(engine)
        try:
            yield engine
        finally:
            engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=100)
    parser.add_argument("--only", default="", help="Only operations whose path contains this.")
    parser.add_argument("--postgres", default="")
    args = parser.parse_args()
    clock.now = lambda: NOW  # the example lots and the tests' fixed day
    started = time.perf_counter()
    with database(args.postgres or None) as engine, fuzzed_site(engine) as (app, token):
        outcome = fuzz(
            app,
            token,
            examples=args.examples,
            only=lambda label: args.only in label,
            progress=lambda label: print(f"  {label}", file=sys.stderr, flush=True),
        )
    seconds = time.perf_counter() - started
    print(f"database:   {'postgresql' if args.postgres else 'sqlite'}")
    print(f"operations: {outcome.operations}")
    print(f"cases:      {outcome.cases} ({args.examples} examples per operation and mode)")
    print(f"seconds:    {seconds:.0f} ({outcome.cases / seconds:.0f} cases/s)")
    print("statuses:   " + ", ".join(f"{k}: {v}" for k, v in sorted(outcome.statuses.items())))
    print(f"failures:   {len(outcome.failures)}")
    for label, first in outcome.failures.items():
        print(f"\n== {label}\n{first}")
    return 1 if outcome.failures else 0


if __name__ == "__main__":
    sys.exit(main())
