"""What the shortage use cases need from outside: a shortage file read into rows
(:class:`ShortageFeed`, filled by :mod:`rxsupply.adapters.fda_shortages`) and the storage of
shortages (:class:`ShortageRepository`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from rxsupply.domain.shortage import (
    Match,
    Presentation,
    Shortage,
    ShortageEvent,
    ShortageSource,
    ShortageStatus,
)
from rxsupply.domain.shortage_matching import FormularyItem
from rxsupply.services.ports.tables import Table

FEED_COLUMNS = (
    "generic_name",
    "company_name",
    "presentation",
    "update_type",
    "update_date",
    "availability",
    "related_info",
    "resolved_note",
    "reason_for_shortage",
    "therapeutic_category",
    "status",
    "change_date",
    "date_discontinued",
    "initial_posting_date",
)
"""The columns of :attr:`ShortageFeed.table`, whichever format the file was in (the yearly
files have no initial posting date: that column is blank)."""


@dataclass(frozen=True, slots=True)
class ShortageFeed:
    """A shortage file's records as text in :data:`FEED_COLUMNS`: ``format`` is ``yearly``
    (the FDA's yearly record files) or ``export`` (the database's own download);
    ``rows[i]`` is the file's data row number of record ``i`` (from 1) and ``lines[i]`` the
    line it begins on; ``digest`` is the SHA-256 of the file's bytes; ``shifted`` the rows
    read back into their columns (a record the FDA wrote one column to the right)."""

    table: Table
    format: str
    digest: str
    rows: Sequence[int]
    lines: Sequence[int]
    shifted: Sequence[int] = ()


class ShortageRepository(Protocol):
    def find(self, source: ShortageSource, keys: Iterable[str]) -> dict[str, Shortage]:
        """The shortages of these keys with their presentations (and NDCs), locked."""
        ...

    def get(self, shortage_id: int) -> Shortage | None:
        """One shortage with its presentations, matches and events."""
        ...

    def listed(self, *, status: ShortageStatus | None, limit: int) -> list[Shortage]: ...
    def add(self, shortage: Shortage, *, now: datetime, user: str) -> int: ...
    def update(self, shortage: Shortage, *, now: datetime, user: str) -> None: ...
    def add_presentations(
        self, shortage_id: int, presentations: Sequence[Presentation], *, import_id: int | None
    ) -> None: ...
    def update_presentations(
        self, shortage_id: int, presentations: Sequence[Presentation], *, import_id: int | None
    ) -> None: ...
    def add_events(self, events: Sequence[ShortageEvent]) -> None: ...
    def add_import(
        self, *, file: str, format: str, digest: str, records: int, now: datetime, user: str
    ) -> int: ...
    def finish_import(self, import_id: int, summary: str) -> None: ...
    def matches(self, shortage_ids: Iterable[int]) -> dict[int, dict[int, Match]]: ...
    def save_matches(
        self, changes: Mapping[int, Mapping[int, Match | None]], *, now: datetime
    ) -> int:
        """Write match changes per shortage: item id -> its match, or None to remove it."""
        ...

    def formulary(self) -> list[FormularyItem]:
        """Every item with the products that stock it."""
        ...
