"""What the DSCSA index page (``/dscsa``) counts: the work waiting on each DSCSA page."""

from __future__ import annotations

from dataclasses import dataclass

from rxsupply.domain.clock import Clock
from rxsupply.domain.suspect_case import CaseStatus, case_state, fda_clock
from rxsupply.services.dscsa.exceptions import list_exceptions
from rxsupply.services.ports import UnitOfWork

CAP = 10_000
"""Counts stop here (an index page, not a report)."""


@dataclass(frozen=True, slots=True)
class DscsaWork:
    """The exceptions not yet resolved, the cases still needing work (open or illegitimate),
    and the illegitimate ones whose 24-hour clock to FDA runs (no notification yet)."""

    open_exceptions: int
    open_cases: int
    fda_clocks: int

    def as_dict(self) -> dict[str, int]:
        return {
            "open_exceptions": self.open_exceptions,
            "open_cases": self.open_cases,
            "fda_clocks": self.fda_clocks,
        }


def dscsa_work(uow: UnitOfWork, *, clock: Clock) -> DscsaWork:
    """The DSCSA work waiting, counted (see :class:`DscsaWork`)."""
    now = clock.now()
    open_cases = clocks = 0
    for case in uow.suspect_cases.listed(CAP):
        state = case_state(case.steps)
        if state.status in (CaseStatus.OPEN, CaseStatus.ILLEGITIMATE):
            open_cases += 1
        running = fda_clock(state, now)
        if running is not None and running.notified_at is None:
            clocks += 1
    return DscsaWork(len(list_exceptions(uow, open_only=True, limit=CAP)), open_cases, clocks)
