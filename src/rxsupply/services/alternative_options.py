"""What :func:`rxsupply.services.alternatives.find_alternatives` answers: per matched item of a
shortage, the products of the same drug (:class:`ProductOption`), the therapeutic alternatives
(:class:`TherapeuticOption`), the secondary wholesalers' offers (:class:`SecondaryOption`) and
the manufacturers to buy from directly (:class:`DirectOption`). Each ``as_dict`` is what the
CLI's ``--json``, the API and the shortage page show."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from rxsupply.domain.alternatives import TherapeuticAlternative
from rxsupply.domain.pricing import Offer
from rxsupply.services.ports.alternatives import CandidateProduct

DIRECTORY = "ndc_directory"
CATALOGUE = "catalogue"


def _price(offer: Offer | None) -> dict[str, object] | None:
    return None if offer is None else offer.as_dict()


@dataclass(frozen=True, slots=True)
class WholesalerOffer:
    """One wholesaler's catalogue price (WAC) of a product in force today."""

    wholesaler: str
    role: str
    offer: Offer

    def as_dict(self) -> dict[str, object]:
        return {
            "wholesaler": self.wholesaler,
            "role": self.role or None,
            "package_price": str(self.offer.price),
            "unit_price": str(self.offer.unit_price),
        }


@dataclass(frozen=True, slots=True)
class ProductOption:
    """A product of the same drug (ingredients, strength, form) as the short item.

    ``available``: still marketed (no marketing end date before today), not itself on a current
    shortage, and either on hand in the hospital or offered by a wholesaler."""

    product: CandidateProduct
    of_item: bool
    on_shortage: list[int]
    marketed: bool
    on_hand: int
    best: Offer | None
    offered_by: list[WholesalerOffer] = field(default_factory=list)

    @property
    def available(self) -> bool:
        return (
            self.marketed and not self.on_shortage and (self.on_hand > 0 or bool(self.offered_by))
        )

    @property
    def found_in(self) -> str:
        """``catalogue`` (a product we stock or priced) or ``ndc_directory`` (only known from
        the imported FDA NDC Directory)."""
        return DIRECTORY if self.product.source == "fda" and not self.product.items else CATALOGUE

    def as_dict(self) -> dict[str, object]:
        p = self.product
        return {
            "ndc": p.ndc,
            "ndc11": p.ndc11,
            "name": p.name,
            "generic_name": p.generic_name,
            "labeler": p.labeler,
            "strength": p.strength,
            "dosage_form": p.dosage_form,
            "route": p.route,
            "package": p.package_description,
            "package_size": p.package_size,
            "dispense_unit": p.dispense_unit,
            "found_in": self.found_in,
            "of_item": self.of_item,
            "items": list(p.items),
            "on_shortage": self.on_shortage,
            "marketing_end": p.marketing_end.isoformat() if p.marketing_end else None,
            "marketed": self.marketed,
            "on_hand": self.on_hand,
            "best_price": _price(self.best),
            "offered_by": [o.as_dict() for o in self.offered_by],
            "available": self.available,
        }


@dataclass(frozen=True, slots=True)
class SecondaryOption:
    """A secondary wholesaler's catalogue price of one of the item's products, against the
    item's usual price (``reference``: its best contract or primary wholesaler price)."""

    wholesaler: str
    offer: Offer
    on_shortage: bool
    reference: Offer | None

    @property
    def premium(self) -> Decimal | None:
        """What a unit costs above the usual price (negative: below it)."""
        return None if self.reference is None else self.offer.unit_price - self.reference.unit_price

    def as_dict(self) -> dict[str, object]:
        premium = self.premium
        ref = self.reference
        share = None
        if premium is not None and ref is not None and ref.unit_price > 0:
            share = round(float(premium / ref.unit_price), 4)
        return {
            "wholesaler": self.wholesaler,
            "ndc": self.offer.ndc,
            "package_price": str(self.offer.price),
            "unit_price": str(self.offer.unit_price),
            "on_shortage": self.on_shortage,
            "usual_unit_price": None if ref is None else str(ref.unit_price),
            "premium_per_unit": None if premium is None else str(premium),
            "premium_share": share,
        }


@dataclass(frozen=True, slots=True)
class DirectOption:
    """Buying straight from a manufacturer (a labeler of one of the same-drug products):
    through its trading partner when one is recorded, else "direct from LABELER"."""

    labeler: str
    partner: str | None
    ndcs: list[str]
    makes_item: bool
    available: bool

    @property
    def label(self) -> str:
        return f"direct from {self.partner or self.labeler}"

    def as_dict(self) -> dict[str, object]:
        return {
            "label": self.label,
            "labeler": self.labeler,
            "trading_partner": self.partner,
            "ndcs": self.ndcs,
            "makes_item": self.makes_item,
            "available": self.available,
        }


@dataclass(frozen=True, slots=True)
class TherapeuticOption:
    """A row of the therapeutic alternatives table, with the alternative's own usable stock,
    current shortages and best price today."""

    row: TherapeuticAlternative
    on_hand: int
    on_shortage: list[int]
    best: Offer | None

    def as_dict(self) -> dict[str, object]:
        return self.row.as_dict() | {
            "on_hand": self.on_hand,
            "on_shortage": self.on_shortage,
            "best_price": _price(self.best),
        }


@dataclass(frozen=True, slots=True)
class ItemAlternatives:
    """Everything that may stand in for one short item."""

    item: str
    item_name: str
    match: str
    on_hand: int
    usual_price: Offer | None
    same_product: list[ProductOption]
    therapeutic: list[TherapeuticOption]
    secondary: list[SecondaryOption]
    direct: list[DirectOption]

    def as_dict(self) -> dict[str, object]:
        return {
            "item": self.item,
            "item_name": self.item_name,
            "match": self.match,
            "on_hand": self.on_hand,
            "usual_price": _price(self.usual_price),
            "same_product": [o.as_dict() for o in self.same_product],
            "therapeutic": [o.as_dict() for o in self.therapeutic],
            "secondary_wholesalers": [o.as_dict() for o in self.secondary],
            "direct": [o.as_dict() for o in self.direct],
        }


@dataclass(frozen=True, slots=True)
class Alternatives:
    """The alternatives of a shortage's matched items (or one of them) on a day."""

    shortage: int
    shortage_name: str
    status: str
    on: date
    items: list[ItemAlternatives]

    def as_dict(self) -> dict[str, object]:
        return {
            "shortage": self.shortage,
            "shortage_name": self.shortage_name,
            "status": self.status,
            "on": self.on.isoformat(),
            "items": [i.as_dict() for i in self.items],
        }
