"""Benchmark: the expiry-risk projection against what really expired, on the demo hospital.

A cut-off day ``C`` is taken ``--days`` days before the end of the ledger's history (its last
movement's local day ``E``). The projection (:func:`rxsupply.services.expiry_risk.
assess_expiry_risk` with ``as_of=C``) sees only the stock as it stood at the start of ``C`` and
the outflow of the 12 weeks before it (no forecast: the planning run was made later), and
projects the lots that expire from ``C`` to ``E``. The **replay** then reads the held-out days
from the ledger: for each lot expiring in that window, at each location (quarantine and
transit aside), the units still there at the end of its expiry day, plus the units that left
that location on its expiry day as waste or into quarantine (the demo wastes expired stock at
18:00 on the month's last day, the expiry day of its lots). Value is at the product's package
cost, as the projection's.

**Like with like.** The projection sees only the stock on hand at the start of ``C``, so the
replay counts only those lots: a lot received after the cut-off (the demo's short-dated
receipts 50 days before the end) is left out, and a lot on hand at ``C`` counts at most the
units it had then (more units of it received later are trimmed, location by location in
proportion). Units that left as returns to vendor never expired on the shelf, so they are not
counted, even on the expiry day (the demo ships return batches 35 and 100 days before the end).

Printed: projected and replayed units and value of stock expiring unused, in total and by
location kind, their ratio and error; the share of the replayed units the projection put on
the right lot-location (the sum over lot-locations of the lesser of the two, over the
replayed); and, as the peer, the naive "everything on hand at ``C`` that expires in the window
is lost".

    .venv/bin/rxsupply --db /tmp/demo.db --user admin demo --seed 7
    .venv/bin/python bench/expiry_replay.py --db /tmp/demo.db [--days 90]
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, select

from rxsupply.adapters import tables as t
from rxsupply.adapters.database import make_engine
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.config import load_settings
from rxsupply.domain.clock import FixedClock
from rxsupply.services.expiry_risk import assess_expiry_risk

Key = tuple[str, str, str]  # location code, ndc, lot
Tally = dict[Key, tuple[int, Decimal, str]]  # units, value, location kind
LEAVING = ("waste",)  # a return to vendor did not expire on the shelf


def last_day(conn: Connection, zone: ZoneInfo) -> date:
    at: datetime = conn.execute(select(func.max(t.movement.c.occurred_at))).scalar_one()
    stamp = at if at.tzinfo else at.replace(tzinfo=UTC)
    return stamp.astimezone(zone).date()


def held_at(
    conn: Connection, lot_ids: list[int], *, start: datetime, away: set[int]
) -> dict[int, int]:
    """Units of each lot on hand at ``start`` (quarantine and transit aside), from today's
    on-hand less every movement since."""
    oh, m = t.on_hand, t.movement
    held: dict[int, int] = defaultdict(int)
    for where, lot, n in conn.execute(
        select(oh.c.location_id, oh.c.lot_id, oh.c.quantity).where(oh.c.lot_id.in_(lot_ids))
    ).all():
        if int(where) not in away:
            held[int(lot)] += int(n)
    for column, sign in ((m.c.to_location_id, -1), (m.c.from_location_id, 1)):
        for where, lot, n in conn.execute(
            select(column, m.c.lot_id, func.sum(m.c.quantity))
            .where(m.c.lot_id.in_(lot_ids), m.c.occurred_at >= start, column.is_not(None))
            .group_by(column, m.c.lot_id)
        ).all():
            if int(where) not in away:
                held[int(lot)] += sign * int(n)
    return {lot: n for lot, n in held.items() if n > 0}


def trimmed(units: dict[tuple[int, int], int], cap: dict[int, int]) -> dict[tuple[int, int], int]:
    """Each lot's units at most its units at the cut-off (``cap``; a lot not there is left
    out), trimmed location by location in proportion."""
    per_lot: dict[int, int] = defaultdict(int)
    for (_, lot), n in units.items():
        per_lot[lot] += max(n, 0)
    out: dict[tuple[int, int], int] = {}
    for (where, lot), n in units.items():
        if n <= 0 or lot not in cap:
            continue
        out[(where, lot)] = n if per_lot[lot] <= cap[lot] else n * cap[lot] // per_lot[lot]
    return out


def replay(conn: Connection, *, first: date, last: date, zone: ZoneInfo) -> Tally:
    """Per lot-location, the units (and value) of the lots on hand at the start of ``first``
    that expire from ``first`` to ``last``, still there at the end of their expiry day or
    wasted or quarantined on it (see the notes)."""
    oh, m, lo, p, loc = t.on_hand, t.movement, t.lot, t.product, t.location
    lots = {
        int(i): (number, expiry, ndc, Decimal(cost or 0) / size)
        for i, number, expiry, ndc, cost, size in conn.execute(
            select(
                lo.c.id, lo.c.lot_number, lo.c.expiry, p.c.ndc, p.c.package_cost, p.c.package_size
            )
            .join(p, p.c.id == lo.c.product_id)
            .where(lo.c.expiry >= first, lo.c.expiry <= last)
        ).all()
    }
    places = {
        int(i): (code, kind)
        for i, code, kind in conn.execute(select(loc.c.id, loc.c.code, loc.c.kind)).all()
    }
    away = {i for i, (_, kind) in places.items() if kind in ("quarantine", "transit")}
    units: dict[tuple[int, int], int] = defaultdict(int)
    ids = sorted(lots)
    for where, lot, n in conn.execute(
        select(oh.c.location_id, oh.c.lot_id, oh.c.quantity).where(
            oh.c.lot_id.in_(ids), oh.c.quantity != 0
        )
    ).all():
        units[(int(where), int(lot))] += int(n)
    for expiry in sorted({v[1] for v in lots.values()}):
        mine = [i for i in ids if lots[i][1] == expiry]
        start = datetime.combine(expiry, clock_time(), zone)
        end = start + timedelta(days=1)
        # back from now to the end of the expiry day: undo every later movement
        for column, sign in ((m.c.to_location_id, -1), (m.c.from_location_id, 1)):
            for where, lot, n in conn.execute(
                select(column, m.c.lot_id, func.sum(m.c.quantity))
                .where(m.c.lot_id.in_(mine), m.c.occurred_at >= end, column.is_not(None))
                .group_by(column, m.c.lot_id)
            ).all():
                units[(int(where), int(lot))] += sign * int(n)
        # and what left as expired on the day itself
        for where, lot, to, kind, n in conn.execute(
            select(
                m.c.from_location_id, m.c.lot_id, m.c.to_location_id, m.c.kind, m.c.quantity
            ).where(
                m.c.lot_id.in_(mine),
                m.c.occurred_at >= start,
                m.c.occurred_at < end,
                m.c.from_location_id.is_not(None),
            )
        ).all():
            if kind in LEAVING or (to is not None and int(to) in away):
                units[(int(where), int(lot))] += int(n)
    cutoff = datetime.combine(first, clock_time(), zone)
    kept = trimmed(
        {k: n for k, n in units.items() if k[0] not in away},
        held_at(conn, ids, start=cutoff, away=away),
    )
    out: Tally = {}
    for (where, lot), n in kept.items():
        if n <= 0:
            continue
        number, _, ndc, cost = lots[lot]
        code, kind = places[where]
        out[(code, ndc, number)] = (n, (cost * n).quantize(Decimal("0.01")), kind)
    return out


def by_kind(tally: Tally) -> dict[str, tuple[int, Decimal]]:
    units: dict[str, int] = defaultdict(int)
    value: dict[str, Decimal] = defaultdict(Decimal)
    for n, worth, kind in tally.values():
        units[kind] += n
        value[kind] += worth
    return {k: (units[k], value[k]) for k in units}


def total(tally: Tally) -> tuple[int, Decimal]:
    return sum(v[0] for v in tally.values()), sum((v[1] for v in tally.values()), Decimal(0))


def ratio(a: Decimal | int, b: Decimal | int) -> str:
    return f"{float(a) / float(b):.2f}" if b else "-"


def line(name: str, mine: tuple[int, Decimal], real: tuple[int, Decimal]) -> str:
    (pu, pv), (au, av) = mine, real
    return (
        f"{name:22}{pu:>9,}{pv:>13,.2f}   {au:>9,}{av:>13,.2f}   "
        f"{ratio(pu, au):>7}{ratio(pv, av):>7}"
    )


def share(part: int, whole: int) -> str:
    return f"{100 * part / max(whole, 1):.1f} %"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="demo.db", help="The demo database (a SQLite file).")
    parser.add_argument("--url", help="A database URL instead of --db (PostgreSQL).")
    parser.add_argument("--days", type=int, default=90, help="Held-out days before the end.")
    args = parser.parse_args()
    engine = make_engine(args.url or f"sqlite:///{args.db}")
    zone = ZoneInfo(load_settings().timezone)
    with engine.connect() as conn:
        end = last_day(conn, zone)
    cutoff = end - timedelta(days=args.days - 1)
    clock = FixedClock(datetime.combine(cutoff, clock_time(12), zone).astimezone(UTC), zone)
    started = time.perf_counter()
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = assess_expiry_risk(uow, clock=clock, as_of=cutoff, horizon=args.days)
    took = time.perf_counter() - started
    projected: Tally = {
        (r.location, r.ndc, r.lot): (r.expired_units, r.expired_value, r.location_kind)
        for r in found.lots
        if r.expired_units > 0 and r.expiry <= end
    }
    naive: Tally = {
        (r.location, r.ndc, r.lot): (
            r.on_hand,
            (r.unit_cost * r.on_hand).quantize(Decimal("0.01")),
            r.location_kind,
        )
        for r in found.lots
        if r.expiry <= end
    }
    with engine.connect() as conn:
        actual = replay(conn, first=cutoff, last=end, zone=zone)
    print(f"cut-off {cutoff.isoformat()} (start of day), held out {args.days} days to {end}")
    print(f"projection of {len(found.lots):,} lot-locations expiring in the window: {took:.2f} s")
    print()
    print(
        f"{'':22}{'units':>9}{'value':>13}   {'units':>9}{'value':>13}   {'units':>7}{'value':>7}"
    )
    print(f"{'location kind':22}{'projected':>22}   {'replayed':>22}   {'proj/replay':>14}")
    kinds_p, kinds_a = by_kind(projected), by_kind(actual)
    for kind in sorted(set(kinds_p) | set(kinds_a)):
        zero = (0, Decimal(0))
        print(line(kind, kinds_p.get(kind, zero), kinds_a.get(kind, zero)))
    (pu, pv), (au, av), (nu, nv) = total(projected), total(actual), total(naive)
    print(line("total", (pu, pv), (au, av)))
    print(line("naive (all on hand)", (nu, nv), (au, av)))
    print()
    hit = sum(min(projected.get(k, (0, 0, ""))[0], v[0]) for k, v in actual.items())
    hit_naive = sum(min(naive.get(k, (0, 0, ""))[0], v[0]) for k, v in actual.items())
    error, error_naive = (100 * (float(x) - float(av)) / float(av or 1) for x in (pv, nv))
    print(f"error of the projected value: {error:+.1f} % (naive: {error_naive:+.1f} %)")
    print(
        f"replayed units put on the right lot-location: {hit:,} of {au:,} "
        f"({share(hit, au)}; naive {share(hit_naive, au)})"
    )
    print(
        f"projected units that did expire there: {hit:,} of {pu:,} "
        f"({share(hit, pu)}; naive {share(hit_naive, nu)})"
    )
    print(
        f"lot-locations: projected {len(projected):,}, replayed {len(actual):,}, "
        f"both {len(set(projected) & set(actual)):,}"
    )


if __name__ == "__main__":
    main()
