"""A shortage's conservation settings and its action log (issue 12, item 4).

- :func:`reduce_par`: lower an item's max (and min) at a location for the shortage, through the
  stock-level write path (:func:`rxsupply.services.levels.save_stock_level`), the levels before
  kept in the log so they can be restored.
- :func:`restrict_item`: a restriction of the item ("ICU only": a text, the areas allowed).
- :func:`limit_allocation`: an allocation limit of the item at a location (units per day, per
  dispense), enforced on dispenses by :mod:`rxsupply.services.allocation_limits`.
- :func:`list_actions`: the shortage's log (reallocations included).
- :func:`revert_conservation`: the reversal of every setting in force (PAR levels restored,
  restrictions and limits lifted); stock reallocated is not moved back (it is used), the log
  keeps it. :func:`revert_settings` does the same inside the caller's transaction (resolving a
  shortage with ``revert``).

Each use case names its user, is one transaction, writes its log entry and its audit entry
together; a refusal writes nothing. Conservation acts on the items a shortage matches, while
the shortage is current.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rxsupply.domain.clock import Clock
from rxsupply.domain.conservation import (
    REVERSAL,
    SETTINGS,
    ActionKind,
    ActionState,
    ShortageAction,
    check_limit,
    parse_areas,
)
from rxsupply.domain.fields import check_text, required_text
from rxsupply.domain.levels import StockLevel
from rxsupply.domain.location import Location
from rxsupply.domain.product import Item
from rxsupply.domain.shortage import Shortage
from rxsupply.errors import ConservationRefused, NotFound, UnknownItem
from rxsupply.services.audit import record, require_user
from rxsupply.services.levels import save_stock_level
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.references import find_location


def shortage_of(uow: UnitOfWork, shortage_id: int) -> Shortage:
    found = uow.shortages.get(shortage_id) if 0 < shortage_id < 2**31 else None
    if found is None:
        raise NotFound("shortage", shortage_id, "see rxsupply shortages list")
    return found


def target(uow: UnitOfWork, shortage_id: int, item: str) -> tuple[Shortage, Item]:
    """The current shortage and its matched item named by ``item`` (its code)."""
    found = shortage_of(uow, shortage_id)
    code = check_text("item", item, limit=64).strip()
    if not found.active:
        raise ConservationRefused(
            f"shortage {shortage_id} ({found.generic_name}) is {found.status.value}: "
            "conservation acts on a current shortage"
        )
    if code not in {m.item_code for m in found.matches}:
        items = ", ".join(sorted(m.item_code for m in found.matches)) or "none"
        raise ConservationRefused(
            f"item {code} is not an item of shortage {shortage_id} ({found.generic_name}); "
            f"its items: {items}"
        )
    it = uow.items.get(code)
    if it is None or it.id is None:
        raise UnknownItem(code)
    return found, it


def log_action(uow: UnitOfWork, action: ShortageAction, *, audit: str) -> ShortageAction:
    """Record an action in the shortage's log and its audit entry (no commit)."""
    uow.conservation.add_action(action)
    record(
        uow,
        user=action.recorded_by,
        action=audit,
        entity="shortage",
        key=str(action.shortage_id),
        now=action.recorded_at,
        after={"action": action.id, "summary": action.summary(), **action.as_dict()},
    )
    return action


def _reason(reason: str) -> str:
    return check_text("reason", reason, limit=1000).strip()


def _place(uow: UnitOfWork, code: str) -> Location:
    found = find_location(uow, check_text("location", code, limit=64).strip())
    if not found.holds_stock or found.id is None:
        raise ConservationRefused(
            f"location {found.code} is a {found.kind.value}: it holds no stock"
        )
    return found


def _new(
    shortage: Shortage, kind: ActionKind, it: Item, *, reason: str, user: str, clock: Clock
) -> ShortageAction:
    return ShortageAction(
        shortage_id=shortage.id or 0,
        kind=kind,
        state=ActionState.ACTIVE,
        item_id=it.id or 0,
        item=it.code,
        reason=reason,
        recorded_at=clock.now(),
        recorded_by=user,
    )


def reduce_par(
    uow: UnitOfWork,
    *,
    shortage_id: int,
    item: str,
    location: str,
    max_level: int,
    user: str,
    clock: Clock,
    min_level: int | None = None,
    reason: str = "",
) -> ShortageAction:
    """Lower the item's max (and min: by default kept, or lowered to the new max) at a
    location for the shortage; the levels before are kept in the log. The location must
    have levels for the item, and the new max must be below its max. Commits."""
    require_user(user)
    why = _reason(reason)
    shortage, it = target(uow, shortage_id, item)
    place = _place(uow, location)
    before = uow.stock_levels.get(place.id or 0, it.id or 0, lock=True)
    if before is None:
        raise ConservationRefused(
            f"{it.code} has no PAR levels at {place.code}: there is nothing to reduce"
        )
    if max_level >= before.max_level:
        raise ConservationRefused(
            f"a PAR reduction lowers the max: {max_level} is not below the max of {it.code} at "
            f"{place.code} ({before.max_level})"
        )
    low = min(before.min_level, max_level) if min_level is None else min_level
    after = StockLevel(
        location_id=place.id or 0,
        item_id=it.id or 0,
        min_level=low,
        max_level=max_level,
        lead_time_days=before.lead_time_days,
        review_period_days=before.review_period_days,
    )
    save_stock_level(uow, level=after, before=before, user=user, clock=clock)
    action = _new(shortage, ActionKind.REDUCE_PAR, it, reason=why, user=user, clock=clock)
    action.location_id, action.location = place.id, place.code
    action.detail = {
        "before": {"min": before.min_level, "max": before.max_level},
        "after": {"min": after.min_level, "max": after.max_level},
    }
    log_action(uow, action, audit="reduce_shortage_par")
    uow.commit()
    return action


def restrict_item(
    uow: UnitOfWork,
    *,
    shortage_id: int,
    item: str,
    text: str,
    user: str,
    clock: Clock,
    areas: str | list[str] = "",
    reason: str = "",
) -> ShortageAction:
    """Restrict the item's use for the shortage ("ICU only"): a text, and the areas (nursing
    units) allowed when given. Commits."""
    require_user(user)
    why = _reason(reason)
    said = required_text("text", text, limit=500, why="say who may use it, e.g. 'ICU only'")
    allowed = parse_areas(areas)
    shortage, it = target(uow, shortage_id, item)
    action = _new(shortage, ActionKind.RESTRICT, it, reason=why, user=user, clock=clock)
    action.detail = {"text": said, "areas": allowed}
    log_action(uow, action, audit="restrict_shortage_item")
    uow.commit()
    return action


def limit_allocation(
    uow: UnitOfWork,
    *,
    shortage_id: int,
    item: str,
    location: str,
    user: str,
    clock: Clock,
    per_day: int | None = None,
    per_dispense: int | None = None,
    reason: str = "",
) -> ShortageAction:
    """Limit the item at a location (a cabinet and its pockets, a satellite) to ``per_day``
    units a day and/or ``per_dispense`` units a dispense; replaces the limit in force there
    (which is marked reverted). Commits."""
    require_user(user)
    why = _reason(reason)
    check_limit(per_day, per_dispense)
    shortage, it = target(uow, shortage_id, item)
    place = _place(uow, location)
    now = clock.now()
    old = [
        a.id
        for a in uow.conservation.active(kinds=[ActionKind.LIMIT], item_ids=[it.id or 0], lock=True)
        if a.location_id == place.id and a.id is not None
    ]
    uow.conservation.set_reverted(old, at=now, by=user)
    action = _new(shortage, ActionKind.LIMIT, it, reason=why, user=user, clock=clock)
    action.location_id, action.location = place.id, place.code
    action.detail = {"per_day": per_day, "per_dispense": per_dispense}
    if old:
        action.detail["replaces"] = old
    log_action(uow, action, audit="limit_shortage_item")
    uow.commit()
    return action


def list_actions(uow: UnitOfWork, *, shortage_id: int) -> list[ShortageAction]:
    """The shortage's log: every action, oldest first."""
    shortage_of(uow, shortage_id)
    return uow.conservation.actions(shortage_id)


@dataclass(frozen=True, slots=True)
class Reverted:
    """What a reversal did: the reversal actions recorded, the PAR levels left as they were
    (changed since the reduction, by someone else), and the reallocations kept."""

    shortage_id: int
    reversals: list[ShortageAction] = field(default_factory=list)
    kept: list[ShortageAction] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "shortage": self.shortage_id,
            "reverted": [a.as_dict() for a in self.reversals],
            "reallocations_kept": [a.as_dict() for a in self.kept],
        }


def revert_settings(
    uow: UnitOfWork, shortage: Shortage, *, user: str, clock: Clock, reason: str = ""
) -> Reverted:
    """Reverse every setting of the shortage in force, newest first, in the caller's
    transaction (no commit): a PAR reduction restores the levels before it, unless the levels
    changed since (then they are left, and the reversal says so); restrictions and limits are
    lifted. Each reversal is logged and audited."""
    sid = shortage.id or 0
    now = clock.now()
    active = uow.conservation.active(shortage_id=sid, kinds=SETTINGS, lock=True)
    done: list[ShortageAction] = []
    for action in reversed(active):
        back = ShortageAction(
            shortage_id=sid,
            kind=REVERSAL[action.kind],
            state=ActionState.DONE,
            item_id=action.item_id,
            item=action.item,
            location_id=action.location_id,
            location=action.location,
            reason=reason or "the shortage ended",
            recorded_at=now,
            recorded_by=user,
            reverses=action.id,
            detail={k: v for k, v in action.detail.items() if k != "replaces"},
        )
        if action.kind is ActionKind.REDUCE_PAR:
            back.detail = _restore(uow, action, user=user, clock=clock)
        uow.conservation.set_reverted([action.id or 0], at=now, by=user)
        done.append(log_action(uow, back, audit=f"revert_shortage_{action.kind.value}"))
    kept = [a for a in uow.conservation.actions(sid) if a.kind is ActionKind.REALLOCATE]
    return Reverted(sid, done, kept)


def _restore(
    uow: UnitOfWork, action: ShortageAction, *, user: str, clock: Clock
) -> dict[str, object]:
    """Put back the levels a PAR reduction replaced, when they are still the reduction's."""
    before, after = action.detail.get("before"), action.detail.get("after")
    assert isinstance(before, dict) and isinstance(after, dict)
    now = uow.stock_levels.get(action.location_id or 0, action.item_id, lock=True)
    if now is None or (now.min_level, now.max_level) != (after["min"], after["max"]):
        held = None if now is None else {"min": now.min_level, "max": now.max_level}
        return {
            "before": held,
            "after": held,
            "note": "levels changed since the reduction: left as they are",
        }
    restored = StockLevel(
        location_id=now.location_id,
        item_id=now.item_id,
        min_level=int(before["min"]),
        max_level=int(before["max"]),
        lead_time_days=now.lead_time_days,
        review_period_days=now.review_period_days,
    )
    save_stock_level(uow, level=restored, before=now, user=user, clock=clock)
    return {"before": dict(after), "after": dict(before)}


def revert_conservation(
    uow: UnitOfWork, *, shortage_id: int, user: str, clock: Clock, reason: str = ""
) -> Reverted:
    """Reverse the shortage's settings in force (:func:`revert_settings`); commits. Stock
    reallocated stays where it went (the answer lists those reallocations)."""
    require_user(user)
    why = _reason(reason)
    done = revert_settings(uow, shortage_of(uow, shortage_id), user=user, clock=clock, reason=why)
    uow.commit()
    return done
