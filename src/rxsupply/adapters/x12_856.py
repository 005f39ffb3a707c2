"""The X12 856 advance ship notice a wholesaler sends when it ships a purchase order.

Read as published (004010), in the envelope of :mod:`rxsupply.adapters.x12_inbound`:
``ISA08`` must be the buyer's id (``RXSUPPLY``), and the ship-to or buyer party (``N1*ST`` or
``N1*BY``, as the 850 sent it: ``N103`` 92, ``N104`` the buyer's id) must be ours, or the notice
is for another buyer. ``BSN02`` is the shipment id (recorded once per sender), ``BSN03`` the
ship date. ``HL`` loops nest shipment (``S``), order (``O``), pack or tare (``P``, ``T``) and
item (``I``) levels; at the order level ``PRF01`` is our purchase order number (one order per
notice); at a pack level ``MAN*GM`` is the case's SSCC; each item level has ``LIN`` with the
11-digit NDC after qualifier ``N4`` (``LIN01``, when a number, is the order line; a lot may
also come as qualifier ``LT`` in ``LIN``), ``SN1`` (``SN102`` packages shipped, ``SN103``
unit), ``REF*LT`` the lot, ``DTM*036`` the expiry (CCYYMMDD) and ``MAN`` the packages' serial
numbers or SSCCs. A document that cannot be read names the segment and element at fault.
"""

from __future__ import annotations

import re
from datetime import date

from rxsupply.adapters.order_documents import BUYER_ID
from rxsupply.adapters.x12_inbound import check_parties, document, element, sender
from rxsupply.domain.shipping import ExpectedPackages, ShipNotice
from rxsupply.errors import InvalidValue

LEVELS = {"S", "O", "P", "T", "I"}
_WHOLE = re.compile(r"(\d{1,7})(?:\.0*)?")


def x12_date(text: str, field: str) -> date:
    try:
        if len(text) != 8 or not text.isdigit():
            raise ValueError(text)
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise InvalidValue(field, "a date as CCYYMMDD", text[:20]) from None


def product_id_of(seg: list[str], qualifier: str, start: int = 2) -> str:
    """The value after ``qualifier`` in a segment's qualifier-value pairs from element
    ``start`` on ('' when absent)."""
    for i in range(start, len(seg) - 1, 2):
        if seg[i].strip() == qualifier:
            return seg[i + 1].strip()
    return ""


def ndc11(text: str, field: str) -> str:
    digits = text.replace("-", "")
    if len(digits) != 11 or not digits.isdigit():
        raise InvalidValue(field, "an 11-digit NDC after qualifier N4", text[:20])
    return digits


def read_856(text: str, *, buyer_id: str = BUYER_ID) -> ShipNotice:
    """A ship notice, checked to be for this buyer and to name one purchase order."""
    segs = document(text, kind="856", name="advance ship notice", buyer_id=buyer_id)
    check_parties(segs, buyer_id=buyer_id, required=True)
    bsn = next((s for s in segs if s[0] == "BSN"), None)
    if bsn is None or not element(bsn, 2):
        raise InvalidValue("BSN02", "the ship notice has no shipment id")
    shipped = x12_date(element(bsn, 3), "BSN03") if element(bsn, 3) else None
    orders: set[str] = set()
    lines: list[ExpectedPackages] = []
    level = sscc = ""
    item: ExpectedPackages | None = None
    for s in segs:
        tag = s[0]
        if tag == "HL":
            level = element(s, 3)
            if level not in LEVELS:
                raise InvalidValue("HL03", "a level S, O, P, T or I", level)
            item = None
            if level != "I":
                sscc = ""  # a pack's SSCC follows its HL
        elif tag == "MAN" and level in ("P", "T"):
            sscc = element(s, 2)[:40] if element(s, 1) == "GM" else sscc
        elif tag == "PRF":
            if not element(s, 1):
                raise InvalidValue("PRF01", "the purchase order number is missing")
            orders.add(element(s, 1))
        elif tag == "LIN":
            if level != "I":
                raise InvalidValue("LIN", "a LIN outside an item level (HL03 I)")
            if item is not None:
                raise InvalidValue("LIN", "two LIN segments in one item level")
            ndc = product_id_of(s, "N4")
            if not ndc:
                raise InvalidValue("LIN03", "no NDC: qualifier N4 and the 11-digit NDC")
            number = element(s, 1)
            item = ExpectedPackages(
                ndc=ndc11(ndc, "LIN"),
                packages=0,
                lot=product_id_of(s, "LT")[:40],
                line_number=int(number) if number.isdigit() and len(number) < 7 else None,
                sscc=sscc,
            )
            lines.append(item)
        elif tag in ("SN1", "REF", "DTM", "MAN") and level == "I":
            if item is None:
                raise InvalidValue(tag, "before the item level's LIN")
            _item_detail(item, s)
        elif tag == "DTM" and element(s, 1) == "011" and shipped is None:
            shipped = x12_date(element(s, 2), "DTM02")
    if not orders:
        raise InvalidValue("PRF01", "the ship notice names no purchase order")
    if len(orders) > 1:
        raise InvalidValue("PRF01", f"one purchase order per ship notice, not {sorted(orders)}")
    if not lines:
        raise InvalidValue("LIN", "the ship notice has no item level (HL03 I) with its LIN")
    for ln in lines:
        if ln.packages <= 0:
            raise InvalidValue("SN102", f"NDC {ln.ndc} lot {ln.lot or '?'}: no packages shipped")
    return ShipNotice(
        shipment_id=element(bsn, 2)[:30],
        po_number=orders.pop(),
        sender=sender(segs),
        shipped_on=shipped,
        lines=lines,
    )


def _item_detail(item: ExpectedPackages, s: list[str]) -> None:
    tag = s[0]
    if tag == "SN1":
        quantity = element(s, 2)
        whole = _WHOLE.fullmatch(quantity)
        if whole is None or int(whole[1]) == 0:
            raise InvalidValue("SN102", "a whole number of packages from 1", quantity[:20])
        count = int(whole[1])
        unit = element(s, 3)
        if unit not in ("", "EA"):
            raise InvalidValue("SN103", "packages are shipped as EA (each)", unit)
        item.packages += count
    elif tag == "REF" and element(s, 1) == "LT":
        if not element(s, 2):
            raise InvalidValue("REF02", "a lot number after REF*LT")
        item.lot = element(s, 2)[:40]
    elif tag == "DTM" and element(s, 1) == "036":
        item.expiry = x12_date(element(s, 2), "DTM02")
    elif tag == "MAN" and element(s, 2):
        item.serials = (*item.serials, element(s, 2)[:40])
