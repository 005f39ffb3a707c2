"""Bulk SQL shared by the repositories: an IN list cut into chunks, many rows inserted at once
(DBAPI executemany, PostgreSQL ``unnest`` of one array per column), the dialect's upsert, a
list bound as ``= ANY(array)``, and :func:`built`, the statements of the hot write path built
once per dialect and kept in one shared cache (``_BUILT``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import Connection, String, Table, Text, any_, bindparam, insert, text
from sqlalchemy.dialects import postgresql, sqlite

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


def among(conn: Connection, col: Any, name: str) -> Any:
    """``col`` is one of the list bound as ``name``. PostgreSQL gets ``= ANY(array)``: one
    SQL text whatever the list's length, so the driver prepares it once and the server
    plans it once (an IN list of n values is a new statement for every n)."""
    if conn.dialect.name == "postgresql":
        return col == any_(bindparam(name, type_=array_of(col.type)))
    return col.in_(bindparam(name, expanding=True))
