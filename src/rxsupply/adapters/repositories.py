"""SQL repositories behind the protocols in :mod:`rxsupply.services.ports`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import (
    Connection,
    RowMapping,
    String,
    Table,
    Text,
    any_,
    bindparam,
    delete,
    func,
    insert,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from rxsupply.adapters import tables as t
from rxsupply.domain.levels import Decision, Recommendation, StockLevel
from rxsupply.domain.location import Location, LocationKind
from rxsupply.domain.movement import Movement
from rxsupply.domain.ndc import NDC
from rxsupply.domain.product import Criticality, DEASchedule, Item, Product
from rxsupply.domain.stock import StockBook, StockKey
from rxsupply.domain.users import Role, User
from rxsupply.services.ports import AuditEntry, ProductKey, PurchaseLine, StoredUser

T = TypeVar("T")
CHUNK = 900  # stays under SQLite's bound-parameter limit for IN lists


def chunks(values: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def insert_many(conn: Connection, stmt: Any, rows: Sequence[Mapping[str, Any]]) -> None:
    """Execute ``stmt`` for many parameter sets, 5,000 at a time (DBAPI executemany)."""
    if len(rows) == 1:  # one parameter set: a plain execute, not the executemany path
        conn.execute(stmt, dict(rows[0]))
        return
    for start in range(0, len(rows), 5000):
        conn.execute(stmt, list(rows[start : start + 5000]))


def insert_rows(
    conn: Connection, table: Table, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]
) -> None:
    """Bulk insert positional rows, 5,000 at a time, converting values with the columns' own
    bind processors. PostgreSQL gets one ``INSERT ... SELECT * FROM unnest(arrays)`` per
    5,000 rows (one statement of one shape, instead of a statement per row); SQLite an
    executemany that skips SQLAlchemy's per-row parameter compilation (the import hot
    path)."""
    batch: list[tuple[Any, ...]] = []
    if conn.dialect.name == "postgresql":
        for row in rows:
            batch.append(row)
            if len(batch) == 5000:
                unnest_rows(conn, table, columns, batch)
                batch.clear()
        unnest_rows(conn, table, columns, batch)
        return
    if conn.dialect.name != "sqlite":
        stmt = built(conn, f"insert {table.name}", lambda _: insert(table))
        insert_many(conn, stmt, [dict(zip(columns, r, strict=True)) for r in rows])
        return
    procs = [table.c[c].type._cached_bind_processor(conn.dialect) for c in columns]
    converters = [(i, p) for i, p in enumerate(procs) if p is not None]
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' for _ in columns)})"
    )
    driver = conn.connection.driver_connection
    assert driver is not None
    cursor = driver.cursor()

    def flush() -> None:
        cursor.executemany(sql, batch)
        batch.clear()

    last_in: list[Any] = [None] * len(columns)
    last_out: list[Any] = [None] * len(columns)
    for row in rows:
        if converters:
            values = list(row)
            for i, proc in converters:
                v = values[i]
                if v is None:
                    continue
                if v is last_in[i]:  # the same timestamp object: convert once
                    values[i] = last_out[i]
                else:
                    last_in[i] = v
                    values[i] = last_out[i] = proc(v)
            batch.append(tuple(values))
        else:
            batch.append(row)
        if len(batch) == 5000:
            flush()
    if batch:
        flush()
    cursor.close()


def array_of(column_type: Any) -> Any:
    """A PostgreSQL array of ``column_type``, strings as unbounded text: a cast to
    ``VARCHAR(n)[]`` would cut a longer value silently, where storing it into the column
    refuses it ("value too long")."""
    if isinstance(column_type, String):
        return postgresql.ARRAY(Text())
    return postgresql.ARRAY(column_type)


def _arrays(table: Table, columns: Sequence[str]) -> list[Any]:
    return [bindparam(f"c{i}", type_=array_of(table.c[c].type)) for i, c in enumerate(columns)]


def unnest_rows(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    *,
    on_conflict: str = "",
) -> None:
    """PostgreSQL: insert rows as one array per column, ``SELECT * FROM unnest(...)``;
    ``on_conflict`` is appended as written (an ``ON CONFLICT`` clause)."""
    if not rows:
        return

    def build(_: Connection) -> Any:
        names = ", ".join(f":c{i}" for i in range(len(columns)))
        sql = (
            f"INSERT INTO {table.name} ({', '.join(columns)}) "
            f"SELECT * FROM unnest({names}) {on_conflict}"
        )
        return text(sql).bindparams(*_arrays(table, columns))

    stmt = built(conn, f"unnest {table.name} {','.join(columns)} {on_conflict}", build)
    conn.execute(stmt, {f"c{i}": list(col) for i, col in enumerate(zip(*rows, strict=True))})


def upsert(conn: Connection, table: Any) -> Any:
    """The dialect's INSERT that supports ON CONFLICT."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


_BUILT: dict[tuple[str, str], Any] = {}


def built(conn: Connection, name: str, build: Callable[[Connection], Any]) -> Any:
    """A statement of the hot write path, built once per dialect and reused: SQLAlchemy then
    finds its compiled form by a cache key memoised on the object, instead of building,
    aliasing and hashing a new statement tree for every movement."""
    key = (name, conn.dialect.name)
    stmt = _BUILT.get(key)
    if stmt is None:
        stmt = _BUILT[key] = build(conn)
    return stmt


_LOCATION = t.location.alias("parent")


def among(conn: Connection, col: Any, name: str) -> Any:
    """``col`` is one of the list bound as ``name``. PostgreSQL gets ``= ANY(array)``: one
    SQL text whatever the list's length, so the driver prepares it once and the server
    plans it once (an IN list of n values is a new statement for every n)."""
    if conn.dialect.name == "postgresql":
        return col == any_(bindparam(name, type_=array_of(col.type)))
    return col.in_(bindparam(name, expanding=True))


def _locations_by_code(conn: Connection) -> Any:
    return (
        select(t.location, _LOCATION.c.code.label("parent_code"), t.item.c.code.label("item_code"))
        .outerjoin(_LOCATION, _LOCATION.c.id == t.location.c.parent_id)
        .outerjoin(t.item, t.item.c.id == t.location.c.item_id)
        .where(among(conn, t.location.c.code, "codes"))
    )


def _items_by_code(conn: Connection) -> Any:
    return (
        select(t.item, t.item_product.c.product_id)
        .outerjoin(t.item_product, t.item_product.c.item_id == t.item.c.id)
        .where(among(conn, t.item.c.code, "codes"))
        .order_by(t.item.c.id, t.item_product.c.product_id)
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


def _branch_lines(conn: Connection, *, lock: bool) -> Any:
    """The on-hand lines of some products at some roots or anywhere below them, with what a
    StockBook needs besides (lot expiry, location codes); FOR UPDATE OF on_hand when
    locking."""
    # Codes and expiries come from subqueries in the select list (an index probe per line
    # found), so the planner only joins on-hand (by product) to the paths up to the roots.
    path, oh = t.location_path, t.on_hand
    root, line = t.location.alias("root_location"), t.location.alias("line_location")
    stmt = (
        select(
            path.c.ancestor_id,
            select(root.c.code).where(root.c.id == path.c.ancestor_id).scalar_subquery(),
            oh.c.location_id,
            select(line.c.code).where(line.c.id == oh.c.location_id).scalar_subquery(),
            oh.c.product_id,
            oh.c.lot_id,
            oh.c.quantity,
            select(t.lot.c.expiry).where(t.lot.c.id == oh.c.lot_id).scalar_subquery(),
        )
        .select_from(oh)
        .join(path, path.c.location_id == oh.c.location_id)
        .where(among(conn, path.c.ancestor_id, "roots"), among(conn, oh.c.product_id, "products"))
        .order_by(oh.c.location_id, oh.c.product_id, oh.c.lot_id)
    )
    return stmt.with_for_update(of=oh) if lock else stmt


def _roots_below_roots(conn: Connection) -> Any:
    path = t.location_path
    return select(path.c.location_id, path.c.ancestor_id).where(
        among(conn, path.c.location_id, "roots"),
        among(conn, path.c.ancestor_id, "roots"),
        path.c.location_id != path.c.ancestor_id,
    )


def _location_codes(conn: Connection) -> Any:
    return select(t.location.c.id, t.location.c.code).where(among(conn, t.location.c.id, "ids"))


_DECREASE = (
    update(t.on_hand)
    .where(
        t.on_hand.c.location_id == bindparam("k_loc"),
        t.on_hand.c.product_id == bindparam("k_prod"),
        t.on_hand.c.lot_id == bindparam("k_lot"),
    )
    .values(quantity=t.on_hand.c.quantity + bindparam("k_delta"))
)


def _claim(conn: Connection) -> Any:
    return (
        upsert(conn, t.external_ref)
        .on_conflict_do_nothing()
        .returning(t.external_ref.c.external_id)
    )


def _users_for_tokens(conn: Connection) -> Any:
    return (
        select(t.app_user, t.api_token.c.token_hash)
        .join(t.api_token, t.api_token.c.user_id == t.app_user.c.id)
        .where(among(conn, t.api_token.c.token_hash, "hashes"), t.api_token.c.revoked.is_(False))
    )


def _claim_unnest(conn: Connection) -> Any:
    """PostgreSQL: claim a list of external ids with one statement of one shape."""
    ref = t.external_ref
    ids = func.unnest(bindparam("ids", type_=array_of(ref.c.external_id.type)))
    rows = select(ids, bindparam("recorded_at", type_=ref.c.recorded_at.type))
    return (
        postgresql.insert(ref)
        .from_select(["external_id", "recorded_at"], rows)
        .on_conflict_do_nothing()
        .returning(ref.c.external_id)
    )


def _lots_by_key(conn: Connection) -> Any:
    return select(t.lot.c.product_id, t.lot.c.lot_number, t.lot.c.id, t.lot.c.expiry).where(
        among(conn, t.lot.c.product_id, "products"), among(conn, t.lot.c.lot_number, "numbers")
    )


def _decrease_unnest(conn: Connection) -> Any:
    """PostgreSQL: apply many decreases (lines locked by load_book) in one statement."""
    columns = ("location_id", "product_id", "lot_id", "quantity")
    return text(
        "UPDATE on_hand SET quantity = on_hand.quantity + d.delta "
        "FROM unnest(:c0, :c1, :c2, :c3) AS d(location_id, product_id, lot_id, delta) "
        "WHERE on_hand.location_id = d.location_id AND on_hand.product_id = d.product_id "
        "AND on_hand.lot_id = d.lot_id"
    ).bindparams(*_arrays(t.on_hand, columns))


def _increase(conn: Connection) -> Any:
    oh = t.on_hand
    stmt = upsert(conn, oh)
    return stmt.on_conflict_do_update(
        index_elements=[oh.c.location_id, oh.c.product_id, oh.c.lot_id],
        set_={"quantity": oh.c.quantity + stmt.excluded.quantity},
    )


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
            "source": source,
        }

    def set_package_cost(self, costs: Mapping[int, Decimal]) -> None:
        for pid, cost in costs.items():
            self.conn.execute(
                update(t.product).where(t.product.c.id == pid).values(package_cost=cost)
            )


def _item(rows: Sequence[RowMapping]) -> Item:
    """An item from its rows joined to its product links (one row per product)."""
    row = rows[0]
    return Item(
        code=row["code"],
        name=row["name"],
        criticality=Criticality(row["criticality"]),
        product_ids=[r["product_id"] for r in rows if r["product_id"] is not None],
        id=row["id"],
    )


class SqlItems:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def ids_by_code(self) -> dict[str, int]:
        return dict(self.conn.execute(select(t.item.c.code, t.item.c.id)).all())

    def get(self, code: str) -> Item | None:
        return self.get_many([code]).get(code)

    def get_many(self, codes: Iterable[str]) -> dict[str, Item]:
        by_code: dict[str, list[RowMapping]] = defaultdict(list)
        for part in chunks(sorted(set(codes))):
            stmt = built(self.conn, "items by code", _items_by_code)
            for row in self.conn.execute(stmt, {"codes": list(part)}).mappings():
                by_code[row["code"]].append(row)
        return {code: _item(rows) for code, rows in by_code.items()}

    def save_many(self, items: Sequence[Item]) -> int:
        ids = self.ids_by_code()
        links = self.products_of()
        changed = 0
        new_rows = [
            {"code": i.code, "name": i.name, "criticality": i.criticality.value}
            for i in items
            if i.code not in ids
        ]
        insert_many(self.conn, insert(t.item), new_rows)
        if new_rows:
            changed += len(new_rows)
            ids = self.ids_by_code()
        link_rows: list[dict[str, int]] = []
        new_codes = {r["code"] for r in new_rows}
        for it in items:
            it.id = ids[it.code]
            if it.code not in new_codes:
                cur = self.conn.execute(
                    select(t.item.c.name, t.item.c.criticality).where(t.item.c.id == it.id)
                ).one()
                if (cur.name, cur.criticality) != (it.name, it.criticality.value):
                    self.conn.execute(
                        update(t.item)
                        .where(t.item.c.id == it.id)
                        .values(name=it.name, criticality=it.criticality.value)
                    )
                    changed += 1
            have = set(links.get(it.id, ()))
            for pid in it.product_ids:
                if pid not in have:
                    link_rows.append({"item_id": it.id, "product_id": pid})
                    have.add(pid)
        insert_many(self.conn, insert(t.item_product), link_rows)
        return changed + len(link_rows)

    def products_of(self, item_ids: Iterable[int] | None = None) -> dict[int, list[int]]:
        q = select(t.item_product.c.item_id, t.item_product.c.product_id).order_by(
            t.item_product.c.item_id, t.item_product.c.product_id
        )
        out: dict[int, list[int]] = defaultdict(list)
        if item_ids is None:
            for iid, pid in self.conn.execute(q):
                out[iid].append(pid)
            return dict(out)
        for part in chunks(sorted(set(item_ids))):
            for iid, pid in self.conn.execute(q.where(t.item_product.c.item_id.in_(part))):
                out[iid].append(pid)
        return dict(out)


class SqlLots:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _existing(
        self, keys: Sequence[tuple[int, str]]
    ) -> dict[tuple[int, str], tuple[int, date | None]]:
        out: dict[tuple[int, str], tuple[int, date | None]] = {}
        stmt = built(self.conn, "lots by key", _lots_by_key)
        for part in chunks(list(keys), 400):
            wanted = set(part)
            products = sorted({p for p, _ in part})
            numbers = sorted({n for _, n in part})
            rows = self.conn.execute(stmt, {"products": products, "numbers": numbers})
            for pid, num, lid, exp in rows:  # both lists match a few pairs not asked for
                if (pid, num) in wanted:
                    out[(pid, num)] = (lid, exp)
        return out

    def lookup(
        self, keys: Iterable[tuple[int, str]]
    ) -> dict[tuple[int, str], tuple[int, date | None]]:
        """(product id, lot number) -> (lot id, recorded expiry), for the lots recorded."""
        return self._existing(sorted(set(keys)))

    def add_missing(self, lots: Sequence[tuple[int, str, date | None]]) -> None:
        """Record these lots unless they are (a writer that just recorded one wins)."""
        insert_many(
            self.conn,
            built(self.conn, "add lots", lambda c: upsert(c, t.lot).on_conflict_do_nothing()),
            [{"product_id": p, "lot_number": n, "expiry": e} for p, n, e in lots],
        )

    def conflicts(
        self, lots: Iterable[tuple[int, str, date | None]]
    ) -> dict[tuple[int, str], date | None]:
        """Lots already recorded with a different expiry: key -> recorded expiry."""
        wanted = {(p, n): e for p, n, e in lots}
        have = self._existing(list(wanted))
        return {k: v[1] for k, v in have.items() if wanted[k] is not None and v[1] != wanted[k]}

    def ensure_many(
        self, lots: Iterable[tuple[int, str, date | None]]
    ) -> dict[tuple[int, str], int]:
        wanted = {(p, n): e for p, n, e in lots}
        have = self._existing(list(wanted))
        missing = [
            {"product_id": p, "lot_number": n, "expiry": e}
            for (p, n), e in wanted.items()
            if (p, n) not in have
        ]
        insert_many(self.conn, upsert(self.conn, t.lot).on_conflict_do_nothing(), missing)
        if missing:
            have = self._existing(list(wanted))
        return {k: v[0] for k, v in have.items()}

    def find(self, product_ids: Iterable[int], lot_number: str) -> dict[int, int]:
        """product id -> lot id for the lots with this number."""
        rows = self.conn.execute(
            select(t.lot.c.product_id, t.lot.c.id).where(
                t.lot.c.product_id.in_(sorted(set(product_ids))), t.lot.c.lot_number == lot_number
            )
        )
        return dict(rows.all())

    def expiries(self, lot_ids: Iterable[int] | None = None) -> dict[int, date | None]:
        q = select(t.lot.c.id, t.lot.c.expiry)
        if lot_ids is None:
            return dict(self.conn.execute(q).all())
        out: dict[int, date | None] = {}
        for part in chunks(sorted(set(lot_ids))):
            out.update(self.conn.execute(q.where(t.lot.c.id.in_(part))).all())
        return out


class SqlLedger:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def claim(self, external_id: str, now: datetime) -> bool:
        """Record an external id; False when it was already recorded (another writer waits
        on PostgreSQL until the first commits or rolls back)."""
        stmt = built(self.conn, "claim", _claim)
        row = self.conn.execute(stmt, {"external_id": external_id, "recorded_at": now}).first()
        return row is not None

    def claim_many(self, external_ids: Sequence[str], now: datetime) -> set[str]:
        """Record external ids; returns those that were not recorded before (a writer that
        claims an id another transaction holds waits for it on PostgreSQL)."""
        wanted = sorted(set(external_ids))
        if not wanted:
            return set()
        if len(wanted) == 1:
            return set(wanted) if self.claim(wanted[0], now) else set()
        out: set[str] = set()
        if self.conn.dialect.name == "postgresql":
            stmt = built(self.conn, "claim many", _claim_unnest)
            out.update(self.conn.execute(stmt, {"ids": wanted, "recorded_at": now}).scalars())
            return out
        stmt = built(self.conn, "claim", _claim)
        for part in chunks(wanted, 400):
            rows = [{"external_id": e, "recorded_at": now} for e in part]
            out.update(self.conn.execute(stmt.values(rows)).scalars())
        return out

    def release(self, external_ids: Sequence[str]) -> None:
        """Forget claims of this transaction whose command failed, so a resend is posted."""
        stmt = built(
            self.conn,
            "release",
            lambda c: delete(t.external_ref).where(among(c, t.external_ref.c.external_id, "ids")),
        )
        for part in chunks(sorted(set(external_ids))):
            self.conn.execute(stmt, {"ids": list(part)})

    def recorded(self, external_ids: Iterable[str]) -> set[str]:
        wanted = sorted(set(external_ids))
        out: set[str] = set()
        col = t.external_ref.c.external_id
        for part in chunks(wanted):
            out.update(self.conn.execute(select(col).where(col.in_(part))).scalars())
        return out

    def load_book(
        self, *, roots: Iterable[int], product_ids: Iterable[int], lock: bool
    ) -> StockBook:
        """A :class:`StockBook` of the on-hand lines of these products at each root location
        or anywhere below it (through ``location_path``; one query per 900 roots), locked FOR
        UPDATE in key order when ``lock``, with their lots' expiries and location codes."""
        products = sorted(set(product_ids))
        root_ids = sorted(set(roots))
        lines: dict[StockKey, int] = {}
        expiry: dict[int, date | None] = {}
        names: dict[int, str] = {}
        below: dict[int, dict[int, None]] = {r: {r: None} for r in root_ids}
        stmt = built(self.conn, f"branch lines {lock}", lambda c: _branch_lines(c, lock=lock))
        for part in chunks(root_ids):
            rows = self.conn.execute(stmt, {"roots": list(part), "products": products})
            for root, root_code, loc, code, prod, lot, qty, lot_expiry in rows:
                lines[(loc, prod, lot)] = int(qty)
                below[root][loc] = None
                names[root] = root_code
                names[loc] = code
                expiry[lot] = lot_expiry
        if len(root_ids) > 1:  # a root below another root is in its branch, stocked or not
            stmt = built(self.conn, "roots below roots", _roots_below_roots)
            for loc, up in self.conn.execute(stmt, {"roots": root_ids}):
                below[up][loc] = None
        unnamed = [r for r in root_ids if r not in names]
        if unnamed:
            names.update(SqlLocations(self.conn).codes(unnamed))
        return StockBook(
            on_hand=lines,
            lot_expiry=expiry,
            subtree={r: list(locs) for r, locs in below.items()},
            names=names,
        )

    def write(
        self,
        movements: Sequence[Movement],
        deltas: Mapping[StockKey, int],
        *,
        now: datetime,
        external_ids: Iterable[str] = (),
    ) -> None:
        """Append movements and apply on-hand deltas in one go (the caller's transaction)."""
        insert_rows(
            self.conn,
            t.external_ref,
            ("external_id", "recorded_at"),
            ((e, now) for e in external_ids),
        )
        columns = (
            "kind",
            "occurred_at",
            "recorded_at",
            "product_id",
            "lot_id",
            "quantity",
            "from_location_id",
            "to_location_id",
            "external_id",
            "reference",
            "user_name",
            "note",
            "unit_cost",
        )
        rows = (
            (
                m.kind.value,
                m.occurred_at,
                now,
                m.product_id,
                m.lot_id,
                m.quantity,
                m.from_location_id,
                m.to_location_id,
                m.external_id,
                m.reference,
                m.user,
                m.note,
                m.unit_cost,
            )
            for m in movements
        )
        insert_rows(self.conn, t.movement, columns, rows)
        # Increases (and new zero lines) upsert; decreases update lines that exist and were
        # locked by load_book. The CHECK constraint on on_hand is the last line of defence.
        ups = sorted((k, d) for k, d in deltas.items() if d >= 0)
        downs = sorted((k, d) for k, d in deltas.items() if d < 0)
        if self.conn.dialect.name == "postgresql":
            unnest_rows(
                self.conn,
                t.on_hand,
                ("location_id", "product_id", "lot_id", "quantity"),
                [(*k, d) for k, d in ups],
                on_conflict="ON CONFLICT (location_id, product_id, lot_id) DO UPDATE "
                "SET quantity = on_hand.quantity + excluded.quantity",
            )
            if downs:
                stmt = built(self.conn, "decrease many", _decrease_unnest)
                arrays = zip(*((*k, d) for k, d in downs), strict=True)
                self.conn.execute(stmt, {f"c{i}": list(c) for i, c in enumerate(arrays)})
            return
        insert_many(
            self.conn,
            built(self.conn, "increase", _increase),
            [
                {"location_id": k[0], "product_id": k[1], "lot_id": k[2], "quantity": d}
                for k, d in ups
            ],
        )
        insert_many(
            self.conn,
            _DECREASE,
            [{"k_loc": k[0], "k_prod": k[1], "k_lot": k[2], "k_delta": d} for k, d in downs],
        )


class SqlPurchases:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def recorded(self, line_keys: Iterable[str]) -> set[str]:
        col = t.purchase_line.c.line_key
        out: set[str] = set()
        for part in chunks(sorted(set(line_keys))):
            out.update(self.conn.execute(select(col).where(col.in_(part))).scalars())
        return out

    def save_many(self, lines: Sequence[PurchaseLine]) -> int:
        partners = dict(
            self.conn.execute(select(t.trading_partner.c.name, t.trading_partner.c.id)).all()
        )
        for name in sorted({ln.wholesaler for ln in lines} - set(partners)):
            partners[name] = self.conn.execute(
                insert(t.trading_partner)
                .values(name=name, kind="wholesaler")
                .returning(t.trading_partner.c.id)
            ).scalar_one()
        rows = [
            {
                "line_key": ln.line_key,
                "invoice_date": ln.invoice_date,
                "invoice_number": ln.invoice_number,
                "partner_id": partners[ln.wholesaler],
                "product_id": ln.product_id,
                "packages": ln.packages,
                "unit_price": ln.unit_price,
            }
            for ln in lines
        ]
        insert_many(self.conn, insert(t.purchase_line), rows)
        return len(rows)


def _user(row: RowMapping) -> User:
    return User(
        username=row["username"],
        display_name=row["display_name"],
        role=Role(row["role"]),
        active=bool(row["active"]),
        id=row["id"],
    )


class SqlUsers:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _one(self, cond: Any) -> StoredUser | None:
        row = self.conn.execute(select(t.app_user).where(cond)).mappings().first()
        return StoredUser(_user(row), row["password_hash"]) if row else None

    def get(self, username: str) -> StoredUser | None:
        return self._one(t.app_user.c.username == username)

    def get_by_id(self, user_id: int) -> StoredUser | None:
        return self._one(t.app_user.c.id == user_id)

    def all(self) -> list[User]:
        rows = self.conn.execute(select(t.app_user).order_by(t.app_user.c.username))
        return [_user(r) for r in rows.mappings()]

    def add(self, user: User, password_hash: str, now: datetime) -> int:
        return int(
            self.conn.execute(
                insert(t.app_user)
                .values(
                    username=user.username,
                    display_name=user.display_name,
                    role=user.role.value,
                    password_hash=password_hash,
                    active=user.active,
                    created_at=now,
                )
                .returning(t.app_user.c.id)
            ).scalar_one()
        )

    def set_active(self, username: str, active: bool) -> None:
        self.conn.execute(
            update(t.app_user).where(t.app_user.c.username == username).values(active=active)
        )
        if not active:
            self.conn.execute(
                update(t.api_token)
                .where(
                    t.api_token.c.user_id.in_(
                        select(t.app_user.c.id).where(t.app_user.c.username == username)
                    )
                )
                .values(revoked=True)
            )

    def add_token(self, user_id: int, name: str, token_hash: str, now: datetime) -> int:
        return int(
            self.conn.execute(
                insert(t.api_token)
                .values(
                    user_id=user_id, name=name, token_hash=token_hash, created_at=now, revoked=False
                )
                .returning(t.api_token.c.id)
            ).scalar_one()
        )

    def user_for_token(self, token_hash: str) -> User | None:
        return self.users_for_tokens([token_hash]).get(token_hash)

    def users_for_tokens(self, token_hashes: Iterable[str]) -> dict[str, User]:
        stmt = built(self.conn, "users for tokens", _users_for_tokens)
        rows = self.conn.execute(stmt, {"hashes": sorted(set(token_hashes))}).mappings()
        return {row["token_hash"]: _user(row) for row in rows}

    def add_session(self, session_hash: str, user_id: int, now: datetime) -> None:
        self.conn.execute(
            insert(t.app_session).values(
                id=session_hash, user_id=user_id, created_at=now, revoked=False
            )
        )

    def session_active(self, session_hash: str) -> bool:
        revoked = self.conn.execute(
            select(t.app_session.c.revoked).where(t.app_session.c.id == session_hash)
        ).scalar_one_or_none()
        return revoked is False or revoked == 0

    def revoke_session(self, session_hash: str) -> None:
        self.conn.execute(
            update(t.app_session).where(t.app_session.c.id == session_hash).values(revoked=True)
        )

    def setting(self, name: str) -> str | None:
        value = self.conn.execute(
            select(t.app_setting.c.value).where(t.app_setting.c.name == name)
        ).scalar_one_or_none()
        return None if value is None else str(value)

    def put_setting(self, name: str, value: str) -> None:
        self.conn.execute(
            upsert(self.conn, t.app_setting).values(name=name, value=value).on_conflict_do_nothing()
        )


class SqlAudit:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, entry: AuditEntry) -> None:
        self.add_many([entry])

    def add_many(self, entries: Sequence[AuditEntry]) -> None:
        insert_rows(
            self.conn,
            t.audit,
            ("at", "user_name", "action", "entity", "entity_key", "before", "after"),
            [(e.at, e.user, e.action, e.entity, e.key, e.before, e.after) for e in entries],
        )


def _level(row: Any) -> StockLevel:
    return StockLevel(
        location_id=row.location_id,
        item_id=row.item_id,
        min_level=row.min_level,
        max_level=row.max_level,
        lead_time_days=row.lead_time_days,
        review_period_days=row.review_period_days,
    )


class SqlStockLevels:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get(self, location_id: int, item_id: int, *, lock: bool = False) -> StockLevel | None:
        sl = t.stock_level
        query = select(sl).where(sl.c.location_id == location_id, sl.c.item_id == item_id)
        if lock:
            query = query.with_for_update()
        row = self.conn.execute(query).first()
        return _level(row) if row else None

    def all(self) -> list[StockLevel]:
        sl = t.stock_level
        rows = self.conn.execute(select(sl).order_by(sl.c.location_id, sl.c.item_id))
        return [_level(r) for r in rows]

    def save(self, level: StockLevel, *, now: datetime, user: str) -> None:
        self.save_many([level], now=now, user=user)

    def save_many(self, levels: Sequence[StockLevel], *, now: datetime, user: str) -> int:
        if not levels:
            return 0
        sl = t.stock_level
        rows = [
            {
                "location_id": lv.location_id,
                "item_id": lv.item_id,
                "min_level": lv.min_level,
                "max_level": lv.max_level,
                "lead_time_days": lv.lead_time_days,
                "review_period_days": lv.review_period_days,
                "updated_at": now,
                "updated_by": user,
            }
            for lv in levels
        ]
        dialect = self.conn.dialect.name
        ins: Any = postgresql.insert(sl) if dialect == "postgresql" else sqlite.insert(sl)
        changing = ("min_level", "max_level", "lead_time_days", "review_period_days")
        stmt = ins.on_conflict_do_update(
            index_elements=["location_id", "item_id"],
            set_={c: getattr(ins.excluded, c) for c in (*changing, "updated_at", "updated_by")},
        )
        for start in range(0, len(rows), 2000):
            self.conn.execute(stmt, rows[start : start + 2000])
        return len(rows)


def _recommendation(row: Any) -> Recommendation:
    return Recommendation(
        id=row.id,
        run_at=row.run_at,
        location_id=row.location_id,
        item_id=row.item_id,
        current_min=row.current_min,
        current_max=row.current_max,
        min_level=row.min_level,
        max_level=row.max_level,
        explanation=row.explanation,
        status=Decision(row.status),
        decided_by=row.decided_by,
    )


class SqlRecommendations:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def lock_for_run(self) -> None:
        """Serialise planning runs: a second run waits for the first to commit, then supersedes
        its proposals instead of adding a second pending set beside them. (SQLite's write
        transactions are serial already.) Reads and decisions of other proposals go on."""
        if self.conn.dialect.name == "postgresql":
            self.conn.execute(text("LOCK TABLE recommendation IN SHARE ROW EXCLUSIVE MODE"))

    def add_many(self, recommendations: Sequence[Recommendation], *, now: datetime) -> int:
        rows = [
            {
                "run_at": now,
                "location_id": r.location_id,
                "item_id": r.item_id,
                "current_min": r.current_min,
                "current_max": r.current_max,
                "min_level": r.min_level,
                "max_level": r.max_level,
                "explanation": r.explanation,
                "status": Decision.PENDING.value,
            }
            for r in recommendations
        ]
        for start in range(0, len(rows), 2000):
            self.conn.execute(insert(t.recommendation), rows[start : start + 2000])
        return len(rows)

    def get(self, recommendation_id: int, *, lock: bool = False) -> Recommendation | None:
        rc = t.recommendation
        query = select(rc).where(rc.c.id == recommendation_id)
        if lock:
            query = query.with_for_update()
        row = self.conn.execute(query).first()
        return _recommendation(row) if row else None

    def decide(self, recommendation_id: int, status: Decision, *, user: str, now: datetime) -> bool:
        """Decide a pending recommendation; False when it was no longer pending (someone
        else decided it first), so two managers never both apply one."""
        rc = t.recommendation
        result = self.conn.execute(
            update(rc)
            .where(rc.c.id == recommendation_id, rc.c.status == Decision.PENDING.value)
            .values(status=status.value, decided_by=user, decided_at=now)
        )
        return bool(result.rowcount == 1)

    def supersede_pending(self, keys: Iterable[tuple[int, int]], *, now: datetime) -> int:
        """Mark older pending recommendations of these item-locations as superseded."""
        rc = t.recommendation
        total = 0
        wanted = set(keys)
        pending = self.conn.execute(
            select(rc.c.id, rc.c.location_id, rc.c.item_id).where(
                rc.c.status == Decision.PENDING.value
            )
        ).all()
        ids = [r.id for r in pending if (r.location_id, r.item_id) in wanted]
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            result = self.conn.execute(
                update(rc)
                .where(rc.c.id.in_(chunk), rc.c.status == Decision.PENDING.value)
                .values(status="superseded", decided_by="planning run", decided_at=now)
            )
            total += int(result.rowcount)
        return total


class SqlSeriesClasses:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def replace_all(self, rows: Sequence[Mapping[str, object]], *, now: datetime) -> int:
        """The latest run's classes replace the previous run's, in the caller's transaction."""
        self.conn.execute(delete(t.series_class))
        stamped = [{**r, "run_at": now} for r in rows]
        for start in range(0, len(stamped), 2000):
            self.conn.execute(insert(t.series_class), stamped[start : start + 2000])
        return len(stamped)
