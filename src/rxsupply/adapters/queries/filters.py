"""Filters the read models share: the ids of a location and everything below it (its code in
any case), and a product matched by an NDC written in any form or part, or a scanned barcode."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, or_, select

from rxsupply.adapters import tables as t
from rxsupply.domain.ndc import ndc_lookup_key
from rxsupply.errors import InvalidValue

BARCODE_DIGITS = range(12, 15)
"""A scanned UPC-A, EAN-13 or GTIN-14: matched to the product's GTIN-14 (zero-filled)."""


def subtree_ids(code: str) -> Any:
    """A subquery of the ids of location ``code`` (any case) and every location below it,
    from the ``location_path`` closure (each location is its own ancestor there)."""
    path, loc = t.location_path, t.location
    return (
        select(path.c.location_id)
        .join(loc, loc.c.id == path.c.ancestor_id)
        .where(func.lower(loc.c.code) == code.strip().lower())
    )


def product_filter(ndc: str) -> ColumnElement[bool]:
    """Match a product by an NDC written in any form (hyphenated, 10 or 11 digits, spaces
    ignored), a scanned barcode (UPC-A, EAN-13 or GTIN-14) or part of an NDC (matched
    anywhere in its hyphenated, 10- or 11-digit form)."""
    p = t.product
    raw = ndc.replace(" ", "").strip()
    if raw.isdigit() and len(raw) in BARCODE_DIGITS:
        return p.c.gtin == raw.zfill(14)
    try:
        key, value = ndc_lookup_key(raw)
    except InvalidValue:  # part of an NDC: match it anywhere
        digits = raw.replace("-", "")
        return or_(
            p.c.ndc.like(f"%{escaped(raw)}%", escape="\\"),
            p.c.ndc_digits.like(f"%{escaped(digits)}%", escape="\\"),
            p.c.ndc11.like(f"%{escaped(digits)}%", escape="\\"),
        )
    column = {"ndc": p.c.ndc, "digits10": p.c.ndc_digits, "ndc11": p.c.ndc11}[key]
    return column == value


def escaped(text: str) -> str:
    """``text`` for a LIKE pattern with ``\\`` as the escape character."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
