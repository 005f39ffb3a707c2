"""The clock: what time it is, what day it is at the facility, and the facility's zone.

One clock object is made at the entrypoint (``rxsupply.entrypoints.clock.SystemClock`` reads
the real time, in the only module allowed to) and passed down to every use case; nothing below
the entrypoints reads the time. Tests and the demo build pass a :class:`FixedClock`.

Dates are the facility's local calendar days; timestamps are timezone-aware UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import Protocol


class Clock(Protocol):
    """Now (UTC), today (the facility's calendar day) and the facility's zone."""

    @property
    def zone(self) -> tzinfo: ...

    def now(self) -> datetime: ...

    def today(self) -> date: ...


def local_day(at: datetime, zone: tzinfo) -> date:
    """The facility's calendar day of a timezone-aware timestamp."""
    return at.astimezone(zone).date()


@dataclass(frozen=True, slots=True)
class FixedClock:
    """A clock stopped at ``at`` (timezone-aware) in ``zone``: tests, replays and the demo."""

    at: datetime
    zone: tzinfo = UTC

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("a clock's time must be timezone-aware")

    def now(self) -> datetime:
        return self.at.astimezone(UTC)

    def today(self) -> date:
        return local_day(self.at, self.zone)
