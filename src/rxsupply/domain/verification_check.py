"""Checking a product identifier against records: the hospital's own (what it received, by
scan or in an imported EPCIS document: :func:`check_received`) and a manufacturer's
commissioned serials (:func:`answer_from_commissioned`, what the shipped local responder
answers from a serials file).

The order follows the GS1 US implementation guideline of the Lightweight Messaging Standard
for DSCSA (release 1.3): a GTIN and serial that do not match need no lot or expiry check; then
lot and expiry, the code naming which differ (:class:`~rxsupply.domain.verification.
FailureReason`); then what makes a matching package unfit to sell again. Standard library
only; ``today`` is passed in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from rxsupply.domain.verification import (
    AdditionalInfo,
    FailureReason,
    VerificationRequest,
    VerificationResponse,
)


@dataclass(frozen=True, slots=True)
class RecordedPackage:
    """A package as a record of ours holds it: scanned at receipt (``status`` its stock status)
    or listed by an imported EPCIS document (``status`` None)."""

    gtin: str
    serial: str
    lot: str | None
    expiry: date | None
    source: str  # "received" or "EPCIS document 12"
    status: str | None = None
    status_reason: str = ""


@dataclass(frozen=True, slots=True)
class Finding:
    """The outcome of a check: ``code`` is ``match``, ``not_found``, a failure reason's code, a
    blocking stock status or ``expired``; ``detail`` names the field and both values."""

    verified: bool
    code: str
    detail: str
    reason: FailureReason | None = None
    additional_info: AdditionalInfo | None = None


_MISMATCH = {
    (True, False): FailureReason.NO_MATCH_LOT,
    (False, True): FailureReason.NO_MATCH_EXPIRY,
    (True, True): FailureReason.NO_MATCH_LOT_EXPIRY,
}
_STATUS_INFO = {
    "recalled": AdditionalInfo.RECALLED,
    "suspect": AdditionalInfo.SUSPECT,
    "illegitimate": AdditionalInfo.ILLEGITIMATE,
}
_NOT_SALEABLE = (
    "quarantined",
    "recalled",
    "suspect",
    "opened",
    "returned",
    "destroyed",
    "dispensed",
)


def _compare(asked: VerificationRequest, found: RecordedPackage) -> Finding | None:
    lot_differs = found.lot is not None and found.lot != asked.lot
    expiry_differs = found.expiry is not None and found.expiry != asked.expiry
    reason = _MISMATCH.get((lot_differs, expiry_differs))
    if reason is None:
        return None
    said = []
    if lot_differs:
        said.append(f"lot: {found.source} {found.lot}, asked {asked.lot}")
    if expiry_differs:
        assert found.expiry is not None
        said.append(f"expiry: {found.source} {found.expiry}, asked {asked.expiry}")
    return Finding(False, reason.value, "; ".join(said), reason)


def check_received(
    asked: VerificationRequest,
    recorded: Sequence[RecordedPackage],
    *,
    today: date,
    require_received: bool = False,
) -> Finding:
    """The request against what we received: the scanned package first, else what imported
    EPCIS documents list. GTIN and serial first (none: ``not_found``), then lot and expiry
    (the field that differs named, both values given), then the package's stock status
    (quarantined, recalled, suspect, or gone: not for redistribution; for a package only a
    document lists, its lot's status) and its expiry. With ``require_received`` (a saleable
    return: DSCSA 582(d)(4) lets a dispenser return only what it received) a package only a
    document lists, never scanned into stock, is ``not_received``: not verified."""
    ours = [r for r in recorded if r.gtin == asked.gtin and r.serial == asked.serial]
    if not ours:
        return Finding(
            False,
            "not_found",
            f"GTIN {asked.gtin} serial {asked.serial} is not among the packages we received "
            "(scanned or listed by an EPCIS document)",
            FailureReason.NO_MATCH_GTIN_SERIAL,
        )
    for found in ours:
        differs = _compare(asked, found)
        if differs is not None:
            return differs
    received = [r for r in ours if r.source == "received"]
    if require_received and not received:
        where = ", ".join(sorted({r.source for r in ours}))
        return Finding(
            False,
            "not_received",
            f"not received: listed by {where} but never scanned into our stock",
            FailureReason.NO_MATCH_GTIN_SERIAL,
        )
    scanned = next((r for r in ours if r.status in _NOT_SALEABLE), None)
    if scanned is not None and scanned.status in _NOT_SALEABLE:
        why = f": {scanned.status_reason}" if scanned.status_reason else ""
        return Finding(
            False,
            str(scanned.status),
            f"the package is {scanned.status}{why}",
            FailureReason.NOT_FOR_REDISTRIBUTION,
            _STATUS_INFO.get(str(scanned.status)),
        )
    if asked.expiry < today:
        return Finding(
            False,
            "expired",
            f"expired on {asked.expiry.isoformat()}",
            FailureReason.NOT_FOR_REDISTRIBUTION,
            AdditionalInfo.EXPIRED,
        )
    where = ", ".join(sorted({r.source for r in ours}))
    return Finding(True, "match", f"matches what we received ({where})")


@dataclass(frozen=True, slots=True)
class Commissioned:
    """A row of a manufacturer's commissioned serials: ``status`` blank (active), recalled,
    suspect, illegitimate or decommissioned."""

    gtin: str
    serial: str
    lot: str
    expiry: date
    status: str = ""


COMMISSIONED_STATUSES = ("", "active", "recalled", "suspect", "illegitimate", "decommissioned")


def answer_from_commissioned(
    asked: VerificationRequest,
    commissioned: Mapping[tuple[str, str], Commissioned],
    *,
    today: date,
    responder_gln: str | None = None,
    now: datetime | None = None,
) -> VerificationResponse:
    """A manufacturer's answer from its commissioned serials, as the guideline's scenarios
    have it: no such GTIN and serial, or a lot or expiry that differs, is not verified with the
    matching code; a recalled, suspect or illegitimate serial (or a decommissioned one) is not
    for redistribution; an expired one is verified with ``Expired``."""
    found = commissioned.get((asked.gtin, asked.serial))

    def reply(
        verified: bool, reason: FailureReason | None = None, info: AdditionalInfo | None = None
    ) -> VerificationResponse:
        return VerificationResponse(
            verified,
            corr_uuid=asked.corr_uuid,
            reason=reason,
            additional_info=info,
            responder_gln=responder_gln,
            timestamp=now,
        )

    if found is None:
        return reply(False, FailureReason.NO_MATCH_GTIN_SERIAL)
    recorded = RecordedPackage(found.gtin, found.serial, found.lot, found.expiry, "commissioned")
    differs = _compare(asked, recorded)
    if differs is not None:
        return reply(False, differs.reason)
    if found.status not in ("", "active"):
        return reply(False, FailureReason.NOT_FOR_REDISTRIBUTION, _STATUS_INFO.get(found.status))
    return reply(True, None, AdditionalInfo.EXPIRED if found.expiry < today else None)
