"""A shortage's reallocation (issue 12, item 4): propose a plan that pulls an item's usable
stock from low-use cabinet pockets to high-use ones (the rules are in
:mod:`rxsupply.domain.reallocation`), then apply it through the ledger.

- :func:`propose_reallocation` reads: each cabinet pocket of the item, its usable units (the
  ledger's own stock book: lots blocked or expired today do not count), its use (units
  dispensed less patient returns over the last :data:`HISTORY_DAYS` days), its floor (the
  floor given, else the pocket's min level, else 0) and capacity; and plans.
- :func:`apply_reallocation` posts the plan's moves as ledger transfers (one
  :class:`~rxsupply.services.ledger.Move` per lot, usable stock only, into the destination
  cabinet's pocket), all in one transaction with the shortage's log entry and audit entry.
  The pockets are read again under the ledger's lock: a move that would now leave a cabinet
  below its floor refuses the whole plan, naming the cabinet, the item, the floor and the
  units, and nothing is written. A plan is applied once: its id is recorded with the log entry
  (and each move carries the external id ``realloc:<plan id>-<n>``), so applying it again
  answers "duplicate" and moves nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from rxsupply.domain.clock import Clock
from rxsupply.domain.conservation import ActionKind, ActionState, ShortageAction
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.location import LocationKind
from rxsupply.domain.product import Item
from rxsupply.domain.reallocation import (
    PocketLot,
    PocketStock,
    ReallocationPlan,
    build_moves,
    check_floors,
)
from rxsupply.errors import ConservationRefused, InvalidValue, RxSupplyError
from rxsupply.services import ledger
from rxsupply.services.audit import require_user
from rxsupply.services.conservation import log_action, target
from rxsupply.services.ports import UnitOfWork

HISTORY_DAYS = 7 * 12
"""The weeks of use a plan stands on (the outlook's 12 weeks)."""
SOURCE = "realloc"
"""The external ids of a plan's moves and log entry: ``realloc:<plan id>[-<move>]``."""


def _places(
    uow: UnitOfWork, it: Item, *, floor: int | None, clock: Clock, lock: bool
) -> list[PocketStock]:
    """The item's cabinet pockets as they stand (locked when ``lock``)."""
    locations = uow.locations.all()
    by_id = {loc.id: loc for loc in locations}
    pockets = sorted(
        (
            loc
            for loc in locations
            if loc.kind is LocationKind.POCKET
            and loc.item_code == it.code
            and loc.id is not None
            and (parent := by_id.get(loc.parent_id)) is not None
            and parent.kind is LocationKind.ADC
        ),
        key=lambda loc: loc.code,
    )
    if not pockets:
        return []
    today = clock.today()
    ids = [p.id or 0 for p in pockets]
    book = uow.ledger.load_book(roots=ids, product_ids=it.product_ids, lock=lock)
    since = datetime.combine(today - timedelta(days=HISTORY_DAYS), time(), clock.zone)
    use = uow.conservation.pocket_use(it.product_ids, ids, since=since)
    lines = {pid: book.lines_for(pid, it.product_ids) for pid in ids}
    numbers = uow.lots.numbers({k[2] for keys in lines.values() for k in keys})
    out = []
    for p in pockets:
        pid = p.id or 0
        lots = tuple(
            PocketLot(numbers.get(k[2], str(k[2])), book.lot_expiry.get(k[2]), n)
            for k in lines[pid]
            if (n := book.usable(k, today)) > 0
        )
        level = uow.stock_levels.get(pid, it.id or 0)
        mine = level.min_level if level is not None else 0
        out.append(
            PocketStock(
                pocket=p.code,
                cabinet=by_id[p.parent_id].code,
                usable=sum(lot.units for lot in lots),
                on_hand=sum(book.quantity(k) for k in lines[pid]),
                capacity=p.capacity,
                daily_use=use.get(pid, 0) / HISTORY_DAYS,
                floor=mine if floor is None else floor,
                floor_source=(
                    "the floor given"
                    if floor is not None
                    else "its min level"
                    if level is not None
                    else "no min level"
                ),
                lots=lots,
            )
        )
    return out


def _plan(
    shortage_id: int, it: Item, places: list[PocketStock], *, floor: int | None, clock: Clock
) -> ReallocationPlan:
    return ReallocationPlan(
        shortage_id=shortage_id,
        item=it.code,
        item_name=it.name,
        on=clock.today(),
        floor=floor,
        history_days=HISTORY_DAYS,
        places=places,
        moves=build_moves(places),
    )


def _floor(floor: int | None) -> int | None:
    if floor is not None and not 0 <= floor <= 1_000_000:
        raise InvalidValue("floor", "must be a whole number of units from 0 to 1,000,000", floor)
    return floor


def propose_reallocation(
    uow: UnitOfWork, *, shortage_id: int, item: str, clock: Clock, floor: int | None = None
) -> ReallocationPlan:
    """The reallocation plan of a current shortage's item (reads only): its places with their
    use, floors and days of supply, and the moves with the days of supply before and after at
    each end. ``floor``: the units each source keeps (default: its min level)."""
    shortage, it = target(uow, shortage_id, item)
    places = _places(uow, it, floor=_floor(floor), clock=clock, lock=False)
    return _plan(shortage.id or 0, it, places, floor=floor, clock=clock)


@dataclass(frozen=True, slots=True)
class AppliedReallocation:
    """What applying a plan did: the plan (as applied), its log entry, how many ledger
    movements were written; ``duplicate`` when the plan had been applied already (nothing
    moved now)."""

    plan_id: str
    plan: ReallocationPlan | None = None
    action: ShortageAction | None = None
    movements: int = 0
    duplicate: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "plan_id": self.plan_id,
            "duplicate": self.duplicate,
            "movements": self.movements,
            "units": self.plan.units if self.plan and not self.duplicate else 0,
            "moves": [m.as_dict() for m in self.plan.moves] if self.plan else [],
            "action": self.action.as_dict() if self.action else None,
        }


def apply_reallocation(
    uow: UnitOfWork,
    *,
    shortage_id: int,
    item: str,
    user: str,
    clock: Clock,
    plan: ReallocationPlan | None = None,
    plan_id: str | None = None,
    floor: int | None = None,
    reason: str = "",
) -> AppliedReallocation:
    """Apply a reallocation (see the module), one transaction:

    - ``plan`` given (what :func:`propose_reallocation` returned and the user saw): its moves,
      checked against the pockets as they stand now under lock (``floor``, else the plan's,
      else each pocket's min level);
    - ``plan_id`` given (a web form carrying the id it showed): the plan made again under
      lock must be that plan, else it is refused as out of date (propose again);
    - neither: the plan made now, under lock.

    An empty plan writes nothing."""
    require_user(user)
    why = reason.strip()
    if len(why) > 1000:
        raise InvalidValue("reason", "at most 1000 characters")
    shortage, it = target(uow, shortage_id, item)
    if plan is not None and (plan.shortage_id != shortage_id or plan.item != it.code):
        raise ConservationRefused(
            f"the plan is for shortage {plan.shortage_id} item {plan.item}, "
            f"not shortage {shortage_id} item {it.code}"
        )
    floor = _floor(floor if floor is not None else plan.floor if plan is not None else None)
    places = _places(uow, it, floor=floor, clock=clock, lock=True)
    wanted = plan.plan_id if plan is not None else plan_id
    if wanted:
        done = uow.conservation.recorded(f"{SOURCE}:{wanted}")
        if done is not None:
            uow.rollback()
            return AppliedReallocation(wanted, plan, done, duplicate=True)
    fresh = _plan(shortage_id, it, places, floor=floor, clock=clock)
    if plan is not None:
        check_floors(plan.moves, places, item=it.code)
    elif plan_id is not None and fresh.plan_id != plan_id:
        raise ConservationRefused(
            f"reallocation plan {plan_id} of {it.code} is out of date: the stock or use "
            f"changed since it was proposed (the plan now is {fresh.plan_id}); propose again"
        )
    applied = plan if plan is not None else fresh
    if not applied.moves:
        uow.rollback()
        return AppliedReallocation(applied.plan_id, applied)
    key = applied.plan_id
    commands: list[ledger.Command] = [
        ledger.Move(
            user=user,
            from_location=m.from_pocket,
            to_location=m.to_cabinet,
            pocket=m.to_pocket,
            item=it.code,
            lot=m.lot,
            quantity=m.units,
            reference=f"shortage {shortage_id} reallocation {key}",
            external_id=ExternalId(SOURCE, f"{key}-{n}"),
        )
        for n, m in enumerate(applied.moves, 1)
    ]
    results = ledger.post(uow, commands, clock=clock, commit=False)
    written = 0
    for m, result in zip(applied.moves, results, strict=True):
        if isinstance(result, RxSupplyError):
            uow.rollback()
            raise ConservationRefused(
                f"moving {m.units} units of {it.code} lot {m.lot} from {m.from_pocket} to "
                f"{m.to_pocket} was refused ({result}): nothing was moved"
            ) from result
        if result.duplicate:  # applied meanwhile by someone else
            uow.rollback()
            return AppliedReallocation(key, applied, duplicate=True)
        written += len(result.movements)
    action = ShortageAction(
        shortage_id=shortage.id or 0,
        kind=ActionKind.REALLOCATE,
        state=ActionState.DONE,
        item_id=it.id or 0,
        item=it.code,
        reason=why,
        recorded_at=clock.now(),
        recorded_by=user,
        external_id=f"{SOURCE}:{key}",
        detail={
            "plan_id": key,
            "floor": floor,
            "units": applied.units,
            "moves": len(applied.moves),
            "lines": [m.as_dict() for m in applied.moves],
        },
    )
    log_action(uow, action, audit="reallocate_shortage_stock")
    uow.commit()
    return AppliedReallocation(key, applied, action, movements=written)
