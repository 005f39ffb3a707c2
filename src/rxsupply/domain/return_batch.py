"""Return batches, credit memos and their reconciliation.

A :class:`ReturnBatch` gathers lots to send back (one :class:`ReturnLine` per lot: its units,
its waste stream, its expected credit); it is ``open`` until shipped through the ledger, then
``shipped`` and waiting for the reverse distributor's credit memo. A memo's lines
(:class:`MemoLine`) are matched to the batch's lines by NDC and lot, and each line is then
(:func:`reconcile`):

- ``matched``: credited what was expected (to the cent);
- ``short_paid``: credited less than expected (the difference is the shortfall);
- ``over_credited``: credited more than expected (a line sent for disposal and credited is
  one);
- ``not_credited``: no memo line for it yet (the whole expected credit outstanding);
- ``not_shipped``: a memo line for an NDC and lot the batch did not ship.

A line expects a credit when it is creditable or has an expected credit (a controlled
substance returnable for credit); lines sent for disposal (hazardous, non-hazardous,
controlled not returnable) expect none and are listed only when a memo credits them.

The **aging** of what is still outstanding puts each shipped batch's outstanding expected
credit in a bucket by days since it shipped (:func:`age_bucket`: 0-30, 31-60, 61-90, over 90).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from rxsupply.domain.waste_stream import WasteStream

CENT = Decimal("0.01")
BUCKETS = ("0-30", "31-60", "61-90", "over 90")


class BatchStatus(StrEnum):
    OPEN = "open"
    SHIPPED = "shipped"


class LineState(StrEnum):
    MATCHED = "matched"
    SHORT_PAID = "short_paid"
    OVER_CREDITED = "over_credited"
    NOT_CREDITED = "not_credited"
    NOT_SHIPPED = "not_shipped"


@dataclass(frozen=True, slots=True, kw_only=True)
class ReturnLine:
    line_number: int
    product_id: int
    lot_id: int
    ndc: str
    product: str
    lot: str
    expiry: date | None
    quantity: int
    stream: WasteStream
    expected_credit: Decimal
    labeler: str = ""
    schedule: str | None = None
    price_basis: str = ""
    reason: str = ""
    listing_code: str = ""
    form_222: str = ""
    id: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "line": self.line_number,
            "ndc": self.ndc,
            "product": self.product,
            "labeler": self.labeler,
            "lot": self.lot,
            "expiry": self.expiry.isoformat() if self.expiry else None,
            "quantity": self.quantity,
            "stream": self.stream.value,
            "schedule": self.schedule,
            "expected_credit": str(self.expected_credit.quantize(CENT)),
            "price_basis": self.price_basis,
            "reason": self.reason,
            "listing_code": self.listing_code,
            "form_222": self.form_222,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class ReturnBatch:
    number: str
    status: BatchStatus
    created_by: str
    created_at: datetime
    distributor: str = ""
    note: str = ""
    shipped_by: str = ""
    shipped_at: datetime | None = None
    lines: list[ReturnLine] = field(default_factory=list)
    id: int | None = None

    @property
    def expected_credit(self) -> Decimal:
        return sum((line.expected_credit for line in self.lines), Decimal(0)).quantize(CENT)

    def as_dict(self) -> dict[str, object]:
        return {
            "number": self.number,
            "status": self.status.value,
            "distributor": self.distributor,
            "note": self.note,
            "created_by": self.created_by,
            "created_at": self.created_at.isoformat(),
            "shipped_by": self.shipped_by,
            "shipped_at": self.shipped_at.isoformat() if self.shipped_at else None,
            "expected_credit": str(self.expected_credit),
            "lines": [line.as_dict() for line in self.lines],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class MemoLine:
    """One line of a credit memo: what the reverse distributor credited for an NDC and lot."""

    memo_number: str
    memo_date: date
    ndc: str
    lot: str
    quantity: int
    credit: Decimal
    entered_by: str = ""
    entered_at: datetime | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "memo_number": self.memo_number,
            "memo_date": self.memo_date.isoformat(),
            "ndc": self.ndc,
            "lot": self.lot,
            "quantity": self.quantity,
            "credit": str(self.credit.quantize(CENT)),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Reconciled:
    """A batch line (or a memo line nobody shipped) and what the memos credited for it."""

    state: LineState
    ndc: str
    lot: str
    expected: Decimal
    credited: Decimal
    line_number: int | None = None
    quantity: int = 0
    credited_quantity: int = 0
    memos: tuple[str, ...] = ()

    @property
    def difference(self) -> Decimal:
        """Credited minus expected (negative: short)."""
        return (self.credited - self.expected).quantize(CENT)

    def as_dict(self) -> dict[str, object]:
        return {
            "line": self.line_number,
            "ndc": self.ndc,
            "lot": self.lot,
            "state": self.state.value,
            "quantity": self.quantity,
            "credited_quantity": self.credited_quantity,
            "expected": str(self.expected.quantize(CENT)),
            "credited": str(self.credited.quantize(CENT)),
            "difference": str(self.difference),
            "memos": list(self.memos),
        }


def reconcile(lines: list[ReturnLine], memo: list[MemoLine]) -> list[Reconciled]:
    """Each creditable line against the memo lines of its NDC and lot, then the memo lines
    that match no line of the batch (see the module's notes)."""
    credited: dict[tuple[str, str], list[MemoLine]] = {}
    for m in memo:
        credited.setdefault((m.ndc, m.lot.casefold()), []).append(m)
    out: list[Reconciled] = []
    for line in lines:
        paid = credited.pop((line.ndc, line.lot.casefold()), [])
        expects = line.stream is WasteStream.CREDITABLE or line.expected_credit > 0
        if not expects and not paid:
            continue
        total = sum((m.credit for m in paid), Decimal(0))
        paid_cents, expected_cents = total.quantize(CENT), line.expected_credit.quantize(CENT)
        if not paid:
            state = LineState.NOT_CREDITED
        elif paid_cents == expected_cents:
            state = LineState.MATCHED
        elif paid_cents > expected_cents:
            state = LineState.OVER_CREDITED
        else:
            state = LineState.SHORT_PAID
        out.append(
            Reconciled(
                state=state,
                ndc=line.ndc,
                lot=line.lot,
                expected=line.expected_credit,
                credited=total,
                line_number=line.line_number,
                quantity=line.quantity,
                credited_quantity=sum(m.quantity for m in paid),
                memos=tuple(sorted({m.memo_number for m in paid})),
            )
        )
    for (_, _), paid in sorted(credited.items()):
        out.append(
            Reconciled(
                state=LineState.NOT_SHIPPED,
                ndc=paid[0].ndc,
                lot=paid[0].lot,
                expected=Decimal(0),
                credited=sum((m.credit for m in paid), Decimal(0)),
                credited_quantity=sum(m.quantity for m in paid),
                memos=tuple(sorted({m.memo_number for m in paid})),
            )
        )
    return out


def totals(expected: Decimal, reconciled: list[Reconciled]) -> dict[str, Decimal]:
    """The batch's totals, to the cent: ``expected``; ``credited`` on the lines it shipped;
    ``credited_not_shipped`` for lots it did not ship (apart, it pays nothing owed);
    ``short_paid`` and ``over_credited``, the shortfalls and the excesses line by line; and
    ``outstanding`` (:func:`outstanding`). They add up: expected - credited + over_credited
    = outstanding."""
    shipped = [r for r in reconciled if r.state is not LineState.NOT_SHIPPED]

    def total(values: list[Decimal]) -> Decimal:
        return sum(values, Decimal(0)).quantize(CENT)

    return {
        "expected": expected.quantize(CENT),
        "credited": total([r.credited.quantize(CENT) for r in shipped]),
        "credited_not_shipped": total(
            [r.credited.quantize(CENT) for r in reconciled if r.state is LineState.NOT_SHIPPED]
        ),
        "short_paid": total([-r.difference for r in shipped if r.difference < 0]),
        "over_credited": total([r.difference for r in shipped if r.difference > 0]),
        "outstanding": outstanding(reconciled),
    }


def outstanding(reconciled: list[Reconciled]) -> Decimal:
    """Expected credit not yet credited, line by line (an overpaid line does not offset
    another's shortfall; credit for lots not shipped counts for nothing)."""
    return sum(
        (
            max(-r.difference, Decimal(0))
            for r in reconciled
            if r.state is not LineState.NOT_SHIPPED
        ),
        Decimal(0),
    ).quantize(CENT)


def age_bucket(days: int) -> str:
    """``0-30``, ``31-60``, ``61-90`` or ``over 90`` days since shipping."""
    if days <= 30:
        return BUCKETS[0]
    if days <= 60:
        return BUCKETS[1]
    if days <= 90:
        return BUCKETS[2]
    return BUCKETS[3]
