"""Notifying about an illegitimate product case, on each database: FDA's notification is
timed when FDA was notified (given, or now), never before the determination nor in the
future, and the 24-hour clock stops there; its due time is shown in the facility's zone and
in UTC."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine
from tests.conftest import CLOCK, NOW, TESTER
from tests.integration.services.test_suspect_cases import APAP, dispose, open_case, view

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.clock import FixedClock
from rxsupply.domain.suspect_case import StepKind
from rxsupply.errors import InvalidValue
from rxsupply.services.dscsa import cases

NEXT_DAY = FixedClock(NOW + timedelta(days=1), CLOCK.zone)  # determination: NOW + 5 h


def notify_fda(
    engine: Engine, number: str, at: str, kind: StepKind = StepKind.FDA_NOTIFIED
) -> None:
    with SqlUnitOfWork(engine) as uow:
        cases.add_case_step(
            uow,
            case=number,
            kind=kind,
            incident="IN-123",
            note="by phone",
            notified_at=at,
            user=TESTER,
            clock=NEXT_DAY,
        )


def illegitimate_case(engine: Engine) -> str:
    number = open_case(engine, lots=[f"{APAP}:AP2406"])
    dispose(engine, number, StepKind.ILLEGITIMATE, "no such lot at the manufacturer")
    return number


def test_fda_notified_at_the_time_given_stops_the_clock_there(hospital: Engine) -> None:
    number = illegitimate_case(hospital)

    notify_fda(hospital, number, "2026-11-20T18:30")  # Eastern: 23:30 UTC, 3 h 30 after

    shown = view(hospital, number, FixedClock(NOW + timedelta(days=3), CLOCK.zone))
    clock = shown["fda_clock"]
    assert isinstance(clock, dict)
    assert clock["notified_at"] == "2026-11-20T23:30:00+00:00"
    assert clock["state"] == "notified"
    assert clock["text"] == "FDA notified with 20 h 30 min to spare (incident IN-123)"
    assert clock["notified_shown"] == {
        "local": "2026-11-20 18:30 EST",
        "utc": "2026-11-20 23:30 UTC",
        "zone": "America/New_York",
    }


def test_fda_notified_with_no_time_given_is_now(hospital: Engine) -> None:
    number = illegitimate_case(hospital)

    notify_fda(hospital, number, "")

    clock = view(hospital, number)["fda_clock"]
    assert isinstance(clock, dict)
    assert clock["notified_at"] == NEXT_DAY.now().isoformat()


@pytest.mark.parametrize(
    ("at", "kind", "reason"),
    [
        ("2026-11-20T19:59:00Z", StepKind.FDA_NOTIFIED, "before the determination"),
        ("2026-11-21T11:00:00-05:00", StepKind.FDA_NOTIFIED, "in the future"),
        ("yesterday", StepKind.FDA_NOTIFIED, "not a timestamp"),
        ("2026-11-20T21:00:00Z", StepKind.STEP, "only an FDA notification"),
    ],
)
def test_an_fda_notification_time_out_of_bounds_is_refused_and_nothing_recorded(
    hospital: Engine, at: str, kind: StepKind, reason: str
) -> None:
    number = illegitimate_case(hospital)

    with pytest.raises(InvalidValue, match=reason) as refused:
        notify_fda(hospital, number, at, kind)

    assert refused.value.field == "notified_at"
    assert len(view(hospital, number)["steps"]) == 2  # type: ignore[arg-type]
