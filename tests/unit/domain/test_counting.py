"""The count plan's schedule and a count's variance rules."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from rxsupply.domain.counting import (
    Count,
    CountLine,
    CountRules,
    CountStatus,
    abc_by_value,
    due_date,
)

RULES = CountRules()
TODAY = date(2026, 11, 20)


def line(expected: int, at_submit: int | None, counted: int | None, **kw: object) -> CountLine:
    base: dict[str, object] = {
        "location": "MAIN-STORE",
        "item": "X",
        "ndc": "98765-401-02",
        "product_name": "x",
        "lot": "L1",
        "expiry": None,
        "expected": expected,
        "on_hand_at_submit": at_submit,
        "counted": counted,
        "unit_cost": Decimal("0.75"),
    }
    return CountLine(**(base | kw))  # type: ignore[arg-type]


def test_a_class_is_counted_monthly_b_quarterly_c_yearly_and_controlled_weekly() -> None:
    assert [RULES.interval(c, controlled=False) for c in "ABC"] == [30, 90, 365]
    assert RULES.interval("C", controlled=True) == 7


def test_the_intervals_are_configurable() -> None:
    rules = CountRules(days_a=14, days_b=60, days_c=180, controlled_days=1)

    assert [rules.interval(c, controlled=False) for c in "ABC"] == [14, 60, 180]
    assert rules.interval("A", controlled=True) == 1


def test_an_item_location_never_counted_is_due_today() -> None:
    assert due_date(None, 30, TODAY) == TODAY


def test_an_item_location_is_due_its_interval_after_its_last_count() -> None:
    assert due_date(date(2026, 10, 1), 30, TODAY) == date(2026, 10, 31)
    assert due_date(date(2026, 11, 19), 7, TODAY) == date(2026, 11, 26)


def test_the_first_80_percent_of_value_is_a_the_next_15_b_the_rest_c() -> None:
    values = {
        "a1": Decimal(700),
        "a2": Decimal(100),  # starts at 70 %: still A
        "b1": Decimal(100),  # starts at 80 %: B
        "b2": Decimal(60),  # starts at 90 %: B too (below 95 %)
        "c2": Decimal(40),  # starts at 96 %: C
        "none": Decimal(0),
    }

    assert abc_by_value(values) == {
        "a1": "A",
        "a2": "A",
        "b1": "B",
        "b2": "B",
        "c2": "C",
        "none": "C",
    }


def test_without_any_usage_value_everything_is_c() -> None:
    assert abc_by_value({"x": Decimal(0), "y": Decimal(0)}) == {"x": "C", "y": "C"}


def test_the_variance_is_the_count_less_the_on_hand_at_submission_not_the_snapshot() -> None:
    moved = line(expected=150, at_submit=145, counted=145)

    assert (moved.moved, moved.variance, moved.value) == (-5, 0, Decimal("0.00"))


def test_a_variance_is_valued_at_the_unit_cost() -> None:
    short = line(expected=250, at_submit=250, counted=200)

    assert (short.variance, short.value) == (-50, Decimal("-37.50"))


def test_a_line_needs_approval_above_the_units_or_the_money_threshold() -> None:
    rules = CountRules(approval_value=Decimal("100"), approval_units=20)

    assert rules.needs_approval(line(100, 100, 80, unit_cost=Decimal(1))) is None
    assert rules.needs_approval(line(100, 100, 79, unit_cost=Decimal(1))) == (
        "21 units (more than 20)"
    )
    assert rules.needs_approval(line(100, 100, 90, unit_cost=Decimal("10.01"))) == (
        "$100.10 (more than $100.00)"
    )


def test_any_variance_of_a_controlled_substance_needs_approval_and_none_does_not() -> None:
    assert RULES.needs_approval(line(15, 15, 14, controlled=True)) == "a controlled substance"
    assert RULES.needs_approval(line(15, 15, 15, controlled=True)) is None


def test_an_open_count_shows_no_expected_quantity_and_a_submitted_one_does() -> None:
    count = Count(
        number="CC000001",
        location="MAIN-STORE",
        status=CountStatus.OPEN,
        controlled=False,
        started_by="tech1",
        started_at=datetime(2026, 11, 20, 15, tzinfo=UTC),
        lines=[line(250, None, 240)],
    )

    blind = count.as_dict(rules=RULES)
    count.status = CountStatus.SUBMITTED
    count.lines[0].on_hand_at_submit = 250
    review = count.as_dict(rules=RULES)

    assert "expected" not in blind["lines"][0]  # type: ignore[index]
    assert "variance_value" not in blind
    assert review["lines"][0]["expected"] == 250  # type: ignore[index]
    assert (review["variance_units"], review["variance_value"]) == (-10, "-7.50")


def test_a_count_cancelled_before_submission_stays_blind_so_its_recount_is_blind() -> None:
    def count(status: CountStatus, counter: str) -> Count:
        return Count(
            number="CC000001",
            location="MAIN-STORE",
            status=status,
            controlled=False,
            started_by="tara",
            started_at=datetime(2026, 11, 20, 9, tzinfo=UTC),
            counter=counter,
            lines=[line(250, None, 200)],
        )

    never_submitted = count(CountStatus.CANCELLED, "").as_dict()
    submitted_first = count(CountStatus.CANCELLED, "tara").as_dict()

    assert "variance_units" not in never_submitted
    assert all("expected" not in ln for ln in never_submitted["lines"])  # type: ignore[attr-defined]
    assert "variance_units" in submitted_first
