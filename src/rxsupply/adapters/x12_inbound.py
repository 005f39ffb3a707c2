"""X12 documents a wholesaler sends back: the 855 purchase order acknowledgement.

The interchange is read as published (``ISA`` fixes the element separator at its fourth
character and the segment terminator after its 16th element); ``ISA08`` (the receiver) must be
the buyer's id (``RXSUPPLY``), or the document is for another buyer. An 855 carries ``BAK``
(``BAK02`` the acknowledgement type: AC, AD, AK, RD, RJ..., ``BAK03`` the purchase order
number), then per line ``PO1`` (its line number in ``PO101``) and ``ACK`` (``ACK01``: IA
accepted, IB backordered, IR or ID rejected or deleted, IQ quantity changed, with the
quantity in ``ACK02``). A document that cannot be read names the segment and the reason.
"""

from __future__ import annotations

from rxsupply.adapters.order_documents import BUYER_ID
from rxsupply.domain.purchasing import LineAck, OrderAck
from rxsupply.errors import InvalidValue

MAX_BYTES = 10_000_000


def segments(text: str) -> list[list[str]]:
    """The interchange's segments as lists of elements."""
    if len(text) > MAX_BYTES:
        raise InvalidValue("x12", f"longer than {MAX_BYTES:,} characters")
    if "\x00" in text:
        raise InvalidValue("x12", "a NUL character is not X12 text")
    raw = text.lstrip("\ufeff \r\n\t")
    if not raw.startswith("ISA") or len(raw) < 106:
        raise InvalidValue("ISA", "an X12 interchange starts with its 106-character ISA segment")
    separator = raw[3]
    isa = raw.split(separator, 16)
    if len(isa) < 17:
        raise InvalidValue("ISA", "the ISA segment has fewer than 16 elements")
    terminator = isa[16][1:2]  # after the component separator
    if not terminator:
        raise InvalidValue("ISA", "no segment terminator after ISA16")
    out = []
    for piece in raw.split(terminator):
        piece = piece.strip("\r\n ")
        if piece:
            out.append(piece.split(separator))
    return out


def document(text: str, *, kind: str, name: str, buyer_id: str) -> list[list[str]]:
    """The segments of an interchange addressed to this buyer (``ISA08``) carrying a
    transaction set of ``kind`` (``ST01``); ``name`` says what it should have been."""
    segs = segments(text)
    isa = segs[0]
    receiver = isa[8].strip() if len(isa) > 8 else ""
    if receiver != buyer_id:
        raise InvalidValue(
            "ISA08", f"this document is for {receiver or 'nobody'!r}, not for {buyer_id!r}"
        )
    st = next((s for s in segs if s[0] == "ST"), None)
    if st is None or st[1:2] != [kind]:
        raise InvalidValue("ST", f"not an {kind} {name}")
    return segs


def sender(segs: list[list[str]]) -> str:
    """The interchange's sender (``ISA06``)."""
    return segs[0][6].strip() if len(segs[0]) > 6 else ""


def check_parties(segs: list[list[str]], *, buyer_id: str, required: bool) -> None:
    """Every ship-to or buyer party (``N1*ST``, ``N1*BY``) that names an identification code
    (``N104``) names this buyer's; with ``required``, at least one of them does."""
    ours = False
    for s in segs:
        if s[0] != "N1" or s[1:2] not in (["ST"], ["BY"]):
            continue
        code = s[4].strip() if len(s) > 4 else ""
        if code and code != buyer_id:
            raise InvalidValue(
                "N104",
                f"N1*{s[1]} is {code!r}: this document is for another buyer, not {buyer_id!r}",
            )
        ours = ours or code == buyer_id
    if required and not ours:
        raise InvalidValue(
            "N1", f"no ship-to or buyer (N1*ST or N1*BY) with our identification code {buyer_id!r}"
        )


def element(seg: list[str], index: int) -> str:
    """An element of a segment, stripped ('' when absent)."""
    return seg[index].strip() if len(seg) > index else ""


def read_855(text: str, *, buyer_id: str = BUYER_ID) -> OrderAck:
    """A purchase order acknowledgement, checked to be for this buyer."""
    segs = document(text, kind="855", name="purchase order acknowledgement", buyer_id=buyer_id)
    isa = segs[0]
    bak = next((s for s in segs if s[0] == "BAK"), None)
    if bak is None or len(bak) < 4 or not bak[3].strip():
        raise InvalidValue("BAK", "the acknowledgement names no purchase order (BAK03)")
    ack = OrderAck(po_number=bak[3].strip(), ack_type=bak[2].strip(), sender=isa[6].strip())
    line: int | None = None
    for s in segs:
        if s[0] == "PO1":
            try:
                line = int(s[1])
            except (IndexError, ValueError):
                raise InvalidValue("PO1", f"a line number, not {s[1:2]!r}") from None
        elif s[0] == "ACK":
            if line is None:
                raise InvalidValue("ACK", "an ACK before any PO1 line")
            status = s[1].strip() if len(s) > 1 else ""
            quantity = None
            if len(s) > 2 and s[2].strip():
                try:
                    quantity = int(float(s[2]))
                except ValueError:
                    raise InvalidValue("ACK02", f"a quantity, not {s[2][:20]!r}") from None
            ack.lines.append(LineAck(line, status, quantity))
    return ack
