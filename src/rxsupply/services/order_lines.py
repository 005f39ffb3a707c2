"""Changing a draft's lines by hand: a line's packages changed, or the line removed (0
packages), before the buyer approves it. Lines keep their numbers (a Schedule II line keeps its
DEA Form 222 number); a line is added with :func:`rxsupply.services.purchasing.add_order_line`.
"""

from __future__ import annotations

import dataclasses

from rxsupply.domain.clock import Clock
from rxsupply.domain.purchasing import OrderStatus, PurchaseOrder
from rxsupply.errors import InvalidValue, NotFound, OrderRefused
from rxsupply.services.audit import record, require_user
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.purchasing import get_order

MAX_PACKAGES = 1_000_000


def change_order_line(
    uow: UnitOfWork, *, order: str, line: int, packages: int, user: str, clock: Clock
) -> PurchaseOrder:
    """Set a draft line's packages; 0 removes the line. Only a draft's lines change."""
    require_user(user)
    if packages < 0 or packages > MAX_PACKAGES:
        raise InvalidValue("packages", "a whole number of packages from 0 (0 removes the line)")
    found = get_order(uow, order, lock=True)
    if found.status is not OrderStatus.DRAFT:
        raise OrderRefused(f"order {found.number} is {found.status.value}: only a draft changes")
    current = next((ln for ln in found.lines if ln.line_number == line), None)
    if current is None:
        raise NotFound("order line", f"{found.number} line {line}")
    lines = [
        dataclasses.replace(ln, packages=packages, why=f"{_unchanged(ln.why)}; changed by {user}")
        if ln.line_number == line
        else ln
        for ln in found.lines
        if ln.line_number != line or packages > 0
    ]
    uow.orders.replace_lines(found.id or 0, lines)
    record(
        uow,
        user=user,
        action="remove_order_line" if packages == 0 else "change_order_line",
        entity="purchase_order",
        key=found.number,
        now=clock.now(),
        before={"line": line, "ndc": current.ndc, "packages": current.packages},
        after={"line": line, "packages": packages},
    )
    uow.commit()
    return get_order(uow, found.number)


CHANGED_BY = "; changed by "


def _unchanged(why: str) -> str:
    """A line's reason without the note of who changed it last (the audit keeps each change):
    changed again, it says who changed it last, once."""
    return why.split(CHANGED_BY, 1)[0]
