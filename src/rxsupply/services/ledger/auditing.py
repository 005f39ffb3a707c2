"""The audit entry of a posted command: who (and who approved), what, and on-hand before and
after each stock line it changed."""

from __future__ import annotations

from datetime import datetime

from rxsupply.domain.movement import Movement
from rxsupply.domain.serial import SerialPackage
from rxsupply.domain.stock import StockBook, StockKey, ledger_sums
from rxsupply.services.audit import entry
from rxsupply.services.ledger.commands import Command, SetStatus
from rxsupply.services.ledger.steps import Done
from rxsupply.services.ports import AuditEntry


def command_audit(
    book: StockBook, cmd: Command, done: Done, *, now: datetime, user: str
) -> AuditEntry:
    """One entry per command: its movements and, for each line changed, on-hand before and
    after (after: the book now; before: that less what these movements did); or the status
    changes it made."""
    movements = done.movements
    key = str(cmd.external_id) if cmd.external_id is not None else ""
    found = [d.as_dict() for d in done.discrepancies]
    if not movements and found:  # a reported dispense or waste with no usable stock at all
        return entry(
            user=user,
            action="discrepancy",
            entity="stock",
            key=key,
            now=now,
            after={"discrepancies": found},
        )
    if not movements:
        action = "release" if isinstance(cmd, SetStatus) and not cmd.status.blocked else "status"
        if isinstance(cmd, SetStatus) and cmd.status.blocked:
            action = cmd.status.value
        return entry(
            user=user,
            action=action,
            entity="stock_status",
            key=key or ((cmd.lot or cmd.serial or "") if isinstance(cmd, SetStatus) else ""),
            now=now,
            after={"changes": done.changed, "reason": getattr(cmd, "reason", "")},
            approved_by=done.approved_by or None,
        )
    first = movements[0]
    changed: dict[StockKey, int] = ledger_sums(movements)
    lines = [
        {
            "location": book.names.get(k[0], str(k[0])),
            "product_id": k[1],
            "lot_id": k[2],
            "before": book.on_hand[k] - delta,
            "after": book.on_hand[k],
        }
        for k, delta in sorted(changed.items())
        if delta
    ]
    return entry(
        user=user,
        action=first.kind.value,
        entity="stock",
        key=key or first.reference or "",
        now=now,
        before=[{k: v for k, v in line.items() if k != "after"} for line in lines],
        after={
            "movements": [_movement(book, m) for m in movements],
            "lines": lines,
            **({"override": first.note} if done.approved_by and first.note else {}),
            **({"discrepancies": found} if found else {}),
            **({"changed": done.changed} if done.changed else {}),
        },
        approved_by=done.approved_by or None,
    )


def _movement(book: StockBook, m: Movement) -> dict[str, object]:
    return {
        "quantity": m.quantity,
        "product_id": m.product_id,
        "lot_id": m.lot_id,
        "from": book.names.get(m.from_location_id or 0),
        "to": book.names.get(m.to_location_id or 0),
    }


def suspect_audit(package: SerialPackage, *, by: str, message: str, now: datetime) -> AuditEntry:
    """A serial received again: the suspect-product signal, whatever became of the receipt."""
    return entry(
        user=by,
        action="suspect_serial",
        entity="serial_package",
        key=f"{package.gtin}:{package.serial}",
        now=now,
        before={"status": package.status.value, "location_id": package.location_id},
        after={"status": "suspect" if package.sealed else package.status.value, "why": message},
    )
