"""A suspect product case's status is read from its steps; the 24-hour clock to FDA (FD&C Act
582(d)(4)(B)) runs from the determination of illegitimacy and stops at the notification."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rxsupply.domain.suspect_case import (
    CaseSource,
    CaseStatus,
    Step,
    StepKind,
    SuspectReason,
    case_number,
    case_state,
    check_sha256,
    check_step,
    fda_clock,
    parse_choice,
)
from rxsupply.errors import CaseRefused, InvalidValue

T0 = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def steps(*kinds: StepKind, hours: int = 1) -> list[Step]:
    return [
        Step(i + 1, kind, T0 + timedelta(hours=i * hours), "pic", incident="IN-1", partner="Acme")
        for i, kind in enumerate(kinds)
    ]


def test_a_case_just_opened_is_open_and_holds_its_stock() -> None:
    state = case_state(steps(StepKind.OPENED, StepKind.STEP, StepKind.EVIDENCE))

    assert (state.status, state.disposition, state.holds_stock) == (CaseStatus.OPEN, None, True)


def test_a_cleared_case_holds_no_stock_and_takes_only_notes_and_closing() -> None:
    state = case_state(steps(StepKind.OPENED, StepKind.CLEARED))

    assert (state.status, state.holds_stock) == (CaseStatus.CLEARED, False)
    check_step(state, StepKind.CLOSED)
    with pytest.raises(CaseRefused, match="cleared"):
        check_step(state, StepKind.ILLEGITIMATE)


def test_an_illegitimate_case_closes_only_after_fda_is_notified_and_still_holds_its_stock() -> None:
    determined = case_state(steps(StepKind.OPENED, StepKind.ILLEGITIMATE))
    notified = case_state(steps(StepKind.OPENED, StepKind.ILLEGITIMATE, StepKind.FDA_NOTIFIED))
    closed = case_state(
        steps(StepKind.OPENED, StepKind.ILLEGITIMATE, StepKind.FDA_NOTIFIED, StepKind.CLOSED)
    )

    with pytest.raises(CaseRefused, match="FDA notification"):
        check_step(determined, StepKind.CLOSED)
    check_step(notified, StepKind.CLOSED)
    assert (closed.status, closed.disposition, closed.holds_stock) == (
        CaseStatus.CLOSED,
        CaseStatus.ILLEGITIMATE,
        True,
    )
    with pytest.raises(CaseRefused, match="closed"):
        check_step(closed, StepKind.STEP)


def test_fda_is_notified_once_and_each_partner_once_in_any_case_of_its_name() -> None:
    state = case_state(
        steps(
            StepKind.OPENED, StepKind.ILLEGITIMATE, StepKind.FDA_NOTIFIED, StepKind.PARTNER_NOTIFIED
        )
    )

    with pytest.raises(CaseRefused, match="incident IN-1"):
        check_step(state, StepKind.FDA_NOTIFIED)
    with pytest.raises(CaseRefused, match="notified already"):
        check_step(state, StepKind.PARTNER_NOTIFIED, partner="ACME ")
    check_step(state, StepKind.PARTNER_NOTIFIED, partner="Beta")


def test_a_case_under_investigation_cannot_notify_fda_or_close() -> None:
    state = case_state(steps(StepKind.OPENED))

    for kind in (StepKind.FDA_NOTIFIED, StepKind.CLOSED, StepKind.OPENED):
        with pytest.raises(CaseRefused):
            check_step(state, kind)


def test_the_clock_is_due_24_hours_after_the_determination_and_counts_down() -> None:
    state = case_state(steps(StepKind.OPENED, StepKind.ILLEGITIMATE))  # determined at T0 + 1 h

    clock = fda_clock(state, T0 + timedelta(hours=10, minutes=30))

    assert clock is not None
    assert clock.due == T0 + timedelta(hours=25)
    assert (clock.state, clock.seconds_left, clock.text()) == (
        "running",
        (14 * 60 + 30) * 60,
        "14 h 30 min left",
    )


def test_the_clock_past_its_due_time_says_overdue_by_how_much() -> None:
    state = case_state(steps(StepKind.OPENED, StepKind.ILLEGITIMATE))

    clock = fda_clock(state, T0 + timedelta(hours=27, minutes=5))

    assert clock is not None
    assert (clock.state, clock.seconds_left, clock.text()) == (
        "overdue",
        -(2 * 3600 + 5 * 60),
        "overdue by 2 h 05 min",
    )


def test_the_notification_stops_the_clock_in_time_or_late() -> None:
    in_time = case_state(steps(StepKind.OPENED, StepKind.ILLEGITIMATE, StepKind.FDA_NOTIFIED))
    late = case_state(
        steps(StepKind.OPENED, StepKind.ILLEGITIMATE, StepKind.FDA_NOTIFIED, hours=30)
    )

    on_time = fda_clock(in_time, T0 + timedelta(days=9))
    too_late = fda_clock(late, T0 + timedelta(days=9))

    assert on_time is not None and too_late is not None
    assert (on_time.state, on_time.seconds_left) == ("notified", 23 * 3600)
    assert on_time.text() == "FDA notified with 23 h 00 min to spare (incident IN-1)"
    assert (too_late.state, too_late.text()) == (
        "notified_late",
        "FDA notified 6 h 00 min late (incident IN-1)",
    )


def test_no_clock_runs_before_the_determination_or_for_a_cleared_case() -> None:
    assert fda_clock(case_state(steps(StepKind.OPENED)), T0) is None
    assert fda_clock(case_state(steps(StepKind.OPENED, StepKind.CLEARED)), T0) is None


def test_case_numbers_count_within_the_year_from_one() -> None:
    assert case_number(2026, 0) == "SC-2026-0001"
    assert case_number(2027, 41) == "SC-2027-0042"


def test_reasons_and_sources_read_as_written_with_spaces_or_hyphens() -> None:
    assert parse_choice(SuspectReason, "Unfit for distribution", "reason") is (
        SuspectReason.UNFIT_FOR_DISTRIBUTION
    )
    assert parse_choice(CaseSource, "fda-notice", "source") is CaseSource.FDA_NOTICE
    with pytest.raises(InvalidValue, match="counterfeit, diverted"):
        parse_choice(SuspectReason, "lost", "reason")


def test_an_evidence_digest_is_64_hex_digits_or_nothing() -> None:
    assert check_sha256(" AB" + "0" * 62) == "ab" + "0" * 62
    assert check_sha256("") == ""
    with pytest.raises(InvalidValue, match="SHA-256"):
        check_sha256("abc")
