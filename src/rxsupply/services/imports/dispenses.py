"""Importing dispense transactions: :func:`import_dispenses`, ADC or EHR dispenses, patient
returns and waste applied in time order through the stock book."""

from __future__ import annotations

from datetime import datetime

from rxsupply.domain.clock import Clock
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.fields import parse_timestamp, parse_units
from rxsupply.domain.limits import LedgerLimits
from rxsupply.domain.movement import MovementKind
from rxsupply.errors import RxSupplyError
from rxsupply.services.imports.results import (
    ImportResult,
    Progress,
    _finish,
    _tick,
    field_of,
    reason_of,
)
from rxsupply.services.ledger import Bulk, Dispense
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.ports.tables import Errors, Table
from rxsupply.services.references import resolve_products

Row = tuple[datetime, int, str, str, str | None, str | None, int, MovementKind, str, int, list[int]]

_DISPENSE_KINDS = {
    "dispense": MovementKind.DISPENSE,
    "": MovementKind.DISPENSE,
    "d": MovementKind.DISPENSE,
    "return": MovementKind.PATIENT_RETURN,
    "patient_return": MovementKind.PATIENT_RETURN,
    "r": MovementKind.PATIENT_RETURN,
    "waste": MovementKind.WASTE,
    "w": MovementKind.WASTE,
}


def import_dispenses(
    uow: UnitOfWork,
    table: Table,
    *,
    clock: Clock,
    user: str,
    cap: int = 100,
    limits: LedgerLimits | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """ADC or EHR dispense transactions:
    ``transaction_id,timestamp,location,quantity`` and ``item`` or ``ndc`` (``kind``
    dispense/return/waste, default dispense; ``user``, the nurse, else the importer). Rows are
    posted in time order through the ledger's one path (usable stock, earliest expiry first on
    each row's day). The cabinet is the truth for what left it: a dispense or waste beyond the
    usable stock on record posts what is usable and records the rest as a discrepancy to
    resolve, and the file is not refused for it."""
    errors = Errors(table.name, cap)
    loc_ids = uow.locations.ids_by_code()
    item_ids = uow.items.ids_by_code()
    item_products = uow.items.products_of()
    has_item, has_ndc = "item" in table.columns, "ndc" in table.columns
    if not has_item and not has_ndc:
        errors.add(0, "item", "the file needs an item or an ndc column")
        errors.raise_if_any()
    txn, stamps, locs = table.get("transaction_id"), table.get("timestamp"), table.get("location")
    qtys, kinds = table.get("quantity"), table.get("kind")
    items, ndcs, users = table.get("item"), table.get("ndc"), table.get("user")
    products = resolve_products(uow, {n for n in ndcs if n}) if has_ndc else {}
    seen: dict[str, int] = {}
    # (stamp, row, transaction, location, item, ndc, quantity, kind, user, location id, products)
    parsed: list[Row] = []
    stamp_cache: dict[str, datetime] = {}
    for i in range(table.rows):
        row = i + 1
        tid = txn[i]
        if not tid:
            errors.add(row, "transaction_id", "must not be blank")
            continue
        if tid in seen:
            errors.add(row, "transaction_id", f"duplicate of row {seen[tid]}")
            continue
        seen[tid] = row
        stamp = stamp_cache.get(stamps[i])
        if stamp is None:
            stamp = errors.value(
                row, "timestamp", lambda s: parse_timestamp(s, clock.zone), stamps[i]
            )
            if stamp is None:
                continue
            stamp_cache[stamps[i]] = stamp
        loc_id = loc_ids.get(locs[i])
        if loc_id is None:
            errors.add(row, "location", f"unknown location {locs[i]!r}")
            continue
        qtext = qtys[i]
        qty = (
            int(qtext)
            if qtext.isascii() and qtext.isdigit() and qtext != "0" and len(qtext) < 10
            else errors.value(row, "quantity", parse_units, qtext)
        )
        if qty is None:
            continue
        kind = _DISPENSE_KINDS.get(kinds[i].lower())
        if kind is None:
            errors.add(row, "kind", f"{kinds[i]!r} is not dispense, return or waste")
            continue
        item: str | None = None
        ndc: str | None = None
        if has_item and items[i]:
            iid = item_ids.get(items[i])
            if iid is None:
                errors.add(row, "item", f"unknown item {items[i]!r}")
                continue
            pids = item_products.get(iid)
            if not pids:
                errors.add(row, "item", f"item {items[i]} has no products")
                continue
            item = items[i]
        elif has_ndc and ndcs[i]:
            pid = products.get(ndcs[i])
            if not isinstance(pid, int):
                errors.add(row, "ndc", str(pid))
                continue
            pids, ndc = [pid], ndcs[i]
        else:
            errors.add(row, "item" if has_item else "ndc", "give an item code or an NDC")
            continue
        if not errors.fits(row, {"transaction_id": (tid, 116), "user": (users[i], 80)}):
            continue
        parsed.append((stamp, row, tid, locs[i], item, ndc, qty, kind, users[i], loc_id, pids))
        if row % 10_000 == 0:
            _tick(progress, 10_000)
    errors.raise_if_any()
    done = uow.ledger.recorded(["txn:" + p[2] for p in parsed])
    todo = [p for p in parsed if "txn:" + p[2] not in done]
    todo.sort(key=lambda p: (p[0], p[1]))
    bulk = Bulk(
        uow,
        clock=clock,
        limits=limits,
        scope=({p[9] for p in todo}, {pid for p in todo for pid in p[10]}),
    )
    for stamp, row, tid, location, item, ndc, qty, kind, nurse, _, _ in todo:
        try:  # the command is made here, one at a time: a million rows stay tuples until then
            bulk.apply(
                Dispense(
                    user=nurse or user,
                    location=location,
                    quantity=qty,
                    item=item,
                    product=ndc,
                    kind=kind,
                    occurred_at=stamp,
                    external_id=ExternalId("txn", tid),
                    reported=True,
                )
            )
        except RxSupplyError as exc:
            errors.add(row, field_of(exc, "quantity"), reason_of(exc))
    errors.raise_if_any()
    found = len(bulk.discrepancies)
    bulk.write(audit=None)
    skipped = {"already imported": len(parsed) - len(todo)} if len(parsed) > len(todo) else {}
    result = ImportResult("dispenses", table.name, table.rows, len(todo), skipped, found)
    return _finish(uow, result, now=clock.now(), user=user)
