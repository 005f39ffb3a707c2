"""How long DSCSA records are kept, and where a chain starts once its oldest entries are purged.

DSCSA requires each trading partner, dispensers included, to keep its transaction information
and statements, and the records of investigations and dispositions of suspect and illegitimate
product, for not less than six years (FD&C Act section 582(d)(1)(A)(ii) and (d)(4)(A)(iii),
21 U.S.C. 360eee-1(d)). Nothing younger than :data:`RETENTION_YEARS` may be deleted, by anyone:
the database refuses it too (migration 0034). A purge of older records deletes whole records
and the chain entries before a cut, and writes a :class:`ChainAnchor` so the remaining chain is
verified from its first remaining entry (``verify_chain(first_seq=, first_prev=)``).
Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from rxsupply.errors import InvalidValue

RETENTION_YEARS = 6
"""DSCSA keeps records "for not less than 6 years after the date of the transaction"."""


def years_before(day: date, years: int) -> date:
    """``day`` moved back ``years`` calendar years; February 29 becomes February 28 in a
    common year (the earlier of the two possible days, so a record is never kept short)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # February 29 in a year without one
        return day.replace(year=day.year - years, day=28)


def latest_purge_date(today: date) -> date:
    """The latest ``--before`` date a purge may take on ``today``: six years back. Records of
    that day and later are kept."""
    return years_before(today, RETENTION_YEARS)


def check_purge_date(before: date, today: date) -> date:
    """``before`` when a purge may reach it; otherwise :class:`InvalidValue` naming the latest
    date it may."""
    latest = latest_purge_date(today)
    if before > latest:
        raise InvalidValue(
            "before",
            f"DSCSA records are kept {RETENTION_YEARS} years: on {today.isoformat()} a purge "
            f"may reach {latest.isoformat()} at the latest, not {before.isoformat()}",
            before.isoformat(),
        )
    return before


@dataclass(frozen=True, slots=True)
class ChainAnchor:
    """Where a facility's chain starts after a purge: its first remaining entry (``first_seq``)
    links to ``first_prev``, the hash of the last entry purged. Append-only, like the chain."""

    facility_id: int
    first_seq: int
    first_prev: str
    purged_before: date
    purged_by: str
    purged_at: datetime

    def as_dict(self) -> dict[str, object]:
        return {
            "facility_id": self.facility_id,
            "first_seq": self.first_seq,
            "first_prev": self.first_prev,
            "purged_before": self.purged_before.isoformat(),
            "purged_by": self.purged_by,
            "purged_at": self.purged_at.isoformat(),
        }
