"""Controlled substances in SQL: :class:`SqlControlled` reads the ledger's movements of
scheduled products at some locations (the perpetual inventory) and their units on hand at a
moment (the biennial inventory), both from the movements themselves."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, func, select, union_all

from rxsupply.adapters import tables as t
from rxsupply.services.ports.counting import LedgerEntry, ScheduledStock


class SqlControlled:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def ledger(self, location_ids: Sequence[int]) -> list[LedgerEntry]:
        """Every movement of a scheduled product into or out of the locations, oldest first
        (a transfer between two of them is listed once out and once in)."""
        m, p, lot, loc = t.movement, t.product, t.lot, t.location
        wanted = list(location_ids)
        out: list[LedgerEntry] = []
        for column, sign in ((m.c.to_location_id, 1), (m.c.from_location_id, -1)):
            q = (
                select(m, p.c.ndc, p.c.name, p.c.dea_schedule, lot.c.lot_number, loc.c.code)
                .join(p, p.c.id == m.c.product_id)
                .join(lot, lot.c.id == m.c.lot_id)
                .join(loc, loc.c.id == column)
                .where(column.in_(wanted), p.c.dea_schedule.is_not(None))
            )
            for r in self.conn.execute(q):
                out.append(
                    LedgerEntry(
                        at=r.occurred_at,
                        location=r.code,
                        ndc=r.ndc,
                        product=r.name,
                        schedule=r.dea_schedule,
                        lot=r.lot_number,
                        kind=r.kind,
                        quantity=sign * int(r.quantity),
                        user=r.user_name,
                        approved_by=r.approved_by,
                        reference=r.reference,
                        note=r.note,
                        id=int(r.id),
                    )
                )
        out.sort(key=lambda e: (e.location, e.ndc, e.at, e.id, e.quantity))
        return out

    def on_hand(self, *, until: datetime) -> list[ScheduledStock]:
        """Units of each scheduled product at each location from the movements before
        ``until``; only what is on hand (above zero)."""
        m, p, loc = t.movement, t.product, t.location
        before = m.c.occurred_at < until
        moves = union_all(
            select(
                m.c.to_location_id.label("location_id"),
                m.c.product_id,
                m.c.quantity.label("units"),
            ).where(m.c.to_location_id.is_not(None), before),
            select(
                m.c.from_location_id.label("location_id"),
                m.c.product_id,
                (-m.c.quantity).label("units"),
            ).where(m.c.from_location_id.is_not(None), before),
        ).subquery()
        total = func.sum(moves.c.units)
        q = (
            select(
                loc.c.code,
                loc.c.name.label("location_name"),
                p.c.ndc,
                p.c.name,
                p.c.strength,
                p.c.dosage_form,
                p.c.package_size,
                p.c.dea_schedule,
                total.label("units"),
            )
            .select_from(moves)
            .join(p, p.c.id == moves.c.product_id)
            .join(loc, loc.c.id == moves.c.location_id)
            .where(p.c.dea_schedule.is_not(None))
            .group_by(
                loc.c.code,
                loc.c.name,
                p.c.ndc,
                p.c.name,
                p.c.strength,
                p.c.dosage_form,
                p.c.package_size,
                p.c.dea_schedule,
            )
            .having(total > 0)
            .order_by(p.c.dea_schedule, loc.c.code, p.c.ndc)
        )
        return [
            ScheduledStock(
                location=r.code,
                location_name=r.location_name,
                ndc=r.ndc,
                name=r.name,
                strength=r.strength,
                dosage_form=r.dosage_form,
                package_size=int(r.package_size),
                units=int(r.units),
                schedule=r.dea_schedule,
            )
            for r in self.conn.execute(q)
        ]
