"""A count that cannot or should not post is cancelled with its reason, and its stock counted
again, on each database: a found lot not on record needs its expiry (else the whole count
could never post); an open count is cancelled by its counter, a submitted or approved one only
by a manager; a cancelled count posts nothing and frees its stock for a recount."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, select
from tests.conftest import CLOCK, post
from tests.integration.services.test_counts import (
    COUNTER,
    MANAGER,
    count_all,
    on_hand,
    posted,
    start,
    variances,
)

from rxsupply.adapters import tables
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.counting import Count, CountStatus
from rxsupply.errors import CountRefused, InvalidValue, PermissionDenied
from rxsupply.services import count_posting, counts, found_stock
from rxsupply.services.ledger import Dispense


def cancel(engine: Engine, count: Count, *, manager: bool, reason: str = "recount") -> Count:
    with SqlUnitOfWork(engine) as uow:
        return count_posting.cancel_count(
            uow,
            count=count.number,
            reason=reason,
            user=MANAGER if manager else COUNTER,
            clock=CLOCK,
            manager=manager,
        )


def status(engine: Engine, count: Count) -> CountStatus:
    with SqlUnitOfWork(engine) as uow:
        return counts.get_count(uow, count.number).status


def test_a_found_lot_not_on_record_needs_its_expiry_and_nothing_is_written(
    hospital: Engine,
) -> None:
    count = start(hospital, "MAIN-STORE", "APAP325TAB")

    with SqlUnitOfWork(hospital) as uow, pytest.raises(InvalidValue, match=r"^expiry: lot AP2799"):
        found_stock.add_found_line(
            uow,
            count=count.number,
            location="MAIN-STORE",
            product="98765-3250-01",
            lot="AP2799",
            expiry=None,
            counted=4,
            user=COUNTER,
            clock=CLOCK,
        )
    with SqlUnitOfWork(hospital) as uow:
        assert len(counts.get_count(uow, count.number).lines) == 1


def test_an_open_count_is_cancelled_by_its_counter_with_the_reason_audited(
    hospital: Engine,
) -> None:
    count = start(hospital, "MAIN-STORE", "APAP325TAB")

    with pytest.raises(InvalidValue, match=r"^reason: say why"):
        cancel(hospital, count, manager=False, reason="  ")
    done = cancel(hospital, count, manager=False, reason="wrong shelf counted")
    again = start(hospital, "MAIN-STORE", "APAP325TAB")  # the recount

    assert done.status is CountStatus.CANCELLED
    assert again.status is CountStatus.OPEN and again.number != count.number
    a = tables.audit
    with hospital.connect() as conn:
        (row,) = conn.execute(
            select(a.c.user_name, a.c.before, a.c.after).where(a.c.action == "cancel_count")
        ).all()
    assert row.user_name == COUNTER and json.loads(row.before) == {"status": "open"}
    assert json.loads(row.after)["reason"] == "wrong shelf counted"
    with pytest.raises(CountRefused, match="is cancelled: only an open, submitted or approved"):
        cancel(hospital, count, manager=True)


def test_a_submitted_count_is_cancelled_only_by_a_manager(hospital: Engine) -> None:
    count = count_all(hospital, start(hospital, "MAIN-STORE", "APAP325TAB"), {"AP2406": 1990})

    with pytest.raises(PermissionDenied, match="a manager cancels it"):
        cancel(hospital, count, manager=False)
    assert status(hospital, count) is CountStatus.SUBMITTED
    cancel(hospital, count, manager=True)

    assert status(hospital, count) is CountStatus.CANCELLED
    with pytest.raises(CountRefused, match="is cancelled: only a submitted or approved"):
        posted(hospital, count)
    assert variances(hospital) == [] and on_hand(hospital, "MAIN-STORE", "AP2406") == 2000


def test_an_approved_count_that_can_no_longer_post_is_cancelled_and_recounted(
    hospital: Engine,
) -> None:
    count = count_all(hospital, start(hospital, "ICU-ADC1", "APAP325TAB"), {"AP2406": 10})
    with SqlUnitOfWork(hospital) as uow:
        count_posting.approve_count(uow, count=count.number, user=MANAGER, clock=CLOCK)
    post(hospital, Dispense(user="nurse", location="ICU-ADC1", item="APAP325TAB", quantity=100))
    with pytest.raises(CountRefused, match="was not posted, nothing written"):
        posted(hospital, count)  # -140 against the 50 left: the ledger refuses it

    cancel(hospital, count, manager=True, reason="stock dispensed after submission")
    recount = count_all(hospital, start(hospital, "ICU-ADC1", "APAP325TAB"), {"AP2406": 10})
    with SqlUnitOfWork(hospital) as uow:
        count_posting.approve_count(uow, count=recount.number, user=MANAGER, clock=CLOCK)
    posted(hospital, recount)

    assert status(hospital, count) is CountStatus.CANCELLED
    assert on_hand(hospital, "ICU-ADC1-P03", "AP2406") == 10
    assert [v[0] for v in variances(hospital)] == [40]
