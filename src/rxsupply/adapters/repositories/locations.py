"""Locations in SQL: :class:`SqlLocations` (by code, children, saved with the
``location_path`` closure rebuilt, each location's subtree, codes by id) and the statements it
reads and rebuilds the paths with."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, RowMapping, delete, insert, literal, select, text, update

from rxsupply.adapters import tables as t
from rxsupply.adapters.repositories.bulk_sql import among, built, chunks
from rxsupply.domain.location import Location, LocationKind

_LOCATION = t.location.alias("parent")


def _locations_by_code(conn: Connection) -> Any:
    return (
        select(t.location, _LOCATION.c.code.label("parent_code"), t.item.c.code.label("item_code"))
        .outerjoin(_LOCATION, _LOCATION.c.id == t.location.c.parent_id)
        .outerjoin(t.item, t.item.c.id == t.location.c.item_id)
        .where(among(conn, t.location.c.code, "codes"))
    )


_UP = select(
    t.location.c.id.label("ancestor_id"),
    t.location.c.id.label("location_id"),
    literal(0).label("depth"),
).cte("up", recursive=True)
_UP = _UP.union_all(
    select(t.location.c.parent_id, _UP.c.location_id, _UP.c.depth + 1)
    .join(t.location, t.location.c.id == _UP.c.ancestor_id)
    .where(t.location.c.parent_id.is_not(None), _UP.c.depth < 64)
)
# location_path rebuilt from parent_id (the depth bound stops a cycle of parents).
_FILL_PATHS = insert(t.location_path).from_select(
    ["ancestor_id", "location_id"],
    select(_UP.c.ancestor_id, _UP.c.location_id).distinct(),
)


def _location_codes(conn: Connection) -> Any:
    return select(t.location.c.id, t.location.c.code).where(among(conn, t.location.c.id, "ids"))


class SqlLocations:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._subtree: dict[int, list[int]] | None = None

    def _to_domain(
        self, row: RowMapping, codes: Mapping[int, str], item_codes: Mapping[int, str]
    ) -> Location:
        return Location(
            code=row["code"],
            name=row["name"],
            kind=LocationKind(row["kind"]),
            parent_code=codes.get(row["parent_id"]) if row["parent_id"] else None,
            capacity=row["capacity"],
            item_code=item_codes.get(row["item_id"]) if row["item_id"] else None,
            unit=row["unit"],
            id=row["id"],
            parent_id=row["parent_id"],
        )

    def all(self) -> list[Location]:
        rows = self.conn.execute(select(t.location).order_by(t.location.c.id)).mappings().all()
        codes = {r["id"]: r["code"] for r in rows}
        item_codes = dict(self.conn.execute(select(t.item.c.id, t.item.c.code)).all())
        return [self._to_domain(r, codes, item_codes) for r in rows]

    def of_kind(self, kind: LocationKind) -> list[Location]:
        """The locations of one kind (the storerooms, the quarantine locations), by code."""
        codes = self.conn.execute(
            select(t.location.c.code).where(t.location.c.kind == kind.value)
        ).scalars()
        found = self.get_many(codes)
        return [found[c] for c in sorted(found)]

    def ids_by_code(self) -> dict[str, int]:
        rows = self.conn.execute(select(t.location.c.code, t.location.c.id))
        return dict(rows.all())

    def get(self, code: str) -> Location | None:
        return self.get_many([code]).get(code)

    def get_many(self, codes: Iterable[str]) -> dict[str, Location]:
        out: dict[str, Location] = {}
        for part in chunks(sorted(set(codes))):
            stmt = built(self.conn, "locations by code", _locations_by_code)
            for row in self.conn.execute(stmt, {"codes": list(part)}).mappings():
                out[row["code"]] = self._to_domain(
                    row, {row["parent_id"]: row["parent_code"]}, {row["item_id"]: row["item_code"]}
                )
        return out

    def children(self, code: str) -> list[Location]:
        loc, parent, it = t.location, t.location.alias("parent"), t.item
        rows = (
            self.conn.execute(
                select(loc, parent.c.code.label("parent_code"), it.c.code.label("item_code"))
                .join(parent, parent.c.id == loc.c.parent_id)
                .outerjoin(it, it.c.id == loc.c.item_id)
                .where(parent.c.code == code)
                .order_by(loc.c.code)
            )
            .mappings()
            .all()
        )
        return [
            self._to_domain(r, {r["parent_id"]: r["parent_code"]}, {r["item_id"]: r["item_code"]})
            for r in rows
        ]

    def save_many(self, locations: Sequence[Location], item_ids: Mapping[str, int]) -> int:
        """Insert new codes, update existing ones; parents before children. Returns changes."""
        ids = self.ids_by_code()
        changed = 0
        for loc in locations:
            values = {
                "name": loc.name,
                "kind": loc.kind.value,
                "parent_id": ids[loc.parent_code] if loc.parent_code else None,
                "capacity": loc.capacity,
                "item_id": item_ids[loc.item_code] if loc.item_code else None,
                "unit": loc.unit,
            }
            if loc.code in ids:
                current = (
                    self.conn.execute(select(t.location).where(t.location.c.id == ids[loc.code]))
                    .mappings()
                    .one()
                )
                if any(current[k] != v for k, v in values.items()):
                    self.conn.execute(
                        update(t.location).where(t.location.c.id == ids[loc.code]).values(values)
                    )
                    changed += 1
            else:
                new_id = self.conn.execute(
                    insert(t.location).values(code=loc.code, **values).returning(t.location.c.id)
                ).scalar_one()
                ids[loc.code] = new_id
                changed += 1
        if changed:
            if self.conn.dialect.name == "postgresql":
                # one rebuild at a time (readers are not blocked); SQLite writers queue anyway
                self.conn.execute(text("LOCK TABLE location_path IN SHARE ROW EXCLUSIVE MODE"))
            self.conn.execute(delete(t.location_path))
            self.conn.execute(_FILL_PATHS)
        self._subtree = None
        return changed

    def subtree(self) -> dict[int, list[int]]:
        """Each location mapped to itself and everything below it (read once, cached)."""
        if self._subtree is None:
            rows = self.conn.execute(select(t.location.c.id, t.location.c.parent_id))
            children: dict[int, list[int]] = defaultdict(list)
            all_ids: list[int] = []
            for loc_id, parent in rows:
                all_ids.append(loc_id)
                if parent is not None:
                    children[parent].append(loc_id)
            tree: dict[int, list[int]] = {}
            for loc_id in all_ids:
                found, stack = [], [loc_id]
                while stack:
                    node = stack.pop()
                    found.append(node)
                    stack.extend(children.get(node, ()))
                tree[loc_id] = found
            self._subtree = tree
        return self._subtree

    def codes(self, ids: Iterable[int]) -> dict[int, str]:
        wanted = sorted(set(ids))
        out: dict[int, str] = {}
        for part in chunks(wanted):
            stmt = built(self.conn, "location codes", _location_codes)
            out.update(self.conn.execute(stmt, {"ids": list(part)}).all())
        return out
