"""Reconciliation at receipt: the packages scanned against an order, against the packages the
seller's EPCIS documents say it shipped (DSCSA, FD&C Act section 582(d)(1): a dispenser accepts
product only with its transaction information, and the two must agree).

Each package is known by its product identifier in canonical form (``01`` + GTIN-14 + ``21`` +
serial, :mod:`rxsupply.domain.epc_identifier`). :func:`reconcile` puts every package in one of
four groups, and a fifth for what the document cannot confirm:

- **matched**: shipped and scanned, with the same lot, expiry and product;
- **missing** (expected but not scanned): in a document, not scanned at receipt;
- **unexpected** (scanned but not expected): scanned, in no document of the order;
- **mismatched**: shipped and scanned, but the lot, the expiry or the product differ (each
  differing field is a finding of its own). A field the scan does not give, and a product the
  document does not know (its GTIN, in the identifier, is the same), is not compared;
- **unconfirmed**: shipped and scanned, nothing differs, but the document ships it without a
  lot or an expiry: it cannot prove which lot (or expiry) the package is, so the package is
  not matched to whatever was scanned. It gives no finding of its own: the document's
  ``lot_expiry_missing`` exception (:mod:`rxsupply.services.dscsa.document_checks`), opened
  when the document was imported, covers it (and holds the package while it is open).

Besides, a serial scanned twice or shipped twice is a **duplicate** finding (ARCHITECTURE:
the same serial twice is a suspect-product signal).

Every package that is not matched gives :class:`Finding` s, each of which becomes an exception
(:mod:`rxsupply.domain.dscsa_exception`). Standard library only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class FindingKind(StrEnum):
    MISSING = "missing"
    UNEXPECTED = "unexpected"
    LOT_MISMATCH = "lot_mismatch"
    EXPIRY_MISMATCH = "expiry_mismatch"
    PRODUCT_MISMATCH = "product_mismatch"
    DUPLICATE_SCAN = "duplicate_scan"
    DUPLICATE_SHIPPED = "duplicate_shipped"
    NO_STATEMENT = "no_statement"
    SELLER_UNAUTHORIZED = "seller_unauthorized"
    LOT_EXPIRY_MISSING = "lot_expiry_missing"
    PRODUCT_UNDESCRIBED = "product_undescribed"


@dataclass(frozen=True, slots=True)
class ExpectedPackage:
    """A package an EPCIS document of the order ships (a ``dscsa_package`` row)."""

    identifier: str
    lot: str | None
    expiry: date | None
    product_id: int | None
    document_id: int
    container: str | None = None
    ndc: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "identifier": self.identifier,
            "lot": self.lot,
            "expiry": self.expiry.isoformat() if self.expiry else None,
            "product_id": self.product_id,
            "ndc": self.ndc or None,
            "document_id": self.document_id,
            "container": self.container,
        }


@dataclass(frozen=True, slots=True)
class ScannedPackage:
    """A package scanned at receipt against the order: what its barcode said."""

    identifier: str
    lot: str | None
    expiry: date | None
    product_id: int | None
    scanned_at: datetime
    scanned_by: str
    ndc: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "identifier": self.identifier,
            "lot": self.lot,
            "expiry": self.expiry.isoformat() if self.expiry else None,
            "product_id": self.product_id,
            "ndc": self.ndc or None,
            "scanned_at": self.scanned_at.isoformat(),
            "scanned_by": self.scanned_by,
        }


@dataclass(frozen=True, slots=True)
class Finding:
    """One disagreement: what the document said (``expected``) and what was scanned
    (``found``), as text (None for the side that has nothing)."""

    kind: FindingKind
    identifier: str
    expected: str | None
    found: str | None
    document_id: int | None

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind.value, self.identifier)

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind.value,
            "identifier": self.identifier,
            "expected": self.expected,
            "found": self.found,
            "document_id": self.document_id,
        }


@dataclass(frozen=True, slots=True)
class Mismatch:
    """A package shipped and scanned whose data differ: the findings, one per field."""

    shipped: ExpectedPackage
    scanned: ScannedPackage
    findings: tuple[Finding, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "identifier": self.shipped.identifier,
            "shipped": self.shipped.as_dict(),
            "scanned": self.scanned.as_dict(),
            "findings": [f.as_dict() for f in self.findings],
        }


@dataclass(frozen=True, slots=True)
class Unconfirmed:
    """A package shipped and scanned that the document ships without a lot or an expiry:
    what was scanned cannot be confirmed (``lacks``: the fields the document does not
    give)."""

    shipped: ExpectedPackage
    scanned: ScannedPackage

    @property
    def identifier(self) -> str:
        return self.shipped.identifier

    @property
    def lacks(self) -> list[str]:
        out = [] if self.shipped.lot is not None else ["lot"]
        return out + ([] if self.shipped.expiry is not None else ["expiry"])

    def as_dict(self) -> dict[str, object]:
        return {
            "identifier": self.identifier,
            "lacks": self.lacks,
            "shipped": self.shipped.as_dict(),
            "scanned": self.scanned.as_dict(),
        }


@dataclass(slots=True)
class Reconciliation:
    """The groups of one order's receipt, each sorted by identifier."""

    matched: list[tuple[ExpectedPackage, ScannedPackage]] = field(default_factory=list)
    missing: list[ExpectedPackage] = field(default_factory=list)
    unexpected: list[ScannedPackage] = field(default_factory=list)
    mismatched: list[Mismatch] = field(default_factory=list)
    duplicates: list[Finding] = field(default_factory=list)
    unconfirmed: list[Unconfirmed] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        groups = (self.missing, self.unexpected, self.mismatched, self.unconfirmed)
        return not (any(groups) or self.duplicates)

    def findings(self) -> list[Finding]:
        """Every disagreement that is an exception of its package: the missing packages, the
        unexpected ones, each mismatched field, the duplicates (an unconfirmed package is the
        document's exception, not its own)."""
        out = [
            Finding(FindingKind.MISSING, p.identifier, _package_text(p), None, p.document_id)
            for p in self.missing
        ]
        out += [
            Finding(FindingKind.UNEXPECTED, p.identifier, None, _package_text(p), None)
            for p in self.unexpected
        ]
        for m in self.mismatched:
            out.extend(m.findings)
        return out + self.duplicates

    def counts(self) -> dict[str, int]:
        return {
            "matched": len(self.matched),
            "missing": len(self.missing),
            "unexpected": len(self.unexpected),
            "mismatched": len(self.mismatched),
            "unconfirmed": len(self.unconfirmed),
            "duplicates": len(self.duplicates),
        }

    def as_dict(self) -> dict[str, object]:
        return {
            "counts": self.counts(),
            "matched": [
                {"identifier": s.identifier, "shipped": s.as_dict(), "scanned": c.as_dict()}
                for s, c in self.matched
            ],
            "missing": [p.as_dict() for p in self.missing],
            "unexpected": [p.as_dict() for p in self.unexpected],
            "mismatched": [m.as_dict() for m in self.mismatched],
            "unconfirmed": [u.as_dict() for u in self.unconfirmed],
            "duplicates": [f.as_dict() for f in self.duplicates],
        }


def reconcile(
    shipped: Iterable[ExpectedPackage], scanned: Iterable[ScannedPackage]
) -> Reconciliation:
    """Compare what the documents ship with what was scanned (see the module's rules). A
    package shipped twice (by two documents, or twice by one) is compared once (the later
    document, the higher id, wins) and is a ``duplicate_shipped`` finding; a serial scanned
    twice is compared once and is a ``duplicate_scan`` finding: the same serial twice is a
    suspect-product signal, never silently merged."""
    expected: dict[str, ExpectedPackage] = {}
    shipped_by: dict[str, list[int]] = {}
    for package in sorted(shipped, key=lambda p: p.document_id):
        expected[package.identifier] = package
        shipped_by.setdefault(package.identifier, []).append(package.document_id)
    seen: dict[str, ScannedPackage] = {}
    times: dict[str, int] = {}
    for one in scanned:
        seen.setdefault(one.identifier, one)
        times[one.identifier] = times.get(one.identifier, 0) + 1
    result = Reconciliation()
    for identifier, documents in sorted(shipped_by.items()):
        if len(documents) > 1:
            listed = ", ".join(f"document {d}" for d in documents)
            result.duplicates.append(
                Finding(
                    FindingKind.DUPLICATE_SHIPPED,
                    identifier,
                    "shipped once",
                    f"shipped {len(documents)} times ({listed})",
                    documents[-1],
                )
            )
    for identifier, count in sorted(times.items()):
        if count > 1:
            result.duplicates.append(
                Finding(
                    FindingKind.DUPLICATE_SCAN,
                    identifier,
                    "scanned once",
                    f"scanned {count} times",
                    None,
                )
            )
    for identifier in sorted(expected.keys() | seen.keys()):
        ship, scan = expected.get(identifier), seen.get(identifier)
        if scan is None:
            assert ship is not None
            result.missing.append(ship)
        elif ship is None:
            result.unexpected.append(scan)
        else:
            findings = _compare(ship, scan)
            if findings:
                result.mismatched.append(Mismatch(ship, scan, findings))
            elif ship.lot is None or ship.expiry is None:
                result.unconfirmed.append(Unconfirmed(ship, scan))
            else:
                result.matched.append((ship, scan))
    return result


def _compare(ship: ExpectedPackage, scan: ScannedPackage) -> tuple[Finding, ...]:
    out = []
    if ship.lot is not None and scan.lot is not None and ship.lot != scan.lot:
        out.append(
            Finding(FindingKind.LOT_MISMATCH, ship.identifier, ship.lot, scan.lot, ship.document_id)
        )
    if ship.expiry is not None and scan.expiry is not None and ship.expiry != scan.expiry:
        out.append(
            Finding(
                FindingKind.EXPIRY_MISMATCH,
                ship.identifier,
                ship.expiry.isoformat(),
                scan.expiry.isoformat(),
                ship.document_id,
            )
        )
    if (
        ship.product_id is not None
        and scan.product_id is not None
        and ship.product_id != scan.product_id
    ):
        out.append(
            Finding(
                FindingKind.PRODUCT_MISMATCH,
                ship.identifier,
                ship.ndc or f"product {ship.product_id}",
                scan.ndc or f"product {scan.product_id}",
                ship.document_id,
            )
        )
    return tuple(out)


def _package_text(package: ExpectedPackage | ScannedPackage) -> str:
    """A package's data in one line: ``lot L123, expiry 2027-05-31``."""
    parts = [f"lot {package.lot}" if package.lot else "no lot"]
    parts.append(f"expiry {package.expiry.isoformat()}" if package.expiry else "no expiry")
    return ", ".join(parts)
