"""Fuzzing: every reader of outside input, 10,000 cases each, and what each case came to.

Runs the parsers of ``tests/fuzz_targets.py`` (GS1 scans and identifiers, single values, the
CSV file of every import, FDA shortage and NDC files, MIMIC prescriptions, demand and policy
files, HL7 cabinet messages read and answered by the listener on a scratch SQLite database,
EPCIS documents) on ``--cases`` hypothesis-generated inputs each, without shrinking, and prints
per parser the cases run, the inputs read, the inputs refused with an explained error, and the
failures (any other exception, or a refusal that does not say where and why) with the first of
each kind. ``make test`` runs the same targets with 400 cases each
(``tests/unit/test_parser_fuzz.py``).

    PYTHONPATH=src:. .venv/bin/python bench/fuzz_parsers.py [--cases 10000] [--only csv]
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fuzz_targets import (
    _HL7_ALPHABET,
    _HL7_SEEDS,
    Target,
    cabinet_check,
    mutated,
    targets,
)

from rxsupply.adapters.database import make_engine, migrate


def run(target: Target, cases: int) -> dict[str, Any]:
    """Run ``target`` on ``cases`` inputs; count cases, refusals and failures."""
    seen: Counter[str] = Counter()
    first: dict[str, str] = {}

    @settings(
        max_examples=cases,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(target.inputs)
    def fuzz(value: Any) -> None:
        seen["cases"] += 1
        try:
            target.check(value)
        except Exception as exc:
            kind = f"{type(exc).__name__}: {str(exc).splitlines()[0][:120] if str(exc) else ''}"
            seen["failures"] += 1
            if kind not in first:
                first[kind] = f"{value!r}"[:300] + "\n" + traceback.format_exc(limit=-3)

    started = time.perf_counter()
    fuzz()
    return {
        "parser": target.name,
        "cases": seen["cases"],
        "failures": seen["failures"],
        "kinds": first,
        "seconds": time.perf_counter() - started,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--only", default="", help="run the parsers whose name holds this")
    args = parser.parse_args()
    logging.disable(logging.ERROR)  # python-hl7 logs every undecodable escape it meets
    chosen = [t for t in targets() if args.only in t.name]
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'rx.db'}")
        migrate(engine)
        listener = Target(
            "cabinet_listener.answer",
            st.one_of(mutated(_HL7_SEEDS, _HL7_ALPHABET), st.text()),
            cabinet_check(engine),
        )
        if args.only in listener.name:
            chosen.append(listener)
        print(f"{'parser':32} {'cases':>8} {'failures':>9} {'seconds':>8}", flush=True)
        results = []
        for target in chosen:
            result = run(target, args.cases)
            results.append(result)
            print(
                f"{result['parser']:32} {result['cases']:>8,} {result['failures']:>9,} "
                f"{result['seconds']:>8.1f}",
                flush=True,
            )
        engine.dispose()
    total = sum(r["cases"] for r in results)
    failed = sum(r["failures"] for r in results)
    print(f"{'total':32} {total:>8,} {failed:>9,}")
    for result in results:
        for kind, example in result["kinds"].items():
            print(f"\n{result['parser']}: {kind}\n{example}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
