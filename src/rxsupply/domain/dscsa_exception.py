"""A DSCSA receipt exception and its workflow: open, seller contacted, resolved.

A disagreement found at receipt (:mod:`rxsupply.domain.reconciliation`) is an exception until
someone resolves it. Its history is a list of steps, never edited (the record of who did what,
chained in the facility's DSCSA records): it opens with ``open``; the seller (the trading
partner that sent the transaction information) is then contacted (``seller_contacted``, as
often as needed, each with what was asked or answered); ``resolved`` closes it and needs the
resolution (a corrected document received, product returned, quarantined as suspect...).
Its state is its latest step. Standard library only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from rxsupply.domain.reconciliation import FindingKind
from rxsupply.errors import ExceptionRefused, InvalidValue

NOTE_LIMIT = 1000


class ExceptionState(StrEnum):
    OPEN = "open"
    SELLER_CONTACTED = "seller_contacted"
    RESOLVED = "resolved"


#: The step a current state may take next.
NEXT: dict[ExceptionState, frozenset[ExceptionState]] = {
    ExceptionState.OPEN: frozenset({ExceptionState.SELLER_CONTACTED, ExceptionState.RESOLVED}),
    ExceptionState.SELLER_CONTACTED: frozenset(
        {ExceptionState.SELLER_CONTACTED, ExceptionState.RESOLVED}
    ),
    ExceptionState.RESOLVED: frozenset(),
}


@dataclass(frozen=True, slots=True)
class ExceptionStep:
    state: ExceptionState
    note: str
    user: str
    at: datetime
    id: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "state": self.state.value,
            "note": self.note,
            "user": self.user,
            "at": self.at.isoformat(),
        }


@dataclass(slots=True, kw_only=True)
class DscsaException:
    """One exception of an order's receipt, with its steps oldest first."""

    facility_id: int
    order_number: str
    kind: FindingKind
    identifier: str
    expected: str | None
    found: str | None
    document_id: int | None
    opened_at: datetime
    steps: list[ExceptionStep] = field(default_factory=list)
    id: int | None = None

    @property
    def state(self) -> ExceptionState:
        return self.steps[-1].state if self.steps else ExceptionState.OPEN

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind.value, self.identifier)

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "facility_id": self.facility_id,
            "order_number": self.order_number,
            "kind": self.kind.value,
            "identifier": self.identifier,
            "expected": self.expected,
            "found": self.found,
            "document_id": self.document_id,
            "opened_at": self.opened_at.isoformat(),
            "state": self.state.value,
            "steps": [s.as_dict() for s in self.steps],
        }


def check_step(exception_id: int, current: ExceptionState, step: ExceptionState, note: str) -> str:
    """The step's note, checked: the step must follow the current state (:data:`NEXT`), a
    resolution must say what was done, and a note stays under :data:`NOTE_LIMIT` characters.

    Raises:
        ExceptionRefused: the state does not allow the step.
        InvalidValue: a resolution without a note, or a note too long.
    """
    if step not in NEXT[current]:
        if current is ExceptionState.RESOLVED:
            raise ExceptionRefused(f"exception {exception_id} is resolved already")
        raise ExceptionRefused(
            f"exception {exception_id} is {current.value}: it cannot be marked {step.value}"
        )
    text = note.strip()
    if len(text) > NOTE_LIMIT:
        raise InvalidValue("note", f"at most {NOTE_LIMIT} characters", len(text))
    if step is ExceptionState.RESOLVED and not text:
        raise InvalidValue(
            "note",
            "say how it was resolved: corrected document received, product returned, "
            "quarantined as suspect...",
        )
    return text


#: The short words a step is typed as (the CLI's ``contacted|resolve``), by state.
STEP_WORDS = {"contacted": "seller_contacted", "resolve": "resolved"}


def parse_state(text: str) -> ExceptionState:
    """A step by its name (``seller_contacted``; ``contacted`` and ``resolve`` too).

    Raises:
        InvalidValue: neither; the message names the short words first (what the CLI takes),
            then the states' names (what the API takes).
    """
    word = text.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return ExceptionState(STEP_WORDS.get(word, word))
    except ValueError:
        words = ", ".join(STEP_WORDS)
        names = ", ".join(STEP_WORDS.values())
        raise InvalidValue("step", f"one of {words} (or {names})", text[:40]) from None


def open_keys(exceptions: Sequence[DscsaException]) -> set[tuple[str, str]]:
    """The (kind, identifier) of the exceptions not resolved."""
    return {e.key for e in exceptions if e.state is not ExceptionState.RESOLVED}
