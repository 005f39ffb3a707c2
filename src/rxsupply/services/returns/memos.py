"""Credit memos against shipped return batches, their reconciliation and the aging of what is
still outstanding (:func:`rxsupply.domain.return_batch.reconcile`).

- :func:`enter_credit_memo`: a memo's lines (NDC, lot, units, credit) for a shipped batch,
  dated from the day it shipped to today; a line already recorded the same (its lot in any
  case, as reconciling matches it) is skipped (the same memo entered twice changes nothing),
  recorded otherwise it is refused. An NDC or GTIN of a product on file is kept as the
  product's NDC; one not on file is kept as typed when it fits an NDC (a credit for a lot
  nobody shipped), refused otherwise.
- :func:`import_credit_memo`: the same from a file (columns :data:`MEMO_COLUMNS`), checked
  whole first: a bad row rejects the file with its row, field and reason.
- :func:`reconcile_batch`: each line matched, short-paid, over-credited, not credited; memo
  lines for lots the batch did not ship; the totals
  (:func:`rxsupply.domain.return_batch.totals`: what the shipped lines were credited apart
  from credit for lots not shipped).
- :func:`credit_aging`: the shipped batches with credit outstanding, by days since shipped
  (the facility's calendar days).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from rxsupply.domain.clock import Clock
from rxsupply.domain.fields import UNITS_LIMIT, check_text, parse_money, parse_units
from rxsupply.domain.return_batch import (
    BUCKETS,
    CENT,
    BatchStatus,
    LineState,
    MemoLine,
    ReturnBatch,
    age_bucket,
    reconcile,
    totals,
)
from rxsupply.errors import InvalidValue, ReturnRefused, UnknownProduct
from rxsupply.services.audit import record, require_user
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.ports.tables import Errors, Table
from rxsupply.services.references import find_product
from rxsupply.services.returns.batches import find_batch

MEMO_COLUMNS: tuple[list[str], list[str]] = (["ndc", "lot", "quantity", "credit"], [])
"""(required, optional) columns of a credit memo file."""


@dataclass(frozen=True, slots=True)
class MemoEntry:
    """A memo line as typed."""

    ndc: str
    lot: str
    quantity: int
    credit: Decimal


NDC_CHARS = 13
"""The longest NDC as written (5-4-2 with its two dashes): a memo line's identifier column."""


def _ndc(uow: UnitOfWork, text: str, n: int) -> str:
    """The product's NDC as the ledger writes it; an NDC not on file is kept as typed (a
    credit for a lot nobody shipped) when it fits one, else refused."""
    typed = check_text("ndc", text, limit=20).strip()
    if not typed:
        raise InvalidValue("ndc", f"line {n}: name the NDC credited")
    try:
        return str(find_product(uow, typed).ndc)
    except (UnknownProduct, InvalidValue):
        if len(typed) > NDC_CHARS:
            raise InvalidValue(
                "ndc",
                f"line {n}: no product on file has this NDC or GTIN; write the NDC as the "
                f"memo prints it ({NDC_CHARS} characters at most)",
                typed,
            ) from None
        return typed


def _amounts(entry: MemoEntry, n: int) -> tuple[int, Decimal]:
    """The line's units and credit, in bounds (the same as a typed form's)."""
    if not 0 <= entry.quantity <= UNITS_LIMIT:
        raise InvalidValue("quantity", f"line {n}: 0 to {UNITS_LIMIT:,} units", entry.quantity)
    return entry.quantity, parse_money(str(entry.credit), "credit")


def enter_credit_memo(
    uow: UnitOfWork,
    *,
    batch: str,
    memo_number: str,
    memo_date: date,
    lines: Sequence[MemoEntry],
    user: str,
    clock: Clock,
) -> dict[str, Any]:
    """Record a memo's lines for a shipped batch; commits. Returns its reconciliation."""
    require_user(user)
    found = find_batch(uow, batch, lock=True)
    if found.status is not BatchStatus.SHIPPED:
        raise ReturnRefused(f"batch {found.number} has not shipped: no credit is due yet")
    number = check_text("memo_number", memo_number, limit=60).strip()
    if not number:
        raise InvalidValue("memo_number", "the credit memo's number, as printed on it")
    if memo_date > clock.today():
        raise InvalidValue("memo_date", "a memo dated after today", memo_date.isoformat())
    assert found.shipped_at is not None
    shipped = found.shipped_at.astimezone(clock.zone).date()
    if memo_date < shipped:
        raise InvalidValue(
            "memo_date",
            f"a memo dated before batch {found.number} shipped on {shipped.isoformat()}",
            memo_date.isoformat(),
        )
    if not lines:
        raise InvalidValue("lines", "a memo needs at least one line")
    assert found.id is not None
    had = {
        (m.memo_number, m.ndc, m.lot.casefold()): m
        for m in uow.returns.memo_lines([found.id]).get(found.id, [])
    }
    fresh: list[MemoLine] = []
    for n, entry in enumerate(lines, start=1):
        lot = check_text("lot", entry.lot, limit=40).strip()
        if not lot:
            raise InvalidValue("lot", f"line {n}: name the lot credited")
        quantity, credit = _amounts(entry, n)
        line = MemoLine(
            memo_number=number,
            memo_date=memo_date,
            ndc=_ndc(uow, entry.ndc, n),
            lot=lot,
            quantity=quantity,
            credit=credit,
            entered_by=user,
            entered_at=clock.now(),
        )
        key = (number, line.ndc, line.lot.casefold())
        before = had.get(key)
        if before is not None:
            if (before.quantity, before.credit) != (line.quantity, line.credit):
                raise ReturnRefused(
                    f"memo {number} already credits {line.ndc} lot {line.lot}: "
                    f"{before.quantity} units, {before.credit:.2f}"
                )
            continue
        had[key] = line
        fresh.append(line)
    uow.returns.add_memo_lines(found.id, fresh)
    record(
        uow,
        user=user,
        action="enter_credit_memo",
        entity="return_batch",
        key=f"{found.number}:{number}",
        now=clock.now(),
        after={"lines": len(fresh), "credit": str(sum((m.credit for m in fresh), Decimal(0)))},
    )
    uow.commit()
    return reconcile_batch(uow, batch=found.number)


def import_credit_memo(
    uow: UnitOfWork,
    table: Table,
    *,
    batch: str,
    memo_number: str,
    memo_date: date,
    user: str,
    clock: Clock,
) -> dict[str, Any]:
    """A memo file's lines, checked whole first, then :func:`enter_credit_memo`."""
    errors = Errors(table.name)
    cols = {c: table.get(c) for c in MEMO_COLUMNS[0]}
    entries: list[MemoEntry] = []
    for i in range(table.rows):
        n = i + 1
        ndc = cols["ndc"][i].strip()
        lot = cols["lot"][i].strip()
        if not ndc:
            errors.add(n, "ndc", "must not be blank")
        if not lot:
            errors.add(n, "lot", "must not be blank")
        units = errors.value(
            n,
            "quantity",
            lambda v: parse_units(v, "quantity", allow_zero=True),
            cols["quantity"][i],
        )
        credit = errors.value(n, "credit", lambda v: parse_money(v, "credit"), cols["credit"][i])
        if ndc and lot and units is not None and credit is not None:
            entries.append(MemoEntry(ndc, lot, units, credit))
    errors.raise_if_any()
    return enter_credit_memo(
        uow,
        batch=batch,
        memo_number=memo_number,
        memo_date=memo_date,
        lines=entries,
        user=user,
        clock=clock,
    )


def _reconciled(batch: ReturnBatch, memo: list[MemoLine]) -> dict[str, Any]:
    rows = reconcile(batch.lines, memo)
    sums = totals(batch.expected_credit, rows)
    return {
        "batch": batch.number,
        "status": batch.status.value,
        "shipped_at": batch.shipped_at.isoformat() if batch.shipped_at else None,
        "memos": sorted({m.memo_number for m in memo}),
        "lines": [r.as_dict() for r in rows],
        "totals": {key: str(value) for key, value in sums.items()}
        | {"lines": {s.value: sum(1 for r in rows if r.state is s) for s in LineState}},
    }


def reconcile_batch(uow: UnitOfWork, *, batch: str) -> dict[str, Any]:
    """The batch's lines against its memos' lines (see the module's notes)."""
    found = find_batch(uow, batch)
    assert found.id is not None
    return _reconciled(found, uow.returns.memo_lines([found.id]).get(found.id, []))


def credit_aging(uow: UnitOfWork, *, clock: Clock) -> dict[str, Any]:
    """Each shipped batch with expected credit outstanding, oldest first, with its days since
    shipped and bucket; and the outstanding total of each bucket."""
    shipped = uow.returns.batches(status=BatchStatus.SHIPPED.value, limit=10_000)
    memos = uow.returns.memo_lines([b.id for b in shipped if b.id is not None])
    today = clock.today()
    rows = []
    for b in shipped:
        done = _reconciled(b, memos.get(b.id or 0, []))
        owed = Decimal(done["totals"]["outstanding"])
        if owed <= 0 or b.shipped_at is None:
            continue
        day = b.shipped_at.astimezone(clock.zone).date()
        days = (today - day).days
        rows.append(
            {
                "batch": b.number,
                "distributor": b.distributor,
                "shipped": day.isoformat(),
                "days": days,
                "bucket": age_bucket(days),
                "expected": done["totals"]["expected"],
                "credited": done["totals"]["credited"],
                "outstanding": str(owed),
            }
        )
    rows.sort(key=lambda r: (-int(r["days"]), str(r["batch"])))
    buckets = [
        {
            "bucket": name,
            "batches": sum(1 for r in rows if r["bucket"] == name),
            "outstanding": str(
                sum(
                    (Decimal(str(r["outstanding"])) for r in rows if r["bucket"] == name),
                    Decimal(0),
                ).quantize(CENT)
            ),
        }
        for name in BUCKETS
    ]
    return {"batches": rows, "buckets": buckets}
