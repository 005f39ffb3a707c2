"""The audit trail read back: :func:`audit_rows`, newest first, by user or action."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from rxsupply.adapters import tables as t


def audit_rows(
    conn: Connection,
    *,
    user: str | None = None,
    action: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    a = t.audit
    q = select(a).order_by(a.c.id.desc()).limit(limit).offset(offset)
    if user:
        q = q.where(a.c.user_name == user)
    if action:
        q = q.where(a.c.action == action)
    return [
        {
            "id": r["id"],
            "at": r["at"].isoformat(),
            "user": r["user_name"],
            "action": r["action"],
            "entity": r["entity"],
            "key": r["entity_key"],
            "before": r["before"],
            "after": r["after"],
        }
        for r in conn.execute(q).mappings()
    ]
