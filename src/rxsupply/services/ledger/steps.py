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
from datetime import date, datetime, timedelta

from rxsupply.domain.clock import Clock, local_day
from rxsupply.domain.discrepancy import Discrepancy
from rxsupply.domain.fields import check_text
from rxsupply.domain.limits import LedgerLimits
from rxsupply.domain.movement import Movement
from rxsupply.domain.serial import Packages, SerialPackage
from rxsupply.domain.status import StatusNote
from rxsupply.domain.stock import StockBook, StockKey
from rxsupply.errors import InvalidValue
from rxsupply.services.ledger.lookups import Lookups
from rxsupply.services.ports import StatusChange

_DRIFT = timedelta(hours=1)
_HISTORY = timedelta(days=3653)


@dataclass(slots=True)
class Stock:
    """The locked stock a posting works on, and the status changes it made."""

    book: StockBook
    packages: Packages
    status_changes: list[StatusChange] = field(default_factory=list)
    # serialised packages received again (suspect-product signals): package, by whom, message
    flagged: list[tuple[SerialPackage, str, str]] = field(default_factory=list)
    # units on hand in each pocket whose capacity a command checks, every product and lot,
    # read (and the pocket locked) with the stock, then kept up to date as commands apply
    pocket_units: dict[int, int] = field(default_factory=dict)

    def holds(self, pocket_id: int) -> int:
        """Units on hand in a pocket: everything in it, whatever the product or lot."""
        return self.pocket_units[pocket_id]

    def account(self, moved: list[Movement]) -> None:
        """Keep the pockets' totals after a command applied."""
        units = self.pocket_units
        for m in moved:
            if m.to_location_id in units:
                units[m.to_location_id] += m.quantity
            if m.from_location_id in units:
                units[m.from_location_id] -= m.quantity

    def follow(
        self, moved: list[Movement], *, blocked_ok: bool = False, at: datetime, user: str
    ) -> None:
        """Let the sealed packages on these movements' source lines follow them. A blocked
        package that had to be opened hands its block to its lot: its units, loose now, must
        not become usable stock."""
        if not self.packages.tracking:
            return  # no sealed package on any line of this posting
        for m in moved:
            if m.from_location_id is None:
                continue
            key: StockKey = (m.from_location_id, m.product_id, m.lot_id)
            opened = self.packages.follow(
                m, left_at_source=self.book.quantity(key), blocked_ok=blocked_ok
            )
            for package in opened:
                self._block_lot(package, at=at, user=user)
        self.book.held = self.packages.held()

    def _block_lot(self, package: SerialPackage, *, at: datetime, user: str) -> None:
        if package.lot_id in self.book.lot_status:
            return  # the lot is blocked already
        why = (
            f"package {package.serial} ({package.status.value}: {package.status_reason}) was "
            "opened into loose units"
        )
        self.book.lot_status[package.lot_id] = StatusNote(package.status, why, user, at)
        self.status_changes.append(StatusChange(at, package.lot_id, package.status, why, user))


@dataclass(slots=True)
class Done:
    """What one command did: its movements, status changes and discrepancies (for its answer
    and audit)."""

    movements: list[Movement] = field(default_factory=list)
    changed: list[dict[str, object]] = field(default_factory=list)
    approved_by: str = ""
    discrepancies: list[Discrepancy] = field(default_factory=list)


@dataclass(slots=True)
class Step:
    """A prepared command: the stock it touches and how to apply it."""

    location_ids: list[int]
    product_ids: list[int]
    build: Callable[[Stock], Done]
    check: Callable[[], None] | None = None  # once the batch's lots are resolved
    pockets: list[int] = field(default_factory=list)  # whose capacity the build checks


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

    def when(self, at: datetime | None) -> datetime:
        """When a movement happened: now unless it says, and then timezone-aware, no later
        than an hour from now (clocks drift) and no earlier than ten years ago (a history
        import); the facility's day of it must exist."""
        if at is None:
            return self.now
        if at.tzinfo is None:
            raise InvalidValue("occurred_at", "must carry its time zone or UTC offset")
        try:
            self.day_of(at)
            late = at > self.now + _DRIFT
            early = at < self.now - _HISTORY
        except OverflowError:
            late, early = at.year > 2000, at.year <= 2000
        if late:
            raise InvalidValue("occurred_at", "is in the future", str(at)[:40])
        if early:
            raise InvalidValue("occurred_at", "is more than ten years ago", str(at)[:40])
        return at

    def text(self, field_name: str, value: str, *, limit: int, required: bool = False) -> str:
        """A code, lot, reference or reason as typed: stripped, bounded, no control
        characters; ``required`` ones must not be blank. (Values checked before in this
        posting are not checked again: a file repeats its codes a million times.)"""
        key = (field_name, value, limit, required)
        seen = self.found.checked.get(key)
        if seen is not None:
            return seen
        check_text(field_name, value, limit=limit)
        stripped = value.strip()
        if required and not stripped:
            raise InvalidValue(field_name, "must not be blank")
        if len(self.found.checked) < 100_000:
            self.found.checked[key] = stripped
        return stripped

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
