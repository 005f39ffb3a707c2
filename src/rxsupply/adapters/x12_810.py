"""The X12 810 invoice a wholesaler sends for a purchase order.

Read as published (004010), in the envelope of :mod:`rxsupply.adapters.x12_inbound`:
``ISA08`` must be the buyer's id (``RXSUPPLY``) and a ship-to or buyer party (``N1*ST``,
``N1*BY``) that names an identification code (``N104``) must name ours. ``BIG01`` is the
invoice date (CCYYMMDD), ``BIG02`` the invoice number, ``BIG04`` our purchase order number.
Each ``IT1`` is a line: ``IT101`` its number, ``IT102`` the packages invoiced, ``IT103`` the
unit (``EA``: packages, as ordered), ``IT104`` the price of one package, and the 11-digit NDC
after qualifier ``N4``. ``TDS01`` is the invoice total in cents (two implied decimals) and must
equal the sum of the lines. A document that cannot be read names the segment and element at
fault.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from rxsupply.adapters.order_documents import BUYER_ID
from rxsupply.adapters.x12_856 import ndc11, product_id_of, x12_date
from rxsupply.adapters.x12_inbound import check_parties, document, element, sender
from rxsupply.domain.shipping import CENT, Invoice, InvoiceLine
from rxsupply.errors import InvalidValue

_PACKAGES = re.compile(r"(-?\d{1,7})(?:\.0*)?")


def read_810(text: str, *, buyer_id: str = BUYER_ID) -> Invoice:
    """An invoice, checked to be for this buyer and to add up."""
    segs = document(text, kind="810", name="invoice", buyer_id=buyer_id)
    check_parties(segs, buyer_id=buyer_id, required=False)
    big = next((s for s in segs if s[0] == "BIG"), None)
    if big is None:
        raise InvalidValue("BIG", "the invoice has no BIG segment")
    if not element(big, 2):
        raise InvalidValue("BIG02", "the invoice number is missing")
    if not element(big, 4):
        raise InvalidValue("BIG04", "the invoice names no purchase order")
    day = x12_date(element(big, 1), "BIG01")
    lines: list[InvoiceLine] = []
    for s in segs:
        if s[0] == "IT1":
            lines.append(_line(s, len(lines) + 1))
    if not lines:
        raise InvalidValue("IT1", "the invoice has no lines")
    tds = next((s for s in segs if s[0] == "TDS"), None)
    if tds is None or not element(tds, 1).lstrip("-").isdigit():
        raise InvalidValue("TDS01", "the invoice total, in cents")
    total = Decimal(int(element(tds, 1))) * CENT
    invoice = Invoice(
        number=element(big, 2)[:30],
        invoice_date=day,
        po_number=element(big, 4)[:30],
        sender=sender(segs),
        total=total,
        lines=lines,
    )
    if invoice.lines_total != total:
        raise InvalidValue(
            "TDS01", f"the total {total} is not the lines' {invoice.lines_total}", element(tds, 1)
        )
    return invoice


def _line(s: list[str], position: int) -> InvoiceLine:
    number = element(s, 1)
    if number and not (number.isdigit() and len(number) < 7):
        raise InvalidValue("IT101", "a line number", number[:20])
    packages = _PACKAGES.fullmatch(element(s, 2))
    if packages is None or int(packages[1]) == 0:
        raise InvalidValue("IT102", "a whole number of packages invoiced", element(s, 2)[:20])
    unit = element(s, 3)
    if unit != "EA":
        raise InvalidValue("IT103", "packages are invoiced as EA (each), as ordered", unit[:10])
    try:
        price = Decimal(element(s, 4))
    except InvalidOperation:
        raise InvalidValue("IT104", "a price per package", element(s, 4)[:20]) from None
    if not price.is_finite() or price < 0 or price > 10_000_000:
        raise InvalidValue("IT104", "a price per package from 0", element(s, 4)[:20])
    ndc = product_id_of(s, "N4", start=6)
    if not ndc:
        raise InvalidValue("IT107", "no NDC: qualifier N4 and the 11-digit NDC")
    return InvoiceLine(
        line_number=int(number) if number else position,
        ndc=ndc11(ndc, "IT107"),
        packages=int(packages[1]),
        unit_price=price,
    )
