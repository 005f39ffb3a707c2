"""Faults during a large import run by the command line in a process of its own: killed with
SIGKILL in the middle of writing, and the disk filling up (a file-size limit). Each time nothing
of the file is left half-written, the ledger check is clean, and the same import run again
completes."""

from __future__ import annotations

import resource
import signal
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool
from tests.e2e.cli_runner import Rx
from tests.e2e.fault_harness import (
    ADMIN,
    ENGINES,
    command,
    fresh_database,
    kill,
    rxsupply,
    stock_csv,
    wait_for,
)

ROWS = {"sqlite": 6_000, "postgres": 2_000}  # SQLite: enough to spill past its page cache


def units(rows: int) -> int:
    return sum(n % 50 + 1 for n in range(rows))


def movements_and_units(url: str) -> tuple[int, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                text("SELECT count(*), coalesce(sum(quantity), 0) FROM movement")
            ).one()
    finally:
        engine.dispose()
    return int(row[0]), int(row[1])


def writing(url: str) -> bool:
    """Whether a transaction is writing to the database now, with rows written: SQLite's
    write lock held and its log grown past 256 kB of uncommitted pages; on PostgreSQL a session
    of the database with a transaction id (it has written)."""
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        wal = Path(f"{path}-wal")
        if not wal.exists() or wal.stat().st_size < 256_000:
            return False
        with closing(sqlite3.connect(path, timeout=0)) as con:
            try:
                con.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:
                return True  # "database is locked": the import holds it
            con.execute("ROLLBACK")
            return False
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        found = conn.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
            )
        ).scalar_one()
    return bool(found)


def check_is_clean(rx: Rx) -> None:
    ran = rx("check")
    assert ran.code == 0, ran.out + ran.err


@pytest.mark.parametrize("kind", ENGINES)
def test_an_import_killed_while_writing_leaves_nothing_and_runs_again_to_completion(
    kind: str, tmp_path: Path, rx: Rx
) -> None:
    rows = ROWS[kind]
    big = stock_csv(tmp_path / "stock.csv", rows)
    with fresh_database(kind, tmp_path) as url:
        process = subprocess.Popen(
            command(url, "import", "stock", str(big)),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            wait_for(lambda: writing(url), timeout=60, what="the import to be writing")
        finally:
            kill(process)
        assert process.returncode == -signal.SIGKILL
        killed = movements_and_units(url)

        db = Rx(url, rx.capsys)  # type: ignore[arg-type]  # a URL, as --db takes
        check_is_clean(db)
        again = db("--user", ADMIN, "import", "stock", str(big))

        assert killed == (0, 0)
        assert again.code == 0, again.err
        assert f"{rows:,} rows, {rows:,} written" in again.out
        assert movements_and_units(url) == (rows, units(rows))
        check_is_clean(db)


def file_size_limit(limit: int) -> None:
    """In the child: writes past ``limit`` bytes fail with EFBIG (SIGXFSZ ignored, so the
    process is told by the error instead of being killed), as on a full disk."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_an_import_that_fills_the_disk_fails_clearly_writes_nothing_and_runs_once_there_is_room(
    tmp_path: Path, rx: Rx
) -> None:
    rows = ROWS["sqlite"]
    big = stock_csv(tmp_path / "stock.csv", rows)
    with fresh_database("sqlite", tmp_path) as url:
        db = Path(url.removeprefix("sqlite:///"))
        limit = db.stat().st_size + 2_000_000  # the database and its log may grow 2 MB

        full = rxsupply(url, "import", "stock", str(big), preexec=lambda: file_size_limit(limit))
        after_full = movements_and_units(url)
        rx = Rx(db, rx.capsys)
        check_is_clean(rx)
        roomy = rx("--user", ADMIN, "import", "stock", str(big))

        assert full.returncode == 1
        assert "Traceback" not in full.stderr
        message = " ".join(full.stderr.split())
        assert "the database failed (disk I/O error)" in message
        assert "the transaction in progress was rolled back and nothing of it is kept" in message
        assert after_full == (0, 0)
        assert roomy.code == 0, roomy.err
        assert movements_and_units(url) == (rows, units(rows))
        check_is_clean(rx)
