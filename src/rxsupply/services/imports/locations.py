"""Importing the location tree: :func:`import_locations`, with parents checked (kind, known,
no loops) and saved before their children."""

from __future__ import annotations

from datetime import datetime

from rxsupply.domain.fields import parse_units
from rxsupply.domain.location import Location, LocationKind, check_parent
from rxsupply.errors import InvalidValue
from rxsupply.services.imports.results import ImportResult, _finish
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.ports.tables import Errors, Table


def import_locations(
    uow: UnitOfWork, table: Table, *, now: datetime, user: str, cap: int = 100
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
        if not errors.fits(
            row,
            {
                "code": (code, 64),
                "name": (names[i], 200),
                "parent": (parents[i], 64),
                "item": (items[i], 64),
                "unit": (units[i], 64),
            },
        ):
            continue
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
