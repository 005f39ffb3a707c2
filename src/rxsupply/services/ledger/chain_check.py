"""The ledger's chain verified: every movement, audit entry and external id as the application
wrote it (the tamper-evidence half of ``rxsupply check``).

Each entry's rows are read back by the id ranges it names and digested as the unit of work
digested them when it committed; the links are checked by the DSCSA chain's own
:func:`~rxsupply.domain.record_chain.verify_chain`. A row no entry covers was inserted behind
the application's back; a row an entry names but that is gone was deleted; an entry whose
rows digest differently was edited; a gap in the entries' numbers is an entry removed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from rxsupply.domain.ledger_chain import CHAINED, Cover, uncovered
from rxsupply.domain.record_chain import (
    GENESIS,
    ChainBreak,
    ChainEntry,
    streamed_digest,
    verify_chain,
)
from rxsupply.errors import InvalidValue
from rxsupply.services.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class LedgerBreak:
    """Where the ledger stops being what rxsupply wrote: the chain entry (``seq``; ``None``
    for a row no entry covers), the table and row id when one row is to blame, and what
    happened (``altered``, ``deleted``, ``inserted``, ``removed``, ``relinked``, ``forged``)."""

    seq: int | None
    table: str
    row_id: int | None
    problem: str
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {
            "seq": self.seq,
            "table": self.table,
            "id": self.row_id,
            "problem": self.problem,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class LedgerChainReport:
    entries: int
    head_seq: int | None
    head_hash: str
    breaks: list[LedgerBreak] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks

    def as_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "head_seq": self.head_seq,
            "head_hash": self.head_hash,
            "breaks": [b.as_dict() for b in self.breaks],
        }


def verify_ledger_chain(uow: UnitOfWork) -> LedgerChainReport:
    """Recompute the ledger's chain from the rows it covers; every break, the first first
    (breaks of entries by ``seq``, then rows no entry covers)."""
    entries = list(uow.ledger_chain.entries())
    covers: dict[int, Cover] = {}
    deleted: dict[int, LedgerBreak] = {}
    bad: list[LedgerBreak] = []
    present = dict.fromkeys(CHAINED, 0)  # rows read inside the entries' id runs, by table

    def content_digest(entry: ChainEntry) -> str | None:
        try:
            cover = covers[entry.seq] = Cover.parse(entry.subject)
        except InvalidValue as exc:
            bad.append(LedgerBreak(entry.seq, "ledger_chain", None, "forged", exc.reason))
            return entry.digest
        held = dict.fromkeys(CHAINED, 0)

        def stored(table: str) -> Iterator[list[Any]]:
            n = 0
            for row in uow.ledger_chain.rows(table, cover.rows.get(table, ())):
                n += 1
                yield row
            held[table] = n  # the digest reads every row: this runs before it returns

        content = streamed_digest([(table, stored(table)) for table in CHAINED])
        for table in CHAINED:
            present[table] += held[table]
            if held[table] < cover.count(table) and entry.seq not in deleted:
                gone = _deleted(uow, entry.seq, table, cover)
                if gone is not None:
                    deleted[entry.seq] = gone
        return content

    breaks: list[LedgerBreak] = [
        _named(b, covers, deleted) for b in verify_chain(entries, content_digest)
    ]
    breaks = sorted([*breaks, *bad], key=lambda b: b.seq or 0)
    breaks += _inserted(uow, list(covers.values()), present)
    head = entries[-1] if entries else None
    return LedgerChainReport(
        entries=len(entries),
        head_seq=head.seq if head else None,
        head_hash=head.hash if head else GENESIS,
        breaks=breaks,
    )


def _deleted(uow: UnitOfWork, seq: int, table: str, cover: Cover) -> LedgerBreak | None:
    """An entry's rows of ``table`` of which some are gone: the first gone named."""
    held = {int(row[0]) for row in uow.ledger_chain.rows(table, cover.rows.get(table, ()))}
    gone = [n for n in cover.ids(table) if n not in held]
    if not gone:
        return None
    more = f" (and {len(gone) - 1} more)" if len(gone) > 1 else ""
    return LedgerBreak(seq, table, gone[0], "deleted", f"{table} {gone[0]}{more} was deleted")


def _named(
    found: ChainBreak, covers: dict[int, Cover], deleted: dict[int, LedgerBreak]
) -> LedgerBreak:
    """A chain break in the ledger's words: the row deleted, or the rows one of which was
    edited."""
    if found.problem == "altered" and found.seq in deleted:
        return deleted[found.seq]
    cover = covers.get(found.seq)
    if found.problem == "altered" and cover is not None:
        tables = [t for t in CHAINED if cover.rows.get(t)]
        first = tables[0] if tables else "ledger_chain"
        where = found.subject.replace(":", " ").replace(";", "; ")
        return LedgerBreak(
            found.seq,
            first if len(tables) == 1 else ",".join(tables),
            None,
            "altered",
            f"one of {where} was edited after it was recorded",
        )
    return LedgerBreak(found.seq, "ledger_chain", None, found.problem, found.reason)


def _inserted(uow: UnitOfWork, covers: list[Cover], present: dict[str, int]) -> list[LedgerBreak]:
    """Rows no entry covers, the first of each table named. When the entries' runs do not
    overlap and the rows read inside them are all the table holds, no row is uncovered, and
    the table's ids need not be read (the usual case: a count instead of a scan)."""
    out: list[LedgerBreak] = []
    for table in CHAINED:
        runs = sorted(run for cover in covers for run in cover.rows.get(table, ()))
        apart = all(a[1] < b[0] for a, b in pairwise(runs))
        if apart and uow.ledger_chain.count(table) == present[table]:
            continue
        extra = uncovered(uow.ledger_chain.ids(table), runs)
        if extra:
            more = f" (and {len(extra) - 1} more)" if len(extra) > 1 else ""
            out.append(
                LedgerBreak(
                    None,
                    table,
                    extra[0],
                    "inserted",
                    f"{table} {extra[0]}{more}: no chain entry covers it, written outside rxsupply",
                )
            )
    return out
