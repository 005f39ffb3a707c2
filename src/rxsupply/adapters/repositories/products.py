"""Products in SQL: :func:`product_from_row` and :class:`SqlProducts` (found by NDC in any
form, GTIN or id; saved by NDC, known ones enriched, never duplicated; package costs)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, RowMapping, insert, select, update

from rxsupply.adapters import tables as t
from rxsupply.adapters.repositories.bulk_sql import among, built, chunks, insert_many, upsert
from rxsupply.domain.ndc import NDC
from rxsupply.domain.product import CasePack, DEASchedule, Product
from rxsupply.services.ports import ProductKey


def product_from_row(row: RowMapping) -> Product:
    return Product(
        ndc=NDC.parse(row["ndc"]),
        name=row["name"],
        labeler=row["labeler"],
        generic_name=row["generic_name"],
        strength=row["strength"],
        dosage_form=row["dosage_form"],
        route=row["route"],
        package_size=row["package_size"],
        dispense_unit=row["dispense_unit"],
        package_description=row["package_description"],
        dea_schedule=DEASchedule.parse(row["dea_schedule"]),
        package_cost=row["package_cost"],
        id=row["id"],
        marketing_end=row.get("marketing_end"),
    )


_PRODUCT_KEY_COLUMN = {
    "ndc": "ndc",
    "digits10": "ndc_digits",
    "ndc11": "ndc11",
    "gtin": "gtin",
    "id": "id",
}


class SqlProducts:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def find(self, key: ProductKey, value: str) -> Product | None:
        col = t.product.c[_PRODUCT_KEY_COLUMN[key]]
        row = (
            self.conn.execute(
                select(t.product).where(col == (int(value) if key == "id" else value))
            )
            .mappings()
            .first()
        )
        return product_from_row(row) if row else None

    def find_many(self, key: ProductKey, values: Iterable[str]) -> dict[str, Product]:
        col = t.product.c[_PRODUCT_KEY_COLUMN[key]]
        out: dict[str, Product] = {}
        for part in chunks(sorted(set(values))):
            wanted = [int(v) for v in part] if key == "id" else list(part)
            stmt = built(
                self.conn,
                f"products by {key}",
                lambda c: select(t.product).where(among(c, col, "values")),
            )
            for row in self.conn.execute(stmt, {"values": wanted}).mappings():
                out[str(row[col.name])] = product_from_row(row)
        return out

    def ids_by(self, key: ProductKey, values: Iterable[str]) -> dict[str, int]:
        col = t.product.c[_PRODUCT_KEY_COLUMN[key]]
        wanted = sorted(set(values))
        out: dict[str, int] = {}
        for part in chunks(wanted):
            rows = self.conn.execute(select(col, t.product.c.id).where(col.in_(part)))
            out.update({str(k): v for k, v in rows})
        return out

    def save_many(self, products: Sequence[Product], *, source: str) -> tuple[int, int]:
        """Insert unknown NDCs; enrich known ones (blank fields filled, never duplicated)."""
        existing: dict[str, Mapping[str, Any]] = {}
        for part in chunks([p.ndc.digits for p in products]):
            for found in self.conn.execute(
                select(t.product).where(t.product.c.ndc_digits.in_(part))
            ).mappings():
                existing[found["ndc_digits"]] = dict(found)
        inserts: list[dict[str, Any]] = []
        updated = 0
        for p in products:
            values = self._values(p, source)
            row = existing.get(p.ndc.digits)
            if row is None:
                inserts.append(values)
                existing[p.ndc.digits] = values
                continue
            enrich = {
                k: v
                for k, v in values.items()
                if k not in ("source", "ndc", "ndc_digits", "ndc11", "gtin")
                and v not in (None, "")
                and row.get(k) in (None, "")
            }
            if enrich and "id" in row:
                self.conn.execute(
                    update(t.product).where(t.product.c.id == row["id"]).values(enrich)
                )
                updated += 1
            if p.id is None and "id" in row:
                p.id = row["id"]
        insert_many(self.conn, insert(t.product), inserts)
        if inserts:
            ids = self.ids_by("digits10", [str(v["ndc_digits"]) for v in inserts])
            for p in products:
                if p.id is None:
                    p.id = ids.get(p.ndc.digits)
        return len(inserts), updated

    @staticmethod
    def _values(p: Product, source: str) -> dict[str, Any]:
        return {
            "ndc": str(p.ndc),
            "ndc_digits": p.ndc.digits,
            "ndc11": p.ndc.ndc11,
            "gtin": p.gtin,
            "name": p.name,
            "generic_name": p.generic_name,
            "labeler": p.labeler,
            "strength": p.strength,
            "dosage_form": p.dosage_form,
            "route": p.route,
            "package_size": p.package_size,
            "dispense_unit": p.dispense_unit,
            "package_description": p.package_description,
            "dea_schedule": p.dea_schedule.value if p.dea_schedule else None,
            "package_cost": p.package_cost,
            "marketing_end": p.marketing_end,
            "source": source,
        }

    def set_package_cost(self, costs: Mapping[int, Decimal]) -> None:
        for pid, cost in costs.items():
            self.conn.execute(
                update(t.product).where(t.product.c.id == pid).values(package_cost=cost)
            )

    def cases(self, gtins: Iterable[str]) -> dict[str, CasePack]:
        """The declared cases among these GTINs."""
        pc = t.product_case
        out: dict[str, CasePack] = {}
        for part in chunks(sorted(set(gtins))):
            for gtin, pid, packages in self.conn.execute(
                select(pc.c.gtin, pc.c.product_id, pc.c.packages).where(pc.c.gtin.in_(part))
            ):
                out[gtin] = CasePack(gtin, packages, pid)
        return out

    def save_cases(self, cases: Sequence[CasePack]) -> int:
        """Declare cases (a GTIN declared again takes its new product and count); the number
        declared or changed."""
        have = self.cases(c.gtin for c in cases)
        changed = [c for c in cases if have.get(c.gtin) is None or have[c.gtin] != c]
        pc = t.product_case
        stmt = upsert(self.conn, pc)
        stmt = stmt.on_conflict_do_update(
            index_elements=[pc.c.gtin],
            set_={"product_id": stmt.excluded.product_id, "packages": stmt.excluded.packages},
        )
        insert_many(
            self.conn,
            stmt,
            [{"gtin": c.gtin, "product_id": c.product_id, "packages": c.packages} for c in changed],
        )
        return len(changed)
