"""A wholesaler's invoices (X12 810, read by :mod:`rxsupply.adapters.x12_810`) and their
three-way match against the order and what was received
(:func:`rxsupply.domain.shipping.match_invoice`).

- :func:`record_invoice`: an invoice of an order sent (or further on, closed included; not a
  draft or a cancelled order) is recorded once per
  sender and invoice number (the same invoice again answers as recorded; the same number for
  another order is refused, naming the order it is on). Each line with a
  known product also goes into the purchase history (``purchase_line``) under the same key an
  import of the same invoice line from a purchases CSV would have, so one invoice counted both
  ways counts once; each product's cost becomes the invoice's price when the invoice is dated
  on or after the product's last purchase and the line has no price variance (an old invoice
  recorded late, or a price the buyer has not accepted, does not change what stock is worth).
- :func:`invoice_matches`: each of an order's invoices matched line by line, now (a receipt
  after the invoice changes its quantity variance), against what was received less what the
  invoices recorded before it billed (an invoice billing packages billed already is a
  quantity variance naming the invoice that billed them).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from rxsupply.domain.clock import Clock
from rxsupply.domain.shipping import (
    Invoice,
    InvoiceMatch,
    MatchStatus,
    Tolerance,
    match_invoice,
)
from rxsupply.services.audit import record, require_user
from rxsupply.services.imports.results import _key
from rxsupply.services.ports import PurchaseLine, UnitOfWork
from rxsupply.services.purchasing import get_order
from rxsupply.services.references import resolve_products
from rxsupply.services.ship_notices import (
    DOCUMENT,
    INVOICEABLE,
    line_by_ndc,
    order_of,
    refuse_if_elsewhere,
)
from rxsupply.services.trading_partners import check_edi_sender


def record_invoice(
    uow: UnitOfWork,
    *,
    invoice: Invoice,
    user: str,
    clock: Clock,
    tolerance: Tolerance = Tolerance(),
    source: str = DOCUMENT,
) -> tuple[InvoiceMatch, list[str], bool]:
    """Record an invoice (``source`` names its file); its match, what it warns of (a sender
    not checked), and whether it was recorded already (nothing written). An invoice from
    another sender than the EDI id on file for the order's wholesaler is refused
    (:func:`check_edi_sender`)."""
    require_user(user)
    found = order_of(uow, invoice.po_number, field="BIG04", what="invoice", allowed=INVOICEABLE)
    unchecked = check_edi_sender(
        uow, wholesaler=found.wholesaler, order=found.number, sender=invoice.sender, source=source
    )
    recorded = uow.shipping.invoices(found.id or 0)
    recorded_on = uow.shipping.invoice_order(invoice.sender, invoice.number)
    if recorded_on is not None:
        refuse_if_elsewhere("invoice", "BIG02", invoice.number, recorded_on, found)
        at = next(
            i
            for i, inv in enumerate(recorded)
            if (inv.sender, inv.number) == (invoice.sender, invoice.number)
        )
        again = match_invoice(recorded[at], found.lines, tolerance, earlier=recorded[:at])
        return again, unchecked, True
    lines = line_by_ndc(found)
    others = resolve_products(
        uow,
        [f"{ln.ndc[:5]}-{ln.ndc[5:9]}-{ln.ndc[9:]}" for ln in invoice.lines if ln.ndc not in lines],
    )
    resolved = []
    for ln in invoice.lines:
        ordered = lines.get(ln.ndc)
        if ordered is not None:
            product: int | str | None = ordered.product_id
        else:
            product = others.get(f"{ln.ndc[:5]}-{ln.ndc[5:9]}-{ln.ndc[9:]}")
        resolved.append(
            replace(
                ln,
                ndc=ordered.ndc if ordered is not None else ln.ndc,
                product_id=product if isinstance(product, int) else None,
            )
        )
    now = clock.now()
    invoice = replace(
        invoice, lines=resolved, po_number=found.number, recorded_by=user, recorded_at=now
    )
    invoice.id = uow.shipping.add_invoice(found.id or 0, invoice)
    match = match_invoice(invoice, found.lines, tolerance, earlier=recorded)
    off_price = {
        ln.invoice_line
        for ln in match.lines
        if ln.status in (MatchStatus.PRICE_VARIANCE, MatchStatus.BOTH)
    }
    history = _purchase_history(uow, invoice, wholesaler=found.wholesaler, off_price=off_price)
    record(
        uow,
        user=user,
        action="record_invoice",
        entity="purchase_order",
        key=found.number,
        now=now,
        after={
            "invoice": invoice.number,
            "from": invoice.sender,
            "total": str(invoice.total),
            "status": match.status.value,
            "purchase_history_lines": history,
        },
    )
    uow.commit()
    return match, unchecked, False


def _purchase_history(
    uow: UnitOfWork, invoice: Invoice, *, wholesaler: str, off_price: set[int]
) -> int:
    """The invoice's lines of known products into the purchase history (once each); how many
    lines were new. A product's cost becomes the invoice's price only when the invoice is dated
    on or after the product's last purchase (an old invoice recorded late does not roll it
    back) and the line has no price variance against the order (``off_price``, line numbers):
    a price the buyer has not accepted is not what the stock is worth."""
    lines = [
        (
            ln.line_number,
            PurchaseLine(
                line_key=_key(
                    invoice.invoice_date,
                    wholesaler,
                    invoice.number,
                    ln.product_id,
                    ln.packages,
                    ln.unit_price.quantize(Decimal("0.0001")),  # as an import reads the price
                )
                + "#1",
                invoice_date=invoice.invoice_date,
                invoice_number=invoice.number,
                wholesaler=wholesaler,
                product_id=ln.product_id,
                packages=ln.packages,
                unit_price=ln.unit_price.quantize(Decimal("0.0001")),
            ),
        )
        for ln in invoice.lines
        if ln.product_id is not None
    ]
    done = uow.purchases.recorded([ln.line_key for _, ln in lines])
    todo = [(number, ln) for number, ln in lines if ln.line_key not in done]
    last = uow.purchases.last_purchased({ln.product_id for _, ln in todo})
    uow.purchases.save_many([ln for _, ln in todo])
    uow.products.set_package_cost(
        {
            ln.product_id: ln.unit_price
            for number, ln in todo
            if ln.packages > 0
            and number not in off_price
            and (ln.product_id not in last or ln.invoice_date >= last[ln.product_id])
        }
    )
    return len(todo)


def invoice_matches(
    uow: UnitOfWork, *, order: str, tolerance: Tolerance = Tolerance()
) -> list[InvoiceMatch]:
    found = get_order(uow, order)
    recorded = uow.shipping.invoices(found.id or 0)
    return [
        match_invoice(inv, found.lines, tolerance, earlier=recorded[:i])
        for i, inv in enumerate(recorded)
    ]
