"""Controlled-substance destruction, as recorded on a DEA Form 41 (21 CFR 1304.21(e) and
1317.95(d)): what was destroyed (product, lot, units), where, when, how, by whom, and the two
employees who witnessed it.

The rule (:func:`check_witnesses`): two witnesses, two different people, neither of them the
person destroying it. Who may witness (a user allowed to handle returns) is checked where the
witnesses sign in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rxsupply.errors import InvalidValue


def check_witnesses(destroyer: str, witnesses: list[str]) -> tuple[str, str]:
    """The two witnesses, or why not."""
    named = [w.strip() for w in witnesses if w and w.strip()]
    if len(named) < 2:
        raise InvalidValue(
            "witnesses",
            f"a destruction needs two witnesses on its DEA Form 41 record, {len(named)} named",
        )
    if len(named) > 2:
        raise InvalidValue("witnesses", "a Form 41 record names two witnesses")
    first, second = named
    if first.casefold() == second.casefold():
        raise InvalidValue("witnesses", f"the two witnesses must be two people, not {first} twice")
    if destroyer.casefold() in (first.casefold(), second.casefold()):
        raise InvalidValue(
            "witnesses", f"{destroyer} destroys it and cannot also witness the destruction"
        )
    return first, second


@dataclass(frozen=True, slots=True, kw_only=True)
class Destruction:
    number: str
    ndc: str
    product: str
    schedule: str
    lot: str
    location: str
    quantity: int
    method: str
    destroyed_by: str
    witnesses: tuple[str, str]
    destroyed_at: datetime
    note: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "number": self.number,
            "ndc": self.ndc,
            "product": self.product,
            "schedule": self.schedule,
            "lot": self.lot,
            "location": self.location,
            "quantity": self.quantity,
            "method": self.method,
            "destroyed_by": self.destroyed_by,
            "witnesses": list(self.witnesses),
            "destroyed_at": self.destroyed_at.isoformat(),
            "note": self.note,
        }
