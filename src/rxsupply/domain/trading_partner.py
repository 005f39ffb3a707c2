"""Trading partners' authorization under the DSCSA (FD&C Act section 582(a)(3) and (d)(3)): a
dispenser may engage in transactions only with authorized trading partners.

- A **manufacturer** or a **repackager** is authorized by a valid FDA establishment
  registration (section 510; the FEI or DUNS number FDA lists).
- A **wholesale distributor** by a valid licence of the state it ships from (or one issued by
  FDA where the state has no licensing program, section 583), reported to FDA (the WDD
  database is where the hospital checks it).
- A **third-party logistics provider** by a state 3PL licence (or an FDA-issued one, section
  584).
- A **dispenser** (another pharmacy) by its state pharmacy licence.

:func:`authorized` says whether a partner is authorized on a day and why not: it needs an
authorization of a kind fit for its type, not expired on that day (an authorization is valid
through its expiry date), and verified by someone on a day not in the future and not older than
the re-verification period (365 days unless told otherwise). A group purchasing organisation
negotiates prices but never owns or ships product: it is not a trading partner and has no type.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from rxsupply.errors import InvalidValue

REVERIFY_DAYS = 365
"""How old a verification may be before the authorization must be checked again."""
EXPIRING_DAYS = 30
"""An authorization expiring within this many days is flagged on the partners' list."""


class PartnerType(StrEnum):
    MANUFACTURER = "manufacturer"
    REPACKAGER = "repackager"
    WHOLESALE_DISTRIBUTOR = "wholesale_distributor"
    THIRD_PARTY_LOGISTICS = "3pl"
    DISPENSER = "dispenser"


class AuthorizationKind(StrEnum):
    STATE_WHOLESALE_LICENSE = "state_wholesale_license"
    FDA_WHOLESALE_LICENSE = "fda_wholesale_license"
    FDA_ESTABLISHMENT_REGISTRATION = "fda_establishment_registration"
    STATE_3PL_LICENSE = "state_3pl_license"
    FDA_3PL_LICENSE = "fda_3pl_license"
    STATE_PHARMACY_LICENSE = "state_pharmacy_license"


FITS: dict[PartnerType, frozenset[AuthorizationKind]] = {
    PartnerType.MANUFACTURER: frozenset({AuthorizationKind.FDA_ESTABLISHMENT_REGISTRATION}),
    PartnerType.REPACKAGER: frozenset({AuthorizationKind.FDA_ESTABLISHMENT_REGISTRATION}),
    PartnerType.WHOLESALE_DISTRIBUTOR: frozenset(
        {AuthorizationKind.STATE_WHOLESALE_LICENSE, AuthorizationKind.FDA_WHOLESALE_LICENSE}
    ),
    PartnerType.THIRD_PARTY_LOGISTICS: frozenset(
        {AuthorizationKind.STATE_3PL_LICENSE, AuthorizationKind.FDA_3PL_LICENSE}
    ),
    PartnerType.DISPENSER: frozenset({AuthorizationKind.STATE_PHARMACY_LICENSE}),
}
"""The authorization kinds that authorize each type of partner."""

_FDA_ISSUED = frozenset(
    {
        AuthorizationKind.FDA_WHOLESALE_LICENSE,
        AuthorizationKind.FDA_ESTABLISHMENT_REGISTRATION,
        AuthorizationKind.FDA_3PL_LICENSE,
    }
)
_USPS = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR VI GU AS MP"
)
STATES = frozenset(_USPS.split())
"""USPS codes of the states, the District of Columbia and the territories that license."""

_KIND_OF_PARTNER = {"wholesaler": PartnerType.WHOLESALE_DISTRIBUTOR}


def partner_type_of(kind: str, recorded: str | None) -> PartnerType | None:
    """A partner's DSCSA type: the one recorded, else the one its purchasing kind implies
    (a wholesaler is a wholesale distributor, a manufacturer a manufacturer); None for a GPO."""
    if recorded:
        return PartnerType(recorded)
    if kind in _KIND_OF_PARTNER:
        return _KIND_OF_PARTNER[kind]
    return PartnerType(kind) if kind in PartnerType.__members__.values() else None


def check_state(kind: AuthorizationKind, text: str) -> str:
    """The issuer: ``FDA`` for what FDA issues, else a state's two-letter USPS code."""
    value = text.strip().upper()
    if kind in _FDA_ISSUED:
        if value != "FDA":
            raise InvalidValue("state", f"a {kind.value.replace('_', ' ')} is issued by FDA", text)
    elif value not in STATES:
        raise InvalidValue("state", "the issuing state's two-letter USPS code (e.g. PA)", text)
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class Authorization:
    """One licence or registration of a partner, as the hospital checked it: ``source`` names
    where (the state board's licence lookup, FDA's WDD database, FDA's registration listing)."""

    kind: AuthorizationKind
    number: str
    state: str
    expires: date
    verified_on: date
    verified_by: str
    source: str = ""
    note: str = ""
    recorded_at: datetime | None = None
    id: int | None = None

    @property
    def label(self) -> str:
        return f"{self.kind.value.replace('_', ' ')} {self.number} ({self.state})"

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "kind": self.kind.value,
            "number": self.number,
            "state": self.state,
            "expires": self.expires.isoformat(),
            "verified_on": self.verified_on.isoformat(),
            "verified_by": self.verified_by,
            "source": self.source,
            "note": self.note,
            "recorded_at": self.recorded_at.isoformat() if self.recorded_at else None,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class PartnerPolicy:
    """How receiving checks partners (``RXSUPPLY_REQUIRE_PARTNER_AUTHORIZATION``,
    ``RXSUPPLY_PARTNER_REVERIFY_DAYS``): a partner with an authorization on file is always
    checked; one with nothing on file only when ``require_on_file`` is on."""

    require_on_file: bool = False
    reverify_days: int = REVERIFY_DAYS


@dataclass(frozen=True, slots=True, kw_only=True)
class Partner:
    name: str
    kind: str  # the purchasing kind: wholesaler, gpo, manufacturer
    type: PartnerType | None
    id: int | None = None
    edi_id: str | None = None  # the interchange sender id (ISA06) of the X12 it sends


EDI_ID_LENGTH = 15
"""ISA06, the interchange sender id, is 15 characters (an ID padded with spaces)."""


def check_edi_id(text: str) -> str:
    """A partner's EDI id as its X12 documents carry it in ``ISA06`` (the interchange sender
    id: X12.5 fixes the element at 15 characters, the id padded with spaces), without the
    padding: 1 to 15 printable ASCII characters (the X12 basic and extended character sets)."""
    value = text.strip()
    if not value:
        raise InvalidValue("edi_id", "the interchange sender id (ISA06), 1 to 15 characters")
    if not all(" " <= c <= "~" for c in value):
        raise InvalidValue(
            "edi_id", "printable ASCII characters only, as X12 sends them", value[:40]
        )
    if len(value) > EDI_ID_LENGTH:
        raise InvalidValue(
            "edi_id", f"at most {EDI_ID_LENGTH} characters (ISA06 is 15 wide)", value[:40]
        )
    return value


def _problem(auth: Authorization, on: date, reverify_days: int) -> str | None:
    """Why this authorization does not authorize on ``on`` (None when it does)."""
    if on > auth.expires:
        return f"its {auth.label} expired on {auth.expires.isoformat()}"
    if auth.verified_on > on:
        return (
            f"its {auth.label} is verified only from {auth.verified_on.isoformat()}, "
            f"after {on.isoformat()}"
        )
    if on > auth.verified_on + timedelta(days=reverify_days):
        return (
            f"its {auth.label} was last verified on {auth.verified_on.isoformat()}, more than "
            f"{reverify_days} days before {on.isoformat()}: verify it again"
        )
    return None


def authorized(
    partner: Partner,
    authorizations: list[Authorization],
    on: date,
    *,
    reverify_days: int = REVERIFY_DAYS,
) -> tuple[bool, str]:
    """Whether ``partner`` is authorized on ``on``, and why (the authorization that does it,
    or what is missing, expired or unverified)."""
    if partner.type is None:
        return False, f"{partner.name} is a {partner.kind}, not a trading partner that ships"
    fits = FITS[partner.type]
    kinds = " or ".join(sorted(k.value.replace("_", " ") for k in fits))
    usable = [a for a in authorizations if a.kind in fits]
    if not usable:
        others = sorted({a.kind.value.replace("_", " ") for a in authorizations})
        wrong = f" ({', '.join(others)} does not authorize one)" if others else ""
        what = partner.type.value.replace("_", " ")
        return False, f"{partner.name} has no {kinds} on file for a {what}{wrong}"
    problems = []
    for auth in sorted(usable, key=lambda a: (a.expires, a.verified_on), reverse=True):
        problem = _problem(auth, on, reverify_days)
        if problem is None:
            return True, (
                f"{partner.name} is authorized by its {auth.label} through "
                f"{auth.expires.isoformat()}, verified on {auth.verified_on.isoformat()}"
            )
        problems.append(problem)
    return False, f"{partner.name} is not authorized on {on.isoformat()}: {problems[0]}"


def expiring_soon(
    authorizations: list[Authorization], partner: Partner, today: date, *, days: int = EXPIRING_DAYS
) -> date | None:
    """The expiry of the partner's last valid fitting authorization when it falls within
    ``days`` of ``today`` (None otherwise)."""
    if partner.type is None:
        return None
    valid = [
        a.expires
        for a in authorizations
        if a.kind in FITS[partner.type] and _problem(a, today, 10**6) is None
    ]
    if not valid:
        return None
    last = max(valid)
    return last if last <= today + timedelta(days=days) else None
