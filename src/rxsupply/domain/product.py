"""Products (one NDC package) and items (the formulary entry a nurse pulls)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from rxsupply.domain.ndc import NDC, validate_gtin14
from rxsupply.errors import InvalidGTIN, InvalidValue


class DEASchedule(StrEnum):
    """DEA controlled-substance schedule as the FDA NDC Directory writes it."""

    CI = "CI"
    CII = "CII"
    CIII = "CIII"
    CIV = "CIV"
    CV = "CV"

    @classmethod
    def parse(cls, text: str | None) -> DEASchedule | None:
        raw = (text or "").strip().upper()
        if not raw:
            return None
        aliases = {
            "C1": "CI",
            "C2": "CII",
            "C3": "CIII",
            "C4": "CIV",
            "C5": "CV",
            "I": "CI",
            "II": "CII",
            "III": "CIII",
            "IV": "CIV",
            "V": "CV",
            "1": "CI",
            "2": "CII",
            "3": "CIII",
            "4": "CIV",
            "5": "CV",
        }
        raw = aliases.get(raw, raw)
        try:
            return cls(raw)
        except ValueError:
            raise InvalidValue(
                "dea_schedule", "expected CI, CII, CIII, CIV or CV (or blank)", text
            ) from None


class Criticality(StrEnum):
    """VEN classification used by policies: vital, essential, non-essential."""

    VITAL = "vital"
    ESSENTIAL = "essential"
    NON_ESSENTIAL = "non-essential"


@dataclass(slots=True)
class Product:
    """One NDC package as bought and received.

    ``package_size`` is how many dispense units (``dispense_unit``: tablet, vial, syringe...)
    one package holds; quantities in the ledger are always dispense units. ``package_cost`` is
    the price of one package; ``unit_cost`` derives from it.
    """

    ndc: NDC
    name: str
    labeler: str = ""
    generic_name: str = ""
    strength: str = ""
    dosage_form: str = ""
    route: str = ""
    package_size: int = 1
    dispense_unit: str = "EA"
    package_description: str = ""
    dea_schedule: DEASchedule | None = None
    package_cost: Decimal | None = None
    id: int | None = None
    marketing_end: date | None = None
    """The last day it is marketed (the NDC Directory's ENDMARKETINGDATE), when known."""

    def __post_init__(self) -> None:
        if self.package_size < 1:
            raise InvalidValue(
                "package_size", "must be a whole number of at least 1", self.package_size
            )
        if self.package_cost is not None and self.package_cost < 0:
            raise InvalidValue("package_cost", "must not be negative", self.package_cost)

    @property
    def gtin(self) -> str:
        return self.ndc.gtin14()

    @property
    def unit_cost(self) -> Decimal | None:
        if self.package_cost is None:
            return None
        return (self.package_cost / self.package_size).quantize(Decimal("0.0001"))


@dataclass(frozen=True, slots=True)
class CasePack:
    """A higher packaging level of a product: its GTIN-14 (indicator 1-8, GS1 General
    Specifications §3.3.2: the indicator tells packaging levels of one trade item apart) and
    how many of the product's packages it holds. Scanning the case receives its contents."""

    gtin: str
    packages: int
    product_id: int | None = None

    def __post_init__(self) -> None:
        validate_gtin14(self.gtin)
        if self.gtin[0] in "09":
            raise InvalidGTIN(
                "case_gtin",
                f"indicator {self.gtin[0]} is not a case: a case GTIN has indicator 1 to 8",
                self.gtin,
            )
        if not 1 < self.packages <= 100_000:
            raise InvalidValue("case_packages", "a case holds 2 to 100,000 packages", self.packages)


@dataclass(slots=True)
class Item:
    """A formulary entry stocked from one or more products (manufacturers, package sizes).

    ``non_expiring`` items (some supplies, devices) may be received without an expiry date;
    every other receipt needs one."""

    code: str
    name: str
    criticality: Criticality = Criticality.ESSENTIAL
    product_ids: list[int] = field(default_factory=list)
    non_expiring: bool = False
    id: int | None = None

    def __post_init__(self) -> None:
        if not self.code.strip():
            raise InvalidValue("item_code", "must not be blank", self.code)
        if not self.name.strip():
            raise InvalidValue("item_name", "must not be blank", self.name)
