"""The clock: only entrypoints read it; everything below takes ``now`` or ``today``."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from rxsupply.config import load_settings


def now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def facility_zone() -> ZoneInfo:
    """The facility's time zone (``RXSUPPLY_TIMEZONE``)."""
    return ZoneInfo(load_settings().timezone)


def local_today() -> date:
    """The facility's calendar day."""
    return now().astimezone(facility_zone()).date()
