"""What a receipt against an order put on hold, for the receiver (ARCHITECTURE: usable stock
only): the package to set apart on the quarantine shelf rather than put away, and why.

A receipt by scan puts a package on hold when it is received blocked (an open DSCSA document
exception names it: :mod:`rxsupply.services.dscsa.document_holds`), and the scan that completes
an order puts on hold the packages of the exceptions its reconciliation opens (scanned but not
expected, a lot, expiry or product that disagrees, a serial scanned twice:
:mod:`rxsupply.services.dscsa.exception_stock`), received by this scan or earlier.
:func:`held_after_receipt` lists them as they stand at the end of the receipt's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rxsupply.domain.serial import SerialPackage
from rxsupply.domain.status import StockStatus
from rxsupply.services.dscsa.exception_stock import held_by
from rxsupply.services.dscsa.reconciliation import OrderReconciliation
from rxsupply.services.ports import UnitOfWork

#: What the receiver does with a package on hold.
SET_APART = "set it apart on the quarantine shelf, do not put it away"


@dataclass(frozen=True, slots=True)
class HeldPackage:
    """A serialised package a receipt put on hold: where it is and why."""

    gtin: str
    serial: str
    lot: str
    status: StockStatus
    reason: str
    location: str

    def as_dict(self) -> dict[str, object]:
        return {
            "gtin": self.gtin,
            "serial": self.serial,
            "lot": self.lot,
            "status": self.status.value,
            "reason": self.reason,
            "location": self.location,
        }

    def say(self, *, reason_limit: int | None = None) -> str:
        """One line for the receiver (``reason_limit``: at most that many characters of the
        reason)."""
        reason = self.reason
        if reason_limit is not None and len(reason) > reason_limit:
            reason = reason[: reason_limit - 3].rstrip() + "..."
        return (
            f"GTIN {self.gtin} serial {self.serial} (lot {self.lot}, at {self.location}) is "
            f"{self.status.value}: {SET_APART}; {reason}"
        )


def held_after_receipt(
    uow: UnitOfWork,
    *,
    received: tuple[str, str] | None,
    reconciled: OrderReconciliation | None,
) -> list[HeldPackage]:
    """The packages on hold because of a receipt: the package it received (GTIN, serial),
    when blocked, then each package an exception the reconciliation ``opened`` holds; none
    listed twice."""
    packages: dict[tuple[str, str], SerialPackage] = {}
    if received is not None:
        own = uow.packages.find([received]).get(received)
        if own is not None and own.status.blocked:
            packages[own.identity] = own
    if reconciled is not None:
        opened = set(reconciled.opened)
        for exception in sorted(reconciled.exceptions, key=lambda e: e.id or 0):
            if exception.id in opened:
                for package in held_by(uow, exception):
                    packages.setdefault(package.identity, package)
    return _described(uow, packages.values())


def _described(uow: UnitOfWork, packages: Iterable[SerialPackage]) -> list[HeldPackage]:
    listed = list(packages)
    lots = uow.lots.numbers({p.lot_id for p in listed})
    places = uow.locations.codes({p.location_id for p in listed})
    return [
        HeldPackage(
            gtin=p.gtin,
            serial=p.serial,
            lot=lots.get(p.lot_id, ""),
            status=p.status,
            reason=p.status_reason,
            location=places.get(p.location_id, ""),
        )
        for p in listed
    ]
