"""A purchase order as its wholesaler receives it: the CSV order file and the X12 850.

**CSV** (UTF-8, a header row; its xlsx twin has the same columns, see
:mod:`rxsupply.adapters.spreadsheets`): ``po_number,line,ndc,ndc11,item,description,packages,
package_price,contract,dea_form_number``; one row per line not cancelled.

**X12 850** (version 004010), one interchange of one purchase order: ``ISA`` and ``GS``
(functional group ``PO``) from the buyer's id to the wholesaler's (``RXSUPPLY`` and the
wholesaler's name, upper case, without spaces, at most 15 characters, unless given), ``ST``,
``BEG`` (00 original, SA stand-alone, the PO number, the approval date), ``N1*ST`` (ship to the
storeroom, with the buyer's id as ``N104`` after qualifier ``92``), then per line ``PO1``
(line, packages, unit ``EA``, package price, ``N4`` and the 11-digit NDC), ``PID*F`` (the
description) and, for a Schedule II line, ``REF*ZZ`` with its
DEA Form 222 or CSOS order number; ``CTT`` (lines), ``SE``, ``GE``, ``IEA``. Segments end with
``~``, elements are separated by ``*``, components by ``>``; text is cleared of those.
"""

from __future__ import annotations

import re
from datetime import datetime

from rxsupply.adapters.spreadsheets import Column, csv_text, xlsx_bytes
from rxsupply.domain.ndc import NDC
from rxsupply.domain.purchasing import LineStatus, PurchaseOrder

BUYER_ID = "RXSUPPLY"
_UNSAFE = re.compile(r"[*~>^\r\n]")


ORDER_COLUMNS = (
    Column("po_number", "po_number"),
    Column("line", "line", "int"),
    Column("ndc", "ndc"),
    Column("ndc11", "ndc11"),
    Column("item", "item"),
    Column("description", "description"),
    Column("packages", "packages", "int"),
    Column("package_price", "package_price", "money"),
    Column("contract", "contract"),
    Column("dea_form_number", "dea_form_number"),
)
"""The order file's columns, in the CSV and in the xlsx twin."""


def order_rows(order: PurchaseOrder) -> list[dict[str, object]]:
    """One row per line not cancelled, keyed by the columns of :data:`ORDER_COLUMNS`."""
    return [
        {
            "po_number": order.number,
            "line": ln.line_number,
            "ndc": ln.ndc,
            "ndc11": NDC.parse(ln.ndc).ndc11,
            "item": ln.item_code,
            "description": ln.item_name,
            "packages": ln.packages,
            "package_price": ln.package_price,
            "contract": ln.contract,
            "dea_form_number": ln.dea_form_number,
        }
        for ln in order.lines
        if ln.status is not LineStatus.CANCELLED
    ]


def order_csv(order: PurchaseOrder) -> str:
    return csv_text(ORDER_COLUMNS, order_rows(order))


def order_xlsx(order: PurchaseOrder) -> bytes:
    """The order file as an Excel workbook (the same columns and rows as the CSV)."""
    return xlsx_bytes(ORDER_COLUMNS, order_rows(order), sheet=order.number)


def x12_850(
    order: PurchaseOrder,
    *,
    ship_to: str,
    now: datetime,
    control_number: int,
    receiver_id: str = "",
) -> str:
    """The X12 850 of a sent order (``now``: when it is written, for the envelope)."""
    receiver = (
        receiver_id or re.sub(r"[^A-Z0-9]", "", order.wholesaler.upper())[:15] or "WHOLESALER"
    )
    isa_control = f"{control_number % 1_000_000_000:09d}"
    day, clock = now.strftime("%Y%m%d"), now.strftime("%H%M")
    approved = (order.approved_at or now).strftime("%Y%m%d")
    segments = [
        "ST*850*0001",
        f"BEG*00*SA*{_text(order.number)}**{approved}",
        f"N1*ST*{_text(ship_to)}*92*{BUYER_ID}",
    ]
    lines = [ln for ln in order.lines if ln.status is not LineStatus.CANCELLED]
    for ln in lines:
        segments.append(
            f"PO1*{ln.line_number}*{ln.packages}*EA*{ln.package_price:.2f}**N4*"
            f"{NDC.parse(ln.ndc).ndc11}"
        )
        segments.append(f"PID*F****{_text(ln.item_name or ln.ndc)[:80]}")
        if ln.dea_form_number:
            segments.append(f"REF*ZZ*{_text(ln.dea_form_number)}")
    segments.append(f"CTT*{len(lines)}")
    segments.append(f"SE*{len(segments) + 1}*0001")
    envelope = [
        "ISA*00*          *00*          *ZZ*"
        f"{BUYER_ID:<15}*ZZ*{receiver:<15}*{now.strftime('%y%m%d')}*{clock}*U*00401*"
        f"{isa_control}*0*P*>",
        f"GS*PO*{BUYER_ID}*{receiver}*{day}*{clock}*{control_number}*X*004010",
        *segments,
        f"GE*1*{control_number}",
        f"IEA*1*{isa_control}",
    ]
    return "~\n".join(envelope) + "~\n"


def _text(value: str) -> str:
    return _UNSAFE.sub(" ", value).strip()
