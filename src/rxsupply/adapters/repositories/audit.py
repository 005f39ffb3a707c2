"""The audit trail in SQL: :class:`SqlAudit` appends audit entries in bulk."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection

from rxsupply.adapters import tables as t
from rxsupply.adapters.repositories.bulk_sql import insert_rows
from rxsupply.adapters.repositories.ledger_chain import note_write
from rxsupply.services.ports import AuditEntry


class SqlAudit:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, entry: AuditEntry) -> None:
        self.add_many([entry])

    def add_many(self, entries: Sequence[AuditEntry]) -> None:
        if not entries:
            return
        note_write(self.conn)
        insert_rows(
            self.conn,
            t.audit,
            ("at", "user_name", "approved_by", "action", "entity", "entity_key", "before", "after"),
            [
                (e.at, e.user, e.approved_by, e.action, e.entity, e.key, e.before, e.after)
                for e in entries
            ],
        )
