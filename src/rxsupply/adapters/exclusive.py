"""One at a time: a costly job (the full ledger check) that a second caller must not start
while the first runs, across the threads of a process (a lock here) and, on PostgreSQL, across
every server process (a session advisory lock, ``pg_try_advisory_lock``)."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, func, select

_LOCKS: dict[str, threading.Lock] = {}
_GUARD = threading.Lock()


def _lock(name: str) -> threading.Lock:
    with _GUARD:
        return _LOCKS.setdefault(name, threading.Lock())


def advisory_key(name: str) -> int:
    """A signed 64-bit advisory lock key for ``name`` (the first 8 bytes of its SHA-256)."""
    return int.from_bytes(hashlib.sha256(f"rxsupply:{name}".encode()).digest()[:8], signed=True)


@contextmanager
def exclusive(conn: Connection, name: str) -> Iterator[bool]:
    """Yields True while this caller alone runs ``name`` (and holds it until the block ends),
    False when another thread or, on PostgreSQL, another process runs it now; never waits."""
    lock = _lock(name)
    if not lock.acquire(blocking=False):
        yield False
        return
    try:
        if conn.dialect.name != "postgresql":
            yield True
            return
        key = advisory_key(name)
        if not conn.execute(select(func.pg_try_advisory_lock(key))).scalar_one():
            yield False
            return
        try:
            yield True
        finally:
            conn.execute(select(func.pg_advisory_unlock(key)))
    finally:
        lock.release()
