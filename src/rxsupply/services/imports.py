"""Importing the files a hospital pharmacy has: locations, items, opening stock, dispenses and
purchases.

Every import validates the whole file first and writes nothing when any row is bad; the error
lists row, field and reason for each problem (up to a cap). Rows already imported are skipped,
so importing the same file twice changes nothing.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from decimal import Decimal

from rxsupply.domain.fields import parse_date, parse_money, parse_timestamp, parse_units
from rxsupply.domain.location import Location, LocationKind, check_parent
from rxsupply.domain.movement import Movement, MovementKind
from rxsupply.domain.ndc import NDC
from rxsupply.domain.product import Criticality, DEASchedule, Item, Product
from rxsupply.errors import InsufficientStock, InvalidMovement, InvalidValue
from rxsupply.services.audit import record
from rxsupply.services.ports import PurchaseLine, UnitOfWork, book_for
from rxsupply.services.references import resolve_products
from rxsupply.services.tabular import Errors, Table

Progress = Callable[[int], None]


@dataclass(slots=True)
class ImportResult:
    kind: str
    file: str
    rows: int
    written: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "file": self.file,
            "rows": self.rows,
            "written": self.written,
            "skipped": dict(self.skipped),
        }


LOCATION_COLUMNS = (["code", "name", "kind"], ["parent", "capacity", "item", "unit"])
ITEM_COLUMNS = (
    ["item_code", "item_name", "ndc"],
    [
        "criticality",
        "product_name",
        "generic_name",
        "labeler",
        "strength",
        "dosage_form",
        "route",
        "package_size",
        "dispense_unit",
        "package_description",
        "dea_schedule",
        "package_cost",
    ],
)
STOCK_COLUMNS = (["location", "ndc", "lot", "expiry", "quantity"], ["as_of", "external_id"])
DISPENSE_COLUMNS = (
    ["transaction_id", "timestamp", "location", "quantity"],
    ["item", "ndc", "kind", "user"],
)
PURCHASE_COLUMNS = (
    ["invoice_date", "wholesaler", "ndc", "packages", "unit_price"],
    ["invoice_number"],
)
COLUMNS: dict[str, tuple[list[str], list[str]]] = {
    "items": ITEM_COLUMNS,
    "locations": LOCATION_COLUMNS,
    "stock": STOCK_COLUMNS,
    "dispenses": DISPENSE_COLUMNS,
    "purchases": PURCHASE_COLUMNS,
}
"""(required, optional) columns of each CSV kind."""


def _key(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:32]


def _finish(uow: UnitOfWork, result: ImportResult, *, now: datetime, user: str) -> ImportResult:
    """Audit the import in its own transaction: who imported which file, and what it wrote.
    An import that wrote nothing (the same file again) leaves no trace at all."""
    if result.written:
        record(
            uow,
            user=user,
            action=f"import_{result.kind.replace('-', '_')}",
            entity="file",
            key=result.file,
            now=now,
            after=result.as_dict(),
        )
    uow.commit()
    return result


def _tick(progress: Progress | None, n: int) -> None:
    if progress is not None:
        progress(n)


# --- locations ---------------------------------------------------------------------------


def import_locations(
    uow: UnitOfWork, table: Table, *, now: datetime, cap: int = 100, user: str = ""
) -> ImportResult:
    """The location tree: ``code,name,kind[,parent,capacity,item,unit]``. Parents may come
    later in the file or already be in the database."""
    errors = Errors(table.name, cap)
    existing = {loc.code: loc for loc in uow.locations.all()}
    item_ids = uow.items.ids_by_code()
    codes, names, kinds = table.get("code"), table.get("name"), table.get("kind")
    parents, caps = table.get("parent"), table.get("capacity")
    items, units = table.get("item"), table.get("unit")
    parsed: dict[str, tuple[int, Location]] = {}
    for i in range(table.rows):
        row = i + 1
        code = codes[i]
        if not code:
            errors.add(row, "code", "must not be blank")
            continue
        if code in parsed:
            errors.add(row, "code", f"duplicate of row {parsed[code][0]}")
            continue
        try:
            kind = LocationKind(kinds[i].lower())
        except ValueError:
            errors.add(
                row,
                "kind",
                f"{kinds[i]!r} is not one of {', '.join(k.value for k in LocationKind)}",
            )
            continue
        capacity = None
        if caps[i]:
            capacity = errors.value(row, "capacity", lambda s: parse_units(s, "capacity"), caps[i])
            if capacity is None:
                continue
        if items[i] and items[i] not in item_ids:
            errors.add(row, "item", f"unknown item {items[i]!r}; import items first")
            continue
        try:
            loc = Location(
                code=code,
                name=names[i] or code,
                kind=kind,
                parent_code=parents[i] or None,
                capacity=capacity,
                item_code=items[i] or None,
                unit=units[i],
            )
        except InvalidValue as exc:
            errors.add(row, exc.field, exc.reason)
            continue
        parsed[code] = (row, loc)
    for row, loc in parsed.values():
        parent = loc.parent_code
        parent_kind = None
        if parent is not None:
            if parent in parsed:
                parent_kind = parsed[parent][1].kind
            elif parent in existing:
                parent_kind = existing[parent].kind
            else:
                errors.add(row, "parent", f"unknown location {parent!r}")
                continue
        why = check_parent(loc.kind, parent_kind)
        if why:
            errors.add(row, "parent" if parent else "kind", why)
    _check_cycles(parsed, errors)
    errors.raise_if_any()
    ordered = _parents_first(parsed, existing)
    written = uow.locations.save_many(ordered, item_ids)
    return _finish(
        uow,
        ImportResult(
            "locations",
            table.name,
            table.rows,
            written,
            {"unchanged": table.rows - written} if table.rows > written else {},
        ),
        now=now,
        user=user,
    )


def _check_cycles(parsed: dict[str, tuple[int, Location]], errors: Errors) -> None:
    for code, (row, loc) in parsed.items():
        seen = {code}
        parent = loc.parent_code
        while parent in parsed:
            if parent in seen:
                errors.add(row, "parent", f"the tree loops back to {parent!r}")
                break
            seen.add(parent)
            parent = parsed[parent][1].parent_code


def _parents_first(
    parsed: dict[str, tuple[int, Location]], existing: dict[str, Location]
) -> list[Location]:
    out: list[Location] = []
    placed: set[str] = set(existing)
    pending = [loc for _, loc in parsed.values()]
    while pending:
        rest = []
        for loc in pending:
            if (
                loc.parent_code is None
                or loc.parent_code in placed
                or (loc.code in existing and loc.parent_code not in parsed)
            ):
                out.append(loc)
                placed.add(loc.code)
            else:
                rest.append(loc)
        if len(rest) == len(pending):
            out.extend(rest)
            break
        pending = rest
    return out


# --- items -------------------------------------------------------------------------------


def import_items(
    uow: UnitOfWork, table: Table, *, now: datetime, cap: int = 100, user: str = ""
) -> ImportResult:
    """The item master, one row per item and NDC that stocks it. An NDC unknown to the
    database is defined by the row's product columns (package_size and dispense_unit at least);
    a known one is linked and enriched."""
    errors = Errors(table.name, cap)
    cols = {c: table.get(c) for c in ITEM_COLUMNS[0] + ITEM_COLUMNS[1]}
    known = resolve_products(uow, [n for n in cols["ndc"] if n])
    items: dict[str, Item] = {}
    item_rows: dict[str, int] = {}
    new_products: dict[str, tuple[int, Product]] = {}
    links: dict[str, list[str]] = defaultdict(list)
    seen_pairs: dict[tuple[str, str], int] = {}
    for i in range(table.rows):
        row = i + 1
        code, name, ndc_text = cols["item_code"][i], cols["item_name"][i], cols["ndc"][i]
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
        if code in items and (items[code].name, items[code].criticality) != (name, crit):
            errors.add(
                row, "item_name", f"item {code} is named differently on row {item_rows[code]}"
            )
            continue
        items.setdefault(code, Item(code=code, name=name, criticality=crit))
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
        else:
            links[code].append(f"id:{resolved}")
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
    result = ImportResult("items", table.name, table.rows, written + inserted + enriched)
    return _finish(uow, result, now=now, user=user)


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


# --- opening stock -----------------------------------------------------------------------


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


# --- dispenses ---------------------------------------------------------------------------

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
    now: datetime,
    local: tzinfo,
    cap: int = 100,
    user: str = "",
    progress: Progress | None = None,
) -> ImportResult:
    """ADC or EHR dispense transactions:
    ``transaction_id,timestamp,location,quantity`` and ``item`` or ``ndc`` (``kind``
    dispense/return/waste, default dispense). Rows are applied in time order; a dispense that
    needs more than is on hand rejects the file."""
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
    items, ndcs, _users = table.get("item"), table.get("ndc"), table.get("user")
    products = resolve_products(uow, {n for n in ndcs if n}) if has_ndc else {}
    seen: dict[str, int] = {}
    parsed: list[tuple[datetime, int, str, int, list[int], str, int, MovementKind]] = []
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
            stamp = errors.value(row, "timestamp", lambda s: parse_timestamp(s, local), stamps[i])
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
            if qtext.isascii() and qtext.isdigit() and qtext != "0"
            else errors.value(row, "quantity", parse_units, qtext)
        )
        if qty is None:
            continue
        kind = _DISPENSE_KINDS.get(kinds[i].lower())
        if kind is None:
            errors.add(row, "kind", f"{kinds[i]!r} is not dispense, return or waste")
            continue
        if has_item and items[i]:
            iid = item_ids.get(items[i])
            if iid is None:
                errors.add(row, "item", f"unknown item {items[i]!r}")
                continue
            pids = item_products.get(iid)
            if not pids:
                errors.add(row, "item", f"item {items[i]} has no products")
                continue
            what = items[i]
        elif has_ndc and ndcs[i]:
            pid = products.get(ndcs[i])
            if not isinstance(pid, int):
                errors.add(row, "ndc", str(pid))
                continue
            pids, what = [pid], ndcs[i]
        else:
            errors.add(row, "item" if has_item else "ndc", "give an item code or an NDC")
            continue
        parsed.append((stamp, row, tid, loc_id, pids, what, qty, kind))
        if row % 10_000 == 0:
            _tick(progress, 10_000)
    errors.raise_if_any()
    done = uow.ledger.recorded(["txn:" + p[2] for p in parsed])
    todo = [p for p in parsed if "txn:" + p[2] not in done]
    todo.sort(key=lambda p: (p[0], p[1]))
    book = book_for(
        uow,
        roots={p[3] for p in todo},
        product_ids={pid for p in todo for pid in p[4]},
        lock=True,
    )
    movements: list[Movement] = []
    for stamp, row, tid, loc_id, pids, what, qty, kind in todo:
        try:
            if kind is MovementKind.PATIENT_RETURN:
                movements.append(
                    book.put_back(
                        kind=kind,
                        location_id=loc_id,
                        product_ids=pids,
                        quantity=qty,
                        occurred_at=stamp,
                        external_id="txn:" + tid,
                        what=what,
                    )
                )
            else:
                movements.extend(
                    book.issue(
                        kind=kind,
                        location_id=loc_id,
                        product_ids=pids,
                        quantity=qty,
                        occurred_at=stamp,
                        external_id="txn:" + tid,
                        what=what,
                    )
                )
        except (InsufficientStock, InvalidMovement) as exc:
            errors.add(row, "quantity", str(exc))
    errors.raise_if_any()
    uow.ledger.write(movements, book.deltas, now=now, external_ids=["txn:" + p[2] for p in todo])
    skipped = {"already imported": len(parsed) - len(todo)} if len(parsed) > len(todo) else {}
    result = ImportResult("dispenses", table.name, table.rows, len(todo), skipped)
    return _finish(uow, result, now=now, user=user)


# --- purchases ---------------------------------------------------------------------------


def import_purchases(
    uow: UnitOfWork, table: Table, *, now: datetime, cap: int = 100, user: str = ""
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
    written = uow.purchases.save_many(todo)
    latest: dict[int, tuple[date, Decimal]] = {}
    for ln in todo:
        if ln.packages > 0 and (
            ln.product_id not in latest or ln.invoice_date >= latest[ln.product_id][0]
        ):
            latest[ln.product_id] = (ln.invoice_date, ln.unit_price)
    uow.products.set_package_cost({pid: price for pid, (_, price) in latest.items()})
    skipped = {"already imported": len(lines) - len(todo)} if len(lines) > len(todo) else {}
    result = ImportResult("purchases", table.name, table.rows, written, skipped)
    return _finish(uow, result, now=now, user=user)


# --- products (NDC Directory and other catalogues) ---------------------------------------


def import_products(
    uow: UnitOfWork,
    products: list[Product],
    *,
    source: str,
    file: str,
    rows: int,
    skipped: dict[str, int] | None = None,
    now: datetime,
    user: str = "",
) -> ImportResult:
    """Add products by NDC: unknown NDCs are inserted, known ones enriched (blank fields
    filled), never duplicated. A product whose 11-digit billing form equals another NDC's is
    skipped ("billing-form collision")."""
    skips = dict(skipped or {})
    seen11: dict[str, str] = {}
    keep: list[Product] = []
    for p in products:
        other = seen11.get(p.ndc.ndc11)
        if other is not None and other != p.ndc.digits:
            skips["billing-form collision"] = skips.get("billing-form collision", 0) + 1
            continue
        seen11[p.ndc.ndc11] = p.ndc.digits
        keep.append(p)
    in_db = uow.products.ids_by("ndc11", [p.ndc.ndc11 for p in keep])
    by_digits = uow.products.ids_by("digits10", [p.ndc.digits for p in keep])
    clash = {p.ndc.ndc11 for p in keep if p.ndc.ndc11 in in_db and p.ndc.digits not in by_digits}
    if clash:
        keep = [p for p in keep if p.ndc.ndc11 not in clash]
        skips["billing-form collision"] = skips.get("billing-form collision", 0) + len(clash)
    inserted, enriched = uow.products.save_many(keep, source=source)
    unchanged = len(keep) - inserted - enriched
    if unchanged:
        skips["already known, nothing to add"] = unchanged
    if enriched:
        skips["already known, enriched"] = enriched
    result = ImportResult("ndc-directory", file, rows, inserted, skips)
    return _finish(uow, result, now=now, user=user)
