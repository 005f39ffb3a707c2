"""What an automated dispensing cabinet reports, whatever the wire format: a message of
transactions (dispense, patient return, waste, refill, count), and the acknowledgement it gets.

The HL7 v2 profile that carries them is in :mod:`rxsupply.adapters.hl7_cabinet`; posting is
:func:`rxsupply.services.cabinet.record_cabinet_message`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class AckCode(StrEnum):
    """HL7 acknowledgement codes (HL7 table 0008, original mode)."""

    ACCEPT = "AA"  # accepted and posted (or recorded before: a resend)
    ERROR = "AE"  # an application error: the message is understood, nothing of it was posted
    REJECT = "AR"  # rejected: not a message of the profile (type, version, structure)


class ErrorCode(StrEnum):
    """HL7 table 0357 (message error condition codes) as the profile uses them."""

    SEGMENT_SEQUENCE = "100"
    REQUIRED_FIELD_MISSING = "101"
    DATA_TYPE = "102"
    TABLE_VALUE_NOT_FOUND = "103"
    UNSUPPORTED_MESSAGE_TYPE = "200"
    UNSUPPORTED_EVENT = "201"
    UNSUPPORTED_PROCESSING_ID = "202"
    UNSUPPORTED_VERSION = "203"
    UNKNOWN_KEY = "204"
    APPLICATION_ERROR = "207"


@dataclass(frozen=True, slots=True)
class MessageProblem:
    """Why a message, or one of its fields, cannot be posted: ``where`` is the HL7 location
    (``RXD(2)-13`` is field 13 of the second RXD segment), ``code`` the HL7 error code."""

    code: ErrorCode
    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}" if self.where else self.reason


class CabinetMessageRejected(Exception):
    """A message that is not one of the profile's (``AR``), or whose content cannot be posted
    (``AE``); ``control_id`` when it could be read."""

    def __init__(
        self, ack: AckCode, problem: MessageProblem, *, control_id: str = "", sender: str = ""
    ) -> None:
        self.ack = ack
        self.problem = problem
        self.control_id = control_id
        self.sender = sender
        super().__init__(str(problem))


class TransactionKind(StrEnum):
    DISPENSE = "dispense"
    PATIENT_RETURN = "patient_return"
    WASTE = "waste"
    REFILL = "refill"  # units put into a pocket at the cabinet
    COUNT = "count"  # units counted in a pocket (the quantity may be 0)


@dataclass(frozen=True, slots=True, kw_only=True)
class CabinetTransaction:
    """One thing that happened at a pocket: ``number`` within its message (RXD-1), what
    (an item code, or an NDC or GTIN when ``by_ndc``), where, how many units, when, by whom."""

    number: str
    kind: TransactionKind
    code: str
    by_ndc: bool
    location: str
    quantity: int
    occurred_at: datetime | None
    user: str
    lot: str = ""
    witness: str = ""
    segment: str = "RXD(1)"  # where it sits in the message, for error messages


@dataclass(frozen=True, slots=True, kw_only=True)
class CabinetMessage:
    """A message of transactions from a cabinet system (``sender``: MSH-3, ``control_id``:
    MSH-10, which makes a resend a duplicate)."""

    sender: str
    facility: str
    control_id: str
    message_type: str
    version: str
    transactions: list[CabinetTransaction] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class CabinetAnswer:
    """What a message got: its acknowledgement code and text, the transactions posted, the
    discrepancies recorded, and whether it was a resend of a message recorded before."""

    ack: AckCode
    text: str
    control_id: str = ""
    sender: str = ""
    posted: int = 0
    discrepancies: int = 0
    duplicate: bool = False
    problem: MessageProblem | None = None
