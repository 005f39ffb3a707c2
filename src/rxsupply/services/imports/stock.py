"""Importing opening stock: :func:`import_stock`, each row an adjustment noted "opening stock",
lots recorded with one expiry each."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, tzinfo

from rxsupply.domain.fields import parse_date, parse_timestamp, parse_units
from rxsupply.domain.movement import Movement, MovementKind
from rxsupply.services.imports.columns import STOCK_COLUMNS
from rxsupply.services.imports.results import ImportResult, _finish, _key
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.references import resolve_products
from rxsupply.services.tabular import Errors, Table


def import_stock(
    uow: UnitOfWork,
    table: Table,
    *,
    now: datetime,
    local: tzinfo,
    cap: int = 100,
    user: str = "",
) -> ImportResult:
    """Opening on-hand: ``location,ndc,lot,expiry,quantity[,as_of,external_id]``, quantities
    in dispense units. Each row becomes an adjustment noted "opening stock"."""
    errors = Errors(table.name, cap)
    locs = {loc.code: loc for loc in uow.locations.all()}
    cols = {c: table.get(c) for c in STOCK_COLUMNS[0] + STOCK_COLUMNS[1]}
    products = resolve_products(uow, [n for n in cols["ndc"] if n])
    seen: dict[str, int] = {}
    rows: list[tuple[int, str, int, int, str, date | None, datetime, int]] = []
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
        when = now
        if cols["as_of"][i]:
            got = errors.value(
                row, "as_of", lambda s: parse_timestamp(s, local, "as_of"), cols["as_of"][i]
            )
            if got is None:
                continue
            when = got
        ext = cols["external_id"][i] or "stock:" + _key(
            loc.code, pid, lot_number, expiry, qty, cols["as_of"][i]
        )
        if ext in seen:
            errors.add(
                row,
                "external_id" if cols["external_id"][i] else "lot",
                f"duplicate of row {seen[ext]}",
            )
            continue
        seen[ext] = row
        assert loc.id is not None
        rows.append((row, ext, loc.id, pid, lot_number, expiry, when, qty))
    lot_expiry: dict[tuple[int, str], tuple[int, date | None]] = {}
    for row, _, _, pid, lot_number, expiry, _, _ in rows:
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
    done = uow.ledger.recorded([r[1] for r in rows])
    todo = [r for r in rows if r[1] not in done]
    lot_ids = uow.lots.ensure_many([(p, n, e) for (p, n), (_, e) in lot_expiry.items()])
    movements = [
        Movement(
            kind=MovementKind.ADJUSTMENT,
            occurred_at=when,
            product_id=pid,
            lot_id=lot_ids[(pid, num)],
            quantity=qty,
            to_location_id=loc_id,
            external_id=ext,
            note="opening stock",
        )
        for (_, ext, loc_id, pid, num, _, when, qty) in todo
    ]
    deltas: dict[tuple[int, int, int], int] = Counter()
    for m in movements:
        assert m.to_location_id is not None
        deltas[(m.to_location_id, m.product_id, m.lot_id)] += m.quantity
    uow.ledger.write(
        movements, deltas, now=now, external_ids=[m.external_id or "" for m in movements]
    )
    skipped = {"already imported": len(rows) - len(todo)} if len(rows) > len(todo) else {}
    result = ImportResult("stock", table.name, table.rows, len(movements), skipped)
    return _finish(uow, result, now=now, user=user)
