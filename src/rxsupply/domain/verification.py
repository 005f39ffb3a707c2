"""Verifying a DSCSA product identifier, and the GS1 Lightweight Messaging Standard (LMS).

Under the DSCSA (21 U.S.C. 360eee-1(c)(4)(D) for dispensers, (c)(4)(D)/(d) for saleable
returns) a trading partner verifies a package's *product identifier*: GTIN, serial number,
lot and expiry (:mod:`rxsupply.domain.identifier`). Industry does it through Verification
Router Services (VRS) that speak the **GS1 Lightweight Messaging Standard for Verification of
Product Identifiers** (GS1, release 1.0 Dec 2018, 1.1 Jul 2019) as the GS1 US *Implementation
Guideline* for DSCSA (release 1.3) profiles it:

- a **request** names the product identifier and who asks: ``gtin`` (GTIN-14), ``serialNumber``
  (AI 21), ``lotNumber`` (AI 10), ``expirationDate`` (AI 17, ``YYMMDD``; GS1 Gen Specs
  §3.4.7), ``requestorGLN`` (the standard's query parameter ``reqGLN``: a 13-digit GLN),
  ``corrUUID`` (a UUID correlating request and response) and ``context``
  (``dscsaSaleableReturn``). The standard's primary syntax is a GS1 Digital Link URI
  (``/01/{gtin}/10/{lot}/21/{serial}?17=YYMMDD&linkType=verificationService&context=...&
  reqGLN=...&corrUUID=...``); the JSON body with the same names is what this client POSTs,
  and the responder answers both.
- a **response** says ``verified`` (boolean) and, when not verified, the
  ``verificationFailureReason`` (:class:`FailureReason`: ``No_match_GTIN_Serial``,
  ``No_match_GTIN_Serial_Lot``, ``No_match_GTIN_Serial_Expiry``,
  ``No_match_GTIN_Serial_Lot_Expiry``, ``Not_for_re-distribution``, ``Manufacturer_policy``,
  ``No_reason_provided``); optionally ``additionalInfo`` (:class:`AdditionalInfo`:
  ``Expired``, ``ExpirationExtended``, ``Recalled``, ``Suspect``, ``Illegitimate``); with
  ``responderGLN``, ``corrUUID`` and ``verificationTimestamp``. The guideline nests
  ``verified``, the reason and the additional information in a ``data`` object; a flat
  response is read too.

The rules of the hospital's own check (:func:`check_received`) and of the manufacturer's
(:func:`answer_from_commissioned`) follow the guideline's order: a GTIN and serial that do not
match need no lot or expiry check. Standard library only; the clock is never read.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TypeVar
from urllib.parse import parse_qs, quote, unquote

from rxsupply.domain.identifier import dscsa_identifier, parse_expiry
from rxsupply.domain.ndc import gs1_check_digit
from rxsupply.errors import InvalidValue

SALEABLE_RETURN = "dscsaSaleableReturn"
LINK_TYPE = "verificationService"
_E = TypeVar("_E", bound=StrEnum)
_CONTEXT = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,39}$")


class FailureReason(StrEnum):
    """``verificationFailureReason`` codes (GS1 US LMS implementation guideline 1.3)."""

    NO_MATCH_GTIN_SERIAL = "No_match_GTIN_Serial"
    NO_MATCH_LOT = "No_match_GTIN_Serial_Lot"
    NO_MATCH_EXPIRY = "No_match_GTIN_Serial_Expiry"
    NO_MATCH_LOT_EXPIRY = "No_match_GTIN_Serial_Lot_Expiry"
    NOT_FOR_REDISTRIBUTION = "Not_for_re-distribution"
    MANUFACTURER_POLICY = "Manufacturer_policy"
    NO_REASON = "No_reason_provided"


class AdditionalInfo(StrEnum):
    """``additionalInfo`` codes (GS1 US LMS implementation guideline 1.3)."""

    EXPIRED = "Expired"
    EXPIRATION_EXTENDED = "ExpirationExtended"
    RECALLED = "Recalled"
    SUSPECT = "Suspect"
    ILLEGITIMATE = "Illegitimate"


@dataclass(frozen=True, slots=True)
class VerificationRequest:
    """What is asked: one product identifier, in a context, by a requestor."""

    gtin: str
    serial: str
    lot: str
    expiry: date
    corr_uuid: str
    context: str = SALEABLE_RETURN
    requestor_gln: str | None = None

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "gtin": self.gtin,
            "serialNumber": self.serial,
            "lotNumber": self.lot,
            "expirationDate": f"{self.expiry:%y%m%d}",
            "context": self.context,
            "corrUUID": self.corr_uuid,
        }
        if self.requestor_gln:
            out["requestorGLN"] = self.requestor_gln
        return out

    def digital_link(self) -> str:
        """The standard's GET form: the Digital Link path and its query string."""
        query = [
            ("17", f"{self.expiry:%y%m%d}"),
            ("linkType", LINK_TYPE),
            ("context", self.context),
            ("corrUUID", self.corr_uuid),
        ] + ([("reqGLN", self.requestor_gln)] if self.requestor_gln else [])
        path = f"/01/{self.gtin}/10/{quote(self.lot, safe='')}/21/{quote(self.serial, safe='')}"
        return path + "?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in query)


@dataclass(frozen=True, slots=True)
class VerificationResponse:
    """What a responder answered."""

    verified: bool
    corr_uuid: str
    reason: FailureReason | None = None
    additional_info: AdditionalInfo | None = None
    responder_gln: str | None = None
    timestamp: datetime | None = None

    def as_json(self) -> dict[str, object]:
        data: dict[str, object] = {"verified": self.verified}
        if self.reason is not None:
            data["verificationFailureReason"] = self.reason.value
        if self.additional_info is not None:
            data["additionalInfo"] = self.additional_info.value
        out: dict[str, object] = {"corrUUID": self.corr_uuid, "data": data}
        if self.responder_gln:
            out["responderGLN"] = self.responder_gln
        if self.timestamp is not None:
            out["verificationTimestamp"] = self.timestamp.isoformat()
        return out

    def describe(self) -> str:
        """``verified`` or the failure reason, with the additional information."""
        head = "verified" if self.verified else (self.reason or FailureReason.NO_REASON).value
        return head + (f" ({self.additional_info.value})" if self.additional_info else "")


def product_request(
    *,
    gtin: str,
    serial: str,
    lot: str,
    expiry: date | str,
    corr_uuid: str,
    context: str = SALEABLE_RETURN,
    requestor_gln: str | None = None,
    today: date | None = None,
) -> VerificationRequest:
    """A checked request: the product identifier by the DSCSA rules of
    :func:`~rxsupply.domain.identifier.dscsa_identifier` (GTIN check digit and NDC prefix,
    lot and serial of GS1 character set 82, 1-20 characters), the expiry as ``YYMMDD`` (day 00:
    the month's last day) or ISO ``YYYY-MM-DD``, a GLN of 13 digits with its check digit, a
    UUID and a context token.

    Raises:
        InvalidValue: the field at fault named as the standard names it.
    """
    when = expiry if isinstance(expiry, date) else parse_expiration(expiry, today=today)
    found = dscsa_identifier(
        {"01": gtin.strip(), "21": serial.strip(), "10": lot.strip(), "17": f"{when:%y%m%d}"},
        today=today,
    )
    assert found.serial is not None and found.lot is not None
    return VerificationRequest(
        gtin=found.gtin,
        serial=found.serial,
        lot=found.lot,
        expiry=when,
        corr_uuid=check_uuid(corr_uuid),
        context=check_context(context),
        requestor_gln=check_gln(requestor_gln, "requestorGLN") if requestor_gln else None,
    )


def parse_expiration(text: str, *, today: date | None = None) -> date:
    """``expirationDate`` as ``YYMMDD`` (GS1 AI 17) or ISO ``YYYY-MM-DD``."""
    raw = text.strip()
    if len(raw) == 6 and raw.isascii() and raw.isdigit():
        try:
            return parse_expiry(raw, today=today)
        except InvalidValue as exc:
            raise InvalidValue("expirationDate", exc.reason, raw) from exc
    try:
        return date.fromisoformat(raw) if len(raw) == 10 else _bad_date(raw)
    except ValueError as exc:
        raise InvalidValue(
            "expirationDate", "expected YYMMDD (GS1 AI 17) or YYYY-MM-DD", raw
        ) from exc


def _bad_date(raw: str) -> date:
    raise ValueError(raw)


def check_gln(text: str, field: str = "GLN") -> str:
    """A GLN: 13 digits whose last is the GS1 check digit (Gen Specs §3.7.9, §7.9.1)."""
    raw = text.strip()
    if len(raw) != 13 or not raw.isascii() or not raw.isdigit():
        raise InvalidValue(field, "a GLN has exactly 13 digits", raw)
    expected = gs1_check_digit(raw[:12])
    if raw[12] != expected:
        raise InvalidValue(field, f"check digit is {raw[12]}, the GS1 check digit is {expected}")
    return raw


def check_uuid(text: str) -> str:
    """``corrUUID``: a UUID in its canonical hyphenated lower-case form (RFC 9562)."""
    try:
        return str(uuid.UUID(text.strip()))
    except (ValueError, AttributeError) as exc:
        raise InvalidValue("corrUUID", "expected a UUID such as 3f1c...-...", text) from exc


def check_context(text: str) -> str:
    raw = text.strip()
    if not _CONTEXT.match(raw):
        raise InvalidValue(
            "context", f"a context is a word of letters and digits such as {SALEABLE_RETURN}", raw
        )
    return raw


def _text(obj: Mapping[str, object], name: str, *, required: bool = True) -> str | None:
    value = obj.get(name)
    if value is None or value == "":
        if required:
            raise InvalidValue(name, "missing")
        return None
    if not isinstance(value, str):
        raise InvalidValue(name, f"expected a string, got {type(value).__name__}")
    return value


def parse_request(obj: object, *, today: date | None = None) -> VerificationRequest:
    """Read a request's JSON object (the standard's names; ``reqGLN`` for ``requestorGLN``
    is read too); a missing ``context`` is ``dscsaSaleableReturn``.

    Raises:
        InvalidValue: not an object, a missing or malformed field (named).
    """
    if not isinstance(obj, Mapping):
        raise InvalidValue("request", "expected a JSON object")
    gln = _text(obj, "requestorGLN", required=False) or _text(obj, "reqGLN", required=False)
    return product_request(
        gtin=_text(obj, "gtin") or "",
        serial=_text(obj, "serialNumber") or "",
        lot=_text(obj, "lotNumber") or "",
        expiry=_text(obj, "expirationDate") or "",
        corr_uuid=_text(obj, "corrUUID") or "",
        context=_text(obj, "context", required=False) or SALEABLE_RETURN,
        requestor_gln=gln,
        today=today,
    )


def parse_digital_link(path: str, query: str, *, today: date | None = None) -> VerificationRequest:
    """Read the standard's GET form: ``/01/{gtin}/10/{lot}/21/{serial}`` (any order of the
    qualifiers after the GTIN, under any path prefix) and ``17``, ``context``, ``reqGLN``,
    ``corrUUID`` in the query string (GS1 Digital Link 1.x §4; LMS §3)."""
    segments = [unquote(s) for s in path.strip("/").split("/")]
    if "01" not in segments:
        raise InvalidValue("request", "a Digital Link path names the GTIN: /01/{gtin}/...", path)
    rest = segments[segments.index("01") :]
    if len(rest) % 2:
        raise InvalidValue("request", "a Digital Link path has AI/value pairs", path)
    pairs = dict(zip(rest[::2], rest[1::2], strict=True))
    params = {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
    return parse_request(
        {
            "gtin": pairs.get("01", ""),
            "serialNumber": pairs.get("21", ""),
            "lotNumber": pairs.get("10", ""),
            "expirationDate": params.get("17", pairs.get("17", "")),
            "context": params.get("context", SALEABLE_RETURN),
            "reqGLN": params.get("reqGLN", ""),
            "corrUUID": params.get("corrUUID", ""),
        },
        today=today,
    )


def parse_response(obj: object) -> VerificationResponse:
    """Read a response's JSON object (``verified`` under ``data`` or at the top).

    A verified response carries no failure reason; one not verified without a reason reads as
    ``No_reason_provided``.

    Raises:
        InvalidValue: not an object, ``verified`` missing or not a boolean, a code that is not
            the standard's, a malformed GLN, UUID or timestamp.
    """
    if not isinstance(obj, Mapping):
        raise InvalidValue("response", "expected a JSON object")
    data = obj.get("data", obj)
    if not isinstance(data, Mapping):
        raise InvalidValue("data", "expected a JSON object")
    verified = data.get("verified")
    if not isinstance(verified, bool):
        raise InvalidValue("verified", "expected true or false", verified)
    code = _text(data, "verificationFailureReason", required=False)
    info = _text(data, "additionalInfo", required=False)
    reason = _code(FailureReason, "verificationFailureReason", code) if code else None
    if verified and reason is not None:
        raise InvalidValue("verificationFailureReason", "a verified response has no failure reason")
    if not verified and reason is None:
        reason = FailureReason.NO_REASON
    gln = _text(obj, "responderGLN", required=False)
    stamp = _text(obj, "verificationTimestamp", required=False)
    try:
        when = datetime.fromisoformat(stamp.replace("Z", "+00:00")) if stamp else None
    except ValueError as exc:
        raise InvalidValue("verificationTimestamp", "expected ISO 8601", stamp) from exc
    return VerificationResponse(
        verified=verified,
        corr_uuid=check_uuid(_text(obj, "corrUUID") or ""),
        reason=reason,
        additional_info=_code(AdditionalInfo, "additionalInfo", info) if info else None,
        responder_gln=check_gln(gln, "responderGLN") if gln else None,
        timestamp=when,
    )


def _code(kind: type[_E], field: str, value: str) -> _E:
    try:
        return kind(value)
    except ValueError as exc:
        known = ", ".join(k.value for k in kind)
        raise InvalidValue(field, f"not a code of the standard ({known})", value) from exc
