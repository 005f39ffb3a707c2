"""Series classes in SQL: :class:`SqlSeriesClasses` keeps the latest planning run's class of
every series, replacing the previous run's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import Connection, delete, insert

from rxsupply.adapters import tables as t


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
