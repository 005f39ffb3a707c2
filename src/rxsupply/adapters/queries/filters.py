"""Filters the read models share: the ids of a location and everything below it, and a product
matched by an NDC written in any form or a GTIN-14."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from rxsupply.adapters import tables as t
from rxsupply.domain.ndc import ndc_lookup_key
from rxsupply.errors import InvalidValue


def subtree_ids(code: str) -> Any:
    """A subquery of the ids of location ``code`` and every location below it."""
    loc = t.location
    top = select(loc.c.id).where(loc.c.code == code).cte("subtree", recursive=True)
    below = select(loc.c.id).join(top, loc.c.parent_id == top.c.id)
    return select(top.union_all(below).c.id)


def product_filter(ndc: str) -> Any:
    """Match a product by an NDC written in any form (hyphenated, 10 or 11 digits) or a
    GTIN-14."""
    p = t.product
    raw = ndc.strip()
    if raw.isdigit() and len(raw) == 14:
        return p.c.gtin == raw
    try:
        key, value = ndc_lookup_key(raw)
    except InvalidValue:  # part of an NDC: match it anywhere in the hyphenated form
        return or_(p.c.ndc.like(f"%{raw}%"), p.c.ndc_digits.like(f"%{raw.replace('-', '')}%"))
    column = {"ndc": p.c.ndc, "digits10": p.c.ndc_digits, "ndc11": p.c.ndc11}[key]
    return column == value
