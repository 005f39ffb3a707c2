"""A unit of work whose database connection is lost: run again on a new connection when it
was lost before COMMIT (nothing of it was written), on PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import OperationalError

from rxsupply.adapters import tables as t
from rxsupply.adapters.unit_of_work import SqlUnitOfWork, run_with_retry


def test_a_unit_of_work_whose_connection_is_lost_before_commit_runs_again(
    pg_engine: Engine,
) -> None:
    attempts: list[int] = []

    def work(uow: SqlUnitOfWork) -> int:
        attempts.append(len(attempts))
        uow.connection.execute(
            t.external_ref.insert().values(external_id="x:1", recorded_at=func.now())
        )
        if len(attempts) == 1:
            uow.connection.exec_driver_sql("SELECT pg_terminate_backend(pg_backend_pid())")
        uow.commit()
        return len(attempts)

    ran = run_with_retry(pg_engine, work)

    assert ran == 2
    with pg_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.external_ref)).scalar_one() == 1


def test_a_unit_of_work_whose_connection_keeps_being_lost_gives_up_with_the_error(
    pg_engine: Engine,
) -> None:
    def work(uow: SqlUnitOfWork) -> None:
        uow.connection.exec_driver_sql("SELECT pg_terminate_backend(pg_backend_pid())")

    with pytest.raises(OperationalError) as raised:
        run_with_retry(pg_engine, work, attempts=2)

    assert raised.value.connection_invalidated
