"""A shortage's conservation in SQL: :class:`SqlConservation` (its action log, the settings in
force, and an item's use per cabinet pocket)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, case, func, insert, select, update

from rxsupply.adapters import tables as t
from rxsupply.domain.conservation import ActionKind, ActionState, ShortageAction
from rxsupply.domain.movement import MovementKind

_A = t.shortage_action


def _select() -> Select[Any]:
    it, loc = t.item, t.location
    return (
        select(_A, it.c.code.label("item_code"), loc.c.code.label("location_code"))
        .join(it, it.c.id == _A.c.item_id)
        .outerjoin(loc, loc.c.id == _A.c.location_id)
    )


def _action(row: Any) -> ShortageAction:
    return ShortageAction(
        id=row.id,
        shortage_id=row.shortage_id,
        kind=ActionKind(row.kind),
        state=ActionState(row.state),
        item_id=row.item_id,
        item=row.item_code,
        location_id=row.location_id,
        location=row.location_code or "",
        reason=row.reason,
        detail=json.loads(row.detail or "{}"),
        external_id=row.external_id,
        reverses=row.reverses_id,
        recorded_at=row.recorded_at,
        recorded_by=row.recorded_by,
        reverted_at=row.reverted_at,
        reverted_by=row.reverted_by,
    )


class SqlConservation:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add_action(self, action: ShortageAction) -> int:
        row = {
            "shortage_id": action.shortage_id,
            "kind": action.kind.value,
            "state": action.state.value,
            "item_id": action.item_id,
            "location_id": action.location_id,
            "reason": action.reason,
            "detail": json.dumps(action.detail, default=str, sort_keys=True),
            "external_id": action.external_id,
            "reverses_id": action.reverses,
            "recorded_at": action.recorded_at,
            "recorded_by": action.recorded_by,
        }
        found = self.conn.execute(insert(_A).values(row).returning(_A.c.id)).scalar_one()
        action.id = int(found)
        return action.id

    def actions(self, shortage_id: int) -> list[ShortageAction]:
        q = _select().where(_A.c.shortage_id == shortage_id).order_by(_A.c.id)
        return [_action(r) for r in self.conn.execute(q)]

    def active(
        self,
        *,
        shortage_id: int | None = None,
        kinds: Iterable[ActionKind] = (),
        item_ids: Iterable[int] | None = None,
        lock: bool = False,
    ) -> list[ShortageAction]:
        q = _select().where(_A.c.state == ActionState.ACTIVE.value).order_by(_A.c.id)
        if shortage_id is not None:
            q = q.where(_A.c.shortage_id == shortage_id)
        wanted = [k.value for k in kinds]
        if wanted:
            q = q.where(_A.c.kind.in_(wanted))
        if item_ids is not None:
            q = q.where(_A.c.item_id.in_(list(item_ids)))
        if lock and self.conn.dialect.name == "postgresql":
            q = q.with_for_update(of=_A)
        return [_action(r) for r in self.conn.execute(q)]

    def set_reverted(self, action_ids: Sequence[int], *, at: datetime, by: str) -> int:
        if not action_ids:
            return 0
        done = self.conn.execute(
            update(_A)
            .where(_A.c.id.in_(list(action_ids)), _A.c.state == ActionState.ACTIVE.value)
            .values(state=ActionState.REVERTED.value, reverted_at=at, reverted_by=by)
        )
        return int(done.rowcount or 0)

    def recorded(self, external_id: str) -> ShortageAction | None:
        row = self.conn.execute(_select().where(_A.c.external_id == external_id)).first()
        return _action(row) if row else None

    def _net(
        self, product_ids: Sequence[int], location_ids: Sequence[int], since: datetime
    ) -> Select[Any]:
        m = t.movement
        place = case(
            (m.c.kind == MovementKind.DISPENSE.value, m.c.from_location_id),
            else_=m.c.to_location_id,
        )
        signed = case((m.c.kind == MovementKind.DISPENSE.value, m.c.quantity), else_=-m.c.quantity)
        return (
            select(place.label("place"), func.sum(signed).label("units"))
            .where(
                m.c.product_id.in_(list(product_ids)),
                m.c.occurred_at >= since,
                (
                    (m.c.kind == MovementKind.DISPENSE.value)
                    & m.c.from_location_id.in_(list(location_ids))
                )
                | (
                    (m.c.kind == MovementKind.PATIENT_RETURN.value)
                    & m.c.to_location_id.in_(list(location_ids))
                ),
            )
            .group_by(place)
        )

    def pocket_use(
        self, product_ids: Sequence[int], location_ids: Sequence[int], *, since: datetime
    ) -> dict[int, int]:
        out = {int(i): 0 for i in location_ids}
        if not product_ids or not location_ids:
            return out
        for place, units in self.conn.execute(self._net(product_ids, location_ids, since)):
            out[int(place)] = max(int(units or 0), 0)
        return out

    def dispensed(
        self, product_ids: Sequence[int], location_ids: Sequence[int], *, since: datetime
    ) -> int:
        return sum(self.pocket_use(product_ids, location_ids, since=since).values())
