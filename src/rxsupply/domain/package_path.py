"""The path of one serialised package through the hospital, replayed from its lot's ledger.

A serialised package row keeps only where the package is now (:mod:`rxsupply.domain.serial`):
it follows its lot's movements while sealed, by one rule (a transfer or refill that moves at
least its units carries it whole, oldest package first; a dispense, waste or return to vendor
that takes at least its units ends it; a line left with fewer units than its sealed packages
opens them). Replaying the lot's movements in the order they were posted through that same rule
(:meth:`rxsupply.domain.serial.Packages.follow`) gives every move of the package. A posting
that named scanned packages may have taken another package than the oldest; the replay's end
is then compared with the stored row, and a trace says whether they agree. Standard library
only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from rxsupply.domain.movement import Movement, MovementKind
from rxsupply.domain.serial import Packages, SerialPackage
from rxsupply.domain.status import StockStatus
from rxsupply.domain.trace import LedgerEntry, StatusEntry

_OUT_OR_CORRECTION = frozenset({"waste", "return_to_vendor", "adjustment", "count_variance"})


@dataclass(slots=True)
class PackagePath:
    """The movements that moved, ended or opened the package (in order), the package as the
    replay leaves it, and the entry that opened it (None when it was not opened)."""

    entries: list[LedgerEntry] = field(default_factory=list)
    end: SerialPackage | None = None
    opened_by: LedgerEntry | None = None

    def agrees_with(self, stored: SerialPackage) -> bool:
        end = self.end
        return (
            end is not None
            and end.location_id == stored.location_id
            and end.status is stored.status
        )


def replay_path(
    target: SerialPackage,
    packages: Sequence[SerialPackage],
    entries: Sequence[LedgerEntry],
    changes: Sequence[StatusEntry] = (),
) -> PackagePath:
    """Replay ``entries`` (every movement of the target's lot, in posting order) with the
    lot's serialised ``packages`` as stored (each enters at the receipt of its units at the
    time it was received) and their package-level status ``changes``."""
    fresh = sorted(
        (replace(p, status=StockStatus.AVAILABLE, status_reason="") for p in packages),
        key=lambda p: p.id or 0,
    )
    waiting = [p for p in fresh if p.lot_id == target.lot_id]
    by_id = {p.id: p for p in waiting}
    me = by_id.get(target.id)
    path = PackagePath()
    if me is None:
        return path
    placed: list[SerialPackage] = []
    on_hand: dict[tuple[int, int, int], int] = {}
    pending = sorted((c for c in changes if c.package_id is not None), key=lambda c: c.at)
    for entry in sorted(entries, key=lambda e: e.id):
        while pending and pending[0].at <= entry.occurred_at:
            _change(by_id, pending.pop(0))
        before = (me.location_id, me.status, me in waiting)
        _apply(entry, on_hand)
        if entry.kind == "receipt" and entry.destination is not None:
            _receive(placed, waiting, entry)
        elif entry.source is not None:
            # each posting loads the sealed packages of its lines oldest first, as here
            book = Packages.of(placed)
            key = (entry.source.id, entry.product_id, entry.lot_id)
            book.follow(
                _movement(entry), left_at_source=on_hand.get(key, 0), blocked_ok=_blocked_ok(entry)
            )
        if (me.location_id, me.status, me in waiting) != before:
            path.entries.append(entry)
            if me.status is StockStatus.OPENED and path.opened_by is None:
                path.opened_by = entry
    for change in pending:
        _change(by_id, change)
    path.end = None if me in waiting else me
    return path


def _apply(entry: LedgerEntry, on_hand: dict[tuple[int, int, int], int]) -> None:
    if entry.destination is not None:
        key = (entry.destination.id, entry.product_id, entry.lot_id)
        on_hand[key] = on_hand.get(key, 0) + entry.quantity
    if entry.source is not None:
        key = (entry.source.id, entry.product_id, entry.lot_id)
        on_hand[key] = on_hand.get(key, 0) - entry.quantity


def _receive(placed: list[SerialPackage], waiting: list[SerialPackage], entry: LedgerEntry) -> None:
    """The package this receipt recorded: the oldest not yet placed, received at its time,
    of its units."""
    assert entry.destination is not None
    for p in waiting:
        if p.received_at == entry.occurred_at and p.units == entry.quantity:
            waiting.remove(p)
            p.location_id = entry.destination.id
            placed.append(p)
            return


def _change(by_id: dict[int | None, SerialPackage], change: StatusEntry) -> None:
    package = by_id.get(change.package_id)
    if package is not None and package.sealed:
        package.status, package.status_reason = StockStatus(change.status), change.reason


def _movement(entry: LedgerEntry) -> Movement:
    return Movement(
        kind=MovementKind(entry.kind),
        occurred_at=entry.occurred_at,
        product_id=entry.product_id,
        lot_id=entry.lot_id,
        quantity=entry.quantity,
        from_location_id=None if entry.source is None else entry.source.id,
        to_location_id=None if entry.destination is None else entry.destination.id,
    )


def _blocked_ok(entry: LedgerEntry) -> bool:
    """Whether the posting could move whole blocked packages: out of the hospital, a
    correction, into or out of quarantine, or an override a manager approved."""
    quarantine = any(
        p is not None and p.kind == "quarantine" for p in (entry.source, entry.destination)
    )
    return bool(entry.approved_by) or quarantine or entry.kind in _OUT_OR_CORRECTION


def loose_spread(opened: LedgerEntry, entries: Sequence[LedgerEntry]) -> list[LedgerEntry]:
    """After a package is opened, the movements its loose units may be in: from the place it
    was opened, every later movement of the lot (or of a lot derived from it) out of a place
    they may have reached, and on to where that movement took them."""
    reached = {opened.source.id} if opened.source is not None else set()
    out: list[LedgerEntry] = []
    for entry in sorted(entries, key=lambda e: e.id):
        if entry.id <= opened.id:
            continue
        if entry.source is not None and entry.source.id in reached:
            out.append(entry)
            if entry.destination is not None:
                reached.add(entry.destination.id)
        elif (
            entry.kind == "patient_return"
            and entry.destination is not None
            and entry.destination.id in reached
        ):
            out.append(entry)
    return out
