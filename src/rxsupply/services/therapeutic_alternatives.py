"""The therapeutic alternatives table the pharmacy keeps (issue 12, item 3): which item may be
given instead of which, and how to convert (:mod:`rxsupply.domain.alternatives`).

- :func:`add_therapeutic_alternative`: a row added; the same pair again replaces its note and
  ratio (and who and when).
- :func:`remove_therapeutic_alternative`: a row removed.
- :func:`list_therapeutic_alternatives`: the rows, of one item or all.
- :func:`import_therapeutic_alternatives`: a CSV file of rows (columns
  :data:`THERAPEUTIC_COLUMNS`: ``item_code``, ``alternative_code``, ``note``, optional
  ``ratio``), validated whole before anything is written; a row naming an unknown item, the
  item itself, no note or a bad ratio rejects the file with the file, row, field and reason.

Every change names its user and is audited with it.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from rxsupply.domain.alternatives import TherapeuticAlternative, check_note, parse_ratio
from rxsupply.domain.clock import Clock
from rxsupply.domain.fields import check_text
from rxsupply.domain.product import Item
from rxsupply.errors import InvalidValue, NotFound, UnknownItem
from rxsupply.services.audit import record, require_user
from rxsupply.services.imports.results import ImportResult, _finish
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.ports.tables import Errors, Table

THERAPEUTIC_COLUMNS = (["item_code", "alternative_code", "note"], ["ratio"])
"""(required, optional) columns of a therapeutic alternatives file."""


def list_therapeutic_alternatives(
    uow: UnitOfWork, *, item: str | None = None
) -> list[TherapeuticAlternative]:
    """The table's rows (of one item when named), by item code then alternative code."""
    if item is None:
        return uow.alternatives.therapeutic()
    return uow.alternatives.therapeutic([_item(uow, item, "item").id or 0])


def add_therapeutic_alternative(
    uow: UnitOfWork,
    *,
    item: str,
    alternative: str,
    note: str,
    ratio: Decimal | str | None = None,
    user: str,
    clock: Clock,
) -> TherapeuticAlternative:
    """Record that ``alternative`` may be given instead of ``item``, converted as ``note``
    says (``ratio``: the alternative's dose per unit of the item's); commits."""
    require_user(user)
    row = _row(
        _item(uow, item, "item"),
        _item(uow, alternative, "alternative"),
        check_note(note),
        _ratio(ratio),
        user,
        clock,
    )
    saved = _save(uow, row, clock)
    uow.commit()
    return saved


def remove_therapeutic_alternative(
    uow: UnitOfWork, *, item: str, alternative: str, user: str, clock: Clock
) -> TherapeuticAlternative:
    """Remove a row of the table; commits. Returns the row removed."""
    require_user(user)
    first, other = _item(uow, item, "item"), _item(uow, alternative, "alternative")
    found = uow.alternatives.find_therapeutic(first.id or 0, other.id or 0)
    if found is None or found.id is None:
        raise NotFound(
            "therapeutic alternative",
            f"{first.code} -> {other.code}",
            f"see rxsupply shortages therapeutic list --item {first.code}",
        )
    uow.alternatives.remove_therapeutic(found.id)
    record(
        uow,
        user=user,
        action="remove_therapeutic_alternative",
        entity="therapeutic_alternative",
        key=f"{first.code}->{other.code}",
        now=clock.now(),
        before=found.as_dict(),
    )
    uow.commit()
    return found


def import_therapeutic_alternatives(
    uow: UnitOfWork, table: Table, *, user: str, clock: Clock, cap: int = 100
) -> ImportResult:
    """A file of rows, validated whole first (unknown item codes, an item as its own
    alternative, a blank note, a bad ratio, a pair twice); written once: the same file again
    changes nothing. Commits."""
    require_user(user)
    errors = Errors(table.name, cap)
    cols = {c: table.get(c) for c in THERAPEUTIC_COLUMNS[0] + THERAPEUTIC_COLUMNS[1]}
    items = uow.items.get_many(
        {v.strip() for c in ("item_code", "alternative_code") for v in cols[c] if v.strip()}
    )
    rows: list[TherapeuticAlternative] = []
    seen: dict[tuple[str, str], int] = {}
    for i in range(table.rows):
        n = i + 1
        first = _known(errors, items, n, "item_code", cols["item_code"][i])
        other = _known(errors, items, n, "alternative_code", cols["alternative_code"][i])
        note = errors.value(n, "note", check_note, cols["note"][i])
        ratio_text = cols["ratio"][i]
        ratio = errors.value(n, "ratio", parse_ratio, ratio_text)
        if first is None or other is None or note is None or (ratio is None and ratio_text):
            continue
        if first.code == other.code:
            errors.add(n, "alternative_code", f"{other.code} is the item itself")
            continue
        pair = (first.code, other.code)
        if pair in seen:
            errors.add(n, "alternative_code", f"row {seen[pair]} gives the same pair")
            continue
        seen[pair] = n
        rows.append(_row(first, other, note, ratio, user, clock))
    errors.raise_if_any()
    written = 0
    for row in rows:
        before = uow.alternatives.find_therapeutic(row.item_id or 0, row.alternative_id or 0)
        if before is not None and (before.note, before.ratio) == (row.note, row.ratio):
            continue
        _save(uow, row, clock, before=before)
        written += 1
    unchanged = len(rows) - written
    skipped = {"unchanged": unchanged} if unchanged else {}
    result = ImportResult("therapeutic-alternatives", table.name, table.rows, written, skipped)
    return _finish(uow, result, now=clock.now(), user=user)


def _item(uow: UnitOfWork, code: str, field: str) -> Item:
    wanted = check_text(field, code, limit=64).strip()
    if not wanted:
        raise InvalidValue(field, "name the item by its code")
    found = uow.items.get(wanted)
    if found is None or found.id is None:
        raise UnknownItem(wanted)
    return found


def _known(errors: Errors, items: dict[str, Item], n: int, field: str, code: str) -> Item | None:
    wanted = code.strip()
    if not wanted:
        errors.add(n, field, "must not be blank")
        return None
    found = items.get(wanted)
    if found is None:
        shown = wanted if len(wanted) <= 40 else wanted[:40] + "..."
        errors.add(n, field, f"no item has the code {shown!r}")
    return found


def _ratio(ratio: Decimal | str | None) -> Decimal | None:
    if ratio is None:
        return None
    return parse_ratio(str(ratio))


def _row(
    first: Item, other: Item, note: str, ratio: Decimal | None, user: str, clock: Clock
) -> TherapeuticAlternative:
    if first.id == other.id:
        raise InvalidValue("alternative", f"{other.code} is the item itself", other.code)
    return TherapeuticAlternative(
        item=first.code,
        item_name=first.name,
        alternative=other.code,
        alternative_name=other.name,
        note=note,
        ratio=ratio,
        added_by=user,
        added_at=clock.now(),
        item_id=first.id,
        alternative_id=other.id,
    )


def _save(
    uow: UnitOfWork,
    row: TherapeuticAlternative,
    clock: Clock,
    *,
    before: TherapeuticAlternative | None = None,
) -> TherapeuticAlternative:
    """Add the row, or replace the note and ratio of the pair's row; audited."""
    if before is None:
        before = uow.alternatives.find_therapeutic(row.item_id or 0, row.alternative_id or 0)
    if before is None:
        row_id = uow.alternatives.add_therapeutic(row)
    else:
        row_id = before.id or 0
        uow.alternatives.update_therapeutic(_with_id(row, row_id))
    record(
        uow,
        user=row.added_by,
        action="add_therapeutic_alternative"
        if before is None
        else "update_therapeutic_alternative",
        entity="therapeutic_alternative",
        key=f"{row.item}->{row.alternative}",
        now=clock.now(),
        before=None if before is None else before.as_dict(),
        after=row.as_dict(),
    )
    return _with_id(row, row_id)


def _with_id(row: TherapeuticAlternative, row_id: int) -> TherapeuticAlternative:
    return replace(row, id=row_id)
