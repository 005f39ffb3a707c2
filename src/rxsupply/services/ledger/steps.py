"""What every command becomes before it is posted: a checked :class:`Step`.

Preparing a command checks what can be checked before the stock is read (the user, lengths,
control characters, quantity bounds, the records it names, second users) and says which stock
lines it touches; building the step applies it to the locked stock (a :class:`Stock`: the
on-hand book and the sealed serialised packages on its lines) and says what it did. A build
checks everything before it changes anything, so a command that fails leaves no trace.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from rxsupply.domain.clock import Clock, local_day
from rxsupply.domain.fields import check_text
from rxsupply.domain.limits import LedgerLimits
from rxsupply.domain.movement import Movement
from rxsupply.domain.serial import Packages, SerialPackage
from rxsupply.domain.stock import StockBook, StockKey
from rxsupply.errors import InvalidValue
from rxsupply.services.ledger.lookups import Lookups
from rxsupply.services.ports import StatusChange


@dataclass(slots=True)
class Stock:
    """The locked stock a posting works on, and the status changes it made."""

    book: StockBook
    packages: Packages
    status_changes: list[StatusChange] = field(default_factory=list)
    # serialised packages received again (suspect-product signals): package, by whom, message
    flagged: list[tuple[SerialPackage, str, str]] = field(default_factory=list)

    def holds(self, pocket_id: int, product_ids: list[int]) -> int:
        """Units of these products on hand in a pocket, every lot."""
        book = self.book
        return sum(book.on_hand[k] for k in book.lines_for(pocket_id, product_ids))

    def follow(self, moved: list[Movement], *, blocked_ok: bool = False) -> None:
        """Let the sealed packages on these movements' source lines follow them."""
        for m in moved:
            if m.from_location_id is None:
                continue
            key: StockKey = (m.from_location_id, m.product_id, m.lot_id)
            self.packages.follow(m, left_at_source=self.book.quantity(key), blocked_ok=blocked_ok)
        self.book.held = self.packages.held()


@dataclass(frozen=True, slots=True)
class Done:
    """What one command did: its movements and status changes (for its answer and audit)."""

    movements: list[Movement] = field(default_factory=list)
    changed: list[dict[str, object]] = field(default_factory=list)
    approved_by: str = ""


@dataclass(frozen=True, slots=True)
class Step:
    """A prepared command: the stock it touches and how to apply it."""

    location_ids: list[int]
    product_ids: list[int]
    build: Callable[[Stock], Done]
    check: Callable[[], None] | None = None  # once the batch's lots are resolved


@dataclass(frozen=True, slots=True)
class Context:
    """What preparing a command needs: lookups, the clock and the limits."""

    found: Lookups
    clock: Clock
    limits: LedgerLimits
    now: datetime

    def day_of(self, at: datetime) -> date:
        """The facility's day of a movement: what decides whether a lot has expired."""
        return local_day(at, self.clock.zone)

    def text(self, field_name: str, value: str, *, limit: int, required: bool = False) -> str:
        """A code, lot, reference or reason as typed: stripped, bounded, no control
        characters; ``required`` ones must not be blank."""
        check_text(field_name, value, limit=limit)
        value = value.strip()
        if required and not value:
            raise InvalidValue(field_name, "must not be blank")
        return value

    def code(self, field_name: str, value: str | None) -> str | None:
        if value is None:
            return None
        return self.text(field_name, value, limit=self.limits.code_length, required=True)

    def user(self, value: str) -> str:
        """Every write names its user."""
        if not value or not value.strip():
            raise InvalidValue("user", "every change of stock names the user who makes it")
        return self.text("user", value, limit=80)

    def units(self, value: int, field_name: str = "quantity") -> int:
        if value <= 0:
            raise InvalidValue(field_name, "must be a positive whole number of units", value)
        return self.limits.quantity(value, field_name)
