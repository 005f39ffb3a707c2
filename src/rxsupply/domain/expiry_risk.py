"""Expiry risk: which lots will expire before they are used, where they would be used in time,
and which cabinet pockets hold more than they can use.

**The projection** (done by :mod:`rxsupply.services.expiry_risk`) gives each lot at each
location its projected use before its expiry and what is left at expiry (:class:`LotRisk`).

**A transfer** (:func:`plan_transfers`) moves units of an at-risk lot to another location of
the same item and facility that will use them before the lot expires, under these rules:

1. The units are at most what the lot is projected to lose at its source: what it would use
   where it is stays there.
2. The receiving location's **spare use** before the lot's expiry day ``E`` is its daily use
   times the days from today through ``E``, less the projected use of its own stock of the
   item that expires on or before ``E`` (picking takes earliest expiry first: that stock goes
   first). The units moved must also fit the spare use before each later expiry of its own
   stock (else the move would make its own later lots expire instead), and a pocket's room:
   the lower of its capacity and its max level, less every unit it holds.
3. A storeroom sends only to other facilities: its own facility's cabinets and satellites draw
   from it already (its use is their refills). For the same reason a pocket or a satellite
   never sends to its own facility's storerooms (their use is its own refills, counted
   twice), only to its facility's other pockets and satellites. A location with no use takes
   nothing.
4. The lots losing the most value are placed first; each goes to the location with the most
   spare use first, then the next; a move saving less than :data:`MIN_SAVING` is not worth the
   walk and is not proposed.

**A PAR reduction** (:func:`par_reductions`) is proposed for a pocket with units projected to
expire, when its max level is more than it uses before the shelf life of what a refill brings
(the earliest expiry of the item's usable stock in its facility's storerooms): the proposed
max is that use, rounded up, never below the min level nor 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

MIN_SAVING = Decimal("1.00")
"""The least value a proposed transfer must save (dollars)."""
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True, kw_only=True)
class LotRisk:
    """One lot at one location: what the projection says of it."""

    location: str
    location_kind: str
    facility: str
    item: str
    item_name: str
    ndc: str
    lot: str
    expiry: date
    on_hand: int
    daily_use: float
    demand_source: str
    """``forecast`` (the planning run's), ``recent outflow`` (the last weeks) or ``no use``."""
    projected_use: int
    expired_units: int
    unit_cost: Decimal

    @property
    def expired_value(self) -> Decimal:
        return (self.unit_cost * self.expired_units).quantize(CENT)


@dataclass(slots=True, kw_only=True)
class Taker:
    """A location that could take units of an item: its use and its own stock's expiries."""

    location: str
    kind: str
    facility: str
    item: str
    daily_use: float
    demand_source: str
    room: int | None
    """Units a pocket may still take (None: no limit)."""
    own: list[tuple[date, int]] = field(default_factory=list)
    """(expiry, projected use before it) of each of its own lots, and of units sent to it."""

    def spare_before(self, expiry: date, *, today: date, last: date) -> int:
        """Whole units it could still use through ``expiry`` without any of its own later
        stock (up to ``last``) expiring instead (rule 2)."""
        checks = [expiry, *sorted(e for e, _ in self.own if expiry < e <= last)]
        spare = min(
            self.daily_use * ((c - today).days + 1) - sum(u for e, u in self.own if e <= c)
            for c in checks
        )
        found = math.floor(spare + 1e-9)
        return max(0, found if self.room is None else min(found, self.room))


@dataclass(frozen=True, slots=True, kw_only=True)
class RiskTransfer:
    item: str
    ndc: str
    lot: str
    expiry: date
    from_location: str
    to_location: str
    units: int
    value_saved: Decimal
    why: str

    def as_dict(self) -> dict[str, object]:
        return {
            "item": self.item,
            "ndc": self.ndc,
            "lot": self.lot,
            "expiry": self.expiry.isoformat(),
            "from_location": self.from_location,
            "to_location": self.to_location,
            "units": self.units,
            "value_saved": str(self.value_saved),
            "why": self.why,
        }


def _place(kind: str) -> str:
    """How the reason names the receiving location by its kind."""
    return {"pocket": "the pocket", "satellite": "the satellite"}.get(kind, "the location")


def _why(to: Taker, lot: LotRisk, spare: int, today: date) -> str:
    days = (lot.expiry - today).days + 1
    use = to.daily_use * days
    own = sum(u for e, u in to.own if e <= lot.expiry)
    room = "" if to.room is None else f"; {_place(to.kind)} has room for {to.room}"
    return (
        f"{to.location} uses {to.daily_use:.2f} a day ({to.demand_source}): "
        f"{use:.0f} in the {days} days to {lot.expiry.isoformat()}, "
        f"{own} of them from its own stock that expires first, so it can use {spare} more"
        f"{room}; at {lot.location} {lot.expired_units} of the lot would expire unused"
    )


def plan_transfers(
    lots: list[LotRisk],
    takers: list[Taker],
    *,
    today: date,
    last: date,
    min_saving: Decimal = MIN_SAVING,
) -> list[RiskTransfer]:
    """The transfers that save at-risk lots (see the module's rules). ``takers`` are updated
    with what they are sent; ``last`` is the last day of the projection."""
    by_item: dict[str, list[Taker]] = {}
    for taker in takers:
        if taker.daily_use > 0:
            by_item.setdefault(taker.item, []).append(taker)
    out: list[RiskTransfer] = []
    at_risk = sorted(
        (r for r in lots if r.expired_units > 0 and r.unit_cost > 0),
        key=lambda r: (-r.expired_value, r.expiry, r.location, r.lot),
    )
    for lot in at_risk:
        left = lot.expired_units
        options = [
            t
            for t in by_item.get(lot.item, [])
            if t.location != lot.location
            and (lot.location_kind != "storeroom" or t.facility != lot.facility)
            and (
                lot.location_kind == "storeroom"
                or (t.facility == lot.facility and t.kind != "storeroom")
            )
        ]
        ranked = sorted(
            ((t.spare_before(lot.expiry, today=today, last=last), t) for t in options),
            key=lambda st: (-st[0], st[1].location),
        )
        for spare, to in ranked:
            units = min(left, spare)
            saved = (lot.unit_cost * units).quantize(CENT)
            if units < 1 or saved < min_saving:
                continue
            why = _why(to, lot, spare, today)
            out.append(
                RiskTransfer(
                    item=lot.item,
                    ndc=lot.ndc,
                    lot=lot.lot,
                    expiry=lot.expiry,
                    from_location=lot.location,
                    to_location=to.location,
                    units=units,
                    value_saved=saved,
                    why=why,
                )
            )
            to.own.append((lot.expiry, units))
            if to.room is not None:
                to.room -= units
            left -= units
            if left == 0:
                break
    return out


@dataclass(frozen=True, slots=True, kw_only=True)
class PocketUse:
    """A pocket with units projected to expire: its levels, use and what a refill brings."""

    location: str
    item: str
    daily_use: float
    demand_source: str
    min_level: int
    max_level: int
    refill_expiry: date
    """The earliest expiry of the item's usable stock in the facility's storerooms."""
    unit_cost: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class ParReduction:
    location: str
    item: str
    min_level: int
    max_level: int
    proposed_max: int
    value_held_less: Decimal
    why: str

    def as_dict(self) -> dict[str, object]:
        return {
            "location": self.location,
            "item": self.item,
            "min_level": self.min_level,
            "max_level": self.max_level,
            "proposed_max": self.proposed_max,
            "value_held_less": str(self.value_held_less),
            "why": self.why,
        }


def par_reductions(pockets: list[PocketUse], *, today: date) -> list[ParReduction]:
    """The PAR (max level) reductions of pockets that hold more than they use before what they
    receive expires (see the module's notes), the most value held less first."""
    out = []
    for p in pockets:
        days = (p.refill_expiry - today).days + 1
        use = p.daily_use * max(days, 0)
        proposed = max(p.min_level, 1, math.ceil(use - 1e-9))
        if proposed >= p.max_level:
            continue
        out.append(
            ParReduction(
                location=p.location,
                item=p.item,
                min_level=p.min_level,
                max_level=p.max_level,
                proposed_max=proposed,
                value_held_less=(p.unit_cost * (p.max_level - proposed)).quantize(CENT),
                why=(
                    f"uses {p.daily_use:.3f} a day ({p.demand_source}); a refill now brings "
                    f"stock that expires on {p.refill_expiry.isoformat()}, {days} days away, "
                    f"by when it uses {use:.1f}: a max of {p.max_level} holds "
                    f"{p.max_level - proposed} more than that, which would expire"
                    + (
                        f"; the max stops at its min level, {p.min_level}"
                        if proposed == p.min_level and use < p.min_level
                        else ""
                    )
                ),
            )
        )
    out.sort(key=lambda r: (-r.value_held_less, r.location, r.item))
    return out


def value_by_week(lots: list[LotRisk], *, today: date, weeks: int) -> list[dict[str, object]]:
    """The value projected to expire in each week from today (a lot's units are lost the day
    after its expiry date: they count in the week of that day), and the running total."""
    per = [Decimal(0)] * weeks
    units = [0] * weeks
    for r in lots:
        week = ((r.expiry - today).days + 1) // 7  # lost the day after the expiry date
        if 0 <= week < weeks:
            per[week] += r.expired_value
            units[week] += r.expired_units
    out: list[dict[str, object]] = []
    total = Decimal(0)
    for w in range(weeks):
        total += per[w]
        start = date.fromordinal(today.toordinal() + 7 * w)
        out.append(
            {
                "week": start.isoformat(),
                "units": units[w],
                "value": str(per[w].quantize(CENT)),
                "cumulative_value": str(total.quantize(CENT)),
            }
        )
    return out
