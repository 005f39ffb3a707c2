"""What verifying product identifiers needs from outside: a verification router
(:class:`VerificationRouter`, GS1 Lightweight Messaging Standard over HTTP in
``rxsupply.adapters.verification_router``) and storage (:class:`VerificationRepository`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from rxsupply.domain.verification import VerificationRequest, VerificationResponse


class VerificationRouter(Protocol):
    """A verification router service (VRS) client."""

    @property
    def url(self) -> str:
        """Where it asks (recorded with each verification)."""
        ...

    def verify(self, request: VerificationRequest) -> tuple[VerificationResponse, str]:
        """The responder's answer and its JSON as received.

        Raises:
            RouterUnavailable: the router could not be reached, timed out, failed (HTTP 5xx)
                or answered something that is not an LMS response.
        """
        ...


@dataclass(frozen=True, slots=True)
class EpcisListing:
    """A package an imported EPCIS document lists (``dscsa_package``)."""

    document_id: int
    facility_id: int
    gtin: str
    serial: str
    lot: str | None
    expiry: date | None
    product_id: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class VerificationRecord:
    """One verification as recorded (``dscsa_verification``)."""

    facility_id: int
    gtin: str
    serial: str
    lot: str
    expiry: date
    context: str
    local_result: str
    local_detail: str
    verified: bool
    reason: str
    corr_uuid: str
    requested_by: str
    requested_at: datetime
    router_url: str | None = None
    router_result: str | None = None
    router_response: str | None = None
    reference: str = ""
    id: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "facility_id": self.facility_id,
            "gtin": self.gtin,
            "serial": self.serial,
            "lot": self.lot,
            "expiry": self.expiry.isoformat(),
            "context": self.context,
            "verified": self.verified,
            "reason": self.reason,
            "local_result": self.local_result,
            "local_detail": self.local_detail,
            "router_url": self.router_url,
            "router_result": self.router_result,
            "router_response": self.router_response,
            "corr_uuid": self.corr_uuid,
            "reference": self.reference,
            "requested_by": self.requested_by,
            "requested_at": self.requested_at.isoformat(),
        }


class VerificationRepository(Protocol):
    def add(self, record: VerificationRecord) -> int:
        """Append a verification; its id."""
        ...

    def get(self, verification_id: int) -> VerificationRecord | None: ...

    def latest(self, *, limit: int, reference: str | None = None) -> list[VerificationRecord]:
        """The newest verifications first (of one reference, a prefix ending in ``:``
        matching every line of a batch, when given)."""
        ...

    def listed(self, gtin: str, serial: str) -> list[EpcisListing]:
        """The imported EPCIS documents' packages with this GTIN and serial, oldest first."""
        ...
