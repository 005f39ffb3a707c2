"""Stock discrepancies and interface messages in SQL: :class:`SqlDiscrepancies` (recorded with
the movements of the report that left them, listed, resolved) and :class:`SqlInterfaceMessages`
(each cabinet message once, by sender and control id)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from rxsupply.adapters import tables as t
from rxsupply.adapters.repositories.bulk_sql import insert_rows
from rxsupply.domain.discrepancy import Discrepancy, DiscrepancyStatus
from rxsupply.domain.interface import InterfaceMessage

_COLUMNS = (
    "location_id",
    "item_id",
    "product_id",
    "kind",
    "reported",
    "posted",
    "blocked",
    "what",
    "occurred_at",
    "recorded_at",
    "reported_by",
    "external_id",
    "status",
    "resolution",
)


def _discrepancy(row: Any) -> Discrepancy:
    return Discrepancy(
        id=int(row.id),
        location_id=int(row.location_id),
        location=row.code,
        item_id=row.item_id,
        product_id=row.product_id,
        kind=row.kind,
        reported=int(row.reported),
        posted=int(row.posted),
        blocked=int(row.blocked),
        what=row.what,
        occurred_at=row.occurred_at,
        recorded_at=row.recorded_at,
        reported_by=row.reported_by,
        external_id=row.external_id,
        status=DiscrepancyStatus(row.status),
        resolution=row.resolution,
        resolved_by=row.resolved_by,
        resolved_at=row.resolved_at,
    )


class SqlDiscrepancies:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add_many(self, found: Sequence[Discrepancy], *, now: datetime) -> None:
        rows = (
            (
                d.location_id,
                d.item_id,
                d.product_id,
                d.kind,
                d.reported,
                d.posted,
                d.blocked,
                d.what[:200],
                d.occurred_at,
                now,
                d.reported_by,
                d.external_id,
                DiscrepancyStatus.OPEN.value,
                "",
            )
            for d in found
        )
        insert_rows(self.conn, t.stock_discrepancy, _COLUMNS, rows)

    def _select(self) -> Any:
        d = t.stock_discrepancy
        return select(d, t.location.c.code).join(t.location, t.location.c.id == d.c.location_id)

    def listed(
        self, *, status: DiscrepancyStatus | None, limit: int, offset: int = 0
    ) -> list[Discrepancy]:
        """Newest first."""
        d = t.stock_discrepancy
        stmt = self._select()
        if status is not None:
            stmt = stmt.where(d.c.status == status.value)
        stmt = stmt.order_by(d.c.occurred_at.desc(), d.c.id.desc()).limit(limit).offset(offset)
        return [_discrepancy(r) for r in self.conn.execute(stmt)]

    def count(self, *, status: DiscrepancyStatus | None) -> int:
        d = t.stock_discrepancy
        stmt = select(func.count()).select_from(d)
        if status is not None:
            stmt = stmt.where(d.c.status == status.value)
        return int(self.conn.execute(stmt).scalar_one())

    def get(self, discrepancy_id: int, *, lock: bool = False) -> Discrepancy | None:
        stmt = self._select().where(t.stock_discrepancy.c.id == discrepancy_id)
        if lock and self.conn.dialect.name == "postgresql":
            stmt = stmt.with_for_update(of=t.stock_discrepancy)
        row = self.conn.execute(stmt).first()
        return None if row is None else _discrepancy(row)

    def resolve(self, discrepancy_id: int, *, resolution: str, user: str, now: datetime) -> bool:
        """Resolve an open discrepancy; False when it was not open (someone else did)."""
        d = t.stock_discrepancy
        result = self.conn.execute(
            update(d)
            .where(d.c.id == discrepancy_id, d.c.status == DiscrepancyStatus.OPEN.value)
            .values(
                status=DiscrepancyStatus.RESOLVED.value,
                resolution=resolution,
                resolved_by=user,
                resolved_at=now,
            )
        )
        return result.rowcount == 1


def _message(row: Any) -> InterfaceMessage:
    return InterfaceMessage(
        id=int(row.id),
        protocol=row.protocol,
        sender=row.sender,
        control_id=row.control_id,
        message_type=row.message_type,
        received_at=row.received_at,
        ack_code=row.ack_code,
        ack_text=row.ack_text,
        transactions=int(row.transactions),
        discrepancies=int(row.discrepancies),
        received_by=row.received_by,
    )


class SqlInterfaceMessages:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def find(self, *, protocol: str, sender: str, control_id: str) -> InterfaceMessage | None:
        m = t.interface_message
        row = self.conn.execute(
            select(m).where(
                m.c.protocol == protocol, m.c.sender == sender, m.c.control_id == control_id
            )
        ).first()
        return None if row is None else _message(row)

    def save(self, message: InterfaceMessage) -> None:
        """Record a message, or what a resend of one that failed got this time."""
        m = t.interface_message
        values = {
            "message_type": message.message_type,
            "received_at": message.received_at,
            "ack_code": message.ack_code,
            "ack_text": message.ack_text,
            "transactions": message.transactions,
            "discrepancies": message.discrepancies,
            "received_by": message.received_by,
        }
        done = self.conn.execute(
            update(m)
            .where(
                m.c.protocol == message.protocol,
                m.c.sender == message.sender,
                m.c.control_id == message.control_id,
            )
            .values(**values)
        )
        if done.rowcount:
            return
        self.conn.execute(
            insert(t.interface_message).values(
                protocol=message.protocol,
                sender=message.sender,
                control_id=message.control_id,
                message_type=message.message_type,
                received_at=message.received_at,
                ack_code=message.ack_code,
                ack_text=message.ack_text,
                transactions=message.transactions,
                discrepancies=message.discrepancies,
                received_by=message.received_by,
            )
        )

    def latest(self, *, limit: int) -> list[InterfaceMessage]:
        m = t.interface_message
        stmt = select(m).order_by(m.c.received_at.desc(), m.c.id.desc()).limit(limit)
        return [_message(r) for r in self.conn.execute(stmt)]

    def counts(self, *, since: datetime) -> dict[str, int]:
        """Messages received since a time, by acknowledgement code."""
        m = t.interface_message
        stmt = (
            select(m.c.ack_code, func.count())
            .where(m.c.received_at >= since)
            .group_by(m.c.ack_code)
        )
        return {str(code): int(n) for code, n in self.conn.execute(stmt)}
