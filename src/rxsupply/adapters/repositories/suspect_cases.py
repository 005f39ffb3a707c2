"""Suspect product cases in SQL: :class:`SqlCases`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, func, insert, or_, select

from rxsupply.adapters import tables as t
from rxsupply.adapters.repositories.bulk_sql import chunks
from rxsupply.domain.movement import MovementKind
from rxsupply.domain.status import StockStatus
from rxsupply.domain.suspect_case import CaseSource, Step, StepKind, SuspectReason
from rxsupply.services.ports.suspect_cases import (
    CaseRecord,
    CaseSubject,
    LotFacts,
    Seller,
    ShippedOut,
)

_C, _S, _ST = t.dscsa_case, t.dscsa_case_subject, t.dscsa_case_step

CASE_WRITE_LOCK = 0x5258_4341_5345
"""The key of the PostgreSQL advisory lock every case write takes (``RXCASE``)."""


def _step(row: Any) -> Step:
    return Step(
        seq=int(row.seq),
        kind=StepKind(row.kind),
        at=row.at,
        user=row.user_name,
        note=row.note,
        evidence_name=row.evidence_name,
        evidence_sha256=row.evidence_sha256,
        partner=row.partner,
        incident=row.incident,
    )


def _subject(row: Any) -> CaseSubject:
    return CaseSubject(
        kind=row.kind,
        product_id=int(row.product_id),
        lot_id=int(row.lot_id),
        ndc=row.ndc,
        lot_number=row.lot_number,
        status_before=StockStatus(row.status_before),
        reason_before=row.reason_before,
        blocked=bool(row.blocked),
        package_id=None if row.package_id is None else int(row.package_id),
        gtin=row.gtin,
        serial=row.serial,
    )


class SqlCases:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def lock_writes(self) -> None:
        if self.conn.dialect.name == "postgresql":
            self.conn.execute(select(func.pg_advisory_xact_lock(CASE_WRITE_LOCK)))
        else:  # the first statement begins the unit of work: BEGIN IMMEDIATE when it writes
            self.conn.execute(select(1))

    def numbers_taken(self, prefix: str) -> int:
        query = select(func.count()).where(_C.c.number.like(prefix + "%"))
        return int(self.conn.execute(query).scalar_one())

    def add(
        self,
        *,
        facility_id: int,
        number: str,
        opened_at: datetime,
        opened_by: str,
        reason: SuspectReason,
        source: CaseSource,
        subjects: Iterable[CaseSubject],
        external_id: str | None = None,
    ) -> int:
        case_id = self.conn.execute(
            insert(_C)
            .values(
                facility_id=facility_id,
                number=number,
                opened_at=opened_at,
                opened_by=opened_by,
                reason=reason.value,
                source=source.value,
                external_id=external_id,
            )
            .returning(_C.c.id)
        ).scalar_one()
        rows = [
            {
                "case_id": case_id,
                "kind": s.kind,
                "product_id": s.product_id,
                "lot_id": s.lot_id,
                "package_id": s.package_id,
                "ndc": s.ndc,
                "lot_number": s.lot_number,
                "gtin": s.gtin,
                "serial": s.serial,
                "status_before": s.status_before.value,
                "reason_before": s.reason_before,
                "blocked": s.blocked,
            }
            for s in subjects
        ]
        if rows:
            self.conn.execute(insert(_S), rows)
        return int(case_id)

    def add_step(self, case_id: int, step: Step, *, external_id: str | None = None) -> None:
        self.conn.execute(
            insert(_ST).values(
                case_id=case_id,
                seq=step.seq,
                kind=step.kind.value,
                note=step.note,
                evidence_name=step.evidence_name,
                evidence_sha256=step.evidence_sha256,
                partner=step.partner,
                incident=step.incident,
                user_name=step.user,
                at=step.at,
                external_id=external_id,
            )
        )

    def get(self, case_id: int) -> CaseRecord | None:
        found = self._load(select(_C).where(_C.c.id == case_id))
        return found[0] if found else None

    def by_number(self, number: str) -> int | None:
        query = select(_C.c.id).where(func.upper(_C.c.number) == number.strip().upper())
        found = self.conn.execute(query).scalar()
        return None if found is None else int(found)

    def by_external_id(self, external_id: str) -> int | None:
        found = self.conn.execute(select(_C.c.id).where(_C.c.external_id == external_id)).scalar()
        if found is None:
            query = select(_ST.c.case_id).where(_ST.c.external_id == external_id)
            found = self.conn.execute(query).scalar()
        return None if found is None else int(found)

    def listed(self, limit: int) -> list[CaseRecord]:
        return self._load(select(_C).order_by(_C.c.opened_at.desc(), _C.c.id.desc()).limit(limit))

    def _load(self, query: Any) -> list[CaseRecord]:
        cases = [
            CaseRecord(
                id=int(r.id),
                facility_id=int(r.facility_id),
                number=r.number,
                opened_at=r.opened_at,
                opened_by=r.opened_by,
                reason=SuspectReason(r.reason),
                source=CaseSource(r.source),
                external_id=r.external_id,
            )
            for r in self.conn.execute(query)
        ]
        by_id = {c.id: c for c in cases}
        for part in chunks(sorted(by_id)):
            for row in self.conn.execute(
                select(_S).where(_S.c.case_id.in_(part)).order_by(_S.c.case_id, _S.c.id)
            ):
                by_id[int(row.case_id)].subjects.append(_subject(row))
            for row in self.conn.execute(
                select(_ST).where(_ST.c.case_id.in_(part)).order_by(_ST.c.case_id, _ST.c.seq)
            ):
                by_id[int(row.case_id)].steps.append(_step(row))
                by_id[int(row.case_id)].step_external_ids[int(row.seq)] = row.external_id
        return cases

    def naming(self, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], list[int]]:
        wanted = set(keys)
        lots = sorted(i for kind, i in wanted if kind == "lot")
        packages = sorted(i for kind, i in wanted if kind == "serial")
        out: dict[tuple[str, int], list[int]] = defaultdict(list)
        for part in chunks(lots):
            query = select(_S.c.lot_id, _S.c.case_id).where(
                _S.c.lot_id.in_(part), _S.c.package_id.is_(None)
            )
            for lot_id, case_id in self.conn.execute(query):
                out[("lot", int(lot_id))].append(int(case_id))
        for part in chunks(packages):
            query = select(_S.c.package_id, _S.c.case_id).where(_S.c.package_id.in_(part))
            for package_id, case_id in self.conn.execute(query):
                out[("serial", int(package_id))].append(int(case_id))
        return dict(out)

    def lot_facts(self, lot_ids: Iterable[int]) -> dict[int, LotFacts]:
        lot, p, oh, m = t.lot, t.product, t.on_hand, t.movement
        ids = sorted(set(lot_ids))
        held: dict[int, int] = {}
        received: dict[int, int] = {}
        out: dict[int, LotFacts] = {}
        for part in chunks(ids):
            query = select(oh.c.lot_id, func.sum(oh.c.quantity)).where(oh.c.lot_id.in_(part))
            held.update((int(k), int(v)) for k, v in self.conn.execute(query.group_by(oh.c.lot_id)))
            query = select(m.c.lot_id, func.sum(m.c.quantity)).where(
                m.c.lot_id.in_(part), m.c.kind == MovementKind.RECEIPT.value
            )
            received.update(
                (int(k), int(v)) for k, v in self.conn.execute(query.group_by(m.c.lot_id))
            )
            rows = self.conn.execute(
                select(
                    lot.c.id,
                    lot.c.lot_number,
                    lot.c.expiry,
                    p.c.name,
                    p.c.generic_name,
                    p.c.ndc,
                    p.c.strength,
                    p.c.dosage_form,
                    p.c.dispense_unit,
                    p.c.package_size,
                )
                .join(p, p.c.id == lot.c.product_id)
                .where(lot.c.id.in_(part))
            )
            for r in rows:
                out[int(r.id)] = LotFacts(
                    lot_id=int(r.id),
                    name=r.name,
                    ndc=r.ndc,
                    strength=r.strength,
                    dosage_form=r.dosage_form,
                    dispense_unit=r.dispense_unit,
                    package_size=int(r.package_size),
                    lot_number=r.lot_number,
                    expiry=r.expiry,
                    units_held=held.get(int(r.id), 0),
                    units_received=received.get(int(r.id), 0),
                    generic_name=r.generic_name or "",
                )
        return out

    def sellers(
        self, lot_ids: Iterable[int], identities: Iterable[tuple[str, str]]
    ) -> list[Seller]:
        m, po, tp, lot = t.movement, t.purchase_order, t.trading_partner, t.lot
        doc, pkg, p = t.dscsa_document, t.dscsa_package, t.product
        found: dict[str, tuple[int | None, set[str]]] = {}

        def add(name: str, partner_id: int | None, via: str) -> None:
            key = name.strip().lower()
            known = found.setdefault(key, (partner_id, set()))
            if known[0] is None and partner_id is not None:
                found[key] = (partner_id, known[1])
            found[key][1].add(via)
            names.setdefault(key, name.strip())

        names: dict[str, str] = {}
        ids = sorted(set(lot_ids))
        for part in chunks(ids):
            query = (
                select(tp.c.id, tp.c.name, po.c.number)
                .select_from(m)
                .join(po, po.c.number == m.c.reference)
                .join(tp, tp.c.id == po.c.partner_id)
                .where(m.c.lot_id.in_(part), m.c.kind == MovementKind.RECEIPT.value)
                .distinct()
            )
            for partner_id, name, number in self.conn.execute(query):
                add(name, int(partner_id), f"purchase order {number}")
            by_lot = (
                select(tp.c.id, doc.c.seller, doc.c.file_name)
                .select_from(pkg)
                .join(doc, doc.c.id == pkg.c.document_id)
                .join(lot, lot.c.lot_number == pkg.c.lot)
                .join(p, p.c.id == lot.c.product_id)
                .outerjoin(tp, tp.c.id == doc.c.partner_id)
                .add_columns(tp.c.name)
                .where(
                    lot.c.id.in_(part),
                    or_(pkg.c.product_id == lot.c.product_id, pkg.c.gtin == p.c.gtin),
                )
                .distinct()
            )
            self._documents(by_lot, add)
        pairs = sorted(set(identities))
        for pair_part in chunks(pairs):
            by_serial = (
                select(tp.c.id, doc.c.seller, doc.c.file_name)
                .select_from(pkg)
                .join(doc, doc.c.id == pkg.c.document_id)
                .outerjoin(tp, tp.c.id == doc.c.partner_id)
                .add_columns(tp.c.name)
                .where(or_(*(and_(pkg.c.gtin == g, pkg.c.serial == s) for g, s in pair_part)))
                .distinct()
            )
            self._documents(by_serial, add)
        return [
            Seller(name=names[key], partner_id=pid, via=tuple(sorted(via)))
            for key, (pid, via) in sorted(found.items())
        ]

    def shipped_out(self, lot_ids: Iterable[int]) -> list[ShippedOut]:
        rb, rl, tp = t.return_batch, t.return_line, t.trading_partner
        tr, tl, loc = t.transfer, t.transfer_line, t.location
        src, dst = loc.alias("src"), loc.alias("dst")
        out: list[ShippedOut] = []
        for part in chunks(sorted(set(lot_ids))):
            returns = (
                select(
                    rb.c.number,
                    rl.c.lot_id,
                    func.coalesce(tp.c.name, rb.c.distributor),
                    rb.c.shipped_at,
                    tp.c.id,
                )
                .select_from(rl)
                .join(rb, rb.c.id == rl.c.batch_id)
                .outerjoin(tp, func.lower(tp.c.name) == func.lower(rb.c.distributor))
                .where(rl.c.lot_id.in_(part), rb.c.shipped_at.is_not(None))
                .distinct()
            )
            for number, lot_id, to, at, partner_id in self.conn.execute(returns):
                pid = None if partner_id is None else int(partner_id)
                out.append(ShippedOut("return", number, int(lot_id), to, at, pid))
            moved = (
                select(tr.c.number, tl.c.lot_id, dst.c.code, tr.c.shipped_at, src.c.code)
                .select_from(tl)
                .join(tr, tr.c.id == tl.c.transfer_id)
                .join(src, src.c.id == tr.c.from_location_id)
                .join(dst, dst.c.id == tr.c.to_location_id)
                .where(tl.c.lot_id.in_(part), tr.c.shipped_at.is_not(None))
                .distinct()
            )
            for number, lot_id, to, at, from_code in self.conn.execute(moved):
                out.append(ShippedOut("transfer", number, int(lot_id), to, at, None, from_code))
        return sorted(out, key=lambda s: (s.shipped_at is None, s.shipped_at, s.kind, s.number))

    def _documents(self, query: Any, add: Any) -> None:
        for partner_id, seller, file_name, partner_name in self.conn.execute(query):
            name = partner_name or seller
            if name:
                add(name, None if partner_id is None else int(partner_id), f"document {file_name}")
