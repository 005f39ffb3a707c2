"""Proof on the demo hospital: plan on history, replay the last 180 days held out.

Reads a demo database (``make demo`` builds ``demo.db``), plans every item-location on the days
before the last 180, then replays those 180 days of real demand (``rxsupply.analytics
.simulation``) for the ADC pockets under:

- our recommendation at the default targets (fill rate by ABC class and criticality), and the
  achieved fill rate of A and B items against their targets;
- our plan and the textbook plan (SES forecast, normal safety stock) at one target for all,
  across targets, and our plan spending a budget by marginal allocation: achieved fill rate
  against average inventory value; the textbook's value at our achieved fill rate is read off
  its curve by linear interpolation. Twice: with dead items that are not vital taken out of
  stock (our default; the textbook knows no lifecycle and keeps them), and with them kept
  (``--keep-dead``), which shows what the rest of the method saves on its own.

    .venv/bin/python bench/holdout.py [--db demo.db] [--today YYYY-MM-DD]
"""

from __future__ import annotations

import argparse
import time
from datetime import date, datetime

import numpy as np

from rxsupply.adapters.database import make_engine
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.clock import Clock, FixedClock
from rxsupply.entrypoints import clock
from rxsupply.services import planning

HOLDOUT = 180


def by_class(history: planning.History) -> None:
    compared = planning.compare_on_holdout(history, holdout_days=HOLDOUT)
    rows = compared.rows
    ours, current = compared.recommended.pockets, compared.current.pockets
    abc = compared.plan.abc[rows]
    targets = compared.plan.levels.target[rows]
    print(
        "| ABC | pockets | target (mean) | achieved fill, recommended | within 2 points "
        "| achieved fill, current | value, recommended | value, current |"
    )
    print("|---|---:|---:|---:|---|---:|---:|---:|")
    for klass in "ABC":
        m = abc == klass
        target = float(targets[m].mean())
        fill = float(ours.served[m].sum() / max(ours.demand[m].sum(), 1))
        was = float(current.served[m].sum() / max(current.demand[m].sum(), 1))
        print(
            f"| {klass} | {int(m.sum()):,} | {target:.3f} | {fill:.4f} | "
            f"{'yes' if abs(fill - target) <= 0.02 else 'no'} | {was:.4f} | "
            f"${ours.average_value[m].sum():,.0f} | ${current.average_value[m].sum():,.0f} |"
        )


def curve(history: planning.History, *, stock_dead: bool) -> None:
    points = planning.service_curve(history, holdout_days=HOLDOUT, stock_dead=stock_dead)
    print(
        "\n### Dead items that are not vital "
        + ("kept in stock (`--keep-dead`)" if stock_dead else "taken out of stock (the default)")
    )
    print("\n| plan | target or budget | achieved fill | average value |")
    print("|---|---:|---:|---:|")
    for p in points:
        target = "" if p["target"] is None else f"{p['target']:,}"
        print(f"| {p['method']} | {target} | {p['fill_rate']:.4f} | ${p['value']:,.0f} |")
    book = sorted((p for p in points if p["method"] == "textbook"), key=lambda p: p["fill_rate"])
    xs = np.array([p["fill_rate"] for p in book])
    ys = np.array([p["value"] for p in book])
    print("\n| our plan | achieved fill | our value | textbook value at that fill | saving |")
    print("|---|---:|---:|---:|---:|")
    for p in points:
        if not p["method"].startswith("rxsupply") or not xs[0] <= p["fill_rate"] <= xs[-1]:
            continue
        theirs = float(np.interp(p["fill_rate"], xs, ys))
        print(
            f"| {p['method']} {p['target']:,} | {p['fill_rate']:.4f} | ${p['value']:,.0f} | "
            f"${theirs:,.0f} | {100 * (theirs - p['value']) / theirs:+.1f}% |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="demo.db")
    parser.add_argument("--today", default=None, help="The day after the history (default today).")
    args = parser.parse_args()
    engine = make_engine(f"sqlite:///{args.db}" if "://" not in args.db else args.db)
    facility: Clock = clock.current()
    if args.today:  # noon of that day at the facility
        day = date.fromisoformat(args.today)
        noon = datetime(day.year, day.month, day.day, 12, tzinfo=facility.zone)
        facility = FixedClock(noon, zone=facility.zone)
    began = time.perf_counter()
    with SqlUnitOfWork(engine, readonly=True) as uow:
        history = planning.load_history(uow, clock=facility)
    print(
        f"loaded {history.demand.series:,} item-locations x {history.demand.days} days "
        f"in {time.perf_counter() - began:.1f} s\n"
    )
    by_class(history)
    for stock_dead in (False, True):
        curve(history, stock_dead=stock_dead)


if __name__ == "__main__":
    main()
