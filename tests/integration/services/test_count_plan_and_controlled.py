"""The count plan (what is due, by ABC class from the planning run or else by usage value, and
controlled substances weekly), the perpetual inventory of controlled substances and the
biennial inventory, on each database."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Engine
from tests.conftest import CLOCK, post

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.counting import CountRules
from rxsupply.domain.limits import Approval
from rxsupply.domain.users import Role
from rxsupply.services import controlled, count_plan, counts
from rxsupply.services.ledger import Adjust, Dispense

RULES = CountRules()
REGISTRANT = "Example General Hospital Pharmacy (DEA AB1234563)"


def plan(engine: Engine, *, only_due: bool = True) -> dict[tuple[str, str], dict[str, object]]:
    with SqlUnitOfWork(engine) as uow:
        rows = count_plan.count_plan(uow, rules=RULES, clock=CLOCK, only_due=only_due)
    return {(str(r["location"]), str(r["item"])): r for r in rows}


def test_every_item_location_never_counted_is_due_today_controlled_ones_weekly(
    hospital: Engine,
) -> None:
    rows = plan(hospital)

    assert set(rows) == {
        ("MAIN-STORE", "ONDA4INJ"),
        ("MAIN-STORE", "MORPH2INJ"),
        ("MAIN-STORE", "APAP325TAB"),
        ("ICU-ADC1-P01", "ONDA4INJ"),
        ("ICU-ADC1-P02", "MORPH2INJ"),
        ("ICU-ADC1-P03", "APAP325TAB"),
        ("ED-ADC1-P01", "ONDA4INJ"),
        ("ED-ADC1-P02", "APAP325TAB"),
    }
    assert all(r["due"] == "2026-11-20" and r["last_counted"] is None for r in rows.values())
    morphine = rows[("ICU-ADC1-P02", "MORPH2INJ")]
    assert (morphine["controlled"], morphine["interval_days"]) == (True, 7)
    # no dispenses yet: no usage value, every class C, and the plan says where it came from
    apap = rows[("MAIN-STORE", "APAP325TAB")]
    assert (apap["abc"], apap["class_from"], apap["interval_days"]) == (
        "C",
        count_plan.USAGE_VALUE,
        365,
    )


def test_without_a_planning_run_usage_value_ranks_the_item_locations(hospital: Engine) -> None:
    post(hospital, Dispense(user="nurse", location="ED-ADC1", item="ONDA4INJ", quantity=40))
    post(hospital, Dispense(user="nurse", location="ED-ADC1", item="APAP325TAB", quantity=10))

    rows = plan(hospital)

    # $35.60 of ondansetron (40 vials at $8.90 a carton of 10) is 99 % of the value: A;
    # the acetaminophen ($0.41) comes after 95 % of it: C
    onda, apap = rows[("ED-ADC1-P01", "ONDA4INJ")], rows[("ED-ADC1-P02", "APAP325TAB")]
    assert (onda["abc"], onda["interval_days"], onda["class_from"]) == (
        "A",
        30,
        count_plan.USAGE_VALUE,
    )
    assert (apap["abc"], apap["interval_days"]) == ("C", 365)


def test_the_planning_runs_class_sets_the_interval_and_a_count_moves_the_due_date(
    hospital: Engine,
) -> None:
    with SqlUnitOfWork(hospital) as uow:
        store = uow.locations.get("MAIN-STORE")
        ids = uow.items.ids_by_code()
        assert store is not None
        uow.series_classes.replace_all(
            [_series(store.id or 0, ids["APAP325TAB"], "A")], now=CLOCK.now()
        )
        uow.commit()
        count = counts.start_count(
            uow, location="MAIN-STORE", items=["APAP325TAB"], user="tech1", clock=CLOCK
        )
        counts.enter_counts(
            uow,
            count=count.number,
            counted={count.lines[0].id or 0: 2000},
            user="tech1",
            clock=CLOCK,
        )
        counts.submit_count(uow, count=count.number, user="tech1", clock=CLOCK)

    everything = plan(hospital, only_due=False)

    apap = everything[("MAIN-STORE", "APAP325TAB")]
    assert (apap["abc"], apap["class_from"], apap["interval_days"]) == (
        "A",
        count_plan.PLANNING_RUN,
        30,
    )
    assert (apap["last_counted"], apap["due"]) == ("2026-11-20", "2026-12-20")
    assert ("MAIN-STORE", "APAP325TAB") not in plan(hospital)


def test_start_due_counts_only_what_the_plan_says_is_due(hospital: Engine) -> None:
    with SqlUnitOfWork(hospital) as uow:
        first = counts.start_count(
            uow, location="ICU-ADC1", items=["APAP325TAB"], user="tech1", clock=CLOCK
        )
        counts.enter_counts(
            uow,
            count=first.number,
            counted={first.lines[0].id or 0: 150},
            user="tech1",
            clock=CLOCK,
        )
        counts.submit_count(uow, count=first.number, user="tech1", clock=CLOCK)

        due = counts.start_count(uow, location="ICU-ADC1", due=True, user="tech1", clock=CLOCK)

    assert sorted(ln.location for ln in due.lines) == ["ICU-ADC1-P01", "ICU-ADC1-P02"]


def test_the_perpetual_inventory_keeps_a_running_balance_with_who_and_when(
    hospital: Engine,
) -> None:
    post(
        hospital,
        Adjust(
            user="tech1",
            location="MAIN-STORE",
            product="98765-0210-1",
            lot="MS2409",
            quantity=-2,
            reason="broken syringes",
            approval=Approval("manager1", Role.MANAGER),
        ),
    )

    with SqlUnitOfWork(hospital) as uow:
        rows = controlled.perpetual_inventory(uow, location="MAIN-STORE")

    assert [
        (r["kind"], r["quantity"], r["balance"], r["user"], r["approved_by"]) for r in rows
    ] == [
        ("adjustment", 60, 60, "tester", ""),
        ("adjustment", -2, 58, "tech1", "manager1"),
    ]
    assert all(r["ndc"] == "98765-0210-1" and r["schedule"] == "CII" for r in rows)


def test_the_biennial_inventory_lists_schedule_ii_apart_from_the_ledger_at_a_days_close(
    hospital: Engine,
) -> None:
    with SqlUnitOfWork(hospital) as uow:
        today = controlled.biennial_inventory(uow, clock=CLOCK, registrant=REGISTRANT)
        before = controlled.biennial_inventory(
            uow, clock=CLOCK, registrant=REGISTRANT, on=date(2026, 11, 19)
        )

    assert [(r["location"], r["ndc"], r["units"], r["strength"]) for r in today["schedule_ii"]] == [
        ("ICU-ADC1-P02", "98765-0210-1", 15, "2 mg/mL"),
        ("MAIN-STORE", "98765-0210-1", 60, "2 mg/mL"),
    ]
    assert today["other_schedules"] == []
    assert (today["date"], today["registrant"]) == ("2026-11-20", REGISTRANT)
    assert before["schedule_ii"] == []  # the stock arrived on the 20th


def test_a_biennial_inventory_of_a_day_to_come_is_refused(hospital: Engine) -> None:
    import pytest

    from rxsupply.errors import InvalidValue

    with SqlUnitOfWork(hospital) as uow, pytest.raises(InvalidValue, match="closed"):
        controlled.biennial_inventory(
            uow, clock=CLOCK, registrant=REGISTRANT, on=CLOCK.today() + timedelta(days=1)
        )


def _series(location_id: int, item_id: int, abc: str) -> dict[str, object]:
    return {
        "location_id": location_id,
        "item_id": item_id,
        "abc": abc,
        "xyz": "X",
        "demand_class": "smooth",
        "lifecycle": "mature",
        "mean_daily_demand": 1.0,
        "forecast_daily": 1.0,
        "sd_daily_demand": 0.5,
        "annual_value": 100.0,
        "method": "ses",
        "distribution": "normal",
        "min_level": 1,
        "max_level": 2,
        "target": 0.95,
    }
