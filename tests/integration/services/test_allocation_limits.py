"""A shortage's allocation limits at dispensing, on each database: ondansetron is limited to 2
vials a dispense and 3 a day at the ED cabinet; a dispense entered by a user beyond either is
refused naming the item, the place and the limit, and writes nothing; a cabinet's own report
beyond it is posted (the cabinet's truth) with a warning in the audit trail; once the limit
is lifted, the same dispense goes through."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select
from tests.conftest import CLOCK, TESTER, post

from rxsupply.adapters import tables
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.errors import AllocationLimitExceeded
from rxsupply.services import conservation, ledger, shortages

ITEM = "ONDA4INJ"


def limited(engine: Engine) -> int:
    with SqlUnitOfWork(engine) as uow:
        sid = shortages.add_shortage(
            uow, item=ITEM, reason="backorder", user=TESTER, clock=CLOCK
        ).id
        assert sid is not None
        conservation.limit_allocation(
            uow,
            shortage_id=sid,
            item=ITEM,
            location="ED-ADC1",
            per_day=3,
            per_dispense=2,
            user=TESTER,
            clock=CLOCK,
        )
    return sid


def dispense(
    quantity: int, *, reported: bool = False, location: str = "ED-ADC1"
) -> ledger.Dispense:
    return ledger.Dispense(
        user=TESTER, location=location, item=ITEM, quantity=quantity, reported=reported
    )


def warnings(engine: Engine) -> list[str]:
    a = tables.audit
    with engine.connect() as conn:
        return list(
            conn.execute(select(a.c.after).where(a.c.action == "over_allocation_limit")).scalars()
        )


def test_a_users_dispense_over_the_limit_is_refused_and_a_cabinets_report_is_flagged(
    hospital: Engine,
) -> None:
    sid = limited(hospital)

    with pytest.raises(AllocationLimitExceeded) as per_dispense:
        post(hospital, dispense(3))
    post(hospital, dispense(2, location="ED-ADC1-P01"))
    with pytest.raises(AllocationLimitExceeded) as per_day:
        post(hospital, dispense(2))
    reported = post(hospital, dispense(5, reported=True))
    elsewhere = post(hospital, dispense(5, location="ICU-ADC1"))

    assert "ONDA4INJ at ED-ADC1 is limited to 2 units a dispense" in str(per_dispense.value)
    assert (
        "limited to 3 units a day during its shortage: 2 dispensed today, 2 more asked (at most 1)"
        in str(per_day.value)
    )
    assert sum(m.quantity for m in reported.movements) == 5
    assert sum(m.quantity for m in elsewhere.movements) == 5
    (warning,) = warnings(hospital)
    assert "limited to 2 units a dispense" in (warning or "")

    with SqlUnitOfWork(hospital) as uow:
        conservation.revert_conservation(uow, shortage_id=sid, user=TESTER, clock=CLOCK)
    after = post(hospital, dispense(3))

    assert sum(m.quantity for m in after.movements) == 3
