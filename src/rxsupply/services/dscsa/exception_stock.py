"""What a receipt exception does to stock, through the ledger's status path (ARCHITECTURE:
usable stock only): a package received without agreeing paperwork is not usable.

- :func:`hold_package`: when an exception opens on a package scanned in (scanned but not
  expected, a lot, expiry or product mismatch, a serial scanned twice), the serialised package
  is *quarantined* (:class:`~rxsupply.services.ledger.SetStatus`, the reason naming the
  exception and the user). One not available (quarantined, recalled, suspect, gone) is left
  as it is: a hold only hardens.
- :func:`release_package`: when the exception is resolved, the package goes back to
  *available*, but only if it is still quarantined by this exception (a recall or a suspect
  case that took it since has changed its status and keeps it) and no other exception of the
  package is still open.
"""

from __future__ import annotations

from rxsupply.domain.clock import Clock
from rxsupply.domain.dscsa_exception import DscsaException, ExceptionState
from rxsupply.domain.limits import LedgerLimits
from rxsupply.domain.reconciliation import FindingKind
from rxsupply.domain.status import StockStatus
from rxsupply.services import ledger
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


def _package(uow: UnitOfWork, exception: DscsaException) -> tuple[str, str, str] | None:
    """(NDC, GTIN, serial) of the exception's package when it is a serialised package of
    ours."""
    identifier = exception.identifier
    if exception.kind not in HOLD_KINDS or not identifier.startswith("01"):
        return None
    gtin, serial = identifier[2:16], identifier[18:]
    found = uow.packages.find([(gtin, serial)]).get((gtin, serial))
    if found is None:
        return None
    product = uow.products.find("id", str(found.product_id))
    return None if product is None else (str(product.ndc), gtin, serial)


def _status(uow: UnitOfWork, gtin: str, serial: str) -> tuple[StockStatus, str]:
    found = uow.packages.find([(gtin, serial)])[(gtin, serial)]
    return found.status, found.status_reason or ""


def hold_package(
    uow: UnitOfWork, exception: DscsaException, *, user: str, clock: Clock
) -> list[dict[str, object]]:
    """Quarantine the exception's package when it is available (no commit); what changed."""
    package = _package(uow, exception)
    if package is None:
        return []
    ndc, gtin, serial = package
    if _status(uow, gtin, serial)[0] is not StockStatus.AVAILABLE:
        return []
    reason = (
        f"{_tag(exception)}({exception.kind.value}) opened by {user}: received without "
        "agreeing transaction information"
    )
    return post_all(uow, [_set(ndc, serial, StockStatus.QUARANTINED, reason, user)], clock=clock)


def release_package(
    uow: UnitOfWork, exception: DscsaException, *, user: str, clock: Clock
) -> list[dict[str, object]]:
    """Make the resolved exception's package available again when this exception is what
    holds it (no commit); what changed."""
    package = _package(uow, exception)
    if package is None:
        return []
    ndc, gtin, serial = package
    status, why = _status(uow, gtin, serial)
    if status is not StockStatus.QUARANTINED or not why.startswith(_tag(exception)):
        return []
    others = [
        e
        for e in uow.reconciliation.exceptions(order_number=exception.order_number)
        if e.id != exception.id
        and e.identifier == exception.identifier
        and e.kind in HOLD_KINDS
        and e.state is not ExceptionState.RESOLVED
    ]
    if others:
        reason = f"{_tag(others[0])}({others[0].kind.value}) still open, by {user}"
        command = _set(ndc, serial, StockStatus.QUARANTINED, reason, user)
        return post_all(uow, [command], clock=clock)
    reason = f"{_tag(exception)}resolved by {user}"
    return post_all(uow, [_set(ndc, serial, StockStatus.AVAILABLE, reason, user)], clock=clock)


def _set(ndc: str, serial: str, status: StockStatus, reason: str, user: str) -> ledger.Command:
    return ledger.SetStatus(
        user=user,
        product=ndc,
        lot=None,
        serial=serial,
        status=status,
        reason=reason[: LedgerLimits().note_length],
    )
