"""Importing purchase history: :func:`import_purchases`, invoice lines recorded once each, and
each product's cost set to its latest invoice price."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from decimal import Decimal

from rxsupply.domain.fields import parse_date, parse_money, parse_units
from rxsupply.services.imports.columns import PURCHASE_COLUMNS
from rxsupply.services.imports.results import ImportResult, _finish, _key
from rxsupply.services.ports import PurchaseLine, UnitOfWork
from rxsupply.services.ports.tables import Errors, Table
from rxsupply.services.references import resolve_products


def import_purchases(
    uow: UnitOfWork, table: Table, *, now: datetime, user: str, cap: int = 100
) -> ImportResult:
    """Invoice lines: ``invoice_date,wholesaler,ndc,packages,unit_price[,invoice_number]``;
    ``unit_price`` is the price of one package. Purchase history only: stock comes from
    receipts and opening stock. Each product's cost becomes its latest invoice price."""
    errors = Errors(table.name, cap)
    cols = {c: table.get(c) for c in PURCHASE_COLUMNS[0] + PURCHASE_COLUMNS[1]}
    products = resolve_products(uow, [n for n in cols["ndc"] if n])
    lines: list[PurchaseLine] = []
    occurrences: Counter[str] = Counter()
    for i in range(table.rows):
        row = i + 1
        if not errors.fits(
            row,
            {
                "wholesaler": (cols["wholesaler"][i], 200),
                "invoice_number": (cols["invoice_number"][i], 60),
            },
        ):
            continue
        day = errors.value(
            row, "invoice_date", lambda s: parse_date(s, "invoice_date"), cols["invoice_date"][i]
        )
        if day is None:
            continue
        wholesaler = cols["wholesaler"][i]
        if not wholesaler:
            errors.add(row, "wholesaler", "must not be blank")
            continue
        pid = products.get(cols["ndc"][i], "must not be blank")
        if not isinstance(pid, int):
            errors.add(row, "ndc", pid)
            continue
        packages = errors.value(
            row,
            "packages",
            lambda s: parse_units(s, "packages", allow_negative=True),
            cols["packages"][i],
        )
        if packages is None:
            continue
        price = errors.value(row, "unit_price", parse_money, cols["unit_price"][i])
        if price is None:
            continue
        content = _key(day, wholesaler, cols["invoice_number"][i], pid, packages, price)
        occurrences[content] += 1
        lines.append(
            PurchaseLine(
                line_key=f"{content}#{occurrences[content]}",
                invoice_date=day,
                invoice_number=cols["invoice_number"][i],
                wholesaler=wholesaler,
                product_id=pid,
                packages=packages,
                unit_price=price,
            )
        )
    errors.raise_if_any()
    done = uow.purchases.recorded([ln.line_key for ln in lines])
    todo = [ln for ln in lines if ln.line_key not in done]
    # a product's cost follows its latest purchase: a file of older invoices, imported late,
    # records them without rolling the cost back
    before = uow.purchases.last_purchased({ln.product_id for ln in todo})
    written = uow.purchases.save_many(todo)
    latest: dict[int, tuple[date, Decimal]] = {}
    for ln in todo:
        if ln.packages > 0 and (
            ln.product_id not in latest or ln.invoice_date >= latest[ln.product_id][0]
        ):
            latest[ln.product_id] = (ln.invoice_date, ln.unit_price)
    uow.products.set_package_cost(
        {
            pid: price
            for pid, (day, price) in latest.items()
            if pid not in before or day >= before[pid]
        }
    )
    skipped = {"already imported": len(lines) - len(todo)} if len(lines) > len(todo) else {}
    result = ImportResult("purchases", table.name, table.rows, written, skipped)
    return _finish(uow, result, now=now, user=user)
