"""What the DSCSA record chain needs from storage (:class:`RecordChainRepository`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from rxsupply.domain.record_chain import ChainEntry


class RecordChainRepository(Protocol):
    def last(self, facility_id: int) -> ChainEntry | None:
        """The facility's newest entry (locked until the transaction ends, where the database
        can lock), or ``None`` for an empty chain."""
        ...

    def append(self, entry: ChainEntry) -> None:
        """Add an entry; a second writer taking the same ``seq`` fails on the unique key and
        the unit of work retries."""
        ...

    def entries(self, facility_id: int) -> Iterator[ChainEntry]:
        """The facility's entries, oldest (lowest ``seq``) first."""
        ...

    def of_subject(self, subject: str) -> list[ChainEntry]:
        """The entries recorded for one subject (``document:12``), oldest first."""
        ...

    def facilities(self) -> list[int]:
        """Every facility that has a chain."""
        ...
