"""The ledger's chain in SQL: every write transaction seals the movement, audit and external_ref
rows it wrote into one entry of ``ledger_chain`` just before it commits.

How a transaction finds its own rows, fast and without a lock while it works: the first time
it writes one of the chained tables (:func:`note_write`, called by the repositories that
insert them), it reads the highest id of each table and the chain's newest ``seq`` in one
statement (its *floor*: every committed row is at or below it, or chained by an entry after
that ``seq``). At commit (:func:`seal`, called by the unit of work) it takes the chain's lock
(PostgreSQL: the DSCSA chains' advisory lock space, key 0; SQLite writers are serial already),
reads the rows above its floor, leaves out those the entries committed since then cover
(concurrent writers) and, on PostgreSQL, those another transaction inserted (a row's ``xmin``
is the transaction that inserted it: an owner's insert behind the application's back is left
for ``check`` to name), and appends one entry covering the rest. Taken last, just before
COMMIT, the lock cannot deadlock with a DSCSA facility's chain lock or a row lock: a
transaction holding it waits for nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select, text

from rxsupply.adapters import tables as t
from rxsupply.adapters.repositories.bulk_sql import chunks
from rxsupply.adapters.repositories.records import CHAIN_LOCK_SPACE, entry_of, entry_values
from rxsupply.domain.ledger_chain import LEDGER_CHAIN, Cover, ranges
from rxsupply.domain.record_chain import GENESIS, ChainEntry, link, streamed_digest

_FLOOR = "rxsupply_ledger_chain_floor"
_C = t.ledger_chain
TABLES: dict[str, Table] = {
    "movement": t.movement,
    "audit": t.audit,
    "external_ref": t.external_ref,
}
_STREAM: dict[str, int] = {"yield_per": 10_000}  # PostgreSQL: a server-side cursor
_STAMP = {"movement": "recorded_at", "audit": "at", "external_ref": "recorded_at"}
_USER = {"movement": "user_name", "audit": "user_name"}
_ENTRY = select(
    _C.c.seq,
    _C.c.kind,
    _C.c.subject,
    _C.c.digest,
    _C.c.prev_hash,
    _C.c.hash,
    _C.c.recorded_at,
    _C.c.user_name,
)


@dataclass(frozen=True, slots=True)
class _Floor:
    ids: dict[str, int]
    seq: int


def _entry(row: Any) -> ChainEntry:
    return entry_of(row, LEDGER_CHAIN)


def _raw(table: str, where: str) -> Any:
    """The rows of a chained table as the database stores them (no type conversion: cheap,
    and the same values whoever reads them), columns in the tables' order, by id, streamed."""
    columns = ", ".join(c.name for c in TABLES[table].columns)
    query = text(f"SELECT {columns} FROM {table} WHERE {where} ORDER BY id")
    return query.execution_options(**_STREAM)


def note_write(conn: Connection) -> None:
    """Before this transaction's first write to a chained table: remember its floor."""
    if _FLOOR in conn.info:
        return
    highs = [select(func.max(table.c.id)).scalar_subquery() for table in TABLES.values()]
    row = conn.execute(select(*highs, select(func.max(_C.c.seq)).scalar_subquery())).one()
    conn.info[_FLOOR] = _Floor(
        {name: int(row[n] or 0) for n, name in enumerate(TABLES)}, int(row[-1] or 0)
    )


def forget(conn: Connection) -> None:
    """The transaction ended without sealing (rolled back): forget its floor. (A connection
    that was lost has no floor to forget: its pool record's info goes with it.)"""
    if conn.invalidated:
        return
    conn.info.pop(_FLOOR, None)


def seal(conn: Connection) -> ChainEntry | None:
    """Chain the rows this transaction wrote (one entry), just before it commits; ``None``
    when it wrote none. The rows stream through the digest, never all held at once."""
    floor: _Floor | None = conn.info.pop(_FLOOR, None)
    if floor is None:
        return None
    if conn.dialect.name == "postgresql":
        conn.execute(
            text("SELECT pg_advisory_xact_lock(:space, :key)"),
            {"space": CHAIN_LOCK_SPACE, "key": LEDGER_CHAIN},
        )
    chain = SqlLedgerChain(conn)
    since = [Cover.parse(e.subject) for e in chain.entries(after=floor.seq)]
    seen = _Seen()

    # PostgreSQL: only the rows this transaction inserted (their xmin is its id), not one a
    # table's owner committed behind the application's back while it worked
    where = "id > :floor" + (
        " AND xmin = pg_current_xact_id()::xid" if conn.dialect.name == "postgresql" else ""
    )

    def mine(name: str) -> Iterator[list[Any]]:
        taken = {n for cover in since for n in cover.ids(name)}
        for row in conn.execute(_raw(name, where), {"floor": floor.ids[name]}):
            if row[0] not in taken:
                yield seen.row(name, list(row))

    content = streamed_digest([(name, mine(name)) for name in TABLES])
    if content is None:
        return None
    return chain.append(seen.cover(), content, seen=seen, kind="transaction")


class _Seen:
    """What the rows streamed into a digest were: their ids by table, the latest stamp (an
    entry's ``recorded_at`` comes from its rows, not from a clock) and the first user named."""

    def __init__(self) -> None:
        self.ids: dict[str, list[int]] = {}
        self.stamp: Any = None  # a datetime, or SQLite's text of one
        self.user = ""
        self._at = {n: [c.name for c in t.columns].index(_STAMP[n]) for n, t in TABLES.items()}
        self._by = {n: [c.name for c in TABLES[n].columns].index(c) for n, c in _USER.items()}

    def row(self, name: str, row: list[Any]) -> list[Any]:
        self.ids.setdefault(name, []).append(int(row[0]))
        stamp = row[self._at[name]]
        if self.stamp is None or stamp > self.stamp:
            self.stamp = stamp
        if not self.user and name in self._by:
            self.user = row[self._by[name]] or ""
        return row

    def cover(self) -> Cover:
        return Cover({name: ranges(ids) for name, ids in self.ids.items()})

    def latest(self) -> datetime:
        """The latest stamp as a UTC time (SQLite stores its text, naive)."""
        stamp = self.stamp
        assert stamp is not None
        at = datetime.fromisoformat(stamp) if isinstance(stamp, str) else stamp
        return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


class SqlLedgerChain:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def head(self) -> ChainEntry | None:
        row = self.conn.execute(_ENTRY.order_by(_C.c.seq.desc()).limit(1)).first()
        return None if row is None else _entry(row)

    def entries(self, *, after: int = 0) -> Iterator[ChainEntry]:
        """The entries, oldest first (those after ``seq`` ``after``)."""
        for row in self.conn.execute(_ENTRY.where(_C.c.seq > after).order_by(_C.c.seq)):
            yield _entry(row)

    def append(self, cover: Cover, content_digest: str, *, seen: _Seen, kind: str) -> ChainEntry:
        """Chain the rows ``cover`` names (their content's digest) after the head."""
        head = self.head()
        entry = link(
            facility_id=LEDGER_CHAIN,
            seq=1 if head is None else head.seq + 1,
            kind=kind,
            subject=cover.subject(),
            content_digest=content_digest,
            prev_hash=GENESIS if head is None else head.hash,
            recorded_at=seen.latest(),
            user=seen.user or "rxsupply",
        )
        high = self.conn.execute(select(func.max(_C.c.external_ref_high))).scalar()
        refs = cover.rows.get("external_ref", ())
        self.conn.execute(
            insert(_C).values(
                **entry_values(entry),
                external_ref_high=max(int(high or 0), refs[-1][1] if refs else 0),
            )
        )
        return entry

    def rows(self, table: str, ids: Sequence[tuple[int, int]]) -> Iterator[list[Any]]:
        """The rows of ``table`` whose ids fall in the runs, by id, as lists of values."""
        for part in chunks(ids, 200):
            where = " OR ".join(f"id BETWEEN :a{n} AND :b{n}" for n in range(len(part)))
            bounds = {
                f"{k}{n}": v for n, run in enumerate(part) for k, v in zip("ab", run, strict=True)
            }
            for row in self.conn.execute(_raw(table, where), bounds):
                yield list(row)

    def ids(self, table: str) -> Iterator[int]:
        """Every id of ``table``, ascending (streamed)."""
        tbl = TABLES[table]
        query = select(tbl.c.id).order_by(tbl.c.id).execution_options(**_STREAM)
        yield from self.conn.execute(query).scalars()

    def count(self, table: str) -> int:
        """How many rows ``table`` holds."""
        return int(self.conn.execute(select(func.count()).select_from(TABLES[table])).scalar_one())

    def genesis(self) -> ChainEntry | None:
        """Chain every row already stored into one ``genesis`` entry (the migration that
        starts the chain on an existing ledger); ``None`` when there are none."""
        seen = _Seen()

        def stored(name: str) -> Iterator[list[Any]]:
            for row in self.conn.execute(_raw(name, "1 = 1")):
                yield seen.row(name, list(row))

        content = streamed_digest([(name, stored(name)) for name in TABLES])
        if content is None:
            return None
        return self.append(seen.cover(), content, seen=seen, kind="genesis")
