"""What a receipt exception does to stock, through the ledger's status path (ARCHITECTURE:
usable stock only): a package received without agreeing paperwork is not usable.

- :func:`hold_package`: when an exception opens on a package scanned in (scanned but not
  expected, a lot, expiry or product mismatch, a serial scanned twice), the serialised package
  is *quarantined* (:class:`~rxsupply.services.ledger.SetStatus`, the reason naming the
  exception and the user). When a document exception opens that names packages (every package
  of a document without an affirmed transaction statement or from a seller not authorized;
  one shipped without a lot or expiry, or of a GTIN the master data does not describe:
  :mod:`rxsupply.services.dscsa.document_holds`), each of them already received is
  quarantined the same way (one received later is received quarantined). One not available
  (quarantined, recalled, suspect, gone) is left as it is: a hold only hardens.
- :func:`release_package`: when the exception is resolved, its packages go back to
  *available*, but only those still quarantined by this exception (a recall or a suspect
  case that took one since has changed its status and keeps it); one that another exception
  still open holds stays quarantined, its reason now naming that one (the hold passes to it,
  so that its resolution releases the package).
"""

from __future__ import annotations

from collections.abc import Sequence

from rxsupply.domain.clock import Clock
from rxsupply.domain.dscsa_exception import DscsaException, ExceptionState
from rxsupply.domain.limits import LedgerLimits
from rxsupply.domain.reconciliation import FindingKind
from rxsupply.domain.serial import SerialPackage
from rxsupply.domain.status import StockStatus
from rxsupply.services import ledger
from rxsupply.services.dscsa.document_holds import (
    DOCUMENT_HOLD_KINDS,
    document_holds,
    named_packages,
    why_held,
)
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.recall_release import post_all

HOLD_KINDS = frozenset(
    {
        FindingKind.UNEXPECTED,
        FindingKind.LOT_MISMATCH,
        FindingKind.EXPIRY_MISMATCH,
        FindingKind.PRODUCT_MISMATCH,
        FindingKind.DUPLICATE_SCAN,
    }
)
"""The exception kinds whose package was received and is held until resolved."""


def _tag(exception: DscsaException) -> str:
    return f"DSCSA exception {exception.id} "


def _identities(uow: UnitOfWork, exception: DscsaException) -> list[tuple[str, str]]:
    """(GTIN, serial) of each package the exception holds: its own package, or the packages
    its document names."""
    if exception.kind in DOCUMENT_HOLD_KINDS:
        return sorted(
            {(p.gtin, p.serial) for p in named_packages(uow, exception) if p.gtin and p.serial}
        )
    identifier = exception.identifier
    if exception.kind not in HOLD_KINDS or not identifier.startswith("01"):
        return []
    return [(identifier[2:16], identifier[18:])]


def _ours(uow: UnitOfWork, exception: DscsaException) -> list[tuple[str, SerialPackage]]:
    """(NDC, package) of each serialised package of ours the exception holds."""
    found = uow.packages.find(_identities(uow, exception))
    ndcs: dict[int, str] = {}
    out: list[tuple[str, SerialPackage]] = []
    for identity in sorted(found):
        package = found[identity]
        if package.product_id not in ndcs:
            product = uow.products.find("id", str(package.product_id))
            ndcs[package.product_id] = "" if product is None else str(product.ndc)
        if ndcs[package.product_id]:
            out.append((ndcs[package.product_id], package))
    return out


def held_by(uow: UnitOfWork, exception: DscsaException) -> list[SerialPackage]:
    """The packages of ours the exception holds now: quarantined, the reason naming it."""
    found = uow.packages.find(_identities(uow, exception))
    return [
        found[identity]
        for identity in sorted(found)
        if found[identity].status is StockStatus.QUARANTINED
        and found[identity].status_reason.startswith(_tag(exception))
    ]


def hold_package(
    uow: UnitOfWork, exception: DscsaException, *, user: str, clock: Clock
) -> list[dict[str, object]]:
    """Quarantine the exception's packages that are available (no commit); what changed."""
    opened = f"{_tag(exception)}({exception.kind.value}) opened by {user}: "
    commands = [
        _set(ndc, package.serial, StockStatus.QUARANTINED, opened + _why(exception, package), user)
        for ndc, package in _ours(uow, exception)
        if package.status is StockStatus.AVAILABLE
    ]
    return post_all(uow, commands, clock=clock)


def _why(exception: DscsaException, package: SerialPackage) -> str:
    """Why the exception holds a package of ours."""
    if exception.kind in DOCUMENT_HOLD_KINDS and exception.document_id is not None:
        return why_held(
            exception.kind, exception.document_id, gtin=package.gtin, found=exception.found
        )
    return "received without agreeing transaction information"


def release_package(
    uow: UnitOfWork, exception: DscsaException, *, user: str, clock: Clock
) -> list[dict[str, object]]:
    """Make the resolved exception's packages available again when this exception is what
    holds them (no commit); what changed."""
    commands: list[ledger.Command] = []
    others = [  # the order's other exceptions still open that hold a package: read once
        e
        for e in uow.reconciliation.exceptions(order_number=exception.order_number)
        if e.id != exception.id and e.kind in HOLD_KINDS and e.state is not ExceptionState.RESOLVED
    ]
    for ndc, package in _ours(uow, exception):
        why = package.status_reason or ""
        if package.status is not StockStatus.QUARANTINED or not why.startswith(_tag(exception)):
            continue
        other = _other_holder(uow, exception, package, others)
        if other is not None:  # the hold passes to the other: its resolution releases it
            reason = f"{other} still open, by {user}"
            held = _set(ndc, package.serial, StockStatus.QUARANTINED, reason, user, restate=True)
            commands.append(held)
            continue
        reason = f"{_tag(exception)}resolved by {user}"
        commands.append(_set(ndc, package.serial, StockStatus.AVAILABLE, reason, user))
    return post_all(uow, commands, clock=clock)


def _other_holder(
    uow: UnitOfWork,
    exception: DscsaException,
    package: SerialPackage,
    others: Sequence[DscsaException],
) -> str | None:
    """Another exception still open that holds the package (how a reason names it), if any:
    one of the order's (``others``: its open package-holding exceptions but this one) about
    the package itself, or a document exception naming it."""
    identifier = f"01{package.gtin}21{package.serial}"
    for e in others:
        if e.identifier == identifier:
            return f"{_tag(e)}({e.kind.value})"
    for hold in document_holds(uow, gtin=package.gtin, serial=package.serial):
        if hold.exception_id != exception.id:
            return f"{hold.tag}({hold.kind.value})"
    return None


def _set(
    ndc: str, serial: str, status: StockStatus, reason: str, user: str, *, restate: bool = False
) -> ledger.Command:
    return ledger.SetStatus(
        user=user,
        product=ndc,
        lot=None,
        serial=serial,
        status=status,
        reason=reason[: LedgerLimits().note_length],
        restate=restate,
    )
