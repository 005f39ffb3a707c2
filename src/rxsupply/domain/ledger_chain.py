"""The stock ledger's chain: one entry per write transaction, naming the rows it wrote.

The ledger's append-only tables (``movement``, ``audit``, ``external_ref``) are chained with
the DSCSA records' code (:mod:`rxsupply.domain.record_chain`: canonical JSON, SHA-256,
:func:`~rxsupply.domain.record_chain.link`, :func:`~rxsupply.domain.record_chain.verify_chain`)
in one chain of their own (:data:`LEDGER_CHAIN`, where a DSCSA chain has its facility). An
entry's ``subject`` names the rows the transaction wrote as id ranges per table
(``movement:1-500,503;audit:9;external_ref:41-540``, :class:`Cover`), and its digest covers
their content, so a bulk import of 300,000 dispenses is one entry, not 300,000.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from rxsupply.errors import InvalidValue

LEDGER_CHAIN = 0
"""The ``facility_id`` of the ledger's chain entries: one chain for the whole ledger."""
CHAINED = ("movement", "audit", "external_ref")
"""The tables the ledger's chain covers, in the order an entry's content lists them."""

Ranges = tuple[tuple[int, int], ...]


def ranges(ids: Iterable[int]) -> Ranges:
    """Sorted ids as inclusive ``(first, last)`` runs: ``[1, 2, 3, 7]`` -> ``((1, 3), (7, 7))``."""
    out: list[tuple[int, int]] = []
    for n in sorted(set(ids)):
        if out and out[-1][1] == n - 1:
            out[-1] = (out[-1][0], n)
        else:
            out.append((n, n))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Cover:
    """Which rows of each chained table one entry covers, as id ranges."""

    rows: Mapping[str, Ranges]

    @property
    def empty(self) -> bool:
        return not any(self.rows.values())

    def ids(self, table: str) -> Iterator[int]:
        for first, last in self.rows.get(table, ()):
            yield from range(first, last + 1)

    def count(self, table: str) -> int:
        return sum(last - first + 1 for first, last in self.rows.get(table, ()))

    def subject(self) -> str:
        """``movement:1-3,7;audit:4`` (tables in :data:`CHAINED` order, empty ones left out)."""
        parts = []
        for table in CHAINED:
            runs = self.rows.get(table, ())
            if runs:
                text = ",".join(f"{a}" if a == b else f"{a}-{b}" for a, b in runs)
                parts.append(f"{table}:{text}")
        return ";".join(parts)

    @classmethod
    def parse(cls, subject: str) -> Cover:
        """The cover a :meth:`subject` names; :class:`InvalidValue` for anything else (runs
        are ascending and apart, as :func:`ranges` writes them)."""
        rows: dict[str, Ranges] = {}
        for part in filter(None, subject.split(";")):
            table, _, text = part.partition(":")
            if table not in CHAINED or table in rows:
                raise InvalidValue("subject", f"unknown or repeated table {table!r}", subject)
            runs: list[tuple[int, int]] = []
            for run in text.split(","):
                first, _, last = run.partition("-")
                if not first.isdigit() or not (last or first).isdigit():
                    raise InvalidValue("subject", f"not an id range: {run!r}", subject)
                run_ = (int(first), int(last or first))
                if run_[1] < run_[0] or (runs and run_[0] <= runs[-1][1]):
                    raise InvalidValue(
                        "subject", f"id ranges out of order or overlapping at {run!r}", subject
                    )
                runs.append(run_)
            rows[table] = tuple(runs)
        return cls(rows)


def uncovered(ids: Iterable[int], runs: Sequence[tuple[int, int]]) -> list[int]:
    """The ids (ascending) that none of the runs (sorted by first id, not overlapping)
    covers."""
    out: list[int] = []
    k = 0
    for n in ids:
        while k < len(runs) and runs[k][1] < n:
            k += 1
        if k == len(runs) or n < runs[k][0]:
            out.append(n)
    return out
