"""The cabinet interface's HL7 v2 profile: reading a cabinet's message, writing its ACK.

The profile (README, "The cabinet interface"): HL7 v2.5.1 (any 2.x version is read),
message ``RDS^O13`` (pharmacy/treatment dispense), processing id ``P``, one ``RXD`` segment
per transaction, each optionally followed by a ``ZRX`` segment (the profile's own):

- ``MSH-3`` sending application (the cabinet system), ``MSH-4`` its facility, ``MSH-10`` the
  message control id (required: a message is posted once by sender and control id);
- ``RXD-1`` the transaction's number in the message; ``RXD-2`` what was taken: an item code
  (``ITM-00002^morphine 4 mg/mL^RXITEM``), or an NDC or GTIN with the coding system ``NDC``;
  ``RXD-3`` when (HL7 date/time, to the minute at least, with its UTC offset; without one, the
  facility's local time); ``RXD-4`` how many units (a whole number above zero); ``RXD-10``
  the user who took it (the nurse's id, component 1, required); ``RXD-13`` the pocket or
  cabinet code (component 1, required); ``RXD-18`` the lot, when the cabinet knows it;
- ``ZRX-1`` the transaction type: ``D`` dispense (the default), ``R`` patient return, ``W``
  waste, ``F`` refill (units put into the pocket, from the facility's storeroom), ``C`` count
  (``RXD-4`` is the units counted in the pocket, 0 allowed; ``RXD-13`` names the pocket);
  ``ZRX-2`` the witness's user id (a controlled-substance waste names one).

``PID``, ``PV1``, ``ORC`` and other segments are allowed and not read (no patient data is
kept). :func:`read_message` answers a :class:`~rxsupply.domain.cabinet.CabinetMessage` or
raises :class:`~rxsupply.domain.cabinet.CabinetMessageRejected` (``AR`` for a message that is
not of the profile, ``AE`` for content that cannot be posted); :func:`ack` writes the
``ACK`` (``MSA`` with the code, the control id and the text; ``ERR`` with the HL7 error code,
the location and the message on an error).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any, cast

import hl7

from rxsupply.domain.cabinet import (
    AckCode,
    CabinetAnswer,
    CabinetMessage,
    CabinetMessageRejected,
    CabinetTransaction,
    ErrorCode,
    MessageProblem,
    TransactionKind,
)

MESSAGE_TYPE = "RDS^O13"
VERSION = "2.5.1"
RECEIVER = "RXSUPPLY"
MAX_MESSAGE = 1_000_000
"""The largest message read (characters); a cabinet message is a few hundred."""
MAX_TRANSACTIONS = 1_000
FIELD_LENGTH = 200
_KINDS = {
    "": TransactionKind.DISPENSE,
    "D": TransactionKind.DISPENSE,
    "R": TransactionKind.PATIENT_RETURN,
    "W": TransactionKind.WASTE,
    "F": TransactionKind.REFILL,
    "C": TransactionKind.COUNT,
}
_parse = cast(Callable[[str], Any], hl7.parse)  # python-hl7 has no type hints
_STAMP = re.compile(
    r"(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(?:(\d{2})(?:\.(\d{1,4}))?)?(?:([+-])(\d{2})(\d{2}))?"
)


def read_message(text: str, *, zone: tzinfo) -> CabinetMessage:
    """A cabinet's message read by the profile; ``zone`` is the facility's, for times sent
    without a UTC offset."""
    if len(text) > MAX_MESSAGE:
        raise _reject(ErrorCode.APPLICATION_ERROR, "", f"longer than {MAX_MESSAGE:,} characters")
    text = text.replace("\r\n", "\r").replace("\n", "\r").strip("\r\x0b\x1c")
    if not text.startswith("MSH"):
        raise _reject(ErrorCode.SEGMENT_SEQUENCE, "MSH", "a message starts with its MSH segment")
    try:
        message = _parse(text)
        msh = message.segment("MSH")
    except Exception as exc:  # python-hl7 raises several kinds on a broken message
        raise _reject(ErrorCode.SEGMENT_SEQUENCE, "MSH", f"not an HL7 v2 message ({exc})") from exc
    sender = _field(message, msh, 3)
    control_id = _field(message, msh, 10)
    if not control_id:
        raise _reject(
            ErrorCode.REQUIRED_FIELD_MISSING, "MSH-10", "the message control id is missing"
        )
    if len(control_id) > 50 or len(sender) > 40:
        raise _reject(ErrorCode.DATA_TYPE, "MSH-10", "the sender or control id is too long")

    def rejected(code: ErrorCode, where: str, reason: str) -> CabinetMessageRejected:
        return _reject(code, where, reason, control_id=control_id, sender=sender)

    kind = "^".join(_components(message, msh, 9)[:2])
    if kind != MESSAGE_TYPE:
        code = (
            ErrorCode.UNSUPPORTED_EVENT
            if kind.startswith("RDS^")
            else ErrorCode.UNSUPPORTED_MESSAGE_TYPE
        )
        raise rejected(
            code, "MSH-9", f"message type {kind or 'missing'}: the profile takes RDS^O13"
        )
    processing = _field(message, msh, 11)
    if processing != "P":
        raise rejected(
            ErrorCode.UNSUPPORTED_PROCESSING_ID,
            "MSH-11",
            f"processing id {processing or 'missing'}: only production (P) messages are posted",
        )
    version = _field(message, msh, 12)
    if not version.startswith("2."):
        raise rejected(
            ErrorCode.UNSUPPORTED_VERSION, "MSH-12", f"version {version or 'missing'} is not 2.x"
        )
    found = CabinetMessage(
        sender=sender,
        facility=_field(message, msh, 4),
        control_id=control_id,
        message_type=kind,
        version=version,
    )
    segments = list(message)
    count = 0
    for n, segment in enumerate(segments):
        if str(segment[0]) != "RXD":
            continue
        count += 1
        if count > MAX_TRANSACTIONS:
            raise rejected(
                ErrorCode.APPLICATION_ERROR, "RXD", f"more than {MAX_TRANSACTIONS} transactions"
            )
        follower = segments[n + 1] if n + 1 < len(segments) else None
        extra = follower if follower is not None and str(follower[0]) == "ZRX" else None
        try:
            found.transactions.append(_transaction(message, segment, extra, count, zone))
        except CabinetMessageRejected as exc:
            exc.control_id, exc.sender = control_id, sender
            raise
    if not found.transactions:
        raise rejected(ErrorCode.SEGMENT_SEQUENCE, "RXD", "the message has no RXD segment")
    return found


def _transaction(
    message: hl7.Message, rxd: hl7.Segment, zrx: hl7.Segment | None, count: int, zone: tzinfo
) -> CabinetTransaction:
    at = f"RXD({count})"
    what = _components(message, rxd, 2)
    code = what[0] if what else ""
    system = what[2].upper() if len(what) > 2 else ""
    if not code:
        raise _error(ErrorCode.REQUIRED_FIELD_MISSING, f"{at}-2", "the item or NDC is missing")
    quantity_text = _field(message, rxd, 4)
    if not quantity_text.isascii() or not quantity_text.isdigit() or len(quantity_text) > 9:
        raise _error(
            ErrorCode.DATA_TYPE,
            f"{at}-4",
            f"the quantity {quantity_text[:20]!r} is not a whole number of units",
        )
    quantity = int(quantity_text)
    user = (_components(message, rxd, 10) or [""])[0]
    if not user:
        raise _error(
            ErrorCode.REQUIRED_FIELD_MISSING, f"{at}-10", "the user who took it is missing"
        )
    location = (_components(message, rxd, 13) or [""])[0]
    if not location:
        raise _error(
            ErrorCode.REQUIRED_FIELD_MISSING, f"{at}-13", "the pocket or cabinet is missing"
        )
    kind_text = _field(message, zrx, 1).upper() if zrx is not None else ""
    kind = _KINDS.get(kind_text)
    if kind is None:
        raise _error(
            ErrorCode.TABLE_VALUE_NOT_FOUND,
            f"ZRX({count})-1",
            f"transaction type {kind_text[:20]!r}: D (dispense), R (return), W (waste), "
            "F (refill) or C (count)",
        )
    if quantity <= 0 and kind is not TransactionKind.COUNT:
        raise _error(ErrorCode.DATA_TYPE, f"{at}-4", "the quantity must be above zero")
    for where, value in (
        (f"{at}-2", code),
        (f"{at}-10", user),
        (f"{at}-13", location),
    ):
        if len(value) > FIELD_LENGTH:
            raise _error(ErrorCode.DATA_TYPE, where, f"longer than {FIELD_LENGTH} characters")
    number = _field(message, rxd, 1) or str(count)
    return CabinetTransaction(
        number=number[:20],
        kind=kind,
        code=code,
        by_ndc=system in ("NDC", "GTIN"),
        location=location,
        quantity=quantity,
        occurred_at=_stamp(_field(message, rxd, 3), f"{at}-3", zone),
        user=user,
        lot=_field(message, rxd, 18)[:FIELD_LENGTH],
        witness=_field(message, zrx, 2)[:FIELD_LENGTH] if zrx is not None else "",
        segment=at,
    )


def _stamp(text: str, where: str, zone: tzinfo) -> datetime | None:
    """An HL7 date/time to the minute or finer, with its offset (else the facility's)."""
    if not text:
        return None
    match = _STAMP.fullmatch(text)
    if match is None:
        raise _error(
            ErrorCode.DATA_TYPE,
            where,
            f"{text[:40]!r} is not an HL7 date/time (YYYYMMDDHHMM[SS][+/-ZZZZ])",
        )
    year, month, day, hour, minute, second, fraction, sign, off_h, off_m = match.groups()
    where_zone: tzinfo = zone
    if sign:
        offset = timedelta(hours=int(off_h), minutes=int(off_m))
        if offset >= timedelta(hours=15):
            raise _error(
                ErrorCode.DATA_TYPE, where, f"{text[:40]!r}: the UTC offset is out of range"
            )
        where_zone = timezone(offset if sign == "+" else -offset)
    try:
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second or 0),
            int((fraction or "0").ljust(6, "0")[:6]),
            tzinfo=where_zone,
        )
    except ValueError as exc:
        raise _error(ErrorCode.DATA_TYPE, where, f"{text[:40]!r} is not a real time") from exc


def _components(message: hl7.Message, segment: hl7.Segment | None, index: int) -> list[str]:
    """The components of a field's first repetition, unescaped ([] when absent)."""
    if segment is None or index >= len(segment):
        return []
    separators = message.separators
    raw = str(segment[index]).split(separators[2])[0]
    unescape = cast(Callable[[str], str], message.unescape)
    return [unescape(c).strip() for c in raw.split(separators[3])]


def _field(message: hl7.Message, segment: hl7.Segment | None, index: int) -> str:
    """A field's first component, unescaped ("" when absent)."""
    parts = _components(message, segment, index)
    return parts[0] if parts else ""


def _reject(
    code: ErrorCode, where: str, reason: str, *, control_id: str = "", sender: str = ""
) -> CabinetMessageRejected:
    return CabinetMessageRejected(
        AckCode.REJECT, MessageProblem(code, where, reason), control_id=control_id, sender=sender
    )


def _error(code: ErrorCode, where: str, reason: str) -> CabinetMessageRejected:
    return CabinetMessageRejected(AckCode.ERROR, MessageProblem(code, where, reason))


def ack(answer: CabinetAnswer, *, now: datetime, facility: str = "", control_id: str) -> str:
    """The ACK of a message: ``MSH`` (sender and receiver swapped), ``MSA`` (the code, the
    original control id, the text) and, on an error, ``ERR`` (the HL7 error code, where, the
    message). ``control_id`` is the ACK's own."""
    stamp = now.strftime("%Y%m%d%H%M%S%z")
    lines = [
        "|".join(
            [
                "MSH",
                "^~\\&",
                RECEIVER,
                _escape(facility),
                _escape(answer.sender),
                "",
                stamp,
                "",
                "ACK^O13^ACK",
                _escape(control_id),
                "P",
                VERSION,
            ]
        ),
        "|".join(["MSA", answer.ack.value, _escape(answer.control_id), _escape(answer.text[:500])]),
    ]
    if answer.problem is not None:
        problem = answer.problem
        lines.append(
            "|".join(
                [
                    "ERR",
                    "",
                    _escape(problem.where),
                    f"{problem.code.value}^{_escape(_CODE_NAMES[problem.code])}^HL70357",
                    "E",
                    "",
                    "",
                    "",
                    _escape(problem.reason[:500]),
                ]
            )
        )
    return "\r".join(lines) + "\r"


_CODE_NAMES = {
    ErrorCode.SEGMENT_SEQUENCE: "Segment sequence error",
    ErrorCode.REQUIRED_FIELD_MISSING: "Required field missing",
    ErrorCode.DATA_TYPE: "Data type error",
    ErrorCode.TABLE_VALUE_NOT_FOUND: "Table value not found",
    ErrorCode.UNSUPPORTED_MESSAGE_TYPE: "Unsupported message type",
    ErrorCode.UNSUPPORTED_EVENT: "Unsupported event code",
    ErrorCode.UNSUPPORTED_PROCESSING_ID: "Unsupported processing id",
    ErrorCode.UNSUPPORTED_VERSION: "Unsupported version id",
    ErrorCode.UNKNOWN_KEY: "Unknown key identifier",
    ErrorCode.APPLICATION_ERROR: "Application internal error",
}


def _escape(text: str) -> str:
    """HL7 escape sequences for the delimiters (the escape character first), and no segment
    breaks inside a field."""
    out = text.replace("\\", "\\E\\")
    for char, code in (("|", "\\F\\"), ("^", "\\S\\"), ("&", "\\T\\"), ("~", "\\R\\")):
        out = out.replace(char, code)
    return out.replace("\r", " ").replace("\n", " ")


def read_ack(text: str) -> tuple[str, str, str]:
    """(MSA-1 code, MSA-2 control id, MSA-3 text) of an ACK: what a sender checks."""
    message = _parse(text.replace("\n", "\r").strip("\r\x0b\x1c"))
    msa = message.segment("MSA")
    return _field(message, msa, 1), _field(message, msa, 2), _field(message, msa, 3)
