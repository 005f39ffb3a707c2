"""Copies of the database: SQLite's online backup API for a file, ``pg_dump`` and
``pg_restore`` for PostgreSQL (:func:`database_copies` picks one for a URL).

A SQLite backup is one read snapshot of the live file (WAL mode lets the others keep writing
while it is copied), written beside its target and renamed into place, so a backup file is
whole or absent. A restore copies the backup beside the database, checks and upgrades the copy
there, and renames it over the database: a crash at any point leaves the old database or the
new one, never a mix. It is refused while another process has the database open (a server
keeps its connections open): SQLite's own lock on the WAL index tells.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from rxsupply.adapters import tables as t
from rxsupply.adapters.database import alembic_config, make_engine, migrate
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.errors import ConfigurationError, RestoreRefused
from rxsupply.services.ports import AuditEntry
from rxsupply.services.ports.backups import DatabaseCopies, DatabaseFacts

# SQLite (os_unix.c) holds a shared lock on this byte of the "-shm" file for as long as a
# connection to a WAL database is open: UNIX_SHM_DMS = (22 + SQLITE_SHM_NLOCK) * 4 + 8.
_SHM_DMS_BYTE = 128


def known_revisions() -> list[str]:
    """The migration revisions this version ships, oldest first."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def facts_of(conn: Connection) -> DatabaseFacts:
    revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    movements = conn.execute(select(func.count()).select_from(t.movement)).scalar_one()
    on_hand = conn.execute(select(func.coalesce(func.sum(t.on_hand.c.quantity), 0))).scalar_one()
    return DatabaseFacts(revision=str(revision), movements=int(movements), on_hand=int(on_hand))


def database_copies(url: str) -> DatabaseCopies:
    """The copier for the database at ``url`` (a SQLite file or PostgreSQL)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            raise ConfigurationError("an in-memory SQLite database has nothing to back up")
        return SqliteCopies(Path(parsed.database or ""))
    if parsed.get_backend_name() == "postgresql":
        from rxsupply.adapters.postgres_backups import PostgresCopies

        return PostgresCopies(url)
    raise ConfigurationError(f"database URL {url!r}: no backup for {parsed.get_backend_name()}")


def _engine(path: Path) -> Engine:
    """An engine that reads a file as it is (no WAL switched on, no pool kept)."""
    return create_engine(f"sqlite:///{path}", poolclass=NullPool)


def in_use(path: Path) -> bool:
    """Whether another process has the SQLite database at ``path`` open (in WAL mode, as
    rxsupply opens it). This process must hold no connection to it: POSIX locks are per
    process, and closing any descriptor of the file drops the process's locks on it."""
    shm = Path(f"{path}-shm")
    try:
        fd = os.open(shm, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _SHM_DMS_BYTE)
        except OSError:
            return True
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, _SHM_DMS_BYTE)
        return False
    finally:
        os.close(fd)


def _copy(source: Path, target: Path) -> None:
    """Copy the SQLite database ``source`` to ``target`` in one read snapshot (one backup
    step), as a single file (rollback journal, no WAL beside it); an existing ``target`` is
    overwritten."""
    try:
        with (
            closing(sqlite3.connect(source, timeout=60)) as src,
            closing(sqlite3.connect(target)) as dst,
        ):
            src.backup(dst)  # pages=-1: every page in one step, one read transaction
            dst.execute("PRAGMA journal_mode=DELETE")
            ok = dst.execute("PRAGMA quick_check").fetchone()
    except sqlite3.DatabaseError as exc:
        raise RestoreRefused(f"{source} is not an SQLite database ({exc})") from exc
    if ok is None or ok[0] != "ok":
        raise RestoreRefused(f"{source} is damaged: {ok[0] if ok else 'no answer'}")


def _single_file(path: Path) -> None:
    """Fold the WAL of ``path`` into it and leave it in rollback-journal mode, so no ``-wal``
    file is left beside it (one that would be applied to whatever file takes its name)."""
    with closing(sqlite3.connect(path, timeout=60)) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.execute("PRAGMA journal_mode=DELETE")


def _sync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class SqliteCopies:
    def __init__(self, path: Path) -> None:
        self.path = path.expanduser()

    def revisions(self) -> list[str]:
        return known_revisions()

    def back_up(self, target: Path) -> DatabaseFacts:
        target = target.expanduser()
        if not self.path.is_file():
            raise ConfigurationError(f"{self.path}: no database to back up")
        if target.exists() and target.resolve() == self.path.resolve():
            raise ConfigurationError(f"{target}: a backup cannot overwrite its own database")
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
        os.close(fd)
        partial = Path(name)
        try:
            _copy(self.path, partial)
            facts = _facts(partial)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        _sync_dir(target.parent)
        return facts

    @contextmanager
    def stage(self, source: Path) -> Iterator[_StagedFile]:
        source = source.expanduser()
        if not source.is_file():
            raise RestoreRefused(f"{source}: no such backup file")
        self._refuse_if_open()
        fd, name = tempfile.mkstemp(
            prefix=f".{self.path.name}.", suffix=".restoring", dir=self.path.parent
        )
        os.close(fd)
        staged = _StagedFile(Path(name), self)
        try:
            _copy(source, staged.path)
            yield staged
        finally:
            for leftover in (staged.path, Path(f"{staged.path}-wal"), Path(f"{staged.path}-shm")):
                leftover.unlink(missing_ok=True)

    def facts(self) -> DatabaseFacts:
        return _facts(self.path)

    def record(self, entry: AuditEntry) -> None:
        engine = make_engine(f"sqlite:///{self.path}")
        try:
            with SqlUnitOfWork(engine) as uow:  # a writer like any other: its row is chained
                uow.audit.add(entry)
                uow.commit()
        finally:
            engine.dispose()

    def _refuse_if_open(self) -> None:
        if in_use(self.path):
            raise RestoreRefused(
                f"{self.path} is open in another process (rxsupply serve, an import...): stop "
                "it first, then restore"
            )


class _StagedFile:
    def __init__(self, path: Path, copies: SqliteCopies) -> None:
        self.path = path
        self.copies = copies

    def revision(self) -> str | None:
        engine = _engine(self.path)
        try:
            if not inspect(engine).has_table("alembic_version"):
                return None
            with engine.connect() as conn:
                found = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            return None if found is None else str(found)
        finally:
            engine.dispose()

    def upgrade(self) -> None:
        engine = make_engine(f"sqlite:///{self.path}")
        try:
            migrate(engine)
        finally:
            engine.dispose()

    def install(self) -> None:
        target = self.copies.path
        _single_file(self.path)
        if target.exists():
            self.copies._refuse_if_open()
            _single_file(target)
            shutil.copymode(target, self.path)  # the database keeps its permissions
            if Path(f"{target}-wal").exists():
                raise RestoreRefused(f"{target}-wal is still there; is {target} in use?")
        os.replace(self.path, target)
        _sync_dir(target.parent)


def _facts(path: Path) -> DatabaseFacts:
    engine = _engine(path)
    try:
        with engine.connect() as conn:
            return facts_of(conn)
    finally:
        engine.dispose()


def pg_tool(name: str) -> str:
    """The path of a PostgreSQL client tool (``pg_dump``...), or a clear error."""
    found = shutil.which(name)
    if found is None:
        raise ConfigurationError(
            f"the database is PostgreSQL and {name} is not on PATH: install the PostgreSQL "
            f"client tools (the same major version as the server), or run {name} yourself "
            "(README: Backup and restore)"
        )
    return found


def run_tool(args: list[str], *, what: str) -> str:
    """Run a PostgreSQL client tool; its standard output, or its error as a clear message."""
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ConfigurationError(f"{what} failed: {done.stderr.strip() or done.returncode}")
    return done.stdout
