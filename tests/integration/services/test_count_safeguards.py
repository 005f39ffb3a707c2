"""Cycle-count safeguards on each database: one count at a time of the same stock (a second
count would post the same variance again); numbers typed by a user (a count's id, a counted
quantity) that are not plain ASCII digits or are too long are refused by name, with nothing
written."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import Engine, select
from tests.conftest import CLOCK, load_examples
from tests.integration.services.test_counts import (
    COUNTER,
    MANAGER,
    count_all,
    on_hand,
    posted,
    start,
)

from rxsupply.adapters import tables
from rxsupply.adapters.repositories.counts import SqlCounts
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.counting import Count, CountStatus
from rxsupply.errors import CountRefused, InvalidValue, NotFound
from rxsupply.services import count_posting, counts, found_stock


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


def test_stock_on_a_submitted_count_is_not_counted_again_so_its_variance_posts_once(
    hospital: Engine,
) -> None:
    first = count_all(hospital, start(hospital, "MAIN-STORE", "MORPH2INJ"), {"MS2409": 55})

    with pytest.raises(CountRefused, match=f"lot MS2409 is on count {first.number} .submitted"):
        start(hospital, "MAIN-STORE", "MORPH2INJ")
    with pytest.raises(CountRefused, match=f"on count {first.number}"):
        start(hospital, "MAIN-STORE")  # the whole storeroom includes it
    with SqlUnitOfWork(hospital) as uow:
        count_posting.approve_count(uow, count=first.number, user=MANAGER, clock=CLOCK)
    with pytest.raises(CountRefused, match=f"on count {first.number} .approved"):
        start(hospital, "MAIN-STORE", "MORPH2INJ")
    posted(hospital, first)
    again = start(hospital, "MAIN-STORE", "MORPH2INJ")

    assert on_hand(hospital, "MAIN-STORE", "MS2409") == 55  # 60 less the 5 missing, once
    assert again.status is CountStatus.OPEN and [ln.lot for ln in again.lines] == ["MS2409"]


def test_a_found_line_already_on_another_open_count_is_refused_and_writes_nothing(
    hospital: Engine,
) -> None:
    tablets = start(hospital, "ICU-ADC1", "APAP325TAB")
    vials = start(hospital, "ICU-ADC1", "ONDA4INJ")

    with SqlUnitOfWork(hospital) as uow, pytest.raises(CountRefused, match=tablets.number):
        found_stock.add_found_line(
            uow,
            count=vials.number,
            location="ICU-ADC1-P03",
            product="98765-3250-01",
            lot="AP2406",
            expiry=date(2028, 6, 30),
            counted=3,
            user=COUNTER,
            clock=CLOCK,
        )
    with SqlUnitOfWork(hospital) as uow:
        assert len(counts.get_count(uow, vials.number).lines) == 1


def test_a_count_started_while_another_of_the_same_stock_is_being_saved_waits_then_is_refused(
    pg_engine: Engine,
) -> None:
    """On PostgreSQL only: SQLite has one writer at a time, PostgreSQL locks the locations
    counted."""
    load_examples(pg_engine, "items", "locations", "stock")
    hospital = pg_engine
    outcome: list[object] = []
    with hospital.connect() as other:  # another session, its count not committed yet
        store = other.execute(
            select(tables.location.c.id).where(tables.location.c.code == "MAIN-STORE")
        ).scalar_one()
        repo = SqlCounts(other)
        lines = repo.stock_lines([store], None)
        repo.pending([(ln.location_id, ln.product_id, ln.lot) for ln in lines], lock=True)
        number_id = repo.add(
            Count(
                number="",
                location="MAIN-STORE",
                status=CountStatus.OPEN,
                controlled=True,
                started_by="tech2",
                started_at=CLOCK.now(),
                lines=lines,
            ),
            store,
        )

        def second() -> None:
            try:
                outcome.append(start(hospital, "MAIN-STORE", "APAP325TAB"))
            except CountRefused as exc:
                outcome.append(exc)

        runner = threading.Thread(target=second)
        runner.start()
        runner.join(timeout=1.0)
        waited = runner.is_alive()
        other.commit()
    runner.join(timeout=10.0)

    assert waited, "the second count did not wait for the first"
    (result,) = outcome
    assert isinstance(result, CountRefused) and f"CC{number_id:06d}" in str(result)
