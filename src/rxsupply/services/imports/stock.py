"""Importing opening stock: :func:`import_stock`, each row an adjustment noted "opening stock",
lots recorded with one expiry each."""

from __future__ import annotations

from datetime import date, datetime

from rxsupply.domain.clock import Clock
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.fields import parse_date, parse_timestamp, parse_units
from rxsupply.domain.limits import LedgerLimits
from rxsupply.errors import RxSupplyError
from rxsupply.services.imports.columns import STOCK_COLUMNS
from rxsupply.services.imports.results import (
    ImportResult,
    _finish,
    _key,
    field_of,
    reason_of,
)
from rxsupply.services.ledger import Adjust, Bulk
from rxsupply.services.ledger.adjusting import OPENING_STOCK
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.ports.tables import Errors, Table
from rxsupply.services.references import resolve_products


def import_stock(
    uow: UnitOfWork,
    table: Table,
    *,
    clock: Clock,
    user: str,
    cap: int = 100,
    limits: LedgerLimits | None = None,
) -> ImportResult:
    """Opening on-hand: ``location,ndc,lot,expiry,quantity[,as_of,external_id]``, quantities
    in dispense units. Each row becomes an adjustment noted "opening stock", posted through
    the ledger's one path (a new lot needs its expiry unless the item is non-expiring)."""
    errors = Errors(table.name, cap)
    locs = {loc.code: loc for loc in uow.locations.all()}
    cols = {c: table.get(c) for c in STOCK_COLUMNS[0] + STOCK_COLUMNS[1]}
    products = resolve_products(uow, [n for n in cols["ndc"] if n])
    seen: dict[str, int] = {}
    rows: list[tuple[int, ExternalId, str, int, str, date | None, datetime, int, str]] = []
    for i in range(table.rows):
        row = i + 1
        loc = locs.get(cols["location"][i])
        if loc is None:
            errors.add(row, "location", f"unknown location {cols['location'][i]!r}")
            continue
        if not loc.holds_stock:
            errors.add(row, "location", f"{loc.code} is a {loc.kind.value}; it holds no stock")
            continue
        pid = products.get(cols["ndc"][i], "must not be blank")
        if not isinstance(pid, int):
            errors.add(row, "ndc", pid)
            continue
        lot_number = cols["lot"][i]
        if not lot_number:
            errors.add(row, "lot", "must not be blank")
            continue
        expiry = (
            errors.value(row, "expiry", lambda s: parse_date(s, "expiry"), cols["expiry"][i])
            if cols["expiry"][i]
            else None
        )
        if cols["expiry"][i] and expiry is None:
            continue
        qty = errors.value(row, "quantity", parse_units, cols["quantity"][i])
        if qty is None:
            continue
        when = clock.now()
        if cols["as_of"][i]:
            got = errors.value(
                row, "as_of", lambda s: parse_timestamp(s, clock.zone, "as_of"), cols["as_of"][i]
            )
            if got is None:
                continue
            when = got
        ext_text = cols["external_id"][i] or _key(
            loc.code, pid, lot_number, expiry, qty, cols["as_of"][i]
        )
        ext = errors.value(row, "external_id", lambda t: ExternalId("stock", t), ext_text)
        if ext is None:
            continue
        if str(ext) in seen:
            errors.add(
                row,
                "external_id" if cols["external_id"][i] else "lot",
                f"duplicate of row {seen[str(ext)]}",
            )
            continue
        seen[str(ext)] = row
        rows.append((row, ext, loc.code, pid, lot_number, expiry, when, qty, cols["ndc"][i]))
    lot_expiry: dict[tuple[int, str], tuple[int, date | None]] = {}
    for row, _, _, pid, lot_number, expiry, _, _, _ in rows:
        prev = lot_expiry.get((pid, lot_number))
        if prev is not None and prev[1] != expiry:
            errors.add(row, "expiry", f"lot {lot_number} has expiry {prev[1]} on row {prev[0]}")
        lot_expiry.setdefault((pid, lot_number), (row, expiry))
    conflicts = uow.lots.conflicts([(p, n, e) for (p, n), (_, e) in lot_expiry.items()])
    for (pid, num), recorded in conflicts.items():
        errors.add(
            lot_expiry[(pid, num)][0],
            "expiry",
            f"lot {num} is already recorded with expiry {recorded}",
        )
    errors.raise_if_any()
    commands = [
        Adjust(
            user=user,
            location=code,
            product=ndc,
            lot=num,
            quantity=qty,
            reason=OPENING_STOCK,
            opening=True,
            expiry=expiry,
            occurred_at=when,
            external_id=ext,
        )
        for (_, ext, code, _, num, expiry, when, qty, ndc) in rows
    ]
    bulk = Bulk(uow, clock=clock, limits=limits)
    outcomes = bulk.run(commands)
    for (row, *_), outcome in zip(rows, outcomes, strict=True):
        if isinstance(outcome, RxSupplyError):
            errors.add(row, field_of(outcome, "quantity"), reason_of(outcome))
    errors.raise_if_any()
    written = bulk.write(audit=None)
    skipped = {"already imported": len(rows) - written} if len(rows) > written else {}
    result = ImportResult("stock", table.name, table.rows, written, skipped)
    return _finish(uow, result, now=clock.now(), user=user)
