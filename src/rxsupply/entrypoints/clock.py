"""The clock: the one module that reads the time.

Entrypoints make a clock here (:func:`current`) and pass it down; everything below takes a
:class:`~rxsupply.domain.clock.Clock` (now, today, the facility's zone) and never reads the
time itself (ruff's DTZ rules and a test keep it so). Tests pin the time by patching
:func:`now` here, or by handing a :class:`~rxsupply.domain.clock.FixedClock` to what they call.
The API and the pages call it through the module (``clock.current()``, never ``from ... import
now``); the command line reads it through ``entrypoints.cli.context``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from rxsupply.config import load_settings
from rxsupply.domain.clock import Clock, local_day


def now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def facility_zone() -> ZoneInfo:
    """The facility's time zone (``RXSUPPLY_TIMEZONE``)."""
    return ZoneInfo(load_settings().timezone)


def local_today() -> date:
    """The facility's calendar day."""
    return local_day(now(), facility_zone())


@dataclass(frozen=True, slots=True)
class SystemClock:
    """The real time (through :func:`now`, so a test's patch reaches it) in the facility's
    zone."""

    zone: ZoneInfo

    def now(self) -> datetime:
        return now()

    def today(self) -> date:
        return local_day(now(), self.zone)


def current() -> Clock:
    """The clock an entrypoint passes down: the real time in the facility's zone."""
    return SystemClock(facility_zone())
