"""Where a recall's units are, and where they went: the reads of the recall screen.

- :func:`recall_units`: every lot-location on hand of the recall's lots, storeroom shelves and
  cabinet pockets alike, with its status and value, including the lots repackaged from the
  recalled lots (a unit-dose lot made from a recalled bulk lot is recalled with it); and the
  lots the recall names that were never received here.
- :func:`dispensed_units`: the units of those lots already dispensed, where (pocket, cabinet,
  nursing unit) and when, the latest first; flagged for follow-up in a class I recall. Patient
  returns are listed as such and counted apart, never taken off the dispenses: the ledger
  books a return to the lot the cabinet dispenses next, which need not be the lot dispensed.
  The cabinets' feed keeps no patient data: each line carries what the ledger holds (the
  cabinet transaction's reference, the user who took it).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from rxsupply.domain.movement import MovementKind
from rxsupply.domain.recall import Recall, lot_key
from rxsupply.errors import NotFound
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.ports.recalls import DispenseLine, RecalledLot, UnitLine


@dataclass(slots=True)
class RecallLots:
    """The lots of a recall: those it names (``named``), those repackaged from them
    (``derived_of``: named lot id -> its repackaged lots, transitively), the source each
    repackaged lot was made from (``source_of``), and the lots named but never received."""

    named: list[RecalledLot] = field(default_factory=list)
    derived_of: dict[int, list[RecalledLot]] = field(default_factory=dict)
    source_of: dict[int, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)

    @property
    def every(self) -> dict[int, RecalledLot]:
        out = {lot.id: lot for lot in self.named}
        for derived in self.derived_of.values():
            out.update({lot.id: lot for lot in derived})
        return out


def get_recall(uow: UnitOfWork, recall_id: int, *, lock: bool = False) -> Recall:
    """One recall with its entries (locked when ``lock``)."""
    found = uow.recalls.get(recall_id, lock=lock) if 0 < recall_id < 2**31 else None
    if found is None:
        raise NotFound("recall", recall_id)
    return found


def recall_lots(uow: UnitOfWork, recall: Recall) -> RecallLots:
    assert recall.id is not None
    products = uow.recalls.product_ids(recall.id)
    out = RecallLots()
    for entry in recall.entries:
        found = uow.recalls.lots_of(products[entry.ndc], entry.lots or None)
        have = {lot_key(lot.lot_number) for lot in found}
        out.missing += [f"{entry.ndc} lot {n}" for n in entry.lots if lot_key(n) not in have]
        out.named += found
    names = {lot.id: f"{lot.ndc} lot {lot.lot_number}" for lot in out.named}
    for lot in out.named:
        derived = uow.lots.repackaged_from(lot.id)
        if not derived:
            continue
        records = {r.id: r for r in uow.recalls.lots(d.id for d in derived)}
        out.derived_of[lot.id] = [records[d.id] for d in derived]
        for d in derived:
            names.setdefault(d.id, f"{d.ndc} lot {d.lot_number}")
            out.source_of[d.id] = names[d.source_id]
    return out


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


@dataclass(slots=True)
class RecallUnits:
    """Every lot-location on hand of a recall's lots (see the module)."""

    recall: Recall
    lots: RecallLots
    lines: list[UnitLine]

    @property
    def units(self) -> int:
        return sum(u.quantity for u in self.lines)

    @property
    def unblocked(self) -> int:
        every = self.lots.every
        return sum(u.quantity for u in self.lines if not every[u.lot_id].status.blocked)

    def rows(self) -> list[dict[str, Any]]:
        every = self.lots.every
        out = []
        for u in self.lines:
            lot = every[u.lot_id]
            out.append(
                {
                    "location": u.location,
                    "location_kind": u.location_kind,
                    "cabinet": u.cabinet,
                    "unit": u.unit,
                    "ndc": lot.ndc,
                    "lot": lot.lot_number,
                    "expiry": lot.expiry.isoformat() if lot.expiry else None,
                    "status": lot.status.value,
                    "quantity": u.quantity,
                    "value": None if u.value is None else _money(u.value),
                    "repackaged_from": self.lots.source_of.get(u.lot_id),
                }
            )
        return out

    def as_dict(self) -> dict[str, Any]:
        every = self.lots.every
        held: dict[int, int] = defaultdict(int)
        for u in self.lines:
            held[u.lot_id] += u.quantity
        value = sum((u.value or Decimal(0) for u in self.lines), Decimal(0))
        return {
            "recall": self.recall.as_dict(),
            "units": self.units,
            "unblocked_units": self.unblocked,
            "value": _money(value),
            "locations": len({u.location for u in self.lines}),
            "lots": [
                {
                    "ndc": lot.ndc,
                    "lot": lot.lot_number,
                    "expiry": lot.expiry.isoformat() if lot.expiry else None,
                    "status": lot.status.value,
                    "units": held.get(lot_id, 0),
                    "repackaged_from": self.lots.source_of.get(lot_id),
                }
                for lot_id, lot in every.items()
            ],
            "not_received": self.lots.missing,
            "lines": self.rows(),
        }


def units_of(uow: UnitOfWork, recall: Recall) -> RecallUnits:
    lots = recall_lots(uow, recall)
    return RecallUnits(recall, lots, uow.recalls.units(lots.every))


def recall_units(uow: UnitOfWork, *, recall_id: int) -> RecallUnits:
    """Every unit of a recall's lots on hand, location by location (see the module)."""
    return units_of(uow, get_recall(uow, recall_id))


@dataclass(slots=True)
class Dispensed:
    """The dispenses of a recall's lots and the patient returns booked to them, the latest
    first (see the module)."""

    recall: Recall
    lots: RecallLots
    lines: list[DispenseLine]

    def rows(self) -> list[dict[str, Any]]:
        every = self.lots.every
        return [
            {
                "occurred_at": d.occurred_at.isoformat(),
                "kind": d.kind,
                "location": d.location,
                "cabinet": d.cabinet,
                "unit": d.unit,
                "ndc": every[d.lot_id].ndc,
                "lot": every[d.lot_id].lot_number,
                "quantity": d.quantity,
                "user": d.user,
                "reference": d.reference or d.external_id or "",
                "note": d.note,
                "repackaged_from": self.lots.source_of.get(d.lot_id),
            }
            for d in self.lines
        ]

    def totals(self) -> dict[str, int]:
        """Units dispensed, and units returned by patients as a figure of their own: the
        ledger books a patient return to the lot the cabinet dispenses next, which need not
        be the lot that was dispensed, so the returns are never taken off the dispenses."""
        out = dict.fromkeys(("dispensed", "returned", "dispenses", "returns"), 0)
        for d in self.lines:
            units, lines = (
                ("dispensed", "dispenses")
                if d.kind == MovementKind.DISPENSE.value
                else ("returned", "returns")
            )
            out[units] += d.quantity
            out[lines] += 1
        return out

    def by_place(self) -> list[dict[str, Any]]:
        """Units dispensed, and returned by patients, by cabinet (or location) and nursing
        unit, the most dispensed first."""
        sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        for d in self.lines:
            sums[(d.cabinet or d.location, d.unit)][d.kind != MovementKind.DISPENSE.value] += (
                d.quantity
            )
        return [
            {"place": place, "unit": unit, "dispensed_units": n[0], "returned_units": n[1]}
            for (place, unit), n in sorted(sums.items(), key=lambda kv: (-kv[1][0], kv[0]))
        ]

    def as_dict(self, *, limit: int | None = None) -> dict[str, Any]:
        """The listing; ``limit``: only the latest lines (``shown`` says how many)."""
        rows = self.rows()
        shown = rows if limit is None else rows[: max(0, limit)]
        return {
            "recall": self.recall.as_dict(),
            "follow_up": self.recall.follow_up,
            "totals": self.totals(),
            "by_place": self.by_place(),
            "line_count": len(rows),
            "shown": len(shown),
            "lines": shown,
        }


def dispensed_units(uow: UnitOfWork, *, recall_id: int) -> Dispensed:
    """The units of a recall's lots dispensed already, where and when (see the module)."""
    recall = get_recall(uow, recall_id)
    lots = recall_lots(uow, recall)
    return Dispensed(recall, lots, uow.recalls.dispensed(lots.every))
