"""The checks an imported EPCIS document's transaction statement and seller get (DSCSA, FD&C
Act section 582(d)(1)(A): a dispenser accepts ownership only with the transaction
information and statement, and 582(d)(3): only from authorized trading partners).

A document that fails them is still recorded (it is evidence) and opens an exception of its
order (:mod:`rxsupply.services.dscsa.exceptions`), identified by ``document:<id>``:

- ``no_statement``: the transaction statement is not affirmed;
- ``seller_unauthorized``: the seller is not a trading partner on file, or is not authorized
  on the transaction date (:func:`rxsupply.services.trading_partners.check_partner`);
- ``lot_expiry_missing``: a package shipped without a lot or expiry (never commissioned in the
  document, or commissioned without them): the transaction information is incomplete, the
  package is recorded with what the document says (nothing made up) and the finding lists it.
- ``product_undescribed``: a GTIN shipped that the header's master data does not describe (no
  name, strength, dosage form, NDC or container size in the transaction information): the
  packages are recorded as the product their GTIN's NDC digits name, and the finding lists
  the GTINs and how many packages of each.

Each of them is about the document (``document_id`` set) and, while open, holds the serialised
packages it names (every one the document ships for the first two):
:mod:`rxsupply.services.dscsa.document_holds`. Reconciliation never resolves these by itself
(the scans cannot settle them); someone does, with the corrected document or the partner's
licence.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from rxsupply.domain.clock import Clock
from rxsupply.domain.epcis_shipment import (
    ShippedPackage,
    undescribed_gtins,
    without_lot_or_expiry,
)
from rxsupply.domain.reconciliation import Finding, FindingKind
from rxsupply.errors import NotFound, PartnerNotAuthorized
from rxsupply.services.dscsa.exceptions import open_exception
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.trading_partners import check_partner

DOCUMENT_KINDS = frozenset(
    {
        FindingKind.NO_STATEMENT,
        FindingKind.SELLER_UNAUTHORIZED,
        FindingKind.LOT_EXPIRY_MISSING,
        FindingKind.PRODUCT_UNDESCRIBED,
    }
)
"""The exception kinds about a document rather than a package."""


#: How many packages a finding names (the document's page lists them all).
NAMED = 5


@dataclass(frozen=True, slots=True)
class PackageGaps:
    """What a document's packages lack, summarised before the packages are let go: how many
    have no lot or expiry, and the first few of them; the GTINs shipped that the master data
    does not describe, with their package counts."""

    without_lot: int = 0
    first: tuple[str, ...] = ()
    undescribed: tuple[tuple[str, int], ...] = ()

    @classmethod
    def of(
        cls, packages: Sequence[ShippedPackage], *, described: Collection[str | None] = ()
    ) -> PackageGaps:
        """``described``: the GTINs the transaction information describes."""
        undescribed = tuple(undescribed_gtins(packages, described).items())
        count, first = 0, list[str]()
        for package in without_lot_or_expiry(packages):
            count += 1
            if len(first) < NAMED:
                lot = f"lot {package.lot}" if package.lot else "no lot"
                expiry = f"expiry {package.expiry.isoformat()}" if package.expiry else "no expiry"
                first.append(f"{package.identifier} ({lot}, {expiry})")
        return cls(count, tuple(first), undescribed)


def document_findings(
    uow: UnitOfWork,
    *,
    document_id: int,
    seller: str | None,
    partner_known: bool,
    statement_affirmed: bool,
    on: date,
    gaps: PackageGaps = PackageGaps(),
) -> list[Finding]:
    """What is wrong with a document's statement, seller and packages (nothing written)."""
    subject = f"document:{document_id}"
    out: list[Finding] = []
    if gaps.undescribed:
        listed = "; ".join(
            f"GTIN {gtin} ({n} package{'' if n == 1 else 's'})" for gtin, n in gaps.undescribed
        )
        out.append(
            Finding(
                FindingKind.PRODUCT_UNDESCRIBED,
                subject,
                "product master data (name, strength, dosage form, NDC, container size) for "
                "every GTIN shipped",
                f"{listed}: not described by the master data",
                document_id,
            )
        )
    if gaps.without_lot:
        more = gaps.without_lot - len(gaps.first)
        listed = ", ".join(gaps.first) + (f" and {more} more" if more else "")
        plural = "package" if gaps.without_lot == 1 else "packages"
        out.append(
            Finding(
                FindingKind.LOT_EXPIRY_MISSING,
                subject,
                "a lot and expiry for every package shipped",
                f"{gaps.without_lot} {plural} without a lot or expiry: {listed}",
                document_id,
            )
        )
    if not statement_affirmed:
        out.append(
            Finding(
                FindingKind.NO_STATEMENT,
                subject,
                "an affirmed transaction statement",
                "no affirmed transaction statement",
                document_id,
            )
        )
    problem: str | None = None
    if not seller:
        problem = "the document names no seller"
    elif not partner_known:
        problem = f"{seller} is not a trading partner on file"
    else:
        try:
            check_partner(uow, partner=seller, on=on)
        except PartnerNotAuthorized as refused:
            problem = f"{seller} on {on.isoformat()}: {refused.reason}"
        except NotFound:
            problem = f"{seller} is not a trading partner on file"
    if problem is not None:
        out.append(
            Finding(
                FindingKind.SELLER_UNAUTHORIZED,
                subject,
                "a seller authorized on the transaction date",
                problem,
                document_id,
            )
        )
    return out


def open_document_exceptions(
    uow: UnitOfWork,
    findings: list[Finding],
    *,
    facility_id: int,
    order_number: str,
    user: str,
    clock: Clock,
) -> list[int]:
    """Open an exception for each finding not already open for the order; their ids (the
    caller commits)."""
    live = {
        e.key
        for e in uow.reconciliation.exceptions(order_number=order_number)
        if e.state.value != "resolved"
    }
    return [
        open_exception(
            uow, f, facility_id=facility_id, order_number=order_number, user=user, clock=clock
        )
        for f in findings
        if f.key not in live
    ]
