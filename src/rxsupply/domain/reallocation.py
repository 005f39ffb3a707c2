"""A shortage's reallocation plan: usable stock pulled from low-use cabinet pockets to high-use
ones, each source keeping its floor.

**The places** are the item's cabinet pockets (:class:`PocketStock`): usable units (lots not
blocked or expired today), units on hand (what the pocket's capacity counts), the pocket's use
(units dispensed less patient returns per day over the last weeks), its floor and capacity.

**Days of supply** of a pocket are its usable units over its daily use (none used: no end).

**The rules** (:func:`plan_moves`), a water-filling that evens out days of supply:

1. A *source* gives only what it holds above its **floor** (its min level, or the floor the
   user gives): never below it. A *destination* uses the item (daily use above zero) and has
   room (capacity less units on hand; no capacity: no limit).
2. Repeatedly, among the pairs (source, destination) with the destination's days of supply
   below the source's, the pair with the widest gap moves the most units that keep the
   source's days of supply at or above the destination's after the move (the destination
   lifted no higher than the next-lowest destination, so a single source does not pour all it
   has into one place while another runs dry).
3. A pocket that receives does not send, and one that sends does not receive (no stock passes
   through a pocket on its way).
4. The units of a move are taken from the source's usable lots earliest expiry first (the
   ledger's own picking order), one planned move per lot.

A plan is identified by :func:`plan_id`: a digest of the shortage, the item, the day, the floor
and every place's usable units and every move, so the same plan proposed twice on the same
stock has the same id (applying it twice moves once), and any change of stock makes a new one.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field, replace
from datetime import date

from rxsupply.errors import ConservationRefused

MAX_ROUNDS = 10_000


@dataclass(frozen=True, slots=True)
class PocketLot:
    """Usable units of one lot in a pocket."""

    lot: str
    expiry: date | None
    units: int


@dataclass(frozen=True, slots=True, kw_only=True)
class PocketStock:
    pocket: str
    cabinet: str
    usable: int
    daily_use: float
    floor: int
    on_hand: int = 0
    capacity: int | None = None
    lots: tuple[PocketLot, ...] = ()
    floor_source: str = "min level"

    @property
    def surplus(self) -> int:
        return max(self.usable - self.floor, 0)

    @property
    def room(self) -> int:
        if self.capacity is None:
            return 10**9
        return max(self.capacity - max(self.on_hand, self.usable), 0)

    def days(self, units: int | None = None) -> float | None:
        """Days of supply with ``units`` (its usable units by default); None: not used."""
        held = self.usable if units is None else units
        return None if self.daily_use <= 0 else held / self.daily_use

    def as_dict(self) -> dict[str, object]:
        return {
            "pocket": self.pocket,
            "cabinet": self.cabinet,
            "usable": self.usable,
            "on_hand": self.on_hand,
            "capacity": self.capacity,
            "daily_use": round(self.daily_use, 3),
            "days_of_supply": _round(self.days()),
            "floor": self.floor,
            "floor_source": self.floor_source,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class PlannedMove:
    from_pocket: str
    from_cabinet: str
    to_pocket: str
    to_cabinet: str
    units: int
    lot: str
    expiry: date | None
    from_days_before: float | None = None
    from_days_after: float | None = None
    to_days_before: float | None = None
    to_days_after: float | None = None
    why: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "from_pocket": self.from_pocket,
            "from_cabinet": self.from_cabinet,
            "to_pocket": self.to_pocket,
            "to_cabinet": self.to_cabinet,
            "units": self.units,
            "lot": self.lot,
            "expiry": self.expiry.isoformat() if self.expiry else None,
            "from_days_before": _round(self.from_days_before),
            "from_days_after": _round(self.from_days_after),
            "to_days_before": _round(self.to_days_before),
            "to_days_after": _round(self.to_days_after),
            "why": self.why,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class ReallocationPlan:
    """A proposed reallocation of one item of a shortage (see the module)."""

    shortage_id: int
    item: str
    item_name: str
    on: date
    floor: int | None
    history_days: int
    places: list[PocketStock] = field(default_factory=list)
    moves: list[PlannedMove] = field(default_factory=list)

    @property
    def plan_id(self) -> str:
        return plan_id(self)

    @property
    def units(self) -> int:
        return sum(m.units for m in self.moves)

    def as_dict(self) -> dict[str, object]:
        return {
            "plan_id": self.plan_id,
            "shortage": self.shortage_id,
            "item": self.item,
            "item_name": self.item_name,
            "on": self.on.isoformat(),
            "floor": self.floor,
            "history_days": self.history_days,
            "units": self.units,
            "places": [p.as_dict() for p in self.places],
            "moves": [m.as_dict() for m in self.moves],
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def plan_id(plan: ReallocationPlan) -> str:
    """The plan's identity (see the module): 24 hex digits."""
    basis = {
        "shortage": plan.shortage_id,
        "item": plan.item,
        "on": plan.on.isoformat(),
        "floor": plan.floor,
        "places": sorted((p.pocket, p.usable, p.floor) for p in plan.places),
        "moves": [(m.from_pocket, m.to_pocket, m.lot, m.units) for m in plan.moves],
    }
    return hashlib.sha256(json.dumps(basis, sort_keys=True).encode()).hexdigest()[:24]


def _pair_units(src: PocketStock, s_units: int, dst: PocketStock, d_units: int) -> float:
    """Most units from ``src`` to ``dst`` that keep the source's days of supply at or above the
    destination's: ``(u_s r_d - u_d r_s) / (r_s + r_d)``; no end when the source is not used."""
    r_s, r_d = src.daily_use, dst.daily_use
    if r_s <= 0:
        return math.inf
    return (s_units * r_d - d_units * r_s) / (r_s + r_d)


def plan_moves(places: list[PocketStock]) -> list[tuple[int, int, int]]:
    """``(source, destination, units)`` by index into ``places`` (see the module's rules),
    one entry per pair, in the order first planned."""
    units = [p.usable for p in places]
    given = [0] * len(places)  # units sent (+) or received (-)
    room = [p.room for p in places]
    moved: dict[tuple[int, int], int] = {}
    for _ in range(MAX_ROUNDS):
        dests = [
            i for i, p in enumerate(places) if p.daily_use > 0 and room[i] > 0 and given[i] <= 0
        ]
        sources = [i for i, p in enumerate(places) if units[i] > p.floor and given[i] >= 0]
        best: tuple[float, int, int, int] | None = None
        for d in dests:
            d_days = units[d] / places[d].daily_use
            others = [units[o] / places[o].daily_use for o in dests if o != d]
            nxt = min((x for x in others if x > d_days), default=math.inf)
            rate = places[d].daily_use
            level = math.inf if nxt == math.inf else max(1.0, math.ceil((nxt - d_days) * rate))
            for s in sources:
                if s == d:
                    continue
                s_days = units[s] / places[s].daily_use if places[s].daily_use > 0 else math.inf
                if s_days <= d_days:
                    continue
                pair = _pair_units(places[s], units[s], places[d], units[d])
                q = math.floor(min(float(units[s] - places[s].floor), float(room[d]), level, pair))
                if q < 1:
                    continue
                gap = s_days - d_days
                key = (-gap, d, s, q)
                if best is None or key < best:
                    best = key
        if best is None:
            break
        _, d, s, q = best
        units[s] -= q
        units[d] += q
        room[d] -= q
        given[s] += q
        given[d] -= q
        moved[(s, d)] = moved.get((s, d), 0) + q
    return [(s, d, q) for (s, d), q in moved.items()]


def build_moves(places: list[PocketStock]) -> list[PlannedMove]:
    """The planned moves, split by lot (earliest expiry first), with days of supply before and
    after at both ends and why."""
    pairs = plan_moves(places)
    after = [p.usable for p in places]
    for s, d, q in pairs:
        after[s] -= q
        after[d] += q
    lots = {i: [replace(lot) for lot in p.lots] for i, p in enumerate(places)}
    out: list[PlannedMove] = []
    for s, d, q in pairs:
        src, dst = places[s], places[d]
        why = (
            f"{src.pocket} ({src.cabinet}) uses {src.daily_use:.2f}/day and keeps its floor of "
            f"{src.floor}: {_days_text(src.days())} -> {_days_text(src.days(after[s]))} of "
            f"supply; {dst.pocket} ({dst.cabinet}) uses {dst.daily_use:.2f}/day: "
            f"{_days_text(dst.days())} -> {_days_text(dst.days(after[d]))}"
        )
        left = q
        queue = lots[s]
        while left > 0 and queue:
            lot = queue[0]
            take = min(lot.units, left)
            out.append(
                PlannedMove(
                    from_pocket=src.pocket,
                    from_cabinet=src.cabinet,
                    to_pocket=dst.pocket,
                    to_cabinet=dst.cabinet,
                    units=take,
                    lot=lot.lot,
                    expiry=lot.expiry,
                    from_days_before=src.days(),
                    from_days_after=src.days(after[s]),
                    to_days_before=dst.days(),
                    to_days_after=dst.days(after[d]),
                    why=why,
                )
            )
            left -= take
            if take == lot.units:
                queue.pop(0)
            else:
                queue[0] = PocketLot(lot.lot, lot.expiry, lot.units - take)
    return out


def _days_text(days: float | None) -> str:
    return "no use" if days is None else f"{days:.1f} days"


def check_floors(moves: list[PlannedMove], places: list[PocketStock], *, item: str) -> None:
    """Refuse moves that would leave a source below its floor (the places as they stand now),
    naming the cabinet, the pocket, the item, the floor and the units."""
    by_pocket = {p.pocket: p for p in places}
    out: dict[str, int] = {}
    for m in moves:
        out[m.from_pocket] = out.get(m.from_pocket, 0) + m.units
    for pocket, units in sorted(out.items()):
        place = by_pocket.get(pocket)
        if place is None:
            raise ConservationRefused(
                f"pocket {pocket} is not a cabinet pocket of {item}: nothing was moved"
            )
        left = place.usable - units
        if left < place.floor:
            raise ConservationRefused(
                f"moving {units} units of {item} out of cabinet {place.cabinet} (pocket "
                f"{pocket}) would leave {left}, below its floor of {place.floor} "
                f"({place.floor_source}; it holds {place.usable} usable now): nothing was moved"
            )
