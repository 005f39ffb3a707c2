"""Backups of a PostgreSQL database with its own tools: ``pg_dump`` in the custom format
(from the snapshot the facts are counted in, so they describe the file exactly), restored by
``pg_restore`` through ``psql`` in one transaction that first empties the ``public`` schema
(a restore is all or nothing, and leaves nothing of the database it replaces)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

from rxsupply.adapters.backups import facts_of, known_revisions, pg_tool, run_tool
from rxsupply.adapters.database import make_engine, migrate
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.errors import RestoreRefused
from rxsupply.services.ports import AuditEntry
from rxsupply.services.ports.backups import DatabaseFacts

_OTHERS = """SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
AND pid <> pg_backend_pid() AND backend_type = 'client backend'"""


class PostgresCopies:
    def __init__(self, url: str) -> None:
        self.url = url
        self.dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)

    def revisions(self) -> list[str]:
        return known_revisions()

    def back_up(self, target: Path) -> DatabaseFacts:
        target = target.expanduser()
        pg_dump = pg_tool("pg_dump")
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
        os.close(fd)
        partial = Path(name)
        engine = make_engine(self.url)
        try:
            with engine.connect() as conn:
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
                with conn.begin():
                    snapshot = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
                    facts = facts_of(conn)
                    run_tool(
                        [
                            pg_dump,
                            "--format=custom",
                            f"--snapshot={snapshot}",
                            "--file",
                            name,
                            "--dbname",
                            self.dsn,
                        ],
                        what="pg_dump",
                    )
            os.replace(partial, target)
        finally:
            engine.dispose()
            partial.unlink(missing_ok=True)
        return facts

    @contextmanager
    def stage(self, source: Path) -> Iterator[_StagedDump]:
        source = source.expanduser()
        if not source.is_file():
            raise RestoreRefused(f"{source}: no such backup file")
        engine = make_engine(self.url)
        try:
            with engine.connect() as conn:
                others = conn.exec_driver_sql(_OTHERS).scalar_one()
        finally:
            engine.dispose()
        if others:
            raise RestoreRefused(
                f"the database has {others} other connection(s) (rxsupply serve, an "
                "import...): stop them first, then restore"
            )
        yield _StagedDump(source, self)

    def facts(self) -> DatabaseFacts:
        engine = make_engine(self.url)
        try:
            with engine.connect() as conn:
                return facts_of(conn)
        finally:
            engine.dispose()

    def record(self, entry: AuditEntry) -> None:
        engine = make_engine(self.url)
        try:
            with SqlUnitOfWork(engine) as uow:  # a writer like any other: its row is chained
                uow.audit.add(entry)
                uow.commit()
        finally:
            engine.dispose()


class _StagedDump:
    def __init__(self, path: Path, copies: PostgresCopies) -> None:
        self.path = path
        self.copies = copies
        self.upgrade_after = False

    def revision(self) -> str | None:
        pg_restore = pg_tool("pg_restore")
        try:
            script = run_tool(
                [pg_restore, "--data-only", "--table=alembic_version", "--file=-", str(self.path)],
                what="pg_restore",
            )
        except Exception as exc:
            raise RestoreRefused(f"{self.path} is not a pg_dump archive ({exc})") from exc
        lines = script.splitlines()
        for n, line in enumerate(lines):
            if line.startswith("COPY ") and "alembic_version" in line and n + 1 < len(lines):
                found = lines[n + 1].strip()
                return None if found in ("", "\\.") else found
        return None

    def upgrade(self) -> None:
        self.upgrade_after = True  # PostgreSQL migrates the restored database in place

    def install(self) -> None:
        pg_restore, psql = pg_tool("pg_restore"), pg_tool("psql")
        fd, script = tempfile.mkstemp(suffix=".sql")
        os.close(fd)
        try:
            run_tool(
                [pg_restore, "--no-owner", "--no-privileges", "--file", script, str(self.path)],
                what="pg_restore",
            )
            run_tool(
                [
                    psql,
                    "--single-transaction",
                    "--quiet",
                    "--no-psqlrc",
                    "-v",
                    "ON_ERROR_STOP=1",
                    "--dbname",
                    self.copies.dsn,
                    "-c",
                    "DROP SCHEMA public CASCADE",
                    "-c",
                    "CREATE SCHEMA public",
                    "-f",
                    script,
                ],
                what="restoring with psql",
            )
        finally:
            os.unlink(script)
        if self.upgrade_after:
            engine = make_engine(self.copies.url)
            try:
                migrate(engine)
            finally:
                engine.dispose()
