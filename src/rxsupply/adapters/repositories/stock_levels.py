"""Stock levels in SQL: :class:`SqlStockLevels` (the min and max of an item at a location,
read, locked, and saved by upsert)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite

from rxsupply.adapters import tables as t
from rxsupply.domain.levels import StockLevel


def _level(row: Any) -> StockLevel:
    return StockLevel(
        location_id=row.location_id,
        item_id=row.item_id,
        min_level=row.min_level,
        max_level=row.max_level,
        lead_time_days=row.lead_time_days,
        review_period_days=row.review_period_days,
    )


class SqlStockLevels:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get(self, location_id: int, item_id: int, *, lock: bool = False) -> StockLevel | None:
        sl = t.stock_level
        query = select(sl).where(sl.c.location_id == location_id, sl.c.item_id == item_id)
        if lock:
            query = query.with_for_update()
        row = self.conn.execute(query).first()
        return _level(row) if row else None

    def all(self) -> list[StockLevel]:
        sl = t.stock_level
        rows = self.conn.execute(select(sl).order_by(sl.c.location_id, sl.c.item_id))
        return [_level(r) for r in rows]

    def save(self, level: StockLevel, *, now: datetime, user: str) -> None:
        self.save_many([level], now=now, user=user)

    def save_many(self, levels: Sequence[StockLevel], *, now: datetime, user: str) -> int:
        if not levels:
            return 0
        sl = t.stock_level
        rows = [
            {
                "location_id": lv.location_id,
                "item_id": lv.item_id,
                "min_level": lv.min_level,
                "max_level": lv.max_level,
                "lead_time_days": lv.lead_time_days,
                "review_period_days": lv.review_period_days,
                "updated_at": now,
                "updated_by": user,
            }
            for lv in levels
        ]
        dialect = self.conn.dialect.name
        ins: Any = postgresql.insert(sl) if dialect == "postgresql" else sqlite.insert(sl)
        changing = ("min_level", "max_level", "lead_time_days", "review_period_days")
        stmt = ins.on_conflict_do_update(
            index_elements=["location_id", "item_id"],
            set_={c: getattr(ins.excluded, c) for c in (*changing, "updated_at", "updated_by")},
        )
        for start in range(0, len(rows), 2000):
            self.conn.execute(stmt, rows[start : start + 2000])
        return len(rows)
