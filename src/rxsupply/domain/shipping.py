"""What a wholesaler says it shipped (the advance ship notice, X12 856) and what it bills (the
invoice, X12 810), and the three-way match of an invoice against the order and what was
received.

**Ship notice.** One notice names one purchase order and the packages shipped against it, per
order line: the product (its NDC), the lot, the expiry, the packages and, when given, the
serial numbers or the SSCC of the case. It is recorded once per sender and shipment id
(``BSN02``). Receiving against it compares each package scanned with what it said.

**Three-way match** (:func:`match_invoice`): each invoice line is matched to the order line of
its product and to what that line received and no earlier invoice of the order billed (nor an
earlier line of the same invoice): a second invoice for packages billed already is a quantity
variance (a duplicate billing) that names the invoice that billed them first.

- **price variance**: the invoice's package price differs from the order's by more than the
  tolerance (a percentage of the order price); the variance is given per package and extended
  over the packages invoiced;
- **quantity variance**: the packages invoiced differ from the packages received and not billed
  yet by more than the tolerance (whole packages);
- **both**; **matched** when neither; **not ordered** when the order has no line of that
  product (nothing is owed for it until the buyer decides).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from rxsupply.domain.fields import check_day, check_units
from rxsupply.domain.purchasing import LineStatus, OrderLine

CENT = Decimal("0.01")


@dataclass(slots=True, kw_only=True)
class ExpectedPackages:
    """Packages of one lot of one product shipped against an order line (an item-level ``HL``
    of an 856)."""

    ndc: str
    packages: int
    lot: str = ""
    expiry: date | None = None
    line_number: int | None = None
    serials: tuple[str, ...] = ()
    sscc: str = ""
    received_packages: int = 0
    product_id: int | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        check_units("packages", self.packages, allow_zero=True)  # a notice's reader adds its SN1s
        check_units("received_packages", self.received_packages, allow_zero=True)
        if self.expiry is not None:
            check_day("expiry", self.expiry)

    def as_dict(self) -> dict[str, object]:
        return {
            "line": self.line_number,
            "ndc": self.ndc,
            "lot": self.lot or None,
            "expiry": self.expiry.isoformat() if self.expiry else None,
            "packages": self.packages,
            "received_packages": self.received_packages,
            "serials": list(self.serials),
            "sscc": self.sscc or None,
        }


@dataclass(slots=True, kw_only=True)
class ShipNotice:
    """An advance ship notice (X12 856) of one purchase order."""

    shipment_id: str
    po_number: str
    sender: str
    shipped_on: date | None = None
    lines: list[ExpectedPackages] = field(default_factory=list)
    recorded_by: str = ""
    recorded_at: datetime | None = None
    id: int | None = None

    @property
    def packages(self) -> int:
        return sum(ln.packages for ln in self.lines)

    def as_dict(self) -> dict[str, object]:
        return {
            "shipment_id": self.shipment_id,
            "order": self.po_number,
            "sender": self.sender,
            "shipped_on": self.shipped_on.isoformat() if self.shipped_on else None,
            "packages": self.packages,
            "recorded_by": self.recorded_by or None,
            "recorded_at": self.recorded_at.isoformat() if self.recorded_at else None,
            "lines": [ln.as_dict() for ln in self.lines],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceLine:
    """One billed line (``IT1``): packages (unit ``EA``) of an NDC at a package price."""

    line_number: int
    ndc: str
    packages: int
    unit_price: Decimal
    unit: str = "EA"
    product_id: int | None = None

    def __post_init__(self) -> None:
        check_units("packages", self.packages, signed=True)

    @property
    def extended(self) -> Decimal:
        return (self.unit_price * self.packages).quantize(CENT)


@dataclass(slots=True, kw_only=True)
class Invoice:
    """A wholesaler's invoice (X12 810) for one purchase order; ``total`` is its ``TDS``."""

    number: str
    invoice_date: date
    po_number: str
    sender: str
    total: Decimal
    lines: list[InvoiceLine] = field(default_factory=list)
    recorded_by: str = ""
    recorded_at: datetime | None = None
    id: int | None = None

    @property
    def lines_total(self) -> Decimal:
        return sum((ln.extended for ln in self.lines), Decimal(0))


class MatchStatus(StrEnum):
    MATCHED = "matched"
    PRICE_VARIANCE = "price_variance"
    QUANTITY_VARIANCE = "quantity_variance"
    BOTH = "both"
    NOT_ORDERED = "not_ordered"


@dataclass(frozen=True, slots=True)
class Tolerance:
    """How far an invoice may stray before a line is a variance: ``price_pct`` percent of the
    order's package price, ``packages`` whole packages."""

    price_pct: Decimal = Decimal(0)
    packages: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class LineMatch:
    invoice_line: int
    ndc: str
    status: MatchStatus
    invoiced_packages: int
    invoice_price: Decimal
    order_line: int | None = None
    ordered_packages: int = 0
    received_packages: int = 0
    order_price: Decimal | None = None
    billed_before: int = 0
    """Packages of the line billed already, by earlier invoices of the order or earlier lines of
    this one."""
    billed_on: tuple[str, ...] = ()
    """Where they were billed: the earlier invoices' numbers (``INV1``, or ``INV2 line 1``)."""

    @property
    def price_variance(self) -> Decimal:
        """Invoice price less order price, per package."""
        return self.invoice_price - self.order_price if self.order_price is not None else CENT * 0

    @property
    def extended_price_variance(self) -> Decimal:
        return (self.price_variance * self.invoiced_packages).quantize(CENT)

    @property
    def unbilled_packages(self) -> int:
        """Packages received and not billed yet (none when billed beyond what came in)."""
        return max(self.received_packages - self.billed_before, 0)

    @property
    def quantity_variance(self) -> int:
        """Packages invoiced less packages received and not billed yet."""
        return self.invoiced_packages - self.unbilled_packages

    @property
    def note(self) -> str:
        """Names a duplicate billing: packages billed beyond those received and not billed yet,
        when an earlier invoice billed some."""
        if not self.billed_before or self.quantity_variance <= 0:
            return ""
        return (
            f"{self.billed_before} of the {self.received_packages} packages received billed "
            f"already on {', '.join(self.billed_on)}"
        )

    @property
    def quantity_variance_value(self) -> Decimal:
        """The packages invoiced beyond those received (or short of them), at the invoice
        price."""
        return (self.invoice_price * self.quantity_variance).quantize(CENT)

    @property
    def invoiced(self) -> Decimal:
        return (self.invoice_price * self.invoiced_packages).quantize(CENT)

    def as_dict(self) -> dict[str, object]:
        return {
            "invoice_line": self.invoice_line,
            "order_line": self.order_line,
            "ndc": self.ndc,
            "status": self.status.value,
            "invoiced_packages": self.invoiced_packages,
            "ordered_packages": self.ordered_packages,
            "received_packages": self.received_packages,
            "billed_before": self.billed_before,
            "billed_on": list(self.billed_on),
            "quantity_variance": self.quantity_variance,
            "note": self.note or None,
            "invoice_price": str(self.invoice_price),
            "order_price": str(self.order_price) if self.order_price is not None else None,
            "price_variance": str(self.price_variance),
            "extended_price_variance": str(self.extended_price_variance),
            "quantity_variance_value": str(self.quantity_variance_value),
            "invoiced": str(self.invoiced),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceMatch:
    invoice: Invoice
    lines: list[LineMatch]

    @property
    def status(self) -> MatchStatus:
        """Not ordered when a line is; else price and quantity variances over all lines."""
        found = {ln.status for ln in self.lines}
        if MatchStatus.NOT_ORDERED in found:
            return MatchStatus.NOT_ORDERED
        price = bool(found & {MatchStatus.PRICE_VARIANCE, MatchStatus.BOTH})
        quantity = bool(found & {MatchStatus.QUANTITY_VARIANCE, MatchStatus.BOTH})
        return _status(price, quantity)

    @property
    def price_variance(self) -> Decimal:
        """The extended price variance of every line: what the invoice charges beyond the
        order's prices."""
        return sum((ln.extended_price_variance for ln in self.lines), CENT * 0)

    def as_dict(self) -> dict[str, object]:
        inv = self.invoice
        return {
            "invoice": inv.number,
            "invoice_date": inv.invoice_date.isoformat(),
            "order": inv.po_number,
            "sender": inv.sender,
            "total": str(inv.total),
            "status": self.status.value,
            "price_variance": str(self.price_variance),
            "quantity_variance_value": str(
                sum((ln.quantity_variance_value for ln in self.lines), CENT * 0)
            ),
            "recorded_by": inv.recorded_by or None,
            "recorded_at": inv.recorded_at.isoformat() if inv.recorded_at else None,
            "lines": [ln.as_dict() for ln in self.lines],
        }


def match_invoice(
    invoice: Invoice,
    order_lines: list[OrderLine],
    tolerance: Tolerance = Tolerance(),
    earlier: Sequence[Invoice] = (),
) -> InvoiceMatch:
    """Each invoice line against the order line of its product (``product_id``) and what that
    line received less what the ``earlier`` invoices of the order (those recorded before this
    one) and the earlier lines of this invoice billed of it."""
    by_product = {ln.product_id: ln for ln in order_lines if ln.status is not LineStatus.CANCELLED}
    billed: dict[int, int] = {}
    billed_on: dict[int, list[str]] = {}
    for before in earlier:
        for ln in before.lines:
            _bill(billed, billed_on, ln, before.number)
    out = []
    for inv in invoice.lines:
        pid = inv.product_id
        ordered = by_product.get(pid) if pid is not None else None
        before_now = billed.get(pid, 0) if pid is not None else 0
        on = tuple(billed_on.get(pid, ())) if pid is not None else ()
        _bill(billed, billed_on, inv, f"{invoice.number} line {inv.line_number}")
        if ordered is None:
            out.append(
                LineMatch(
                    invoice_line=inv.line_number,
                    ndc=inv.ndc,
                    status=MatchStatus.NOT_ORDERED,
                    invoiced_packages=inv.packages,
                    invoice_price=inv.unit_price,
                )
            )
            continue
        limit = ordered.package_price * tolerance.price_pct / 100
        line = LineMatch(
            invoice_line=inv.line_number,
            ndc=ordered.ndc,
            status=MatchStatus.MATCHED,
            invoiced_packages=inv.packages,
            invoice_price=inv.unit_price,
            order_line=ordered.line_number,
            ordered_packages=ordered.packages,
            received_packages=ordered.received_packages,
            order_price=ordered.package_price,
            billed_before=before_now,
            billed_on=on,
        )
        price_off = abs(inv.unit_price - ordered.package_price) > limit
        quantity_off = abs(line.quantity_variance) > tolerance.packages
        out.append(replace(line, status=_status(price_off, quantity_off)))
    return InvoiceMatch(invoice=invoice, lines=out)


def _bill(
    billed: dict[int, int], billed_on: dict[int, list[str]], line: InvoiceLine, where: str
) -> None:
    """Add the packages of an invoice line (of a known product) to what was billed."""
    if line.product_id is None:
        return
    billed[line.product_id] = billed.get(line.product_id, 0) + line.packages
    if line.packages > 0 and where not in billed_on.setdefault(line.product_id, []):
        billed_on[line.product_id].append(where)


def _status(price: bool, quantity: bool) -> MatchStatus:
    if price and quantity:
        return MatchStatus.BOTH
    if price:
        return MatchStatus.PRICE_VARIANCE
    return MatchStatus.QUANTITY_VARIANCE if quantity else MatchStatus.MATCHED
