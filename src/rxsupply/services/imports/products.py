"""Importing products (the NDC Directory and other catalogues): :func:`import_products`, new
NDCs inserted, known ones enriched, billing-form collisions skipped."""

from __future__ import annotations

from datetime import datetime

from rxsupply.domain.product import Product
from rxsupply.services.imports.results import ImportResult, _finish
from rxsupply.services.ports import UnitOfWork


def import_products(
    uow: UnitOfWork,
    products: list[Product],
    *,
    source: str,
    file: str,
    rows: int,
    skipped: dict[str, int] | None = None,
    now: datetime,
    user: str,
) -> ImportResult:
    """Add products by NDC: unknown NDCs are inserted, known ones enriched (blank fields
    filled), never duplicated. A product whose 11-digit billing form equals another NDC's is
    skipped ("billing-form collision")."""
    skips = dict(skipped or {})
    seen11: dict[str, str] = {}
    keep: list[Product] = []
    for p in products:
        other = seen11.get(p.ndc.ndc11)
        if other is not None and other != p.ndc.digits:
            skips["billing-form collision"] = skips.get("billing-form collision", 0) + 1
            continue
        seen11[p.ndc.ndc11] = p.ndc.digits
        keep.append(p)
    in_db = uow.products.ids_by("ndc11", [p.ndc.ndc11 for p in keep])
    by_digits = uow.products.ids_by("digits10", [p.ndc.digits for p in keep])
    clash = {p.ndc.ndc11 for p in keep if p.ndc.ndc11 in in_db and p.ndc.digits not in by_digits}
    if clash:
        keep = [p for p in keep if p.ndc.ndc11 not in clash]
        skips["billing-form collision"] = skips.get("billing-form collision", 0) + len(clash)
    inserted, enriched = uow.products.save_many(keep, source=source)
    unchanged = len(keep) - inserted - enriched
    if unchanged:
        skips["already known, nothing to add"] = unchanged
    if enriched:
        skips["already known, enriched"] = enriched
    result = ImportResult("ndc-directory", file, rows, inserted, skips)
    return _finish(uow, result, now=now, user=user)
