"""A small world written straight into the tables the demand history reads: one item, one
product, lots with their expiry and status changes, locations, and movements. The ledger's
rules (usable stock only, never below zero) are not under test where this is used, so nothing
here goes through them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import Engine

from rxsupply.adapters import tables
from rxsupply.adapters.demand_history import ledger_demand

EASTERN = ZoneInfo("America/New_York")
WINDOW = (date(2026, 3, 1), date(2026, 3, 10))
"""The window the world's demand is read over: days 0-9, America/New_York."""


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=EASTERN)


class Shelves:
    """Rows of the tables the demand history reads, written one by one."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        with engine.begin() as conn:
            self.item = self._add(conn, tables.item, code="ONDA4INJ", name="ondansetron 4 mg")
            self.product = self._add(
                conn,
                tables.product,
                ndc="98765-401-02",
                ndc_digits="9876540102",
                ndc11="98765040102",
                gtin="00398765401021",
                name="ondansetron 4 mg/2 mL vial",
                package_size=1,
                dispense_unit="vial",
                source="test",
            )
            conn.execute(
                tables.item_product.insert().values(item_id=self.item, product_id=self.product)
            )
        self.lots: dict[str, int] = {}
        self.places: dict[str, int] = {}

    @staticmethod
    def _add(conn: Any, table: Any, **values: object) -> int:
        return int(conn.execute(table.insert().values(**values)).inserted_primary_key[0])

    def place(self, code: str, kind: str = "pocket", *, level: bool = False) -> None:
        with self.engine.begin() as conn:
            self.places[code] = self._add(conn, tables.location, code=code, name=code, kind=kind)
            if level:
                conn.execute(
                    tables.stock_level.insert().values(
                        location_id=self.places[code],
                        item_id=self.item,
                        min_level=1,
                        max_level=5,
                        updated_at=local(2026, 1, 1, 9),
                    )
                )

    def lot(self, number: str, expiry: date | None, *, status: str = "available") -> None:
        with self.engine.begin() as conn:
            self.lots[number] = self._add(
                conn,
                tables.lot,
                product_id=self.product,
                lot_number=number,
                expiry=expiry,
                status=status,
            )

    def move(
        self,
        when: datetime,
        kind: str,
        lot: str,
        quantity: int,
        *,
        into: str | None = None,
        out_of: str | None = None,
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                tables.movement.insert().values(
                    kind=kind,
                    occurred_at=when,
                    recorded_at=when,
                    product_id=self.product,
                    lot_id=self.lots[lot],
                    quantity=quantity,
                    from_location_id=self.places[out_of] if out_of else None,
                    to_location_id=self.places[into] if into else None,
                    user_name="tech",
                )
            )

    def status(self, when: datetime, lot: str, status: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                tables.status_change.insert().values(
                    at=when, lot_id=self.lots[lot], status=status, reason="test", user_name="qa"
                )
            )

    def demand(self) -> dict[str, np.ndarray]:
        with self.engine.connect() as conn:
            matrix, _ = ledger_demand(conn, start=WINDOW[0], end=WINDOW[1], zone=EASTERN)
        return {
            sid.split("@")[1]: row
            for sid, row in zip(matrix.series_ids, matrix.quantities, strict=True)
        }
