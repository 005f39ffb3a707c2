"""The append-only audit trail: who changed what, when, with before and after."""

from __future__ import annotations

import json
from datetime import datetime

from rxsupply.errors import InvalidValue
from rxsupply.services.ports import AuditEntry, UnitOfWork


def _dump(value: object) -> str | None:
    return None if value is None else json.dumps(value, default=str, sort_keys=True)


def require_user(user: str) -> None:
    """Every change names the user who makes it."""
    if not user or not user.strip():
        raise InvalidValue("user", "every change names the user who makes it")


def entry(
    *,
    user: str,
    action: str,
    entity: str,
    now: datetime,
    key: str = "",
    before: object = None,
    after: object = None,
    approved_by: str | None = None,
) -> AuditEntry:
    """An audit entry (``before`` and ``after`` as JSON), with the second user who approved
    it when there was one; "system" when no user is named."""
    return AuditEntry(
        at=now,
        user=user or "system",
        action=action,
        entity=entity,
        key=key,
        before=_dump(before),
        after=_dump(after),
        approved_by=approved_by,
    )


def record(
    uow: UnitOfWork,
    *,
    user: str,
    action: str,
    entity: str,
    now: datetime,
    key: str = "",
    before: object = None,
    after: object = None,
) -> None:
    """Add an audit entry in the caller's transaction (it commits with the change)."""
    uow.audit.add(
        entry(user=user, action=action, entity=entity, now=now, key=key, before=before, after=after)
    )
