"""Interface messages: what a cabinet (or another system) sent, recorded once by its sender and
message control id with the acknowledgement it got."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class InterfaceMessage:
    """One message received: ``ack_code`` AA (accepted and posted), AE (an application error:
    nothing posted) or AR (rejected: not a message of the profile); ``transactions`` posted
    and ``discrepancies`` recorded."""

    protocol: str
    sender: str
    control_id: str
    message_type: str
    received_at: datetime
    ack_code: str
    ack_text: str
    received_by: str
    transactions: int = 0
    discrepancies: int = 0
    id: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "protocol": self.protocol,
            "sender": self.sender,
            "control_id": self.control_id,
            "message_type": self.message_type,
            "received_at": self.received_at.isoformat(),
            "ack_code": self.ack_code,
            "ack_text": self.ack_text,
            "transactions": self.transactions,
            "discrepancies": self.discrepancies,
            "received_by": self.received_by,
        }
