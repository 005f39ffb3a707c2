"""Trading partners' authorization (DSCSA): record a licence or registration as checked,
list the partners with whether each is authorized today and why, and the check receiving makes
(:func:`check_partner`). A partner's EDI id (:func:`set_edi_id`): the interchange sender id
(``ISA06``) of the X12 documents it sends, which :func:`check_edi_sender` holds each 855, 856
and 810 of its orders to.

Receiving from a partner with an authorization on file is checked on the receipt's day, always;
from a partner with nothing on file only when the policy requires it
(``RXSUPPLY_REQUIRE_PARTNER_AUTHORIZATION``): a hospital records its partners' licences first,
then turns the requirement on, rather than stopping its dock the day it upgrades.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from rxsupply.domain.clock import Clock
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.fields import check_text, required_text
from rxsupply.domain.trading_partner import (
    FITS,
    Authorization,
    AuthorizationKind,
    Partner,
    PartnerPolicy,
    PartnerType,
    authorized,
    check_edi_id,
    check_state,
    expiring_soon,
)
from rxsupply.errors import DocumentRejected, InvalidValue, NotFound, PartnerNotAuthorized
from rxsupply.services.audit import record, require_user
from rxsupply.services.ports import UnitOfWork


@dataclass(frozen=True, slots=True, kw_only=True)
class PartnerStatus:
    """A partner on a day: ``authorized`` and why; ``checked`` when receiving checks it
    (something on file, or the policy requires it); ``expiring``: the day its authorization
    runs out when within 30 days."""

    partner: Partner
    on: date
    authorized: bool
    reason: str
    checked: bool
    expiring: date | None
    authorizations: list[Authorization] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.partner.id,
            "name": self.partner.name,
            "kind": self.partner.kind,
            "type": self.partner.type.value if self.partner.type else None,
            "edi_id": self.partner.edi_id,
            "on": self.on.isoformat(),
            "authorized": self.authorized,
            "reason": self.reason,
            "checked_at_receipt": self.checked,
            "expiring": self.expiring.isoformat() if self.expiring else None,
            "authorizations": [a.as_dict() for a in self.authorizations],
        }


def _status(
    partner: Partner, found: list[Authorization], on: date, policy: PartnerPolicy
) -> PartnerStatus:
    ok, reason = authorized(partner, found, on, reverify_days=policy.reverify_days)
    return PartnerStatus(
        partner=partner,
        on=on,
        authorized=ok,
        reason=reason,
        checked=bool(found) or policy.require_on_file,
        expiring=expiring_soon(found, partner, on) if ok else None,
        authorizations=found,
    )


def find_partner(uow: UnitOfWork, key: str) -> Partner:
    found = uow.partners.find(key)
    if found is None:
        raise NotFound("trading partner", key, "rxsupply partners list shows them")
    return found


def partner_statuses(
    uow: UnitOfWork, *, clock: Clock, policy: PartnerPolicy | None = None
) -> list[PartnerStatus]:
    """Every partner, by name, with whether it is authorized today and why."""
    rules = policy or PartnerPolicy()
    partners = uow.partners.all()
    found = uow.partners.authorizations(p.id or 0 for p in partners)
    today = clock.today()
    return [_status(p, found.get(p.id or 0, []), today, rules) for p in partners]


def partner_status(
    uow: UnitOfWork, *, partner: str, clock: Clock, policy: PartnerPolicy | None = None
) -> PartnerStatus:
    """One partner (by name or id) with its authorizations and status today."""
    found = find_partner(uow, partner)
    mine = uow.partners.authorizations([found.id or 0])[found.id or 0]
    return _status(found, mine, clock.today(), policy or PartnerPolicy())


def check_partner(
    uow: UnitOfWork, *, partner: str, on: date, policy: PartnerPolicy | None = None
) -> None:
    """Refuse (:class:`PartnerNotAuthorized`) a receipt on ``on`` from ``partner`` when it is
    checked (see the module) and not authorized that day."""
    found = find_partner(uow, partner)
    rules = policy or PartnerPolicy()
    mine = uow.partners.authorizations([found.id or 0])[found.id or 0]
    if not mine and not rules.require_on_file:
        return
    ok, reason = authorized(found, mine, on, reverify_days=rules.reverify_days)
    if not ok:
        raise PartnerNotAuthorized(found.name, reason)


def set_edi_id(
    uow: UnitOfWork,
    *,
    partner: str,
    edi_id: str | None,
    user: str,
    clock: Clock,
    policy: PartnerPolicy | None = None,
) -> PartnerStatus:
    """Record ``partner``'s EDI id, the interchange sender id (``ISA06``) its X12 documents
    come from, or clear it (None or blank: its documents are then accepted from any sender,
    saying so). An id on file for another partner is refused, naming it. The partner's status
    after."""
    require_user(user)
    found = find_partner(uow, partner)
    value = check_edi_id(edi_id) if edi_id is not None and edi_id.strip() else None
    if value is not None:
        holder = uow.partners.by_edi_id(value)
        if holder is not None and holder.id != found.id:
            raise InvalidValue("edi_id", f"on file for {holder.name} already", value)
    uow.partners.set_edi_id(found.id or 0, value)
    record(
        uow,
        user=user,
        action="set_partner_edi_id",
        entity="trading_partner",
        key=found.name,
        now=clock.now(),
        before={"edi_id": found.edi_id},
        after={"edi_id": value},
    )
    uow.commit()
    return partner_status(uow, partner=found.name, clock=clock, policy=policy)


def check_edi_sender(
    uow: UnitOfWork, *, wholesaler: str, order: str, sender: str, source: str
) -> list[str]:
    """Hold an X12 document of ``order`` from ``sender`` (its ``ISA06``) to the EDI id on file
    for the order's ``wholesaler``: another sender is refused (:class:`DocumentRejected`
    naming ``source``, the document's file, the sender and the id on file); with no id on
    file, what it warns of (the sender was not checked); nothing when it is the sender."""
    found = uow.partners.find(wholesaler)
    on_file = found.edi_id if found is not None else None
    if on_file is None:
        return [
            f"the sender was not checked: {wholesaler}, the wholesaler of order {order}, has no "
            f"EDI id on file (the document's ISA06 is {sender!r})"
        ]
    if sender != on_file:
        raise DocumentRejected(
            source,
            "ISA06",
            f"sent by {sender!r}, not by {wholesaler}, the wholesaler of order {order} (its EDI "
            f"id on file is {on_file!r}): nothing recorded",
            "sender",
        )
    return []


def _kind(text: str) -> AuthorizationKind:
    try:
        return AuthorizationKind(text.strip().lower())
    except ValueError:
        raise InvalidValue(
            "kind", "one of " + ", ".join(k.value for k in AuthorizationKind), text[:40]
        ) from None


def _type(text: str) -> PartnerType:
    try:
        return PartnerType(text.strip().lower())
    except ValueError:
        raise InvalidValue(
            "type", "one of " + ", ".join(k.value for k in PartnerType), text[:40]
        ) from None


def record_authorization(
    uow: UnitOfWork,
    *,
    partner: str,
    kind: str,
    number: str,
    state: str,
    expires: date,
    verified_on: date | None = None,
    source: str = "",
    note: str = "",
    partner_type: str | None = None,
    user: str,
    clock: Clock,
    policy: PartnerPolicy | None = None,
    external_id: ExternalId | None = None,
) -> PartnerStatus:
    """Record a licence or registration of ``partner`` as verified by ``user`` on
    ``verified_on`` (today unless given) against ``source``; with ``partner_type``, record the
    partner's DSCSA type too. The partner's status after. An ``external_id`` already recorded
    (a form submitted twice) records nothing again."""
    require_user(user)
    found = find_partner(uow, partner)
    if external_id is not None and uow.partners.by_external_id(str(external_id)) is not None:
        return partner_status(uow, partner=found.name, clock=clock, policy=policy)
    chosen = _kind(kind)
    if partner_type is not None and partner_type.strip():
        given = _type(partner_type)
        uow.partners.set_type(found.id or 0, given)
        found = Partner(id=found.id, name=found.name, kind=found.kind, type=given)
    if found.type is None:
        raise InvalidValue(
            "type",
            f"{found.name} is a {found.kind}, not a trading partner that ships: give its type",
        )
    if chosen not in FITS[found.type]:
        fits = " or ".join(sorted(k.value for k in FITS[found.type]))
        raise InvalidValue("kind", f"a {found.type.value} is authorized by a {fits}", chosen.value)
    today = clock.today()
    checked = verified_on or today
    if checked > today:
        raise InvalidValue("verified_on", f"after today ({today.isoformat()})", checked.isoformat())
    if expires < checked:
        raise InvalidValue(
            "expires",
            f"before the day it was verified ({checked.isoformat()})",
            expires.isoformat(),
        )
    auth = Authorization(
        kind=chosen,
        number=required_text("number", number, limit=60, why="the licence or registration number"),
        state=check_state(chosen, state),
        expires=expires,
        verified_on=checked,
        verified_by=user,
        source=check_text("source", source, limit=200).strip(),
        note=check_text("note", note, limit=500).strip(),
        recorded_at=clock.now(),
    )
    new_id = uow.partners.add_authorization(
        found.id or 0, auth, external_id=None if external_id is None else str(external_id)
    )
    record(
        uow,
        user=user,
        action="record_partner_authorization",
        entity="trading_partner",
        key=found.name,
        now=clock.now(),
        after={"id": new_id, "type": found.type.value, **auth.as_dict()},
    )
    uow.commit()
    return partner_status(uow, partner=found.name, clock=clock, policy=policy)
