"""What the count and controlled-substance use cases need from storage:
:class:`CountRepository` (counts and their lines, the stock they count, the count plan's rows)
and :class:`ControlledRepository` (the ledger of scheduled products)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from rxsupply.domain.counting import Count, CountLine, CountStatus

LineKey = tuple[int, int, str]
"""(location id, product id, lot number) of a stock line."""


@dataclass(frozen=True, slots=True)
class PlanRow:
    """One item-location the count plan schedules: its class from the latest planning run
    (``abc`` "" when the run has none), its usage value over the last year, whether any of its
    products is scheduled, and the day it was last counted."""

    location_id: int
    location: str
    item_id: int
    item: str
    item_name: str
    abc: str
    usage_value: Decimal
    controlled: bool
    last_counted: date | None


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """A movement of a scheduled product as the perpetual inventory lists it (``quantity``
    signed: into the location positive)."""

    at: datetime
    location: str
    ndc: str
    product: str
    schedule: str
    lot: str
    kind: str
    quantity: int
    user: str
    approved_by: str
    reference: str
    note: str
    id: int = 0


@dataclass(frozen=True, slots=True)
class ScheduledStock:
    """Units of a scheduled product on hand at a location (lots summed)."""

    location: str
    location_name: str
    ndc: str
    name: str
    strength: str
    dosage_form: str
    package_size: int
    units: int
    schedule: str


class CountRepository(Protocol):
    def stock_lines(
        self, location_ids: Sequence[int], item_ids: Iterable[int] | None
    ) -> list[CountLine]: ...
    def on_hand(self, keys: Iterable[LineKey]) -> dict[LineKey, int]: ...
    def pending(
        self, keys: Iterable[LineKey], *, lock: bool = False
    ) -> dict[LineKey, tuple[str, str]]: ...
    def add(self, count: Count, location_id: int) -> int: ...
    def add_line(self, count_id: int, line: CountLine) -> int: ...
    def get(self, count_id: int, *, lock: bool = False) -> Count | None: ...
    def find(self, number: str) -> int | None: ...
    def listed(self, *, status: CountStatus | None, limit: int) -> list[Count]: ...
    def set_counted(self, count_id: int, counted: Mapping[int, int]) -> None: ...
    def set_on_hand_at_submit(self, count_id: int, on_hand: Mapping[int, int]) -> None: ...
    def set_reasons(self, count_id: int, reasons: Mapping[int, str]) -> None: ...
    def set_status(
        self,
        count_id: int,
        *,
        allowed: Iterable[CountStatus],
        status: CountStatus,
        **fields: object,
    ) -> bool: ...
    def plan_rows(self, *, usage_since: datetime) -> list[PlanRow]: ...


class ControlledRepository(Protocol):
    def ledger(self, location_ids: Sequence[int]) -> list[LedgerEntry]: ...
    def on_hand(self, *, until: datetime) -> list[ScheduledStock]: ...
