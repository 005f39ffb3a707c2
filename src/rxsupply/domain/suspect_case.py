"""Suspect and illegitimate product cases under the DSCSA (FD&C Act section 582(d)(4)).

A dispenser that has reason to believe product in its possession is *suspect* quarantines it
and investigates (582(d)(4)(A)); when it determines the product *illegitimate* it quarantines
it from distribution, notifies FDA and the trading partners it believes may have received
it **within 24 hours** of the determination (582(d)(4)(B): FDA Form 3911), and keeps the
records of the investigation six years. Suspect and illegitimate product are defined in
section 581(8) and (21): product for which there is reason to believe it is potentially (or
found to be) counterfeit, diverted or stolen, intentionally adulterated such that it would
result in serious adverse health consequences or death to humans, the subject of a
fraudulent transaction, or otherwise unfit for distribution.

A case is a list of append-only steps: its status is read from them (:func:`case_state`),
never stored. Opened, it investigates (notes, evidence); it ends *cleared* (the product is
legitimate: its units are released) or *illegitimate* (they stay blocked, the 24-hour clock
to FDA runs: :func:`fda_clock`); a closing step ends it for good.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TypeVar

from rxsupply.errors import CaseRefused, InvalidValue

FDA_HOURS = 24
"""Hours from the determination of illegitimacy to the FDA notification (582(d)(4)(B)(ii))."""
NUMBER_PREFIX = "SC"


class SuspectReason(StrEnum):
    """Why product is suspect (section 581(8), 581(21))."""

    COUNTERFEIT = "counterfeit"
    DIVERTED = "diverted"
    STOLEN = "stolen"
    INTENTIONALLY_ADULTERATED = "intentionally_adulterated"
    UNFIT_FOR_DISTRIBUTION = "unfit_for_distribution"
    FRAUDULENT_TRANSACTION = "fraudulent_transaction"


class CaseSource(StrEnum):
    """How the product came to be suspected."""

    VERIFICATION_FAILURE = "verification_failure"
    RECONCILIATION_EXCEPTION = "reconciliation_exception"
    TRADING_PARTNER_NOTICE = "trading_partner_notice"
    FDA_NOTICE = "fda_notice"
    VISUAL_INSPECTION = "visual_inspection"


class StepKind(StrEnum):
    OPENED = "opened"
    STEP = "step"
    EVIDENCE = "evidence"
    CLEARED = "cleared"
    ILLEGITIMATE = "illegitimate"
    PARTNER_NOTIFIED = "partner_notified"
    FDA_NOTIFIED = "fda_notified"
    CLOSED = "closed"


class CaseStatus(StrEnum):
    OPEN = "open"  # suspect: under investigation, its units quarantined
    CLEARED = "cleared"  # found legitimate: its units released
    ILLEGITIMATE = "illegitimate"  # its units stay blocked; FDA and partners to notify
    CLOSED = "closed"


E = TypeVar("E", bound=StrEnum)


def parse_choice(kind: type[E], text: str, field_name: str) -> E:
    """One of an enumeration's values, written with spaces, hyphens or underscores."""
    key = text.strip().lower().replace(" ", "_").replace("-", "_")
    for member in kind:
        if member.value == key:
            return member
    raise InvalidValue(field_name, "one of " + ", ".join(m.value for m in kind), text[:60])


def case_number(year: int, taken: int) -> str:
    """The case number after ``taken`` cases of ``year``: ``SC-2026-0001`` first."""
    return f"{NUMBER_PREFIX}-{year:04d}-{taken + 1:04d}"


@dataclass(frozen=True, slots=True)
class Step:
    """One recorded step of a case."""

    seq: int
    kind: StepKind
    at: datetime
    user: str
    note: str = ""
    evidence_name: str = ""
    evidence_sha256: str = ""
    partner: str = ""
    incident: str = ""


@dataclass(slots=True)
class CaseState:
    """Where a case stands, read from its steps."""

    status: CaseStatus = CaseStatus.OPEN
    disposition: CaseStatus | None = None  # cleared or illegitimate, once determined
    determined_at: datetime | None = None
    fda_notified_at: datetime | None = None
    fda_incident: str = ""
    partners_notified: dict[str, Step] = field(default_factory=dict)  # lower-case name -> step
    closed_at: datetime | None = None

    @property
    def holds_stock(self) -> bool:
        """Whether the case keeps its units blocked: every case not cleared."""
        return self.disposition is not CaseStatus.CLEARED


def case_state(steps: Sequence[Step]) -> CaseState:
    """The state the steps, in order, lead to."""
    state = CaseState()
    for step in sorted(steps, key=lambda s: s.seq):
        if step.kind is StepKind.CLEARED:
            state.status = state.disposition = CaseStatus.CLEARED
            state.determined_at = step.at
        elif step.kind is StepKind.ILLEGITIMATE:
            state.status = state.disposition = CaseStatus.ILLEGITIMATE
            state.determined_at = step.at
        elif step.kind is StepKind.FDA_NOTIFIED:
            state.fda_notified_at, state.fda_incident = step.at, step.incident
        elif step.kind is StepKind.PARTNER_NOTIFIED:
            state.partners_notified.setdefault(step.partner.strip().lower(), step)
        elif step.kind is StepKind.CLOSED:
            state.status, state.closed_at = CaseStatus.CLOSED, step.at
    return state


_ALLOWED: dict[CaseStatus, frozenset[StepKind]] = {
    CaseStatus.OPEN: frozenset(
        {
            StepKind.STEP,
            StepKind.EVIDENCE,
            StepKind.CLEARED,
            StepKind.ILLEGITIMATE,
            StepKind.PARTNER_NOTIFIED,
        }
    ),
    CaseStatus.CLEARED: frozenset({StepKind.STEP, StepKind.EVIDENCE, StepKind.CLOSED}),
    CaseStatus.ILLEGITIMATE: frozenset(
        {
            StepKind.STEP,
            StepKind.EVIDENCE,
            StepKind.PARTNER_NOTIFIED,
            StepKind.FDA_NOTIFIED,
            StepKind.CLOSED,
        }
    ),
    CaseStatus.CLOSED: frozenset(),
}


def check_step(state: CaseState, kind: StepKind, *, partner: str = "") -> None:
    """Refuse a step the case's state does not allow, saying why."""
    if kind is StepKind.OPENED:
        raise CaseRefused("a case is opened once")
    if kind not in _ALLOWED[state.status]:
        why = {
            CaseStatus.CLOSED: "the case is closed",
            CaseStatus.CLEARED: "the case is cleared",
            CaseStatus.ILLEGITIMATE: "the case is determined illegitimate already",
            CaseStatus.OPEN: "the case is still under investigation: clear it or determine "
            "it illegitimate first",
        }[state.status]
        raise CaseRefused(f"{kind.value.replace('_', ' ')} refused: {why}")
    if kind is StepKind.FDA_NOTIFIED and state.fda_notified_at is not None:
        raise CaseRefused(f"FDA was notified already (incident {state.fda_incident})")
    closing_early = state.status is CaseStatus.ILLEGITIMATE and state.fda_notified_at is None
    if kind is StepKind.CLOSED and closing_early:
        raise CaseRefused("record the FDA notification (its incident number) before closing")
    if kind is StepKind.PARTNER_NOTIFIED and partner.strip().lower() in state.partners_notified:
        raise CaseRefused(f"{partner.strip()} is recorded as notified already")


@dataclass(frozen=True, slots=True)
class FdaClock:
    """The 24 hours from the determination of illegitimacy to FDA's notification."""

    determined_at: datetime
    due: datetime
    now: datetime
    notified_at: datetime | None = None
    incident: str = ""

    @property
    def state(self) -> str:
        """running, overdue, notified (in time) or notified_late."""
        if self.notified_at is not None:
            return "notified" if self.notified_at <= self.due else "notified_late"
        return "running" if self.now <= self.due else "overdue"

    @property
    def seconds_left(self) -> int:
        """Seconds to the deadline (negative once overdue; frozen at the notification)."""
        end = self.notified_at or self.now
        return int((self.due - end).total_seconds())

    def text(self) -> str:
        left = self.seconds_left
        span = _span(abs(left))
        return {
            "running": f"{span} left",
            "overdue": f"overdue by {span}",
            "notified": f"FDA notified with {span} to spare (incident {self.incident})",
            "notified_late": f"FDA notified {span} late (incident {self.incident})",
        }[self.state]

    def as_dict(self) -> dict[str, object]:
        return {
            "determined_at": self.determined_at.isoformat(),
            "due": self.due.isoformat(),
            "notified_at": None if self.notified_at is None else self.notified_at.isoformat(),
            "incident": self.incident or None,
            "state": self.state,
            "seconds_left": self.seconds_left,
            "text": self.text(),
        }


def _span(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes = rest // 60
    return f"{hours} h {minutes:02d} min"


def fda_clock(state: CaseState, now: datetime) -> FdaClock | None:
    """The 24-hour clock of an illegitimate case (None before the determination, or when the
    case was cleared): due 24 hours after the determination, stopped by the notification."""
    if state.disposition is not CaseStatus.ILLEGITIMATE or state.determined_at is None:
        return None
    return FdaClock(
        determined_at=state.determined_at,
        due=state.determined_at + timedelta(hours=FDA_HOURS),
        now=now,
        notified_at=state.fda_notified_at,
        incident=state.fda_incident,
    )


def check_sha256(text: str) -> str:
    """A SHA-256 digest as 64 lower-case hex digits (blank: none)."""
    value = text.strip().lower()
    if value and (len(value) != 64 or any(c not in "0123456789abcdef" for c in value)):
        raise InvalidValue("evidence_sha256", "64 hexadecimal digits (a SHA-256 digest)", text[:80])
    return value
