"""A shipment as a seller's EPCIS document describes it (GS1 US DSCSA Implementation Guideline
R1.3, section 2.2 "direct purchase"): the seller and the buyer with their addresses, the trade
items with their DSCSA product master data, the saleable packages (GTIN, serial, lot, expiry)
packed in cases identified by SSCC, the purchase order it ships, when it left.

:mod:`rxsupply.adapters.epcis.writer` writes it as an EPCIS 1.2 document. Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from rxsupply.domain.ndc import gs1_check_digit
from rxsupply.errors import InvalidValue


@dataclass(frozen=True, slots=True)
class Party:
    """A trading partner or one of its places: ``id`` is its SGLN EPC URI
    (``urn:epc:id:sgln:0312345.00001.0``)."""

    id: str
    name: str
    street: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = "US"


@dataclass(frozen=True, slots=True)
class TradeItem:
    """A product's master data (the guideline's EPCClass attributes): GTIN-14, the NDC as FDA
    lists it, name, strength, dosage form, container size, manufacturer; ``prefix_length``
    digits of the GTIN (after the indicator) are the company prefix in EPC URIs."""

    gtin: str
    ndc: str
    name: str
    strength: str = ""
    dosage_form: str = ""
    container_size: str = ""
    manufacturer: str = ""
    prefix_length: int = 7


@dataclass(frozen=True, slots=True)
class ShippedUnit:
    """A saleable package as the document describes it."""

    gtin: str
    serial: str
    lot: str
    expiry: date

    @property
    def identifier(self) -> str:
        return f"01{self.gtin}21{self.serial}"


@dataclass(frozen=True, slots=True)
class Case:
    """A case (logistic unit) identified by its SSCC (18 digits), holding units."""

    sscc: str
    units: tuple[ShippedUnit, ...]

    @property
    def identifier(self) -> str:
        return f"00{self.sscc}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Shipment:
    """What one EPCIS document ships: from ``seller`` (its ``ship_from`` place) to ``buyer``
    (its ``ship_to`` place), against ``order_number``, leaving at ``shipped_at``."""

    seller: Party
    buyer: Party
    ship_from: Party
    ship_to: Party
    items: tuple[TradeItem, ...]
    cases: tuple[Case, ...]
    shipped_at: datetime
    order_number: str
    document_number: str
    affirmed: bool = True

    @property
    def units(self) -> list[ShippedUnit]:
        return [unit for case in self.cases for unit in case.units]


def sscc(company_prefix: str, reference: int, *, extension: str = "0") -> str:
    """An SSCC (GS1 General Specifications §2.2.1): extension digit + company prefix + serial
    reference, 17 digits, then the check digit.

    Raises:
        InvalidValue: a prefix that is not 6 to 12 digits, or a reference too long for it.
    """
    if not (company_prefix.isdigit() and 6 <= len(company_prefix) <= 12):
        raise InvalidValue("company prefix", "6 to 12 digits", company_prefix)
    width = 16 - len(company_prefix)
    if not 0 <= reference < 10**width:
        raise InvalidValue("serial reference", f"at most {width} digits", reference)
    body = f"{extension}{company_prefix}{reference:0{width}d}"
    return body + gs1_check_digit(body)
