"""Verifying a product identifier (DSCSA; issue 14, item 4).

:func:`verify_product` checks a GTIN, serial, lot and expiry first against what the hospital
received (:func:`received_packages`: the package scanned at receipt, with its lot's number,
expiry and status, and the packages imported EPCIS documents list), then, when a
verification router is given, asks it (GS1 Lightweight Messaging Standard,
:mod:`rxsupply.domain.verification`). The verdict:

- a package we hold a record of must match it (lot and expiry; the field that differs is
  named) and be fit to sell again (not quarantined, recalled, suspect, opened, gone or
  expired);
- a package we never recorded (received without a scan) rests on the router's answer, and
  is not verified without one;
- a router that cannot be reached makes it *not verified: router unreachable*, never a crash.

Every verification is recorded, one append-only row (``dscsa_verification``) chained in the
facility's DSCSA record chain as kind ``verification``, subject ``verification:<id>``
(:func:`verification_content` is what ``rxsupply dscsa verify-ledger`` recomputes).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from rxsupply.domain.clock import Clock
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.location import LocationKind
from rxsupply.domain.status import StockStatus
from rxsupply.domain.verification import (
    SALEABLE_RETURN,
    FailureReason,
    VerificationRequest,
    VerificationResponse,
    product_request,
)
from rxsupply.domain.verification_check import Finding, RecordedPackage, check_received
from rxsupply.errors import InvalidValue, NotFound, RouterUnavailable
from rxsupply.services.audit import require_user
from rxsupply.services.dscsa.records import append_record
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.ports.verification import VerificationRecord, VerificationRouter
from rxsupply.services.references import facility_of

KIND = "verification"
UNREACHABLE = "unreachable"
_RESPONSE_CAP = 4000  # characters of a router's answer kept with the record


def received_packages(
    uow: UnitOfWork, gtin: str, serial: str
) -> tuple[list[RecordedPackage], int | None]:
    """What we hold on a GTIN and serial: the scanned package (its status the stricter of its
    own and its lot's) and the EPCIS documents' listings; and the facility they point to."""
    out: list[RecordedPackage] = []
    facility: int | None = None
    package = uow.packages.find([(gtin, serial)]).get((gtin, serial))
    if package is not None:
        number = uow.lots.numbers([package.lot_id]).get(package.lot_id, "")
        lot = uow.lots.lookup([(package.product_id, number)]).get((package.product_id, number))
        status, why = package.status, package.status_reason
        if status is StockStatus.AVAILABLE and lot is not None and lot.status is not None:
            status, why = lot.status.status, f"its lot is {lot.status.describe()}"
        out.append(
            RecordedPackage(
                gtin=gtin,
                serial=serial,
                lot=number or None,
                expiry=lot.expiry if lot is not None else None,
                source="received",
                status=status.value,
                status_reason=why,
            )
        )
        code = uow.locations.codes([package.location_id]).get(package.location_id)
        place = facility_of(uow, code) if code else None
        facility = place.id if place is not None else None
    for listed in uow.verifications.listed(gtin, serial):
        # a listed package's lot may be recalled or suspect although it was never scanned
        held = (
            uow.lots.lookup([(listed.product_id, listed.lot)]).get((listed.product_id, listed.lot))
            if listed.product_id is not None and listed.lot
            else None
        )
        lot_status = held.status if held is not None else None
        out.append(
            RecordedPackage(
                gtin=gtin,
                serial=serial,
                lot=listed.lot,
                expiry=listed.expiry,
                source=f"EPCIS document {listed.document_id}",
                status=None if lot_status is None else lot_status.status.value,
                status_reason="" if lot_status is None else f"its lot is {lot_status.describe()}",
            )
        )
        facility = facility if facility is not None else listed.facility_id
    return out, facility


def _facility_id(uow: UnitOfWork, found: int | None, named: str | None) -> int:
    if named:
        place = facility_of(uow, named.strip())
        if place is None or place.id is None:
            raise NotFound("facility", named.strip(), "a location of kind facility")
        return place.id
    if found is not None:
        return found
    facilities = uow.locations.of_kind(LocationKind.FACILITY)
    if len(facilities) == 1 and facilities[0].id is not None:
        return facilities[0].id
    raise InvalidValue(
        "facility",
        "name the facility whose records this verification joins (none of its packages is "
        f"recorded here; {len(facilities)} facilities)",
    )


def _ask(
    router: VerificationRouter, request: VerificationRequest
) -> tuple[VerificationResponse | None, str, str | None]:
    """The router's answer, what to record of it, and why it failed (None when it answered)."""
    try:
        response, raw = router.verify(request)
    except RouterUnavailable as exc:
        return None, "", f"not verified: router unreachable ({exc})"
    if response.corr_uuid != request.corr_uuid:
        return (
            None,
            raw,
            (f"not verified: the router answered another request (corrUUID {response.corr_uuid})"),
        )
    return response, raw, None


def _verdict(
    finding: Finding,
    response: VerificationResponse | None,
    failure: str | None,
    asked_router: bool,
) -> tuple[bool, str]:
    parts: list[str] = []
    local_ok = finding.verified or (finding.code == "not_found" and asked_router)
    if not local_ok:
        code = finding.reason.value if finding.reason else finding.code
        parts.append(f"{code}: {finding.detail}")
    if failure is not None:
        parts.append(failure)
    elif response is not None and not response.verified:
        parts.append(f"router: {response.describe()}")
    return not parts, "; ".join(parts)


def verify_product(
    uow: UnitOfWork,
    *,
    gtin: str,
    serial: str,
    lot: str,
    expiry: date | str,
    router: VerificationRouter | None = None,
    context: str = SALEABLE_RETURN,
    facility: str | None = None,
    requestor_gln: str | None = None,
    external_id: ExternalId | None = None,
    user: str,
    clock: Clock,
) -> VerificationRecord:
    """Verify one product identifier (see the module's notes), record it and chain the
    record; commits. An ``external_id`` (a web form's one-time token) is its reference: sent
    again, the verification it recorded is answered and nothing is written.

    Raises:
        InvalidValue: a malformed identifier, GLN or context (the field named); nothing
            written.
    """
    require_user(user)
    reference = "" if external_id is None else str(external_id)
    if reference:
        earlier = uow.verifications.latest(limit=1, reference=reference)
        if earlier:
            return earlier[0]
    found = check_product(
        uow,
        gtin=gtin,
        serial=serial,
        lot=lot,
        expiry=expiry,
        router=router,
        context=context,
        facility=facility,
        requestor_gln=requestor_gln,
        reference=reference,
        user=user,
        clock=clock,
    )
    done = record_verification(uow, found, clock=clock)
    uow.commit()
    return done


def check_product(
    uow: UnitOfWork,
    *,
    gtin: str,
    serial: str,
    lot: str,
    expiry: date | str,
    router: VerificationRouter | None,
    context: str = SALEABLE_RETURN,
    facility: str | None = None,
    requestor_gln: str | None = None,
    reference: str = "",
    user: str,
    clock: Clock,
) -> VerificationRecord:
    """The verification of one product identifier, not yet recorded (no id): the check
    against what we received, then the router's answer (asked before anything is written, so
    no lock is held while it answers)."""
    today = clock.today()
    request = product_request(
        gtin=gtin,
        serial=serial,
        lot=lot,
        expiry=expiry,
        corr_uuid=str(uuid.uuid4()),
        context=context,
        requestor_gln=requestor_gln,
        today=today,
    )
    recorded, found_facility = received_packages(uow, request.gtin, request.serial)
    facility_id = _facility_id(uow, found_facility, facility)
    finding = check_received(
        request, recorded, today=today, require_received=context == SALEABLE_RETURN
    )
    response, raw, failure = _ask(router, request) if router is not None else (None, "", None)
    verified, reason = _verdict(finding, response, failure, router is not None)
    return VerificationRecord(
        facility_id=facility_id,
        gtin=request.gtin,
        serial=request.serial,
        lot=request.lot,
        expiry=request.expiry,
        context=request.context,
        local_result=finding.code,
        local_detail=finding.detail,
        router_url=router.url if router is not None else None,
        router_result=None if router is None else _router_result(response),
        router_response=raw[:_RESPONSE_CAP] or None,
        verified=verified,
        reason=reason,
        corr_uuid=request.corr_uuid,
        reference=reference[:60],
        requested_by=user,
        requested_at=clock.now(),
    )


def _router_result(response: VerificationResponse | None) -> str:
    if response is None:
        return UNREACHABLE
    if response.verified:
        return "verified"
    return (response.reason or FailureReason.NO_REASON).value


def record_verification(
    uow: UnitOfWork, found: VerificationRecord, *, clock: Clock
) -> VerificationRecord:
    """Write a verification and chain it (kind ``verification``), in the caller's
    transaction; the record as stored."""
    new_id = uow.verifications.add(found)
    subject = f"{KIND}:{new_id}"
    append_record(
        uow,
        facility_id=found.facility_id,
        kind=KIND,
        subject=subject,
        content=verification_content(uow, subject),
        user=found.requested_by,
        clock=clock,
    )
    stored = uow.verifications.get(new_id)
    assert stored is not None
    return stored


def verification_content(uow: UnitOfWork, subject: str) -> object | None:
    """The recorded verification of ``verification:<id>`` as plain JSON values, or None when
    its row is gone: what the chain's digest covers."""
    kind, _, key = subject.partition(":")
    if kind != KIND or not key.isdigit():
        return None
    found = uow.verifications.get(int(key))
    return None if found is None else found.as_dict()


def list_verifications(
    uow: UnitOfWork, *, limit: int = 100, reference: str | None = None
) -> list[VerificationRecord]:
    """The newest verifications first."""
    if not 1 <= limit <= 10_000:
        raise InvalidValue("limit", "between 1 and 10000", limit)
    return uow.verifications.latest(limit=limit, reference=reference)


def answer_from_records(
    uow: UnitOfWork,
    request: VerificationRequest,
    *,
    today: date,
    responder_gln: str | None,
    now: datetime | None = None,
) -> VerificationResponse:
    """What the hospital's records answer to a router's request (the local responder): the
    same check as :func:`verify_product`'s first step, nothing written."""
    recorded, _ = received_packages(uow, request.gtin, request.serial)
    finding = check_received(request, recorded, today=today)
    return VerificationResponse(
        verified=finding.verified,
        corr_uuid=request.corr_uuid,
        reason=None if finding.verified else finding.reason,
        additional_info=finding.additional_info,
        responder_gln=responder_gln,
        timestamp=now,
    )


def describe(record: VerificationRecord) -> str:
    """One line: verified, or not verified and why."""
    head = f"{record.gtin} {record.serial} lot {record.lot} exp {record.expiry.isoformat()}"
    return f"{head}: verified" if record.verified else f"{head}: NOT verified: {record.reason}"
