"""A shortage recorded by hand with an NDC that no formulary item has (or that is another
item's) is refused with a clear message, and nothing is written (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from tests.conftest import CLOCK, TESTER

from rxsupply.adapters import tables as t
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.errors import InvalidValue
from rxsupply.services.shortages import add_shortage


def written(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        return tuple(  # type: ignore[return-value]
            conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (t.shortage, t.shortage_event, t.audit)
        )


@pytest.mark.parametrize(
    ("ndc", "message"),
    [
        ("99999-9999-99", "unknown NDC 99999-9999-99"),
        ("98765-0210-1", "98765-0210-1 is not a product of item ONDA4INJ"),  # morphine's
    ],
)
def test_a_shortage_naming_an_ndc_the_item_does_not_have_writes_nothing(
    hospital: Engine, ndc: str, message: str
) -> None:
    before = written(hospital)

    with pytest.raises(InvalidValue, match=message), SqlUnitOfWork(hospital) as uow:
        add_shortage(uow, item="ONDA4INJ", reason="letter", ndc=ndc, user=TESTER, clock=CLOCK)

    assert written(hospital) == before
