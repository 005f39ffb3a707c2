"""Cycle-count safeguards on each database: numbers typed by a user (a count's id, a counted
quantity) that are not plain ASCII digits or are too long are refused by name, with nothing
written."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from tests.conftest import CLOCK
from tests.integration.services.test_counts import (
    COUNTER,
    start,
)

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.errors import InvalidValue, NotFound
from rxsupply.services import counts


@pytest.mark.parametrize("text", ["²", "9" * 40, "１２"])
def test_a_count_asked_for_by_an_odd_number_is_not_found(hospital: Engine, text: str) -> None:
    start(hospital, "MAIN-STORE", "APAP325TAB")

    with SqlUnitOfWork(hospital) as uow, pytest.raises(NotFound, match="unknown count"):
        counts.get_count(uow, text)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("²", "not a whole number"),
        ("9" * 40, "more than"),
        ("1000001", "from 0 to 1,000,000"),
        ("-3", "must not be negative"),
    ],
)
def test_a_counted_quantity_that_is_not_a_plain_number_is_refused_by_its_field(
    text: str, why: str
) -> None:
    with pytest.raises(InvalidValue, match=f"^counted-7 .*{why}"):
        counts.parse_counted("counted-7", text)


def test_a_counted_quantity_beyond_the_bound_writes_nothing(hospital: Engine) -> None:
    count = start(hospital, "MAIN-STORE", "APAP325TAB")
    line = count.lines[0].id or 0

    with SqlUnitOfWork(hospital) as uow, pytest.raises(InvalidValue, match=f"counted-{line}"):
        counts.enter_counts(
            uow, count=count.number, counted={line: 10**40}, user=COUNTER, clock=CLOCK
        )
    with SqlUnitOfWork(hospital) as uow:
        assert counts.get_count(uow, count.number).lines[0].counted is None
