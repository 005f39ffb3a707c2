"""Item preferences: the product buyers buy for an item (the formulary's choice: the package
that fits the cabinets, the look-alike kept off the shelf), whatever another costs.

The suggested orders (:func:`rxsupply.services.purchasing.suggest_orders`) buy an item's
preferred product while it has a price in force and is not backordered, and say what the
cheapest would have cost; otherwise the cheapest eligible product, as for an item without one.
"""

from __future__ import annotations

from rxsupply.domain.clock import Clock
from rxsupply.errors import InvalidValue
from rxsupply.services.audit import record, require_user
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.references import find_item, find_product


def prefer_product(
    uow: UnitOfWork, *, item: str, product: str | None, user: str, clock: Clock
) -> str | None:
    """Make ``product`` (an NDC or GTIN of one of the item's products) the item's preferred
    product, or clear its preference (None); the NDC now preferred."""
    require_user(user)
    found = find_item(uow, item)
    chosen = find_product(uow, product) if product is not None else None
    if chosen is not None and chosen.id not in found.product_ids:
        raise InvalidValue(
            "product", f"{chosen.ndc} is not a product of item {found.code}", product or ""
        )
    uow.prices.set_preferred(found.id or 0, chosen.id if chosen is not None else None)
    ndc = str(chosen.ndc) if chosen is not None else None
    record(
        uow,
        user=user,
        action="prefer_product",
        entity="item",
        key=found.code,
        now=clock.now(),
        after={"preferred": ndc},
    )
    uow.commit()
    return ndc
