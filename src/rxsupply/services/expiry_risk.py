"""Expiry risk (issue 13, item 2): for every lot at every location, its projected use before it
expires and what is left to expire unused, with its value; the transfers that would use it in
time and the PAR reductions of pockets that hold more than they use
(:mod:`rxsupply.domain.expiry_risk` has the rules).

**The method.** Each item-location is a row of :func:`rxsupply.analytics.runout.project`, its
lots the row's batches: each day its demand is met from its usable lots earliest expiry first
(as picking does), and what a lot still holds after its expiry date is lost. Its demand is its
mean daily use, the same every day (the expected path): the latest planning run's forecast
for the item-location when there is one (``forecast``), else what left it over the last
:data:`HISTORY_DAYS` days (``recent outflow``: dispenses, and at a storeroom or satellite the
transfers and refills it sent out, less patient returns). The projection runs
:data:`HORIZON` days; only the stock on hand counts, no receipt or refill to come: picking
takes the earliest expiry first, so stock that arrives later (and expires later) does not
change when the lots on hand are used. Units are whole (the projected use rounded), value is
at the product's package cost.

``as_of`` replays a past day (the expiry replay benchmark): the stock as it stood at the
start of that day, the outflow of the days before it, no forecast (it was made later).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import numpy as np

from rxsupply.analytics.runout import project, steady_history
from rxsupply.domain.clock import Clock
from rxsupply.domain.expiry_risk import (
    LotRisk,
    ParReduction,
    PocketUse,
    RiskTransfer,
    Taker,
    par_reductions,
    plan_transfers,
    value_by_week,
)
from rxsupply.domain.location import Location, LocationKind
from rxsupply.errors import InvalidValue
from rxsupply.services.ports.expiry_risk import PlaceLot, StockPlace
from rxsupply.services.ports.storage import UnitOfWork

HORIZON = 365
HISTORY_DAYS = 84
FORECAST = "forecast"
OUTFLOW = "recent outflow"
NO_USE = "no use"


@dataclass(frozen=True)
class ExpiryRisk:
    """What :func:`assess_expiry_risk` found, as of ``today``."""

    today: date
    horizon: int
    lots: list[LotRisk]
    """Every lot-location expiring within the horizon, the most value at risk first."""
    transfers: list[RiskTransfer]
    par_reductions: list[ParReduction]
    weekly: list[dict[str, object]]

    def at_risk(self) -> list[LotRisk]:
        return [r for r in self.lots if r.expired_units > 0]

    def totals(self) -> dict[str, Any]:
        risky = self.at_risk()
        by_kind: dict[str, list[Any]] = defaultdict(lambda: [0, 0, Decimal(0)])
        for r in risky:
            acc = by_kind[r.location_kind]
            acc[0] += 1
            acc[1] += r.expired_units
            acc[2] += r.expired_value
        return {
            "lots_projected": len(self.lots),
            "lots_at_risk": len(risky),
            "units_at_risk": sum(r.expired_units for r in risky),
            "value_at_risk": str(sum((r.expired_value for r in risky), Decimal(0))),
            "transfers": len(self.transfers),
            "value_saved_by_transfers": str(
                sum((t.value_saved for t in self.transfers), Decimal(0))
            ),
            "by_location_kind": [
                {"location_kind": k, "lots": v[0], "units": v[1], "value": str(v[2])}
                for k, v in sorted(by_kind.items(), key=lambda kv: -kv[1][2])
            ],
        }

    def rows(self, *, only_at_risk: bool = True) -> list[dict[str, Any]]:
        """One dict per lot-location (at risk only by default) with its transfers."""
        moves: dict[tuple[str, str, str], list[RiskTransfer]] = defaultdict(list)
        for t in self.transfers:
            moves[(t.from_location, t.ndc, t.lot)].append(t)
        chosen = self.at_risk() if only_at_risk else self.lots
        return [
            {
                "location": r.location,
                "location_kind": r.location_kind,
                "item": r.item,
                "item_name": r.item_name,
                "ndc": r.ndc,
                "lot": r.lot,
                "expiry": r.expiry.isoformat(),
                "expires_on": (r.expiry + timedelta(days=1)).isoformat(),
                "on_hand": r.on_hand,
                "daily_use": round(r.daily_use, 4),
                "demand_source": r.demand_source,
                "projected_use": r.projected_use,
                "expired_units": r.expired_units,
                "unit_cost": str(r.unit_cost.quantize(Decimal("0.0001"))),
                "expired_value": str(r.expired_value),
                "transfers": [t.as_dict() for t in moves[(r.location, r.ndc, r.lot)]],
            }
            for r in chosen
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "horizon_days": self.horizon,
            "totals": self.totals(),
            "lots": self.rows(),
            "transfers": [t.as_dict() for t in self.transfers],
            "par_reductions": [p.as_dict() for p in self.par_reductions],
            "weekly": self.weekly,
        }


def _facilities(locations: list[Location]) -> dict[int, tuple[Location, str]]:
    """Each location by id with the code of the facility above it (its own code at the top)."""
    by_id = {loc.id: loc for loc in locations if loc.id is not None}
    out: dict[int, tuple[Location, str]] = {}
    for i, loc in by_id.items():
        up: Location | None = loc
        while up is not None and up.kind not in (LocationKind.FACILITY, LocationKind.SYSTEM):
            up = by_id.get(up.parent_id) if up.parent_id is not None else None
        out[i] = (loc, up.code if up is not None else loc.code)
    return out


def _rates(
    uow: UnitOfWork, *, day0: date, clock: Clock, forecasts: bool
) -> tuple[dict[tuple[int, int], float], dict[tuple[int, int], str]]:
    since = datetime.combine(day0 - timedelta(days=HISTORY_DAYS), time(), clock.zone)
    until = datetime.combine(day0, time(), clock.zone)
    rate = {
        k: max(v, 0) / HISTORY_DAYS
        for k, v in uow.expiry_risk.outflow(since=since, until=until).items()
    }
    source = dict.fromkeys(rate, OUTFLOW)
    if forecasts:
        for k, v in uow.expiry_risk.forecasts().items():
            rate[k], source[k] = max(v, 0.0), FORECAST
    return rate, source


def assess_expiry_risk(
    uow: UnitOfWork,
    *,
    clock: Clock,
    as_of: date | None = None,
    horizon: int = HORIZON,
    forecasts: bool = True,
) -> ExpiryRisk:
    """The expiry-risk projection of every lot at every location (see the module's notes),
    its transfers and PAR reductions; reads only."""
    if not 7 <= horizon <= 1095:
        raise InvalidValue("horizon", "must be from 7 to 1,095 days", horizon)
    day0 = as_of or clock.today()
    at = datetime.combine(day0, time(), clock.zone) if as_of else None
    lots = uow.expiry_risk.lots(today=day0, as_of=at)
    places = {(p.location_id, p.item_id): p for p in uow.expiry_risk.places()}
    where = _facilities(uow.locations.all())
    rate, source = _rates(uow, day0=day0, clock=clock, forecasts=forecasts and as_of is None)
    rows: dict[tuple[int, int], list[PlaceLot]] = defaultdict(list)
    for lot in lots:
        rows[(lot.location_id, lot.item_id)].append(lot)
    keys = sorted(rows)
    used = _project(keys, rows, rate, day0=day0, horizon=horizon)
    last = day0 + timedelta(days=horizon - 1)
    risks: list[LotRisk] = []
    own: dict[tuple[int, int], list[tuple[date, int]]] = defaultdict(list)
    for key in keys:
        loc, facility = where[key[0]]
        place = places.get(key)
        for lot, use in zip(rows[key], used[key], strict=True):
            if lot.expiry is None:
                continue
            own[key].append((lot.expiry, use))
            if lot.expiry > last:
                continue
            risks.append(
                LotRisk(
                    location=loc.code,
                    location_kind=loc.kind.value,
                    facility=facility,
                    item=place.item if place else str(key[1]),
                    item_name=place.item_name if place else "",
                    ndc=lot.ndc,
                    lot=lot.lot,
                    expiry=lot.expiry,
                    on_hand=lot.units,
                    daily_use=rate.get(key, 0.0),
                    demand_source=source.get(key, NO_USE),
                    projected_use=use,
                    expired_units=lot.units - use,
                    unit_cost=lot.unit_cost or Decimal(0),
                )
            )
    risks.sort(key=lambda r: (-r.expired_value, r.expiry, r.location, r.ndc, r.lot))
    takers = _takers(places, where, rate, source, own)
    transfers = plan_transfers(risks, takers, today=day0, last=last)
    pars = par_reductions(_pockets(risks, places, where, lots, rate, source), today=day0)
    weekly = value_by_week(risks, today=day0, weeks=-(-horizon // 7))
    return ExpiryRisk(day0, horizon, risks, transfers, pars, weekly)


def _project(
    keys: list[tuple[int, int]],
    rows: dict[tuple[int, int], list[PlaceLot]],
    rate: dict[tuple[int, int], float],
    *,
    day0: date,
    horizon: int,
) -> dict[tuple[int, int], list[int]]:
    """Per item-location, the whole units of each of its lots used before they expire."""
    if not keys:
        return {}
    width = max(len(rows[k]) for k in keys)
    units = np.zeros((len(keys), width), dtype=np.int64)
    last = np.full((len(keys), width), np.iinfo(np.int32).max, dtype=np.int64)
    for r, key in enumerate(keys):
        for b, lot in enumerate(rows[key]):
            units[r, b] = lot.units
            if lot.expiry is not None:
                last[r, b] = (lot.expiry - day0).days
    daily = np.array([rate.get(k, 0.0) for k in keys])
    found = project(
        steady_history(daily), units, np.zeros_like(units), last, horizon=horizon, paths=1
    )
    lost = np.rint(found.expired).astype(np.int64)
    return {
        k: [int(units[r, b] - lost[r, b]) for b in range(len(rows[k]))] for r, k in enumerate(keys)
    }


def _takers(
    places: dict[tuple[int, int], StockPlace],
    where: dict[int, tuple[Location, str]],
    rate: dict[tuple[int, int], float],
    source: dict[tuple[int, int], str],
    own: dict[tuple[int, int], list[tuple[date, int]]],
) -> list[Taker]:
    out = []
    takes = (LocationKind.POCKET, LocationKind.SATELLITE, LocationKind.STOREROOM)
    for key, place in places.items():
        loc, facility = where[key[0]]
        if loc.kind not in takes or rate.get(key, 0.0) <= 0:
            continue
        limits = [n for n in (place.capacity, place.max_level) if n is not None]
        room = max(0, min(limits) - place.on_hand) if limits else None
        out.append(
            Taker(
                location=loc.code,
                kind=loc.kind.value,
                facility=facility,
                item=place.item,
                daily_use=rate[key],
                demand_source=source[key],
                room=room,
                own=list(own.get(key, [])),
            )
        )
    return out


def _pockets(
    risks: list[LotRisk],
    places: dict[tuple[int, int], StockPlace],
    where: dict[int, tuple[Location, str]],
    lots: list[PlaceLot],
    rate: dict[tuple[int, int], float],
    source: dict[tuple[int, int], str],
) -> list[PocketUse]:
    """The pockets with units projected to expire and levels, with what a refill brings."""
    refill: dict[tuple[str, int], date] = {}
    for lot in lots:
        loc, facility = where[lot.location_id]
        if loc.kind is LocationKind.STOREROOM and lot.expiry is not None:
            k = (facility, lot.item_id)
            refill[k] = min(refill.get(k, lot.expiry), lot.expiry)
    risky = {(r.location, r.item) for r in risks if r.expired_units > 0}
    cost = {(r.location, r.item): r.unit_cost for r in risks}
    out = []
    for key, place in places.items():
        loc, facility = where[key[0]]
        brings = refill.get((facility, key[1]))
        if (
            loc.kind is not LocationKind.POCKET
            or (loc.code, place.item) not in risky
            or place.max_level is None
            or place.min_level is None
            or brings is None
        ):
            continue
        out.append(
            PocketUse(
                location=loc.code,
                item=place.item,
                daily_use=rate.get(key, 0.0),
                demand_source=source.get(key, NO_USE),
                min_level=place.min_level,
                max_level=place.max_level,
                refill_expiry=brings,
                unit_cost=cost.get((loc.code, place.item), Decimal(0)),
            )
        )
    return out
