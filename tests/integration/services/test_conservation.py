"""A shortage's conservation on each database, on the example hospital: ondansetron is short;
the ICU cabinet uses it (21 vials in the last weeks, 9 left in its pocket) and the ED cabinet
does not (45 in its pocket). A reallocation plan moves ED's stock above its floor to the ICU
through the ledger, once; a plan that would leave ED below its floor is refused and writes
nothing; a PAR reduction is reversed to the levels before; restrictions and limits are lifted
when the shortage is resolved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select
from tests.conftest import CLOCK, NOW, TESTER, post

from rxsupply.adapters import tables
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.conservation import ActionKind, ActionState
from rxsupply.domain.levels import StockLevel
from rxsupply.domain.reallocation import ReallocationPlan
from rxsupply.errors import ConservationRefused
from rxsupply.services import conservation, ledger, levels, shortages
from rxsupply.services.reallocation import apply_reallocation, propose_reallocation

ITEM, ICU, ED = "ONDA4INJ", "ICU-ADC1-P01", "ED-ADC1-P01"


def short_ondansetron(engine: Engine) -> int:
    """A manual shortage of ondansetron, and the ICU's use of it: 21 vials three days ago."""
    post(
        engine,
        ledger.Dispense(
            user=TESTER,
            location="ICU-ADC1",
            item=ITEM,
            quantity=21,
            occurred_at=NOW - timedelta(days=3),
        ),
    )
    with SqlUnitOfWork(engine) as uow:
        found = shortages.add_shortage(
            uow, item=ITEM, reason="wholesaler backorder", user=TESTER, clock=CLOCK
        )
    return found.id or 0


def propose(engine: Engine, shortage: int, floor: int | None = None) -> ReallocationPlan:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return propose_reallocation(uow, shortage_id=shortage, item=ITEM, floor=floor, clock=CLOCK)


def units_at(engine: Engine, code: str) -> int:
    oh, loc = tables.on_hand, tables.location
    with engine.connect() as conn:
        return int(
            conn.execute(
                select(func.coalesce(func.sum(oh.c.quantity), 0))
                .join(loc, loc.c.id == oh.c.location_id)
                .where(loc.c.code == code)
            ).scalar_one()
        )


def count(engine: Engine, table: object) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_the_plan_moves_the_low_use_cabinets_stock_above_its_floor_to_the_high_use_one(
    hospital: Engine,
) -> None:
    shortage = short_ondansetron(hospital)

    plan = propose(hospital, shortage, floor=10)

    places = {p.pocket: p for p in plan.places}
    assert (places[ICU].usable, places[ICU].daily_use, places[ED].usable) == (9, 0.25, 45)
    assert [(m.from_pocket, m.to_pocket, m.to_cabinet, m.units, m.lot) for m in plan.moves] == [
        (ED, ICU, "ICU-ADC1", 31, "ON2502B")
    ]
    move = plan.moves[0]
    assert (move.to_days_before, move.to_days_after) == (36.0, 160.0)
    assert move.from_days_before is None  # ED does not use it
    assert "keeps its floor of 10" in move.why


def test_an_applied_plan_moves_stock_through_the_ledger_and_is_logged(hospital: Engine) -> None:
    shortage = short_ondansetron(hospital)
    plan = propose(hospital, shortage, floor=10)

    with SqlUnitOfWork(hospital) as uow:
        done = apply_reallocation(
            uow,
            shortage_id=shortage,
            item=ITEM,
            plan=plan,
            reason="ICU runs out",
            user=TESTER,
            clock=CLOCK,
        )

    assert (done.duplicate, done.movements) == (False, 1)
    assert (units_at(hospital, ICU), units_at(hospital, ED)) == (40, 14)
    m = tables.movement
    with hospital.connect() as conn:
        kinds = conn.execute(
            select(m.c.kind, m.c.quantity, m.c.user_name).where(
                m.c.external_id == f"realloc:{plan.plan_id}-1"
            )
        ).all()
        audits = (
            conn.execute(select(tables.audit.c.action).where(tables.audit.c.entity == "shortage"))
            .scalars()
            .all()
        )
    assert [tuple(k) for k in kinds] == [("transfer", 31, TESTER)]
    assert "reallocate_shortage_stock" in audits
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        (action,) = conservation.list_actions(uow, shortage_id=shortage)
    assert (action.kind, action.state, action.recorded_by, action.reason) == (
        ActionKind.REALLOCATE,
        ActionState.DONE,
        TESTER,
        "ICU runs out",
    )
    assert action.detail["units"] == 31


def test_a_plan_applied_twice_moves_once(hospital: Engine) -> None:
    shortage = short_ondansetron(hospital)
    plan = propose(hospital, shortage, floor=10)

    answers = []
    for _ in range(2):
        with SqlUnitOfWork(hospital) as uow:
            answers.append(
                apply_reallocation(
                    uow, shortage_id=shortage, item=ITEM, plan=plan, user=TESTER, clock=CLOCK
                )
            )

    assert [a.duplicate for a in answers] == [False, True]
    assert (units_at(hospital, ICU), units_at(hospital, ED)) == (40, 14)
    assert count(hospital, tables.shortage_action) == 1


def test_a_plan_that_would_leave_a_cabinet_below_its_floor_is_refused_and_writes_nothing(
    hospital: Engine,
) -> None:
    shortage = short_ondansetron(hospital)
    plan = propose(hospital, shortage, floor=10)
    post(hospital, ledger.Dispense(user=TESTER, location="ED-ADC1", item=ITEM, quantity=20))
    before = [count(hospital, t) for t in (tables.movement, tables.audit, tables.shortage_action)]

    with SqlUnitOfWork(hospital) as uow, pytest.raises(ConservationRefused) as refused:
        apply_reallocation(
            uow, shortage_id=shortage, item=ITEM, plan=plan, user=TESTER, clock=CLOCK
        )

    message = str(refused.value)
    for part in ("31 units of ONDA4INJ", "cabinet ED-ADC1", "floor of 10", "leave -6"):
        assert part in message
    after = [count(hospital, t) for t in (tables.movement, tables.audit, tables.shortage_action)]
    assert after == before
    assert (units_at(hospital, ICU), units_at(hospital, ED)) == (9, 25)


def test_a_plan_id_proposed_before_the_stock_changed_is_refused_as_out_of_date(
    hospital: Engine,
) -> None:
    shortage = short_ondansetron(hospital)
    plan = propose(hospital, shortage, floor=10)
    post(hospital, ledger.Dispense(user=TESTER, location="ED-ADC1", item=ITEM, quantity=1))

    with SqlUnitOfWork(hospital) as uow, pytest.raises(ConservationRefused, match="out of date"):
        apply_reallocation(
            uow,
            shortage_id=shortage,
            item=ITEM,
            plan_id=plan.plan_id,
            floor=10,
            user=TESTER,
            clock=CLOCK,
        )


def test_a_par_reduction_is_reversed_to_the_levels_before(hospital: Engine) -> None:
    shortage = short_ondansetron(hospital)
    with SqlUnitOfWork(hospital) as uow:
        pocket, item = uow.locations.get(ICU), uow.items.get(ITEM)
        assert pocket is not None and item is not None
        ids = (pocket.id or 0, item.id or 0)
        levels.set_stock_level(
            uow, level=StockLevel(*ids, min_level=10, max_level=40), user=TESTER, clock=CLOCK
        )

    with SqlUnitOfWork(hospital) as uow:
        conservation.reduce_par(
            uow,
            shortage_id=shortage,
            item=ITEM,
            location=ICU,
            max_level=20,
            min_level=5,
            reason="stretch the supply",
            user=TESTER,
            clock=CLOCK,
        )
        reduced = uow.stock_levels.get(*ids)
    with SqlUnitOfWork(hospital) as uow:
        reverted = conservation.revert_conservation(
            uow, shortage_id=shortage, user=TESTER, clock=CLOCK
        )
        restored = uow.stock_levels.get(*ids)
        log = conservation.list_actions(uow, shortage_id=shortage)

    assert reduced is not None and (reduced.min_level, reduced.max_level) == (5, 20)
    assert restored is not None and (restored.min_level, restored.max_level) == (10, 40)
    assert [a.kind for a in reverted.reversals] == [ActionKind.RESTORE_PAR]
    assert [(a.kind, a.state) for a in log] == [
        (ActionKind.REDUCE_PAR, ActionState.REVERTED),
        (ActionKind.RESTORE_PAR, ActionState.DONE),
    ]
    assert log[1].reverses == log[0].id and log[0].reverted_by == TESTER


def test_a_par_reduction_must_lower_the_max_and_writes_nothing_otherwise(hospital: Engine) -> None:
    shortage = short_ondansetron(hospital)

    with SqlUnitOfWork(hospital) as uow, pytest.raises(ConservationRefused, match="no PAR levels"):
        conservation.reduce_par(
            uow,
            shortage_id=shortage,
            item=ITEM,
            location=ICU,
            max_level=20,
            user=TESTER,
            clock=CLOCK,
        )

    assert count(hospital, tables.shortage_action) == 0


def test_resolving_with_revert_lifts_restrictions_and_limits(hospital: Engine) -> None:
    shortage = short_ondansetron(hospital)
    with SqlUnitOfWork(hospital) as uow:
        conservation.restrict_item(
            uow,
            shortage_id=shortage,
            item=ITEM,
            text="ICU only",
            areas="icu, ED",
            user=TESTER,
            clock=CLOCK,
        )
        conservation.limit_allocation(
            uow,
            shortage_id=shortage,
            item=ITEM,
            location="ED-ADC1",
            per_day=4,
            user=TESTER,
            clock=CLOCK,
        )

    with SqlUnitOfWork(hospital) as uow:
        shortages.resolve_shortage(uow, shortage_id=shortage, revert=True, user=TESTER, clock=CLOCK)
        log = conservation.list_actions(uow, shortage_id=shortage)

    assert [(a.kind, a.state) for a in log] == [
        (ActionKind.RESTRICT, ActionState.REVERTED),
        (ActionKind.LIMIT, ActionState.REVERTED),
        (ActionKind.LIFT_LIMIT, ActionState.DONE),
        (ActionKind.LIFT_RESTRICTION, ActionState.DONE),
    ]
    assert log[0].detail == {"text": "ICU only", "areas": ["ICU", "ED"]}
    assert (
        log[2].summary() == "allocation limit lifted for ONDA4INJ at ED-ADC1: at most 4 units a day"
    )
