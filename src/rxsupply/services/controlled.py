"""Controlled substances: the perpetual inventory of a location and the biennial inventory.

- :func:`perpetual_inventory`: every movement of a scheduled product into or out of a location
  (a cabinet with its pockets), oldest first, with who posted it and who approved or
  witnessed it, and the running balance per product after each.
- :func:`biennial_inventory`: every scheduled product on hand at the close of a day (21 CFR
  1304.11: the inventory every two years lists each controlled substance by name, strength,
  form and package size, the number of units, the date and the registrant), by location and
  schedule, from the ledger itself; Schedule II listed apart (its count is exact, never an
  estimate, 21 CFR 1304.11(e)(3)).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from rxsupply.domain.clock import Clock
from rxsupply.errors import InvalidValue
from rxsupply.services.counts import count_scope
from rxsupply.services.ports import UnitOfWork

SCHEDULE_II = ("CII",)


def perpetual_inventory(uow: UnitOfWork, *, location: str) -> list[dict[str, Any]]:
    """The running balance of each scheduled product at ``location`` (and its pockets)."""
    _, scope = count_scope(uow, location)
    balance: dict[tuple[str, str], int] = {}
    out: list[dict[str, Any]] = []
    for e in uow.controlled.ledger(scope):
        key = (e.location, e.ndc)
        balance[key] = balance.get(key, 0) + e.quantity
        out.append(
            {
                "at": e.at.isoformat(),
                "location": e.location,
                "ndc": e.ndc,
                "product": e.product,
                "schedule": e.schedule,
                "lot": e.lot,
                "kind": e.kind,
                "quantity": e.quantity,
                "balance": balance[key],
                "user": e.user,
                "approved_by": e.approved_by,
                "reference": e.reference,
                "note": e.note,
            }
        )
    return out


def biennial_inventory(
    uow: UnitOfWork, *, clock: Clock, registrant: str, on: date | None = None
) -> dict[str, Any]:
    """Every scheduled product on hand at the close of ``on`` (default today): Schedule II
    apart, then the others, by schedule and location."""
    day = on or clock.today()
    if day > clock.today():
        raise InvalidValue(
            "date", "the inventory is taken of a day that has closed, or today", day.isoformat()
        )
    until = datetime.combine(day + timedelta(days=1), time(), tzinfo=clock.zone)
    rows = [
        {
            "date": day.isoformat(),
            "registrant": registrant,
            "schedule": s.schedule,
            "location": s.location,
            "location_name": s.location_name,
            "ndc": s.ndc,
            "name": s.name,
            "strength": s.strength,
            "form": s.dosage_form,
            "package_size": s.package_size,
            "units": s.units,
        }
        for s in uow.controlled.on_hand(until=until)
    ]
    return {
        "date": day.isoformat(),
        "registrant": registrant,
        "taken_at": "close of business",
        "schedule_ii": [r for r in rows if r["schedule"] in SCHEDULE_II],
        "other_schedules": [r for r in rows if r["schedule"] not in SCHEDULE_II],
    }
