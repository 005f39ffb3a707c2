"""The demo hospital's catalogue as the demo build reads it: items and their products
(``rxsupply.adapters.demo_catalogue`` reads them from the package's data files)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class DemoProduct:
    """One NDC package of a demo item; ``package_size`` is in the item's dispense units."""

    ndc: str
    name: str
    labeler: str
    package_size: int
    package_description: str
    package_cost: Decimal


@dataclass(frozen=True, slots=True)
class DemoItem:
    """One formulary item of the demo hospital and the products it is stocked from.

    ``demand`` is a hint for the generator: ``high``, ``medium``, ``slow``, ``very-slow`` or
    ``costly`` (a drug of $100 or more a unit in steady use, whose rate the generator does not
    scale down by its price).
    ``trend`` is ``""``, ``"up"`` or ``"down"``; ``areas`` is ``("ALL",)`` or a subset of ED,
    ICU, OR, L&D and MEDSURG.
    """

    code: str
    name: str
    generic_name: str
    strength: str
    dosage_form: str
    route: str
    dispense_unit: str
    dea_schedule: str | None
    therapeutic_class: str
    unit_cost: Decimal
    demand: str
    seasonal: bool
    trend: str
    criticality: str
    areas: tuple[str, ...]
    products: tuple[DemoProduct, ...]
