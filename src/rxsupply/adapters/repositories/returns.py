"""Reverse distribution in SQL, part one: :class:`SqlReturnFacts` (return policies, products'
storage, the RCRA list, and the lots on hand with the facts classifying them needs). Batches,
memos and destructions are in :mod:`.return_batches`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from rxsupply.adapters import tables as t
from rxsupply.adapters.queries.filters import product_filter
from rxsupply.adapters.repositories.bulk_sql import chunks, upsert
from rxsupply.domain.movement import MovementKind
from rxsupply.domain.return_policy import PartialRule, ReturnPolicy
from rxsupply.domain.waste_stream import HazardousListing, parse_terms
from rxsupply.services.ports.returns import LotOnHand, LotPlace


class SqlReturnFacts:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # --- policies ------------------------------------------------------------------------

    def policies(self) -> list[ReturnPolicy]:
        return self._policies(None)

    def find_policy(self, labeler: str) -> ReturnPolicy | None:
        found = self._policies(t.return_policy.c.labeler == labeler)
        return found[0] if found else None

    def _policies(self, where: Any) -> list[ReturnPolicy]:
        rp = t.return_policy
        stmt = select(rp).order_by(rp.c.labeler)
        if where is not None:
            stmt = stmt.where(where)
        return [
            ReturnPolicy(
                labeler=r["labeler"],
                months_before=int(r["months_before"]),
                months_after=int(r["months_after"]),
                partial=PartialRule(r["partial"]),
                min_fill=None if r["min_fill"] is None else Decimal(r["min_fill"]).normalize(),
                excluded=frozenset(e for e in r["excluded"].split(",") if e),
                credit_share=Decimal(r["credit_share"]).normalize(),
                note=r["note"],
            )
            for r in self.conn.execute(stmt).mappings()
        ]

    def save_policy(self, policy: ReturnPolicy, *, user: str, at: datetime) -> None:
        rp = t.return_policy
        values = {
            "months_before": policy.months_before,
            "months_after": policy.months_after,
            "partial": policy.partial.value,
            "min_fill": policy.min_fill,
            "excluded": ",".join(sorted(policy.excluded)),
            "credit_share": policy.credit_share,
            "note": policy.note,
            "updated_by": user,
            "updated_at": at,
        }
        stmt = upsert(self.conn, rp).values(labeler=policy.labeler, **values)
        self.conn.execute(stmt.on_conflict_do_update(index_elements=["labeler"], set_=values))

    def remove_policy(self, labeler: str) -> None:
        self.conn.execute(delete(t.return_policy).where(t.return_policy.c.labeler == labeler))

    def labelers(self) -> list[str]:
        p = t.product
        return [
            name
            for (name,) in self.conn.execute(
                select(p.c.labeler).where(p.c.labeler != "").distinct().order_by(p.c.labeler)
            )
        ]

    def set_storage(self, product_id: int, storage: str, *, user: str, at: datetime) -> None:
        ps = t.product_storage
        self.conn.execute(delete(ps).where(ps.c.product_id == product_id))
        if storage:
            self.conn.execute(
                insert(ps).values(product_id=product_id, storage=storage, set_by=user, set_at=at)
            )

    def storage_of(self, product_id: int) -> str:
        ps = t.product_storage
        found = self.conn.execute(
            select(ps.c.storage).where(ps.c.product_id == product_id)
        ).scalar_one_or_none()
        return str(found or "")

    def schedules(self, product_ids: set[int]) -> dict[int, str]:
        p = t.product
        out: dict[int, str] = {}
        for part in chunks(sorted(product_ids)):
            for pid, schedule in self.conn.execute(
                select(p.c.id, p.c.dea_schedule).where(
                    p.c.id.in_(part), p.c.dea_schedule.is_not(None)
                )
            ):
                out[int(pid)] = str(schedule)
        return out

    # --- the RCRA list -------------------------------------------------------------------

    def listings(self) -> list[HazardousListing]:
        return self._listings(None)

    def find_listing(self, listing_id: int) -> HazardousListing | None:
        found = self._listings(t.hazardous_listing.c.id == listing_id)
        return found[0] if found else None

    def _listings(self, where: Any) -> list[HazardousListing]:
        hl = t.hazardous_listing
        stmt = select(hl).order_by(hl.c.code, hl.c.ingredient)
        if where is not None:
            stmt = stmt.where(where)
        return [
            HazardousListing(
                ingredient=r["ingredient"],
                code=r["code"],
                note=r["note"],
                exempt_terms=parse_terms(r["exempt_terms"]),
                id=int(r["id"]),
            )
            for r in self.conn.execute(stmt).mappings()
        ]

    def add_listing(self, row: HazardousListing, *, user: str, at: datetime) -> int:
        hl = t.hazardous_listing
        return int(
            self.conn.execute(
                insert(hl)
                .values(**_listing_values(row), added_by=user, added_at=at)
                .returning(hl.c.id)
            ).scalar_one()
        )

    def update_listing(self, row: HazardousListing, *, user: str, at: datetime) -> None:
        hl = t.hazardous_listing
        self.conn.execute(
            update(hl)
            .where(hl.c.id == row.id)
            .values(**_listing_values(row), added_by=user, added_at=at)
        )

    def remove_listing(self, listing_id: int) -> None:
        self.conn.execute(delete(t.hazardous_listing).where(t.hazardous_listing.c.id == listing_id))

    # --- lots ----------------------------------------------------------------------------

    def lots_on_hand(
        self, *, today: date, ndc: str | None = None, labeler: str | None = None
    ) -> list[LotOnHand]:
        oh, lo, p, loc = t.on_hand, t.lot, t.product, t.location
        ps, src = t.product_storage, t.lot_source
        parent = loc.alias("parent")
        stmt = (
            select(
                p.c.id.label("product_id"),
                lo.c.id.label("lot_id"),
                p.c.ndc,
                p.c.name,
                p.c.generic_name,
                p.c.labeler,
                p.c.dosage_form,
                p.c.package_size,
                p.c.dea_schedule,
                p.c.package_cost,
                lo.c.lot_number,
                lo.c.expiry,
                lo.c.status,
                ps.c.storage,
                src.c.source_lot_id,
                loc.c.code.label("location"),
                loc.c.kind,
                parent.c.kind.label("parent_kind"),
                oh.c.quantity,
            )
            .select_from(oh)
            .join(lo, lo.c.id == oh.c.lot_id)
            .join(p, p.c.id == oh.c.product_id)
            .join(loc, loc.c.id == oh.c.location_id)
            .outerjoin(parent, parent.c.id == loc.c.parent_id)
            .outerjoin(ps, ps.c.product_id == p.c.id)
            .outerjoin(src, src.c.lot_id == lo.c.id)
            .where(oh.c.quantity > 0)
            .order_by(lo.c.expiry, p.c.ndc, lo.c.lot_number, loc.c.code)
        )
        if ndc:
            stmt = stmt.where(product_filter(ndc))
        if labeler:
            stmt = stmt.where(p.c.labeler == labeler)
        rows = list(self.conn.execute(stmt).mappings())
        prices = self._wac({int(r["product_id"]) for r in rows}, today)
        places: dict[tuple[int, int], list[LotPlace]] = defaultdict(list)
        first: dict[tuple[int, int], Any] = {}
        for r in rows:
            key = (int(r["product_id"]), int(r["lot_id"]))
            first.setdefault(key, r)
            places[key].append(
                LotPlace(r["location"], r["kind"], int(r["quantity"]), r["parent_kind"] or "")
            )
        out = []
        for key, r in first.items():
            wac = prices.get(key[0])
            cost = None if r["package_cost"] is None else Decimal(r["package_cost"])
            out.append(
                LotOnHand(
                    product_id=key[0],
                    lot_id=key[1],
                    ndc=r["ndc"],
                    product=r["name"],
                    generic_name=r["generic_name"] or "",
                    labeler=r["labeler"] or "",
                    dosage_form=r["dosage_form"] or "",
                    package_size=int(r["package_size"]),
                    schedule=r["dea_schedule"],
                    lot=r["lot_number"],
                    expiry=r["expiry"],
                    status=r["status"],
                    storage=r["storage"] or "",
                    repackaged=r["source_lot_id"] is not None,
                    package_price=wac[0] if wac else cost,
                    price_basis=wac[1] if wac else ("package cost" if cost is not None else ""),
                    places=tuple(places[key]),
                )
            )
        return out

    def shipped_from(
        self, reference: str, lots: set[tuple[int, int]]
    ) -> dict[tuple[int, int], list[tuple[str, int]]]:
        mv, loc = t.movement, t.location
        out: dict[tuple[int, int], list[tuple[str, int]]] = defaultdict(list)
        for part in chunks(sorted(lots)):
            stmt = (
                select(mv.c.product_id, mv.c.lot_id, loc.c.code, mv.c.quantity)
                .join(loc, loc.c.id == mv.c.from_location_id)
                .where(
                    mv.c.product_id.in_(sorted({pid for pid, _ in part})),
                    mv.c.lot_id.in_(sorted({lid for _, lid in part})),
                    mv.c.kind == MovementKind.RETURN_TO_VENDOR.value,
                    mv.c.reference == reference,
                )
                .order_by(mv.c.id)
            )
            for pid, lid, code, units in self.conn.execute(stmt):
                out[(int(pid), int(lid))].append((str(code), int(units)))
        return dict(out)

    def last_moved(self, lot_ids: set[int]) -> dict[int, datetime]:
        mv = t.movement
        out: dict[int, datetime] = {}
        for part in chunks(sorted(lot_ids)):
            for lot_id, at in self.conn.execute(
                select(mv.c.lot_id, func.max(mv.c.occurred_at))
                .where(mv.c.lot_id.in_(part))
                .group_by(mv.c.lot_id)
            ):
                out[int(lot_id)] = at  # max() keeps the column's type: aware UTC
        return out

    def _wac(self, product_ids: set[int], today: date) -> dict[int, tuple[Decimal, str]]:
        """Each product's WAC on the credit basis, from one defined source: the latest
        catalogue price (on or before ``today``) of the wholesaler it was last bought from
        (its latest purchase line on or before ``today``); else the lowest of the wholesalers'
        current catalogue prices. Never the highest."""
        out: dict[int, tuple[Decimal, str]] = {}
        for part in chunks(sorted(product_ids)):
            sellers = self._last_sellers(part, today)
            current = self._current_prices(part, today)
            for pid, prices in current.items():
                seller = sellers.get(pid)
                if seller is not None and seller in prices:
                    wac, starts, name = prices[seller]
                    out[pid] = (wac, f"WAC of the last seller ({name}, from {starts})")
                    continue
                wac, starts, name = min(prices.values(), key=lambda x: (x[0], x[2]))
                out[pid] = (wac, f"lowest current WAC ({name}, from {starts})")
        return out

    def _last_sellers(self, product_ids: Sequence[int], today: date) -> dict[int, int]:
        """The partner of each product's latest purchase line on or before ``today``."""
        pl = t.purchase_line
        latest = (
            select(pl.c.product_id, func.max(pl.c.id).label("last"))
            .where(pl.c.product_id.in_(product_ids), pl.c.invoice_date <= today)
            .group_by(pl.c.product_id)
            .subquery()
        )
        stmt = select(pl.c.product_id, pl.c.partner_id).join(latest, latest.c.last == pl.c.id)
        return {int(pid): int(partner) for pid, partner in self.conn.execute(stmt)}

    def _current_prices(
        self, product_ids: Sequence[int], today: date
    ) -> dict[int, dict[int, tuple[Decimal, str, str]]]:
        """Each product's current catalogue price at each partner: (WAC, from, partner)."""
        cp, tp = t.catalogue_price, t.trading_partner
        out: dict[int, dict[int, tuple[Decimal, str, str]]] = defaultdict(dict)
        for pid, partner, wac, starts, name in self.conn.execute(
            select(cp.c.product_id, cp.c.partner_id, cp.c.wac, cp.c.starts, tp.c.name)
            .join(tp, tp.c.id == cp.c.partner_id)
            .where(cp.c.product_id.in_(product_ids), cp.c.starts <= today)
            .order_by(cp.c.product_id, cp.c.partner_id, cp.c.starts.desc())
        ):
            out[int(pid)].setdefault(int(partner), (Decimal(wac), starts.isoformat(), name))
        return out


def _listing_values(row: HazardousListing) -> dict[str, object]:
    return {
        "ingredient": row.ingredient,
        "code": row.code,
        "note": row.note,
        "exempt_terms": ";".join(row.exempt_terms),
    }
