"""A shortage's allocation limits at dispensing (set by
:func:`rxsupply.services.conservation.limit_allocation`).

A limit of an item at a location applies to dispenses of the item (by its code, or by one of
its products) at that location or directly below it (a cabinet's pockets). A dispense entered
by a user (the CLI, the API, a web form) beyond ``per_dispense`` units, or beyond ``per_day``
units with what was dispensed there since the start of the facility's day, is refused, naming
the item, the place, the limit and the units. A cabinet's own report (``reported``) is the
cabinet's truth and is never refused: it is posted, and the audit trail records a warning
(``over_allocation_limit``) for the pharmacist.

The limits in force are read once per posting; the units of the day are read when a per-day
limit applies (not under the stock lock: two users at the same moment may each get the last
units of the day).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time

from rxsupply.domain.conservation import check_dispense
from rxsupply.domain.location import Location
from rxsupply.errors import AllocationLimitExceeded
from rxsupply.services.audit import entry
from rxsupply.services.ledger.steps import Context


def check_allocation(
    ctx: Context,
    *,
    location: Location,
    item_id: int | None,
    product_ids: Sequence[int],
    what: str,
    quantity: int,
    occurred_at: datetime,
    reported: bool,
    user: str,
) -> None:
    """Refuse (or, for a cabinet's report, flag) a dispense over a limit in force."""
    limits, items_of = ctx.found.allocation_limits()
    if not limits:
        return
    items = (
        {item_id} if item_id is not None else {i for p in product_ids for i in items_of.get(p, ())}
    )
    scope = {location.id, location.parent_id}
    for action in (a for i in items for a in limits.get(i, ())):
        if action.location_id not in scope:
            continue
        today = 0
        if action.detail.get("per_day") is not None:
            start = datetime.combine(ctx.day_of(occurred_at), time(), ctx.clock.zone)
            below = ctx.found.uow.locations.children(action.location)
            ids = [action.location_id or 0, *(c.id or 0 for c in below)]
            today = ctx.found.uow.conservation.dispensed(product_ids, ids, since=start)
        over = check_dispense(
            action.detail,
            item=action.item or what,
            place=action.location,
            quantity=quantity,
            today_units=today,
        ).over
        if not over:
            continue
        if not reported:
            raise AllocationLimitExceeded(
                f"{over} (shortage {action.shortage_id}; a cabinet's own report is recorded "
                "with a warning instead)"
            )
        ctx.found.uow.audit.add(
            entry(
                user=user,
                action="over_allocation_limit",
                entity="shortage",
                key=str(action.shortage_id),
                now=ctx.now,
                after={"warning": over, "location": location.code, "quantity": quantity},
            )
        )
