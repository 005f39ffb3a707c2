"""``analyze`` after a bulk load: the planner's statistics on both databases, and on SQLite
from a bounded read of each index (a full read of a health system's ledger took minutes)."""

from __future__ import annotations

from sqlalchemy import Engine, text

from rxsupply.adapters.database import SQLITE_ANALYSIS_LIMIT, analyze


def _fill(engine: Engine, rows: int) -> None:
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO location (code, name, kind, unit) VALUES (:c, :c, 'store', '')"),
            [{"c": f"L{n:06d}"} for n in range(rows)],
        )


def test_analyze_gives_the_planner_statistics_of_the_loaded_tables(engine: Engine) -> None:
    _fill(engine, 3 * SQLITE_ANALYSIS_LIMIT)

    analyze(engine)

    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            stats = (
                conn.execute(
                    text("SELECT stat FROM sqlite_stat1 WHERE tbl = 'location' AND idx IS NOT NULL")
                )
                .scalars()
                .all()
            )
        else:
            stats = (
                conn.execute(
                    text(
                        "SELECT CAST(reltuples AS text) FROM pg_class"
                        " WHERE relname = 'location' AND relnamespace = CAST(current_schema() AS"
                        " regnamespace)"
                    )
                )
                .scalars()
                .all()
            )
    assert stats, "no statistics for the location table"
    if engine.dialect.name == "postgresql":
        assert float(stats[0]) == 3 * SQLITE_ANALYSIS_LIMIT
