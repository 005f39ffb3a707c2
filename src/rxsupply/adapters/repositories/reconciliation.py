"""Reconciliation at receipt in SQL: :class:`SqlReconciliation` (scans against orders, the
packages the orders' EPCIS documents ship, exceptions and their steps; all append-only)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, func, insert, select

from rxsupply.adapters import tables as t
from rxsupply.adapters.repositories.bulk_sql import chunks
from rxsupply.domain.dscsa_exception import DscsaException, ExceptionState, ExceptionStep
from rxsupply.domain.reconciliation import ExpectedPackage, FindingKind, ScannedPackage
from rxsupply.services.ports.reconciliation import OrderDocument, ReceiptScan

_S, _E, _X = t.receipt_scan, t.dscsa_exception, t.dscsa_exception_step
_D, _P, _PR = t.dscsa_document, t.dscsa_package, t.product


def _exception(row: Any) -> DscsaException:
    return DscsaException(
        id=int(row.id),
        facility_id=int(row.facility_id),
        order_number=row.order_number,
        kind=FindingKind(row.kind),
        identifier=row.identifier,
        expected=row.expected,
        found=row.found,
        document_id=None if row.document_id is None else int(row.document_id),
        opened_at=row.opened_at,
    )


def _step(row: Any) -> ExceptionStep:
    return ExceptionStep(
        id=int(row.id),
        state=ExceptionState(row.state),
        note=row.note,
        user=row.user_name,
        at=row.at,
    )


class SqlReconciliation:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add_scan(self, scan: ReceiptScan) -> int:
        return int(
            self.conn.execute(
                insert(_S)
                .values(
                    facility_id=scan.facility_id,
                    order_number=scan.order_number,
                    identifier=scan.identifier,
                    gtin=scan.gtin,
                    serial=scan.serial,
                    lot=scan.lot,
                    expiry=scan.expiry,
                    product_id=scan.product_id,
                    scanned_at=scan.scanned_at,
                    scanned_by=scan.scanned_by,
                )
                .returning(_S.c.id)
            ).scalar_one()
        )

    def scanned(self, order_number: str) -> list[ScannedPackage]:
        query = (
            select(_S, _PR.c.ndc)
            .outerjoin(_PR, _PR.c.id == _S.c.product_id)
            .where(_S.c.order_number == order_number)
            .order_by(_S.c.id)
        )
        return [
            ScannedPackage(
                identifier=row.identifier,
                lot=row.lot,
                expiry=row.expiry,
                product_id=row.product_id,
                scanned_at=row.scanned_at,
                scanned_by=row.scanned_by,
                ndc=row.ndc or "",
            )
            for row in self.conn.execute(query)
        ]

    def shipped(self, order_number: str) -> list[ExpectedPackage]:
        query = (
            select(_P, _PR.c.ndc)
            .join(_D, _D.c.id == _P.c.document_id)
            .outerjoin(_PR, _PR.c.id == _P.c.product_id)
            .where(_D.c.order_number == order_number)
            .order_by(_P.c.document_id, _P.c.id)
        )
        return [
            ExpectedPackage(
                identifier=row.identifier,
                lot=row.lot,
                expiry=row.expiry,
                product_id=row.product_id,
                document_id=int(row.document_id),
                container=row.container,
                ndc=row.ndc or "",
            )
            for row in self.conn.execute(query)
        ]

    def documents(self, order_number: str) -> list[OrderDocument]:
        query = select(_D).where(_D.c.order_number == order_number).order_by(_D.c.id)
        return [
            OrderDocument(
                id=int(row.id),
                file_name=row.file_name,
                seller=row.seller,
                shipment_date=row.shipment_date,
                package_count=int(row.package_count),
                imported_at=row.imported_at,
                imported_by=row.imported_by,
            )
            for row in self.conn.execute(query)
        ]

    def add_exception(self, exception: DscsaException) -> int:
        return int(
            self.conn.execute(
                insert(_E)
                .values(
                    facility_id=exception.facility_id,
                    order_number=exception.order_number,
                    document_id=exception.document_id,
                    kind=exception.kind.value,
                    identifier=exception.identifier,
                    expected=exception.expected,
                    found=exception.found,
                    opened_at=exception.opened_at,
                )
                .returning(_E.c.id)
            ).scalar_one()
        )

    def add_step(self, exception_id: int, step: ExceptionStep) -> int:
        return int(
            self.conn.execute(
                insert(_X)
                .values(
                    exception_id=exception_id,
                    state=step.state.value,
                    note=step.note,
                    user_name=step.user,
                    at=step.at,
                )
                .returning(_X.c.id)
            ).scalar_one()
        )

    def exceptions(
        self,
        *,
        order_number: str | None = None,
        states: Iterable[ExceptionState] | None = None,
        limit: int = 500,
    ) -> list[DscsaException]:
        query = select(_E).order_by(_E.c.id.desc()).limit(limit)
        if order_number is not None:
            query = query.where(_E.c.order_number == order_number)
        if states is not None:
            latest = (
                select(_X.c.exception_id, func.max(_X.c.id).label("step_id"))
                .group_by(_X.c.exception_id)
                .subquery()
            )
            query = (
                query.join(latest, latest.c.exception_id == _E.c.id)
                .join(_X, _X.c.id == latest.c.step_id)
                .where(_X.c.state.in_([s.value for s in states]))
            )
        found = [_exception(row) for row in self.conn.execute(query)]
        self._with_steps(found)
        return found

    def get(self, exception_id: int, *, lock: bool = False) -> DscsaException | None:
        query = select(_E).where(_E.c.id == exception_id)
        row = self.conn.execute(query.with_for_update() if lock else query).first()
        if row is None:
            return None
        found = _exception(row)
        self._with_steps([found])
        return found

    def step(self, step_id: int) -> tuple[DscsaException, ExceptionStep] | None:
        row = self.conn.execute(select(_X).where(_X.c.id == step_id)).first()
        if row is None:
            return None
        owner = self.conn.execute(select(_E).where(_E.c.id == row.exception_id)).first()
        if owner is None:
            return None
        return _exception(owner), _step(row)

    def scan_row(self, scan_id: int) -> dict[str, object] | None:
        row = self.conn.execute(select(_S).where(_S.c.id == scan_id)).mappings().first()
        if row is None:
            return None
        return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in dict(row).items()}

    def stored_scans(self) -> list[tuple[int, int]]:
        query = select(_S.c.facility_id, _S.c.id).order_by(_S.c.id)
        return [(int(f), int(s)) for f, s in self.conn.execute(query)]

    def stored_steps(self) -> list[tuple[int, int]]:
        query = (
            select(_E.c.facility_id, _X.c.id)
            .join(_E, _E.c.id == _X.c.exception_id)
            .order_by(_X.c.id)
        )
        return [(int(f), int(s)) for f, s in self.conn.execute(query)]

    def _with_steps(self, exceptions: list[DscsaException]) -> None:
        by_id = {e.id: e for e in exceptions}
        for part in chunks(sorted(i for i in by_id if i is not None)):
            for row in self.conn.execute(
                select(_X).where(_X.c.exception_id.in_(part)).order_by(_X.c.id)
            ):
                by_id[int(row.exception_id)].steps.append(_step(row))
