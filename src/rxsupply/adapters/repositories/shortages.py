"""Drug shortages in SQL: :class:`SqlShortages` (shortages with their presentations and NDCs,
their matches to items and their events; the files imported; the formulary matching reads)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    bindparam,
    delete,
    insert,
    select,
    update,
)

from rxsupply.adapters import tables as t
from rxsupply.adapters.repositories.bulk_sql import chunks, insert_many
from rxsupply.adapters.repositories.shortage_rows import (
    PRESENTATION_FIELDS,
    presentation_from_row,
    presentation_row,
    shortage_from_row,
    shortage_row,
    written_from_row,
)
from rxsupply.domain.ndc_text import WrittenNDC
from rxsupply.domain.shortage import (
    EventKind,
    Match,
    MatchMethod,
    Presentation,
    Shortage,
    ShortageEvent,
    ShortageSource,
    ShortageStatus,
)
from rxsupply.domain.shortage_matching import FormularyItem, FormularyProduct

_S, _P, _N = t.shortage, t.shortage_presentation, t.shortage_ndc


class SqlShortages:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # --- reading -------------------------------------------------------------------------

    def find(self, source: ShortageSource, keys: Iterable[str]) -> dict[str, Shortage]:
        found: list[Shortage] = []
        for part in chunks(sorted(set(keys))):
            stmt = select(_S).where(_S.c.source == source.value, _S.c.key.in_(part))
            if self.conn.dialect.name == "postgresql":
                stmt = stmt.with_for_update()
            found += [shortage_from_row(r) for r in self.conn.execute(stmt).mappings()]
        self._presentations(found)
        return {s.key: s for s in found}

    def get(self, shortage_id: int) -> Shortage | None:
        row = self.conn.execute(select(_S).where(_S.c.id == shortage_id)).mappings().first()
        if row is None:
            return None
        found = shortage_from_row(row)
        self._presentations([found])
        found.matches = list(self.matches([shortage_id]).get(shortage_id, {}).values())
        found.matches.sort(key=lambda m: (list(MatchMethod).index(m.method), m.item_code))
        ev, imp = t.shortage_event, t.shortage_import
        rows = self.conn.execute(
            select(ev, imp.c.file)
            .outerjoin(imp, imp.c.id == ev.c.import_id)
            .where(ev.c.shortage_id == shortage_id)
            .order_by(ev.c.id)
        ).mappings()
        found.events = [
            ShortageEvent(
                kind=EventKind(r["kind"]),
                effective=r["effective"],
                recorded_at=r["recorded_at"],
                recorded_by=r["recorded_by"],
                import_id=r["import_id"],
                import_file=r["file"] or "",
                detail=r["detail"],
                shortage_id=shortage_id,
            )
            for r in rows
        ]
        return found

    def listed(self, *, status: ShortageStatus | None, limit: int) -> list[Shortage]:
        stmt = select(_S).order_by(_S.c.last_updated.desc(), _S.c.id.desc()).limit(limit)
        if status is not None:
            stmt = stmt.where(_S.c.status == status.value)
        found = [shortage_from_row(r) for r in self.conn.execute(stmt).mappings()]
        self._presentations(found)
        matches = self.matches([s.id or 0 for s in found])
        for s in found:
            s.matches = list(matches.get(s.id or 0, {}).values())
        return found

    def _presentations(self, shortages: Sequence[Shortage]) -> None:
        by_id = {s.id: s for s in shortages}
        ndcs: dict[int, list[WrittenNDC]] = defaultdict(list)
        owned: dict[int, Presentation] = {}
        for part in chunks(sorted(i for i in by_id if i is not None)):
            for r in self.conn.execute(
                select(_P).where(_P.c.shortage_id.in_(part)).order_by(_P.c.id)
            ).mappings():
                p = presentation_from_row(r)
                by_id[r["shortage_id"]].presentations.append(p)
                owned[r["id"]] = p
            for r in self.conn.execute(
                select(_N).where(_N.c.shortage_id.in_(part)).order_by(_N.c.id)
            ).mappings():
                ndcs[r["presentation_id"]].append(written_from_row(r))
        for pid, found in ndcs.items():
            owned[pid].ndcs = found

    def matches(self, shortage_ids: Iterable[int]) -> dict[int, dict[int, Match]]:
        m, it = t.shortage_match, t.item
        out: dict[int, dict[int, Match]] = defaultdict(dict)
        for part in chunks(sorted(set(shortage_ids))):
            rows = self.conn.execute(
                select(m, it.c.code, it.c.name)
                .join(it, it.c.id == m.c.item_id)
                .where(m.c.shortage_id.in_(part))
            ).mappings()
            for r in rows:
                out[r["shortage_id"]][r["item_id"]] = Match(
                    item_id=r["item_id"],
                    method=MatchMethod(r["method"]),
                    detail=r["detail"],
                    item_code=r["code"],
                    item_name=r["name"],
                )
        return dict(out)

    def formulary(self) -> list[FormularyItem]:
        it, ip, pr = t.item, t.item_product, t.product
        rows = self.conn.execute(
            select(
                it.c.id,
                it.c.code,
                it.c.name,
                pr.c.ndc11,
                pr.c.ndc_digits,
                pr.c.generic_name,
                pr.c.strength,
                pr.c.dosage_form,
                pr.c.route,
            )
            .outerjoin(ip, ip.c.item_id == it.c.id)
            .outerjoin(pr, pr.c.id == ip.c.product_id)
            .order_by(it.c.id, pr.c.id)
        ).mappings()
        items: dict[int, tuple[str, str, list[FormularyProduct]]] = {}
        for r in rows:
            entry = items.setdefault(r["id"], (r["code"], r["name"], []))
            if r["ndc11"] is not None:
                entry[2].append(
                    FormularyProduct(
                        ndc11=r["ndc11"],
                        digits10=r["ndc_digits"],
                        generic_name=r["generic_name"],
                        strength=r["strength"],
                        dosage_form=r["dosage_form"],
                        route=r["route"],
                    )
                )
        return [
            FormularyItem(id=i, code=code, name=name, products=tuple(products))
            for i, (code, name, products) in items.items()
        ]

    # --- writing -------------------------------------------------------------------------

    def add(self, shortage: Shortage, *, now: datetime, user: str) -> int:
        new_id = self.conn.execute(
            insert(_S)
            .values(
                source=shortage.source.value,
                key=shortage.key,
                created_at=now,
                created_by=user,
                updated_at=now,
                updated_by=user,
                **shortage_row(shortage),
            )
            .returning(_S.c.id)
        ).scalar_one()
        shortage.id = int(new_id)
        return shortage.id

    def update(self, shortage: Shortage, *, now: datetime, user: str) -> None:
        self.conn.execute(
            update(_S)
            .where(_S.c.id == shortage.id)
            .values(updated_at=now, updated_by=user, **shortage_row(shortage))
        )

    def add_presentations(
        self, shortage_id: int, presentations: Sequence[Presentation], *, import_id: int | None
    ) -> None:
        if not presentations:
            return
        rows = [
            {"shortage_id": shortage_id, "key": p.key, **presentation_row(p, import_id)}
            for p in presentations
        ]
        stmt = insert(_P).returning(_P.c.id, sort_by_parameter_order=True)
        ids = self.conn.execute(stmt, rows).scalars().all()
        for p, new_id in zip(presentations, ids, strict=True):
            p.id = int(new_id)
        self._add_ndcs(shortage_id, presentations)

    def update_presentations(
        self, shortage_id: int, presentations: Sequence[Presentation], *, import_id: int | None
    ) -> None:
        if not presentations:
            return
        values: dict[str, Any] = {f: bindparam(f"v_{f}") for f in PRESENTATION_FIELDS}
        stmt = update(_P).where(_P.c.id == bindparam("v_id")).values(values)
        rows = [
            {"v_id": p.id, **{f"v_{k}": v for k, v in presentation_row(p, import_id).items()}}
            for p in presentations
        ]
        insert_many(self.conn, stmt, rows)
        ids = [p.id for p in presentations]
        for part in chunks(ids):
            self.conn.execute(delete(_N).where(_N.c.presentation_id.in_(part)))
        self._add_ndcs(shortage_id, presentations)

    def _add_ndcs(self, shortage_id: int, presentations: Sequence[Presentation]) -> None:
        rows = [
            {
                "shortage_id": shortage_id,
                "presentation_id": p.id,
                "written": n.written[:40],
                "ndc": str(n.ndc) if n.ndc else None,
                "ndc11": n.ndc11,
                "ndc_digits": n.digits10,
            }
            for p in presentations
            for n in p.ndcs
        ]
        if rows:
            insert_many(self.conn, insert(_N), rows)

    def add_events(self, events: Sequence[ShortageEvent]) -> None:
        rows = [
            {
                "shortage_id": e.shortage_id,
                "kind": e.kind.value,
                "effective": e.effective,
                "recorded_at": e.recorded_at,
                "recorded_by": e.recorded_by,
                "import_id": e.import_id,
                "detail": e.detail,
            }
            for e in events
        ]
        if rows:
            insert_many(self.conn, insert(t.shortage_event), rows)

    def add_import(
        self, *, file: str, format: str, digest: str, records: int, now: datetime, user: str
    ) -> int:
        imp = t.shortage_import
        new_id = self.conn.execute(
            insert(imp)
            .values(
                file=file[:300],
                format=format,
                digest=digest,
                records=records,
                imported_at=now,
                imported_by=user,
                summary="",
            )
            .returning(imp.c.id)
        ).scalar_one()
        return int(new_id)

    def finish_import(self, import_id: int, summary: str) -> None:
        imp = t.shortage_import
        self.conn.execute(update(imp).where(imp.c.id == import_id).values(summary=summary))

    def save_matches(
        self, changes: Mapping[int, Mapping[int, Match | None]], *, now: datetime
    ) -> int:
        m = t.shortage_match
        for shortage_id, items in changes.items():  # what changes goes, what stays is added
            for part in chunks(sorted(items)):
                self.conn.execute(
                    delete(m).where(m.c.shortage_id == shortage_id, m.c.item_id.in_(part))
                )
        rows = [
            {
                "shortage_id": s,
                "item_id": i,
                "method": match.method.value,
                "detail": match.detail,
                "matched_at": now,
            }
            for s, items in changes.items()
            for i, match in items.items()
            if match is not None
        ]
        if rows:
            insert_many(self.conn, insert(m), rows)
        return sum(len(items) for items in changes.values())
