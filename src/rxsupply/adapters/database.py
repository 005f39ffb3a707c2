"""Engines, connections and the schema: SQLite for a laptop, PostgreSQL for a hospital."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import StaticPool

from rxsupply.errors import ConfigurationError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
# Enough connections for every request thread (`serve --workers`), kept open. Last in, first
# out: the connection just returned is taken again, so a few warm connections serve most
# units of work with their statements prepared and plans cached (first in, first out would
# rotate through all of them, each one cold).
_POOL: dict[str, Any] = {"pool_size": 45, "max_overflow": 10, "pool_use_lifo": True}


def make_engine(url: str, *, schema: str | None = None, echo: bool = False) -> Engine:
    """An engine for ``url``. SQLite gets WAL, foreign keys and ``BEGIN IMMEDIATE`` for units
    of work that write, so writers queue instead of failing; PostgreSQL optionally runs inside
    ``schema`` (tests)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigurationError(f"database URL {url!r} is not a SQLAlchemy URL: {exc}") from exc
    kwargs: dict[str, Any] = {"echo": echo, "future": True}
    if parsed.get_backend_name() == "sqlite":
        memory = parsed.database in (None, "", ":memory:")
        if memory:
            kwargs["poolclass"] = StaticPool
        else:
            # Writers queue on SQLite's lock (busy_timeout) while holding their connection, so
            # the pool must hold one per request or worker thread, or waiters time out on the
            # pool instead of the lock.
            kwargs.update(_POOL)
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 60}
        engine = create_engine(url, **kwargs)
        _sqlite_events(engine, wal=not memory)
        return engine
    if parsed.get_backend_name() == "postgresql":
        if schema:
            kwargs["connect_args"] = {"options": f"-csearch_path={schema}"}
        kwargs.update(_POOL)
        kwargs["pool_recycle"] = 1800
        # A connection the server closed while it sat in the pool (a restart, a failover,
        # pg_terminate_backend, an idle timeout) is replaced when it is taken out, instead of
        # failing the request that takes it.
        kwargs["pool_pre_ping"] = True
        engine = create_engine(url, **kwargs)
        _postgres_events(engine)
        return engine
    raise ConfigurationError(
        f"database URL {url!r}: rxsupply runs on SQLite or PostgreSQL, not "
        f"{parsed.get_backend_name()}"
    )


def _postgres_events(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        # The working set (on-hand, locations, lots) is hot in memory, where an index probe
        # costs about what a sequential page does; PostgreSQL's default random_page_cost of 4
        # (spinning disks) makes the planner scan and hash whole tables to avoid a few hundred
        # probes. Lowered for rxsupply's sessions unless the server, database, role or
        # PGOPTIONS set it.
        cur = dbapi_conn.cursor()
        cur.execute("SELECT source FROM pg_settings WHERE name = 'random_page_cost'")
        row = cur.fetchone()
        if row is not None and row[0] == "default":
            cur.execute("SET random_page_cost = 1.1")
        cur.close()
        dbapi_conn.commit()


def _sqlite_events(engine: Engine, *, wal: bool) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        if wal:
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        # REPLACE deletes the row it replaces without firing DELETE triggers unless this is
        # on: with it, ``INSERT OR REPLACE`` into an append-only table is refused too.
        cur.execute("PRAGMA recursive_triggers=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # Units of work that write take the write lock up front (no upgrade deadlocks);
        # plain reads begin deferred and never block a writer.
        immediate = conn.get_execution_options().get("rxsupply_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


HEAD = frozenset({"0043"})
"""The latest migration. A database already at it needs nothing, and :func:`migrate` finds
that without loading alembic and its scripts (some 0.3 s that every command of the CLI paid
on start); a test keeps it equal to what alembic finds (:func:`head_revisions`)."""


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@functools.cache
def head_revisions() -> frozenset[str]:
    """The latest migration(s), found once per process: alembic finds them by loading every
    migration script, 0.15 to 0.4 s each time, which a process running many commands (the
    test suite, a script calling the CLI in-process) would otherwise pay on every one."""
    from alembic.script import ScriptDirectory

    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def current_revisions(conn: Connection) -> frozenset[str]:
    """The migration(s) the database is at (none on an empty one)."""
    if not inspect(conn).has_table("alembic_version"):
        return frozenset()
    return frozenset(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest migration (creates it on an empty database); nothing
    to do, and nothing tried, when it is there already (an application role that may not
    alter the tables connects without error)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with engine.begin() as conn:
            if current_revisions(conn) != HEAD:
                from alembic import command

                command.upgrade(alembic_config(conn), "head")


def has_schema(engine: Engine) -> bool:
    return inspect(engine).has_table("movement")


@contextmanager
def postgres_schema(url: str, name: str) -> Iterator[Engine]:
    """Create a fresh PostgreSQL schema, yield an engine bound to it, drop it afterwards."""
    admin = create_engine(url, future=True)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    engine = make_engine(url, schema=name)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        admin.dispose()


SQLITE_ANALYSIS_LIMIT = 1000
"""Rows SQLite's ``ANALYZE`` reads of each index (SQLite's advice: 100 to 1000). Without a
limit it reads every index whole: minutes on a ten-hospital, two-year demo (10 GB), where the
limited one took 0.01 s."""


def analyze(engine: Engine) -> None:
    """Refresh the query planner's statistics after a bulk load (PostgreSQL samples its
    tables; SQLite reads :data:`SQLITE_ANALYSIS_LIMIT` rows of each index)."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        else:
            conn.exec_driver_sql(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT}")
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
