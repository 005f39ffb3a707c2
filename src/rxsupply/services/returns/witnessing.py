"""Controlled-substance wastes reported by the cabinets need a witness.

The cabinet is the truth for what left it, so a reported waste is never refused (refusing it
would leave the units on record in a pocket they have left). Instead, a waste of a controlled
product whose transaction names no witness, or names the user who wasted it, is posted and
recorded as an ``unwitnessed_waste`` discrepancy to resolve (:func:`unwitnessed_waste`), which
the discrepancy list shows with the other cabinet discrepancies.
"""

from __future__ import annotations

from rxsupply.domain.cabinet import CabinetTransaction, TransactionKind
from rxsupply.domain.discrepancy import UNWITNESSED_WASTE, Discrepancy
from rxsupply.services.ledger import Posted
from rxsupply.services.ports import UnitOfWork


def witnessed(t: CabinetTransaction) -> bool:
    """A witness is named, and it is not the user who wasted."""
    who = t.witness.strip()
    return bool(who) and who.casefold() != t.user.strip().casefold()


def unwitnessed_waste(uow: UnitOfWork, t: CabinetTransaction, posted: Posted) -> Discrepancy | None:
    """The discrepancy of a controlled waste posted without a witness, else None."""
    if t.kind is not TransactionKind.WASTE or witnessed(t) or posted.duplicate:
        return None
    if not posted.movements:
        return None
    first = posted.movements[0]
    schedules = uow.returns.schedules({m.product_id for m in posted.movements})
    if not schedules:
        return None
    return Discrepancy(
        location_id=first.from_location_id or 0,
        kind=UNWITNESSED_WASTE,
        reported=t.quantity,
        posted=0,
        blocked=0,
        occurred_at=first.occurred_at,
        reported_by=t.user,
        product_id=first.product_id,
        what=t.code,
        location=t.location,
    )
