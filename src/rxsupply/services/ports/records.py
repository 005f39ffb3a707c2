"""What the DSCSA record chain (:class:`RecordChainRepository`) and the stock ledger's chain
(:class:`LedgerChainRepository`) need from storage."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol

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


class LedgerChainRepository(Protocol):
    """The stock ledger's chain (:mod:`rxsupply.domain.ledger_chain`): its entries are
    appended by the unit of work as each write transaction commits; this is what checking it
    reads."""

    def entries(self, *, after: int = 0) -> Iterator[ChainEntry]:
        """The entries, oldest first (those after ``seq`` ``after``)."""
        ...

    def rows(self, table: str, ids: Sequence[tuple[int, int]]) -> Iterator[list[Any]]:
        """The rows of a chained table whose ids fall in the runs, by id, as lists of values
        (the id first), as the entry's digest was computed from them."""
        ...

    def ids(self, table: str) -> Iterator[int]:
        """Every id of a chained table, ascending."""
        ...

    def count(self, table: str) -> int:
        """How many rows a chained table holds."""
        ...
