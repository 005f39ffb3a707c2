"""The audit trail read back: :func:`audit_rows`, newest first, by user or action, in words a
compliance officer reads: NDC and product name, lot number and expiry, location code and name,
never the database's internal ids.

Each row keeps the entry's stored ``before`` and ``after`` (JSON text, as written) for the API,
and adds what they say, resolved:

- ``lines``: each stock line the entry changed (NDC, product, lot, expiry, location code and
  name, on-hand before and after);
- ``movements``: each movement it posted (quantity, NDC, product, lot, from and to with their
  names);
- ``details``: everything else in ``before``/``after`` as ``name: value`` text, where an id
  (``location_id``, ``item_id``, ``product_id``, ``lot_id``) is replaced by its code, NDC or lot.

:func:`audit_export_rows` flattens that into one row per stock line (or one row for an entry
without any) for the CSV and xlsx exports (:data:`AUDIT_COLUMNS`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, select

from rxsupply.adapters import tables as t
from rxsupply.adapters.spreadsheets import Column

_IDS = {"location_id": "location", "item_id": "item", "product_id": "ndc", "lot_id": "lot"}
_SKIP = {"lines", "movements"}


class _Names:
    """Codes, NDCs, lots and names for the ids the entries mention, looked up in one query
    per kind."""

    def __init__(self, conn: Connection, docs: Iterable[Any]) -> None:
        wanted: dict[str, set[int]] = {k: set() for k in _IDS}
        codes: set[str] = set()
        for doc in docs:
            _collect(doc, wanted, codes)
        p, lo, loc, it = t.product, t.lot, t.location, t.item
        self.products = {
            r[0]: (r[1], r[2])
            for r in conn.execute(
                select(p.c.id, p.c.ndc, p.c.name).where(p.c.id.in_(wanted["product_id"]))
            )
        }
        self.lots = {
            r[0]: (r[1], r[2].isoformat() if r[2] else "")
            for r in conn.execute(
                select(lo.c.id, lo.c.lot_number, lo.c.expiry).where(lo.c.id.in_(wanted["lot_id"]))
            )
        }
        found = conn.execute(
            select(loc.c.id, loc.c.code, loc.c.name).where(
                loc.c.id.in_(wanted["location_id"]) | loc.c.code.in_(codes)
            )
        ).all()
        self.locations = {r[0]: r[1] for r in found}
        self.location_names = {r[1]: r[2] for r in found}
        self.items = {
            r[0]: r[1]
            for r in conn.execute(select(it.c.id, it.c.code).where(it.c.id.in_(wanted["item_id"])))
        }

    def readable(self, key: str, value: Any) -> tuple[str, Any]:
        """``("lot_id", 7)`` -> ``("lot", "ON2502B")``; other keys unchanged."""
        if key not in _IDS or not isinstance(value, int):
            return key, value
        if key == "product_id":
            return "ndc", self.products.get(value, ("?", ""))[0]
        if key == "lot_id":
            return "lot", self.lots.get(value, ("?", ""))[0]
        if key == "location_id":
            return "location", self.locations.get(value, "?")
        return "item", self.items.get(value, "?")

    def line(self, raw: dict[str, Any]) -> dict[str, Any]:
        ndc, product = self.products.get(int(raw.get("product_id") or 0), ("", ""))
        lot, expiry = self.lots.get(int(raw.get("lot_id") or 0), ("", ""))
        code = str(raw.get("location") or "")
        return {
            "ndc": ndc,
            "product": product,
            "lot": lot,
            "expiry": expiry,
            "location": code,
            "location_name": self.location_names.get(code, ""),
            "before": raw.get("before"),
            "after": raw.get("after"),
        }

    def movement(self, raw: dict[str, Any]) -> dict[str, Any]:
        ndc, product = self.products.get(int(raw.get("product_id") or 0), ("", ""))
        lot, expiry = self.lots.get(int(raw.get("lot_id") or 0), ("", ""))
        source, target = raw.get("from") or "", raw.get("to") or ""
        return {
            "quantity": raw.get("quantity"),
            "ndc": ndc,
            "product": product,
            "lot": lot,
            "expiry": expiry,
            "from": source,
            "from_name": self.location_names.get(source, ""),
            "to": target,
            "to_name": self.location_names.get(target, ""),
        }


def _collect(doc: Any, wanted: dict[str, set[int]], codes: set[str]) -> None:
    if isinstance(doc, list):
        for d in doc:
            _collect(d, wanted, codes)
    elif isinstance(doc, dict):
        for k, v in doc.items():
            if k in wanted and isinstance(v, int):
                wanted[k].add(v)
            elif k in ("location", "from", "to") and isinstance(v, str):
                codes.add(v)
            else:
                _collect(v, wanted, codes)


def _stock_list(doc: Any, key: str) -> list[dict[str, Any]]:
    """``doc[key]`` when it is a list of stock lines or movements (they name a product)."""
    found = doc.get(key) if isinstance(doc, dict) else None
    if (
        isinstance(found, list)
        and found
        and all(isinstance(x, dict) and "product_id" in x for x in found)
    ):
        return found
    return []


def _load(text: str | None) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _words(value: Any, names: _Names) -> str:
    """A stored value as text, its ids replaced: ``min_level: 5, location: ICU-ADC1``."""
    if isinstance(value, dict):
        parts = []
        for k, v in value.items():
            if k in _SKIP and _stock_list(value, k):
                continue
            name, shown = names.readable(k, v)
            text = _words(shown, names)
            if isinstance(shown, dict | list) and shown:
                text = f"({text})"  # a nested record stays one unit: summary: (by cabinet: ...)
            parts.append(f"{name.replace('_', ' ')}: {text}")
        return ", ".join(parts)
    if isinstance(value, list):
        return "; ".join(_words(v, names) for v in value)
    return "" if value is None else str(value)


def audit_rows(
    conn: Connection,
    *,
    user: str | None = None,
    action: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    a = t.audit
    q = select(a).order_by(a.c.id.desc()).limit(limit).offset(offset)
    if user:
        q = q.where(a.c.user_name == user)
    if action:
        q = q.where(a.c.action == action)
    stored = list(conn.execute(q).mappings())
    loaded = [(_load(r["before"]), _load(r["after"])) for r in stored]
    names = _Names(conn, [d for pair in loaded for d in pair])
    out = []
    for r, (before, after) in zip(stored, loaded, strict=True):
        lines = _stock_list(after, "lines")
        moved = _stock_list(after, "movements")
        stock_before = isinstance(before, list) and all(
            isinstance(b, dict) and "lot_id" in b for b in before
        )
        out.append(
            {
                "id": r["id"],
                "at": r["at"].isoformat(),
                "user": r["user_name"],
                "approved_by": r["approved_by"] or "",
                "action": r["action"],
                "entity": r["entity"],
                "key": r["entity_key"],
                "before": r["before"],
                "after": r["after"],
                "lines": [names.line(x) for x in lines],
                "movements": [names.movement(x) for x in moved],
                "details": {
                    "before": "" if stock_before else _words(before, names),
                    "after": _words(after, names),
                },
            }
        )
    return out


AUDIT_COLUMNS = (
    Column("at", "When", "datetime"),
    Column("user", "User"),
    Column("approved_by", "Approved by"),
    Column("action", "Action"),
    Column("what", "What"),
    Column("ndc", "NDC"),
    Column("product", "Product"),
    Column("lot", "Lot"),
    Column("expiry", "Expiry", "date"),
    Column("location", "Location"),
    Column("location_name", "Location name"),
    Column("before", "On hand before", "int"),
    Column("after", "On hand after", "int"),
    Column("details", "Details"),
)
"""The audit export's columns (CSV and xlsx): one row per stock line an entry changed."""


def audit_export_rows(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of :func:`audit_rows` as export rows (see :data:`AUDIT_COLUMNS`)."""
    out: list[dict[str, Any]] = []
    for r in rows:
        what = r["entity"].replace("_", " ") + (f" {r['key']}" if r["key"] else "")
        details = "; ".join(f"{k}: {v}" for k, v in r["details"].items() if v)
        base = {
            "at": r["at"],
            "user": r["user"],
            "approved_by": r["approved_by"],
            "action": r["action"].replace("_", " "),
            "what": what,
            "details": details,
        }
        if not r["lines"]:
            out.append(base)
        for line in r["lines"]:
            out.append(base | line)
    return out
