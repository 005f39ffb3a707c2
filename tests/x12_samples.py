"""X12 856 ship notices and 810 invoices as a wholesaler sends them, for the tests."""

from __future__ import annotations

from collections.abc import Sequence

Shipped = tuple[str, str, str, int]  # 11-digit NDC, lot, expiry CCYYMMDD, packages
Billed = tuple[str, int, str]  # 11-digit NDC, packages, package price


SENDER = "EXAMPLEWHOLESAL"
"""The example wholesaler's interchange sender id (ISA06)."""


def envelope(
    kind: str,
    group: str,
    body: Sequence[str],
    *,
    receiver: str = "RXSUPPLY",
    sender: str = SENDER,
) -> str:
    isa = (
        f"ISA*00*          *00*          *ZZ*{sender:<15}*ZZ*"
        f"{receiver:<15}*261120*0900*U*00401*000000091*0*P*>"
    )
    segments = [
        isa,
        f"GS*{group}*{sender}*{receiver}*20261120*0900*91*X*004010",
        f"ST*{kind}*0001",
        *body,
        f"SE*{len(body) + 2}*0001",
        "GE*1*91",
        "IEA*1*000000091",
    ]
    return "~\n".join(segments) + "~\n"


def ship_notice(
    po: str,
    shipped: Sequence[Shipped],
    *,
    shipment: str = "SHP-5501",
    buyer: str = "RXSUPPLY",
    receiver: str = "RXSUPPLY",
    sender: str = SENDER,
) -> str:
    body = [
        f"BSN*00*{shipment}*20261120*0900*0001",
        "HL*1**S",
        "DTM*011*20261120",
        f"N1*ST*Pharmacy storeroom*92*{buyer}",
        "HL*2*1*O",
        f"PRF*{po}",
        "HL*3*2*P",
        "MAN*GM*000123456000000019",
    ]
    for i, (ndc, lot, expiry, packages) in enumerate(shipped, start=4):
        body += [
            f"HL*{i}*3*I",
            f"LIN*1*N4*{ndc}",
            f"SN1**{packages}*EA",
            f"REF*LT*{lot}",
            f"DTM*036*{expiry}",
        ]
    body.append(f"CTT*{len(shipped)}")
    return envelope("856", "SH", body, receiver=receiver, sender=sender)


def invoice(
    po: str,
    billed: Sequence[Billed],
    *,
    number: str = "INV-88123",
    total_cents: int | None = None,
    buyer: str = "RXSUPPLY",
    dated: str = "20261121",
    sender: str = SENDER,
) -> str:
    body = [f"BIG*{dated}*{number}*20261120*{po}", f"N1*BY*General hospital*92*{buyer}"]
    cents = 0
    for i, (ndc, packages, price) in enumerate(billed, start=1):
        body.append(f"IT1*{i}*{packages}*EA*{price}**N4*{ndc}")
        cents += round(float(price) * 100) * packages
    body += [f"TDS*{cents if total_cents is None else total_cents}", f"CTT*{len(billed)}"]
    return envelope("810", "IN", body, sender=sender)


def acknowledgement(
    po: str, answers: Sequence[tuple[int, str, int]], *, ack_type: str = "AC", sender: str = SENDER
) -> str:
    """An 855 of ``po``: per line (line number, ACK01 status, quantity)."""
    body = [f"BAK*00*{ack_type}*{po}*20261120"]
    for line, status, quantity in answers:
        body += [f"PO1*{line}*{quantity}*EA", f"ACK*{status}*{quantity}*EA"]
    body.append(f"CTT*{len(answers)}")
    return envelope("855", "PR", body, sender=sender)
