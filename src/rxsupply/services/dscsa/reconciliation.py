"""Reconciliation at receipt: what was scanned against a purchase order against what the
order's EPCIS documents ship (:func:`rxsupply.domain.reconciliation.reconcile`).

- Receiving a package by scan against an order (:func:`rxsupply.services.receiving.
  receive_against_order` with a serial) records the scan (:func:`record_scan`): the package
  identifier, lot and expiry as the barcode said.
- :func:`order_reconciliation` shows the four groups (matched, expected but not scanned,
  scanned but not expected, data mismatches) without writing anything.
- :func:`reconcile_order` opens an exception for each disagreement
  (:mod:`rxsupply.services.dscsa.exceptions`): an exception already open for the same
  package and kind is not opened twice, and a resolved one is not reopened by the same
  disagreement; an open exception the order no longer shows (the missing package was scanned
  since, a corrected document arrived) is resolved, saying so.
- It runs by itself (:func:`reconcile_when_ready`) when a document is imported for an order
  that has scans (and when the same document is imported again), and when a scan completes
  the receipt of an order that has a document, in the same transaction as the import or the
  receipt.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from rxsupply.domain.clock import Clock
from rxsupply.domain.dscsa_exception import DscsaException, ExceptionState
from rxsupply.domain.purchasing import PurchaseOrder
from rxsupply.domain.reconciliation import Reconciliation, ScannedPackage, reconcile
from rxsupply.services.audit import require_user
from rxsupply.services.dscsa.document_checks import DOCUMENT_KINDS
from rxsupply.services.dscsa.exceptions import add_step, open_exception
from rxsupply.services.dscsa.records import append_record
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.ports.reconciliation import OrderDocument, ReceiptScan
from rxsupply.services.purchasing import get_order
from rxsupply.services.references import facility_of

SCAN_KIND = "receipt_scan"
SCAN_SUBJECT = "receipt_scan:"


@dataclass(slots=True, kw_only=True)
class OrderReconciliation:
    """An order's receipt against its documents: the groups, the scans, the documents and
    the order's exceptions (newest first); after :func:`reconcile_order`, the exceptions it
    ``opened`` and ``resolved`` (their ids)."""

    order: PurchaseOrder
    documents: list[OrderDocument]
    scanned: list[ScannedPackage]
    result: Reconciliation
    exceptions: list[DscsaException]
    opened: list[int] = field(default_factory=list)
    resolved: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        open_states = (ExceptionState.OPEN, ExceptionState.SELLER_CONTACTED)
        return {
            "order": self.order.number,
            "wholesaler": self.order.wholesaler,
            "status": self.order.status.value,
            "documents": [d.as_dict() for d in self.documents],
            "scanned": [s.as_dict() for s in self.scanned],
            **self.result.as_dict(),
            "exceptions": [e.as_dict() for e in self.exceptions],
            "open_exceptions": sum(e.state in open_states for e in self.exceptions),
            "opened": self.opened,
            "resolved": self.resolved,
        }


def order_facility(uow: UnitOfWork, order: PurchaseOrder) -> int:
    """The facility an order is received at (its storeroom's facility)."""
    code = uow.orders.location_code(order.id or 0)
    found = facility_of(uow, code) or uow.locations.get(code)
    assert found is not None and found.id is not None
    return found.id


def record_scan(
    uow: UnitOfWork,
    *,
    order: PurchaseOrder,
    gtin: str,
    serial: str,
    lot: str | None,
    expiry: date | None,
    product_id: int | None,
    user: str,
    now: datetime,
    clock: Clock,
) -> None:
    """Record a package scanned against an order and chain it (kind ``receipt_scan``, content
    :func:`receipt_scan_content`: an edited scan would change reconciliation unnoticed); the
    caller commits, with the receipt."""
    facility = order_facility(uow, order)
    scan_id = uow.reconciliation.add_scan(
        ReceiptScan(
            facility_id=facility,
            order_number=order.number,
            gtin=gtin,
            serial=serial,
            lot=lot,
            expiry=expiry,
            product_id=product_id,
            scanned_at=now,
            scanned_by=user,
        )
    )
    subject = f"{SCAN_SUBJECT}{scan_id}"
    append_record(
        uow,
        facility_id=facility,
        kind=SCAN_KIND,
        subject=subject,
        content=receipt_scan_content(uow, subject),
        user=user,
        clock=clock,
    )


def receipt_scan_content(uow: UnitOfWork, subject: str) -> object | None:
    """The content recorded for a receipt scan (``receipt_scan:<id>``): all its columns as
    plain JSON values; None when the row is gone."""
    key = subject[len(SCAN_SUBJECT) :]
    if not subject.startswith(SCAN_SUBJECT) or not key.isdigit():
        return None
    return uow.reconciliation.scan_row(int(key))


def stored_receipt_scans(uow: UnitOfWork) -> Iterable[tuple[int, str]]:
    """``(facility id, subject)`` of every receipt scan stored (for ``verify-ledger``)."""
    return [(f, f"{SCAN_SUBJECT}{key}") for f, key in uow.reconciliation.stored_scans()]


def order_reconciliation(uow: UnitOfWork, *, order: str) -> OrderReconciliation:
    """An order's reconciliation as it stands (nothing written)."""
    found = get_order(uow, order)
    return _current(uow, found)


def _current(uow: UnitOfWork, found: PurchaseOrder) -> OrderReconciliation:
    scanned = uow.reconciliation.scanned(found.number)
    return OrderReconciliation(
        order=found,
        documents=uow.reconciliation.documents(found.number),
        scanned=scanned,
        result=reconcile(uow.reconciliation.shipped(found.number), scanned),
        exceptions=uow.reconciliation.exceptions(order_number=found.number),
    )


def reconcile_order(uow: UnitOfWork, *, order: str, user: str, clock: Clock) -> OrderReconciliation:
    """Reconcile an order's receipt and open (or resolve) its exceptions (see the module);
    one transaction, committed. An order without a document opens nothing: there is nothing
    to reconcile against yet."""
    require_user(user)
    found = get_order(uow, order, lock=True)  # two reconciliations of one order take turns
    after = reconcile_in(uow, found, user=user, clock=clock)
    uow.commit()
    return after


def reconcile_in(
    uow: UnitOfWork, found: PurchaseOrder, *, user: str, clock: Clock
) -> OrderReconciliation:
    """Reconcile ``found`` (locked by the caller) inside the caller's unit of work: the
    caller commits, so a receipt or an import and its reconciliation are written together or
    not at all. Running it again with nothing changed writes nothing (idempotent)."""
    now = _current(uow, found)
    if not now.documents:
        return now
    facility = order_facility(uow, found)
    findings = now.result.findings()
    live = [
        e
        for e in now.exceptions
        if e.state is not ExceptionState.RESOLVED and e.kind not in DOCUMENT_KINDS
    ]
    live_keys = {e.key for e in live}
    settled = {
        (e.kind.value, e.identifier, e.expected, e.found)
        for e in now.exceptions
        if e.state is ExceptionState.RESOLVED
    }
    opened: list[int] = []
    for finding in findings:
        if finding.key in live_keys:
            continue
        if (*finding.key, finding.expected, finding.found) in settled:
            continue
        live_keys.add(finding.key)
        opened.append(
            open_exception(
                uow,
                finding,
                facility_id=facility,
                order_number=found.number,
                user=user,
                clock=clock,
            )
        )
    still = {f.key for f in findings}
    resolved: list[int] = []
    for gone in (e for e in live if e.key not in still):
        add_step(
            uow,
            gone,
            ExceptionState.RESOLVED,
            f"no longer found when order {found.number} was reconciled again "
            f"({clock.today().isoformat()}): the scans and the documents now agree",
            user=user,
            now=clock.now(),
            clock=clock,
        )
        resolved.append(gone.id or 0)
    after = _current(uow, found)
    after.opened, after.resolved = opened, resolved
    return after


def reconcile_when_ready(
    uow: UnitOfWork, *, order: str, user: str, clock: Clock
) -> OrderReconciliation | None:
    """Reconcile the order when it has both a document and scans (after an import, after a
    receipt that completes it), in the caller's unit of work (the caller commits: nothing is
    half-written when either part fails); None when it lacks either."""
    found = get_order(uow, order, lock=True)
    if not uow.reconciliation.documents(found.number):
        return None
    if not uow.reconciliation.scanned(found.number):
        return None
    return reconcile_in(uow, found, user=user, clock=clock)
