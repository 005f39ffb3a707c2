"""Importing the item master: :func:`import_items`, one row per item and NDC, unknown NDCs
defined by the row's product columns and known ones linked and enriched."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import datetime

from rxsupply.domain.fields import parse_money, parse_units
from rxsupply.domain.ndc import NDC
from rxsupply.domain.product import CasePack, Criticality, DEASchedule, Item, Product
from rxsupply.errors import InvalidValue
from rxsupply.services.imports.columns import ITEM_COLUMNS
from rxsupply.services.imports.results import ImportResult, _finish
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.ports.tables import Errors, Table
from rxsupply.services.references import resolve_products

_YES = {"yes": True, "y": True, "true": True, "1": True, "no": False, "n": False, "false": False}


def import_items(
    uow: UnitOfWork, table: Table, *, now: datetime, user: str, cap: int = 100
) -> ImportResult:
    """The item master, one row per item and NDC that stocks it. An NDC unknown to the
    database is defined by the row's product columns (package_size and dispense_unit at least);
    a known one is linked and enriched. ``non_expiring`` (yes/no) marks items received without
    an expiry; ``case_gtin`` and ``case_packages`` declare a case (GTIN indicator 1-8) of the
    row's product and how many of its packages it holds, so scanning the case receives them."""
    errors = Errors(table.name, cap)
    cols = {c: table.get(c) for c in ITEM_COLUMNS[0] + ITEM_COLUMNS[1]}
    known = resolve_products(uow, [n for n in cols["ndc"] if n])
    items: dict[str, Item] = {}
    item_rows: dict[str, int] = {}
    new_products: dict[str, tuple[int, Product]] = {}
    links: dict[str, list[str]] = defaultdict(list)
    seen_pairs: dict[tuple[str, str], int] = {}
    cases: dict[str, tuple[int, CasePack, str]] = {}  # gtin -> row, case, product reference
    for i in range(table.rows):
        row = i + 1
        code, name, ndc_text = cols["item_code"][i], cols["item_name"][i], cols["ndc"][i]
        limits = {"item_code": 64, "item_name": 300, "ndc": 20, "product_name": 300}
        limits |= {"labeler": 200, "generic_name": 500, "strength": 500, "dosage_form": 100}
        limits |= {"route": 200, "dispense_unit": 40, "package_description": 2000}
        if not errors.fits(row, {c: (cols[c][i], n) for c, n in limits.items()}):
            continue
        if not code:
            errors.add(row, "item_code", "must not be blank")
            continue
        if not name:
            errors.add(row, "item_name", "must not be blank")
            continue
        crit_text = cols["criticality"][i].lower() or "essential"
        try:
            crit = Criticality(crit_text)
        except ValueError:
            errors.add(
                row, "criticality", f"{crit_text!r} is not vital, essential or non-essential"
            )
            continue
        lasting = _YES.get(cols["non_expiring"][i].strip().lower() or "no")
        if lasting is None:
            errors.add(row, "non_expiring", "yes or no")
            continue
        if code in items and (
            items[code].name,
            items[code].criticality,
            items[code].non_expiring,
        ) != (name, crit, lasting):
            errors.add(
                row, "item_name", f"item {code} is described differently on row {item_rows[code]}"
            )
            continue
        items.setdefault(code, Item(code=code, name=name, criticality=crit, non_expiring=lasting))
        item_rows.setdefault(code, row)
        if not ndc_text:
            errors.add(row, "ndc", "must not be blank")
            continue
        if (code, ndc_text) in seen_pairs:
            errors.add(row, "ndc", f"duplicate of row {seen_pairs[(code, ndc_text)]}")
            continue
        seen_pairs[(code, ndc_text)] = row
        resolved = known.get(ndc_text)
        size_text = cols["package_size"][i]
        if size_text or not isinstance(resolved, int):
            product = _product_from_row(
                errors, row, cols, i, ndc_text, must_define=not isinstance(resolved, int)
            )
            if product is None:
                continue
            digits = product.ndc.digits
            if digits in new_products and new_products[digits][1] != product:
                errors.add(row, "ndc", f"defined differently on row {new_products[digits][0]}")
                continue
            new_products.setdefault(digits, (row, product))
            links[code].append(digits)
            ref = digits
        else:
            ref = f"id:{resolved}"
            links[code].append(ref)
        case = _case_of(errors, row, cols, i)
        if case is not None:
            earlier = cases.get(case.gtin)
            if earlier is not None and (earlier[1], earlier[2]) != (case, ref):
                errors.add(row, "case_gtin", f"declared differently on row {earlier[0]}")
                continue
            cases.setdefault(case.gtin, (row, case, ref))
    errors.raise_if_any()
    products = [p for _, p in new_products.values()]
    inserted, enriched = uow.products.save_many(products, source="item-file")
    ids_by_digits = {p.ndc.digits: p.id for p in products}
    for code, refs in links.items():
        for ref in refs:
            pid = int(ref[3:]) if ref.startswith("id:") else ids_by_digits[ref]
            assert pid is not None
            if pid not in items[code].product_ids:
                items[code].product_ids.append(pid)
    written = uow.items.save_many(list(items.values()))
    declared = uow.products.save_cases(
        [
            replace(case, product_id=int(ref[3:]) if ref.startswith("id:") else ids_by_digits[ref])
            for _, case, ref in cases.values()
        ]
    )
    result = ImportResult("items", table.name, table.rows, written + inserted + enriched + declared)
    return _finish(uow, result, now=now, user=user)


def _case_of(errors: Errors, row: int, cols: dict[str, list[str]], i: int) -> CasePack | None:
    """The case a row declares (both columns or neither)."""
    gtin, count = cols["case_gtin"][i].strip(), cols["case_packages"][i].strip()
    if not gtin and not count:
        return None
    if not gtin or not count:
        errors.add(row, "case_gtin" if not gtin else "case_packages", "give both or neither")
        return None
    packages = errors.value(row, "case_packages", lambda t: parse_units(t, "case_packages"), count)
    if packages is None:
        return None
    try:
        return CasePack(gtin, packages)
    except InvalidValue as exc:
        errors.add(row, "case_gtin" if exc.field != "case_packages" else exc.field, exc.reason)
        return None


def _product_from_row(
    errors: Errors,
    row: int,
    cols: dict[str, list[str]],
    i: int,
    ndc_text: str,
    *,
    must_define: bool,
) -> Product | None:
    try:
        ndc = NDC.parse(ndc_text)
    except InvalidValue as exc:
        errors.add(row, "ndc", exc.reason)
        return None
    if must_define and not cols["package_size"][i]:
        errors.add(
            row,
            "package_size",
            f"NDC {ndc} is not in the database; give package_size "
            "and dispense_unit to define it, or import the NDC Directory first",
        )
        return None
    size = errors.value(
        row, "package_size", lambda s: parse_units(s, "package_size"), cols["package_size"][i]
    )
    if size is None:
        return None
    cost = None
    if cols["package_cost"][i]:
        cost = errors.value(
            row, "package_cost", lambda s: parse_money(s, "package_cost"), cols["package_cost"][i]
        )
        if cost is None:
            return None
    try:
        dea = DEASchedule.parse(cols["dea_schedule"][i])
    except InvalidValue as exc:
        errors.add(row, "dea_schedule", exc.reason)
        return None
    return Product(
        ndc=ndc,
        name=cols["product_name"][i] or cols["item_name"][i],
        labeler=cols["labeler"][i],
        generic_name=cols["generic_name"][i],
        strength=cols["strength"][i],
        dosage_form=cols["dosage_form"][i],
        route=cols["route"][i],
        package_size=size,
        dispense_unit=(cols["dispense_unit"][i] or "EA").upper(),
        package_description=cols["package_description"][i],
        dea_schedule=dea,
        package_cost=cost,
    )
