"""Prices: what a product costs the hospital on a day, from a wholesaler's catalogue (WAC) or a
purchasing contract (GPO or direct), and the best eligible price of an item across its
products.

Prices are per package, as catalogues and contracts state them; items are compared per
dispense unit (a package's price over its size), so a 25-vial tray and a 10-vial carton of the
same drug compare fairly. A contract price is eligible on a day inside its effective dates
when its tier is the tier the hospital holds on that contract (a price with no tier is every
tier's). A catalogue price counts from its effective date until the next one of the same
wholesaler and product.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

UNIT = Decimal("0.0001")


@dataclass(frozen=True, slots=True, kw_only=True)
class Offer:
    """One way to buy a product: ``source`` "contract" (with its number and tier) or "wac"
    (a wholesaler's catalogue price), per package, effective from ``starts`` to ``ends``
    (inclusive; None: open)."""

    product_id: int
    ndc: str
    package_size: int
    price: Decimal
    source: str
    wholesaler: str = ""
    contract: str = ""
    tier: str = ""
    starts: date
    ends: date | None = None

    @property
    def unit_price(self) -> Decimal:
        """Per dispense unit, to a hundredth of a cent."""
        return (self.price / max(self.package_size, 1)).quantize(UNIT)

    def active(self, on: date) -> bool:
        return self.starts <= on and (self.ends is None or on <= self.ends)

    def as_dict(self) -> dict[str, object]:
        return {
            "ndc": self.ndc,
            "source": self.source,
            "contract": self.contract or None,
            "tier": self.tier or None,
            "wholesaler": self.wholesaler or None,
            "package_price": str(self.price),
            "package_size": self.package_size,
            "unit_price": str(self.unit_price),
            "starts": self.starts.isoformat(),
            "ends": self.ends.isoformat() if self.ends else None,
        }


def current_offers(offers: Iterable[Offer], on: date) -> list[Offer]:
    """The offers in force on a day: contract prices inside their dates, and each
    wholesaler's latest catalogue price for a product effective on or before the day."""
    latest: dict[tuple[str, int], Offer] = {}
    out: list[Offer] = []
    for o in offers:
        if not o.active(on):
            continue
        if o.source == "wac":
            key = (o.wholesaler, o.product_id)
            if key not in latest or o.starts > latest[key].starts:
                latest[key] = o
        else:
            out.append(o)
    return out + list(latest.values())


def best_offer(offers: Iterable[Offer], on: date) -> Offer | None:
    """The lowest price per dispense unit among the offers in force on a day (a contract price
    before a catalogue price at the same unit price; then the lower NDC, so the choice is
    stable)."""
    return cheapest(current_offers(offers, on))


def cheapest(live: Iterable[Offer]) -> Offer | None:
    """:func:`best_offer` among offers already known to be in force."""
    return min(
        live, key=lambda o: (o.unit_price, o.source != "contract", o.ndc, o.contract), default=None
    )
