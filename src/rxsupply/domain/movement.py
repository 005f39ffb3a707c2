"""Movements: the append-only ledger every stock change is written to.

A movement moves ``quantity`` dispense units of one product lot out of ``from_location`` and/or
into ``to_location``. Quantities are always positive; the direction says the sign. On-hand at a
(location, product, lot) is the sum of quantities moved in less those moved out, and never
drops below zero. Corrections are new movements, never edits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from rxsupply.errors import InvalidMovement


class MovementKind(StrEnum):
    RECEIPT = "receipt"
    TRANSFER = "transfer"
    REFILL = "refill"
    DISPENSE = "dispense"
    PATIENT_RETURN = "patient_return"
    WASTE = "waste"
    RETURN_TO_VENDOR = "return_to_vendor"
    ADJUSTMENT = "adjustment"
    COUNT_VARIANCE = "count_variance"
    REPACKAGE = "repackage"  # out of a bulk lot, and in of its repackaged (unit-dose) lot
    OPEN = "open"  # out of a sealed lot, and in of its opened lot (expiring at its BUD)


# (needs a source location, needs a destination location); None = exactly one of the two.
_DIRECTIONS: dict[MovementKind, tuple[bool, bool] | None] = {
    MovementKind.RECEIPT: (False, True),
    MovementKind.TRANSFER: (True, True),
    MovementKind.REFILL: (True, True),
    MovementKind.DISPENSE: (True, False),
    MovementKind.PATIENT_RETURN: (False, True),
    MovementKind.WASTE: (True, False),
    MovementKind.RETURN_TO_VENDOR: (True, False),
    MovementKind.ADJUSTMENT: None,
    MovementKind.COUNT_VARIANCE: None,
    MovementKind.REPACKAGE: None,
    MovementKind.OPEN: None,
}
# Movements that are consumption by patients (demand) when analytics read the ledger.
DEMAND_KINDS = frozenset({MovementKind.DISPENSE, MovementKind.PATIENT_RETURN})


@dataclass(slots=True)
class Movement:
    """One ledger entry. ``occurred_at`` is timezone-aware UTC."""

    kind: MovementKind
    occurred_at: datetime
    product_id: int
    lot_id: int
    quantity: int
    from_location_id: int | None = None
    to_location_id: int | None = None
    external_id: str | None = None
    reference: str = ""
    user: str = ""
    note: str = ""
    unit_cost: Decimal | None = None
    approved_by: str = ""  # the second user of a two-person rule or an override
    id: int | None = None

    def __post_init__(self) -> None:
        check_movement(self)


def check_movement(m: Movement) -> None:
    """Raise :class:`InvalidMovement` unless ``m`` obeys the ledger's shape rules."""
    if m.quantity <= 0:
        raise InvalidMovement(
            f"{m.kind.value}: quantity must be a positive whole number of units, got {m.quantity}"
        )
    if m.occurred_at.tzinfo is None:
        raise InvalidMovement(f"{m.kind.value}: occurred_at must be timezone-aware")
    has_from, has_to = m.from_location_id is not None, m.to_location_id is not None
    rule = _DIRECTIONS[m.kind]
    if rule is None:
        if has_from == has_to:
            raise InvalidMovement(
                f"{m.kind.value}: needs exactly one of a source (decrease) or a destination "
                "(increase)"
            )
    elif (has_from, has_to) != rule:
        need = " and ".join(
            n for n, f in (("a source location", rule[0]), ("a destination", rule[1])) if f
        )
        raise InvalidMovement(f"{m.kind.value}: needs {need} only")
    if has_from and m.from_location_id == m.to_location_id:
        raise InvalidMovement(f"{m.kind.value}: source and destination are the same location")
