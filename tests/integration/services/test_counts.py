"""Cycle counts on each database: a blind sheet, variances in units and money against the
on-hand at submission (stock that moved during the count is not counted twice), approval above
the threshold by a manager who is not the counter, posting once through the ledger with reason
codes, and controlled-substance counts refused without a distinct witness."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select
from tests.conftest import CLOCK, post

from rxsupply.adapters import tables
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.counting import Count, CountRules, CountStatus
from rxsupply.errors import CountRefused, InvalidValue, PermissionDenied
from rxsupply.services import count_posting, counts, found_stock
from rxsupply.services.ledger import Dispense

COUNTER, WITNESS, MANAGER = "tech1", "tech2", "manager1"
RULES = CountRules()


def start(engine: Engine, location: str, *items: str) -> Count:
    with SqlUnitOfWork(engine) as uow:
        return counts.start_count(
            uow, location=location, items=items, user=COUNTER, clock=CLOCK, rules=RULES
        )


def count_all(engine: Engine, count: Count, quantities: dict[str, int]) -> Count:
    """Enter a count per lot number, then submit it (with the witness when controlled)."""
    by_lot = {ln.id or 0: quantities[ln.lot] for ln in count.lines}
    with SqlUnitOfWork(engine) as uow:
        counts.enter_counts(uow, count=count.number, counted=by_lot, user=COUNTER, clock=CLOCK)
    with SqlUnitOfWork(engine) as uow:
        return counts.submit_count(
            uow,
            count=count.number,
            user=COUNTER,
            clock=CLOCK,
            witness=WITNESS if count.controlled else None,
        )


def posted(engine: Engine, count: Count, reason: str = "miscount") -> Count:
    with SqlUnitOfWork(engine) as uow:
        return count_posting.post_count(
            uow, count=count.number, user=MANAGER, clock=CLOCK, reason=reason, rules=RULES
        )


def on_hand(engine: Engine, location: str, lot: str) -> int:
    oh, loc, lt = tables.on_hand, tables.location, tables.lot
    with engine.connect() as conn:
        q = (
            select(func.coalesce(func.sum(oh.c.quantity), 0))
            .join(loc, loc.c.id == oh.c.location_id)
            .join(lt, lt.c.id == oh.c.lot_id)
            .where(loc.c.code == location, lt.c.lot_number == lot)
        )
        return int(conn.execute(q).scalar_one())


def variances(engine: Engine) -> list[tuple[int, str, str, str | None]]:
    m = tables.movement
    with engine.connect() as conn:
        rows = conn.execute(
            select(m.c.quantity, m.c.note, m.c.approved_by, m.c.external_id)
            .where(m.c.kind == "count_variance")
            .order_by(m.c.id)
        )
        return [(int(q), n, a, e) for q, n, a, e in rows]


def test_the_count_sheet_is_blind_until_the_count_is_submitted(hospital: Engine) -> None:
    count = start(hospital, "MAIN-STORE", "APAP325TAB", "ONDA4INJ")

    sheet = count.as_dict(rules=RULES)
    lines = sheet["lines"]
    assert isinstance(lines, list)
    assert [(ln["location"], ln["ndc"], ln["lot"], ln["expiry"]) for ln in lines] == [
        ("MAIN-STORE", "98765-3250-1", "AP2406", "2028-06-30"),
        ("MAIN-STORE", "98765-401-02", "ON2411A", "2027-03-31"),
        ("MAIN-STORE", "98765-402-10", "ON2502B", "2027-09-30"),
    ]
    assert all("expected" not in ln and "variance" not in ln for ln in lines)
    assert "variance_value" not in sheet
    assert (count.status, count.controlled) == (CountStatus.OPEN, False)


def test_a_small_variance_posts_through_the_ledger_with_its_reason_and_only_once(
    hospital: Engine,
) -> None:
    count = start(hospital, "MAIN-STORE", "APAP325TAB")
    submitted = count_all(hospital, count, {"AP2406": 1990})

    (line,) = submitted.lines
    assert (line.expected, line.on_hand_at_submit, line.variance) == (2000, 2000, -10)
    assert line.value == Decimal("-0.41")  # 10 tablets at $4.10 a box of 100
    assert count_posting.needing_approval(submitted, RULES) == []
    done = posted(hospital, submitted, "damaged")

    assert done.status is CountStatus.POSTED
    assert on_hand(hospital, "MAIN-STORE", "AP2406") == 1990
    assert variances(hospital) == [
        (10, f"count {count.number}: damaged", "", f"count:{count.number}-{line.id}")
    ]
    with pytest.raises(CountRefused, match="only a submitted or approved count"):
        posted(hospital, submitted)
    assert len(variances(hospital)) == 1


def test_a_posting_without_a_known_reason_code_is_refused_and_writes_nothing(
    hospital: Engine,
) -> None:
    submitted = count_all(hospital, start(hospital, "MAIN-STORE", "APAP325TAB"), {"AP2406": 1990})

    with pytest.raises(InvalidValue, match="miscount, damaged, expired-removed"):
        posted(hospital, submitted, "lost it")

    assert variances(hospital) == []
    with SqlUnitOfWork(hospital) as uow:
        assert counts.get_count(uow, submitted.number).status is CountStatus.SUBMITTED


def test_a_line_over_the_threshold_needs_a_manager_other_than_the_counter(
    hospital: Engine,
) -> None:
    count = start(hospital, "MAIN-STORE", "ONDA4INJ")
    submitted = count_all(hospital, count, {"ON2411A": 200, "ON2502B": 100})
    big = next(ln for ln in submitted.lines if ln.lot == "ON2411A")

    assert (big.variance, big.value) == (-50, Decimal("-37.50"))
    assert count_posting.needing_approval(submitted, RULES) == [(big.id, "50 units (more than 20)")]
    with pytest.raises(CountRefused, match="needs a manager's approval"):
        posted(hospital, submitted)
    with SqlUnitOfWork(hospital) as uow, pytest.raises(PermissionDenied, match="counter"):
        count_posting.approve_count(uow, count=count.number, user=COUNTER, clock=CLOCK)
    assert variances(hospital) == []

    with SqlUnitOfWork(hospital) as uow:
        approved = count_posting.approve_count(uow, count=count.number, user=MANAGER, clock=CLOCK)
    done = posted(hospital, approved, "unrecorded-dispense")

    assert (approved.status, approved.approved_by, done.status) == (
        CountStatus.APPROVED,
        MANAGER,
        CountStatus.POSTED,
    )
    assert on_hand(hospital, "MAIN-STORE", "ON2411A") == 200
    assert on_hand(hospital, "MAIN-STORE", "ON2502B") == 100  # no variance, no movement
    assert [(q, a) for q, _, a, _ in variances(hospital)] == [(50, MANAGER)]


def test_a_controlled_count_is_refused_with_one_user_and_nothing_is_written(
    hospital: Engine,
) -> None:
    count = start(hospital, "ICU-ADC1")
    assert count.controlled  # the morphine pocket
    entered = {ln.id or 0: ln.expected for ln in count.lines}
    # the counter knows the quantities only from counting; the test enters the same figures
    with SqlUnitOfWork(hospital) as uow:
        counts.enter_counts(uow, count=count.number, counted=entered, user=COUNTER, clock=CLOCK)
    audit_before = _audit_rows(hospital)

    with SqlUnitOfWork(hospital) as uow, pytest.raises(CountRefused, match="two people"):
        counts.submit_count(uow, count=count.number, user=COUNTER, clock=CLOCK)
    with SqlUnitOfWork(hospital) as uow, pytest.raises(CountRefused, match="other than"):
        counts.submit_count(uow, count=count.number, user=COUNTER, clock=CLOCK, witness=COUNTER)

    with SqlUnitOfWork(hospital) as uow:
        still = counts.get_count(uow, count.number)
    assert (still.status, still.counter, still.witness) == (CountStatus.OPEN, "", "")
    assert _audit_rows(hospital) == audit_before
    with SqlUnitOfWork(hospital) as uow:
        done = counts.submit_count(
            uow, count=count.number, user=COUNTER, clock=CLOCK, witness=WITNESS
        )
    assert (done.status, done.counter, done.witness) == (CountStatus.SUBMITTED, COUNTER, WITNESS)


def test_a_refused_controlled_submission_does_not_keep_the_counts_it_carried(
    hospital: Engine,
) -> None:
    count = start(hospital, "ICU-ADC1", "MORPH2INJ")
    (line,) = count.lines

    with SqlUnitOfWork(hospital) as uow, pytest.raises(CountRefused, match="two people"):
        counts.submit_count(
            uow, count=count.number, user=COUNTER, clock=CLOCK, counted={line.id or 0: 15}
        )

    with SqlUnitOfWork(hospital) as uow:
        (still,) = counts.get_count(uow, count.number).lines
    assert still.counted is None


def test_a_controlled_variance_always_needs_approval_and_posts_with_the_approver(
    hospital: Engine,
) -> None:
    count = start(hospital, "ICU-ADC1", "MORPH2INJ")
    submitted = count_all(hospital, count, {"MS2409": 14})
    (line,) = submitted.lines

    assert count_posting.needing_approval(submitted, RULES) == [(line.id, "a controlled substance")]
    with SqlUnitOfWork(hospital) as uow:
        count_posting.approve_count(uow, count=count.number, user=MANAGER, clock=CLOCK)
    with SqlUnitOfWork(hospital) as uow:
        count_posting.post_count(
            uow,
            count=count.number,
            user=MANAGER,
            clock=CLOCK,
            reasons={line.id or 0: "theft-suspected"},
            rules=RULES,
        )

    assert on_hand(hospital, "ICU-ADC1-P02", "MS2409") == 14
    assert [(q, n, a) for q, n, a, _ in variances(hospital)] == [
        (1, f"count {count.number}: theft-suspected", MANAGER)
    ]


def test_stock_dispensed_during_the_count_is_not_counted_twice(hospital: Engine) -> None:
    count = start(hospital, "ICU-ADC1", "APAP325TAB")
    post(hospital, Dispense(user="nurse", location="ICU-ADC1", item="APAP325TAB", quantity=5))

    submitted = count_all(hospital, count, {"AP2406": 145})  # 150 at the start, 5 dispensed

    (line,) = submitted.lines
    assert (line.expected, line.on_hand_at_submit, line.moved, line.variance) == (150, 145, -5, 0)
    posted(hospital, submitted)
    assert on_hand(hospital, "ICU-ADC1-P03", "AP2406") == 145
    assert variances(hospital) == []


def test_a_lot_found_that_was_not_on_the_sheet_is_added_and_posted(hospital: Engine) -> None:
    count = start(hospital, "MAIN-STORE", "APAP325TAB")
    with SqlUnitOfWork(hospital) as uow:
        found_stock.add_found_line(
            uow,
            count=count.number,
            location="MAIN-STORE",
            product="98765-3250-01",
            lot="AP2611Z",
            expiry=date(2028, 11, 30),
            counted=12,
            user=COUNTER,
            clock=CLOCK,
        )
    with SqlUnitOfWork(hospital) as uow:
        found = counts.get_count(uow, count.number)
    submitted = count_all(hospital, found, {"AP2406": 2000, "AP2611Z": 12})

    added = next(ln for ln in submitted.lines if ln.added)
    assert (added.expected, added.variance) == (0, 12)
    posted(hospital, submitted, "unrecorded-receipt")
    assert on_hand(hospital, "MAIN-STORE", "AP2611Z") == 12


def test_a_count_is_submitted_only_when_every_line_is_counted(hospital: Engine) -> None:
    count = start(hospital, "MAIN-STORE", "ONDA4INJ")
    first = count.lines[0]
    with SqlUnitOfWork(hospital) as uow:
        counts.enter_counts(
            uow, count=count.number, counted={first.id or 0: 250}, user=COUNTER, clock=CLOCK
        )

    with SqlUnitOfWork(hospital) as uow, pytest.raises(CountRefused, match="not counted yet"):
        counts.submit_count(uow, count=count.number, user=COUNTER, clock=CLOCK)


def _audit_rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(tables.audit)).scalar_one())
