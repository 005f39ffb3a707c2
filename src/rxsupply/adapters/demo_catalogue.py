"""The drug catalogue of the demo hospital: a 300-bed US acute care hospital.

About 1,500 formulary items (what a nurse pulls: "ondansetron 4 mg/2 mL inj vial") stocked from
about 2,500 products (NDC packages). Generic names, strengths, dosage forms, routes, DEA
schedules and package sizes are the real ones US hospitals stock; unit costs are realistic
acquisition prices in USD per dispense unit, rounded. The demo generator turns the demand hint
of each item into a daily usage pattern per area.

Everything that identifies a company is fictional: the labelers are "Demo ..." names and their
NDC labeler codes (:data:`DEMO_LABELER_CODES`) occur nowhere in the FDA NDC Directory, so no demo
NDC, in its hyphenated, 10-digit or 11-digit form, can equal a real one and a real directory
imports beside the demo without a collision (``tests/unit/adapters/test_demo_catalogue.py``
checks the codes against the FDA files of 2019-04-29). Labelers, NDCs, package descriptions and
per-manufacturer prices were derived deterministically when the catalogue was written (a
SHA-256 of the item name, never a random state) and are stored as they came out, so every run
builds the same catalogue.

The data are two CSV files (UTF-8, header row, one record a row) in ``demo_data/`` beside this
module, shipped as package data and read once on first use. ``items.csv`` has one row per
item, in catalogue order, with the fields of :class:`~rxsupply.services.ports.DemoItem`:

- ``code``: ``ITM-00001``, ``ITM-00002``... in row order.
- ``name``, ``generic_name``, ``strength``: as a nurse reads them (``morphine``, ``2 mg/mL``).
- ``dosage_form``, ``route``: FDA NDC Directory terms; several routes are joined by ``; ``.
- ``dispense_unit``: what one unit of stock is (``VIAL``, ``TABLET``, ``ML``...).
- ``dea_schedule``: ``CII`` to ``CV``, empty if the drug is not controlled.
- ``therapeutic_class``: the class's name (``Analgesics, opioid``).
- ``unit_cost``: USD per dispense unit, a decimal number.
- ``demand``: ``high``, ``medium``, ``slow``, ``very-slow`` or ``costly`` (a drug of $100 or
  more a unit in steady use: its rate is not scaled down by its price).
- ``seasonal``: ``yes`` or ``no``.
- ``trend``: empty, ``up`` or ``down``.
- ``criticality``: ``vital``, ``essential`` or ``non-essential``.
- ``areas``: ``ALL`` or some of ``ED``, ``ICU``, ``OR``, ``L&D``, ``MEDSURG``, space-separated.

``products.csv`` has one row per product, with the fields of
:class:`~rxsupply.services.ports.DemoProduct`; the products of an item follow each other in the
item's order:

- ``item_code``: the ``code`` of the item in ``items.csv`` that the product stocks.
- ``ndc``: the hyphenated NDC package code, of a demo labeler.
- ``name``, ``labeler``: the product's name and its (fictional) labeler.
- ``package_size``: dispense units in one package, a whole number.
- ``package_description``: FDA style, outer package > inner package > content.
- ``package_cost``: USD per package, a decimal number with cents.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from functools import cache
from importlib.resources import files

from rxsupply.services.ports import DemoItem, DemoProduct

# --- fictional labelers --------------------------------------------------------------------
# Demo Northfield Pharma 9307, Demo Bayside Generics 94127, Demo Cedar Ridge Laboratories
# 94582, Demo Harborview Injectables 9321, Demo Silverline Sterile 95013, Demo Lakemont
# Pharmaceuticals 95246, Demo Kestrel Biologics 95731, Demo Pinecrest Unit Dose 9356, Demo
# Tamarack Specialty 96104 and Demo Willowbrook Infusion 94350. Codes were chosen from ranges
# the FDA NDC Directory does not use: 4-digit codes 93xx and 5-digit codes 94xxx-96xxx (no real
# labeler code of 2019 starts with 93, 94, 95 or 96), so not even the 10 digits of a demo NDC
# can equal a real NDC's digits.
DEMO_LABELER_CODES: tuple[str, ...] = (
    "9307",
    "94127",
    "94582",
    "9321",
    "95013",
    "95246",
    "95731",
    "9356",
    "96104",
    "94350",
)
"""Labeler codes of the demo NDCs; none occurs in the FDA NDC Directory."""

_DATA_PACKAGE = "rxsupply.adapters"
_DATA_DIR = "demo_data"
_ITEMS_FILE = "items.csv"
_PRODUCTS_FILE = "products.csv"

_SEASONAL = {"yes": True, "no": False}


@cache
def _read_rows(file_name: str) -> tuple[dict[str, str], ...]:
    """The rows of one data file of the package, read once."""
    text = (files(_DATA_PACKAGE) / _DATA_DIR / file_name).read_text(encoding="utf-8")
    rows = tuple(csv.DictReader(io.StringIO(text, newline=""), strict=True))
    for number, row in enumerate(rows, start=2):
        if None in row or None in row.values():
            raise ValueError(f"{file_name} line {number}: wrong number of fields")
    return rows


@cache
def demo_items() -> tuple[DemoItem, ...]:
    """Every item of the demo formulary with its products, in a fixed order (cached)."""
    products: dict[str, list[DemoProduct]] = {}
    for row in _read_rows(_PRODUCTS_FILE):
        products.setdefault(row["item_code"], []).append(
            DemoProduct(
                ndc=row["ndc"],
                name=row["name"],
                labeler=row["labeler"],
                package_size=int(row["package_size"]),
                package_description=row["package_description"],
                package_cost=Decimal(row["package_cost"]),
            )
        )
    items = tuple(
        DemoItem(
            code=row["code"],
            name=row["name"],
            generic_name=row["generic_name"],
            strength=row["strength"],
            dosage_form=row["dosage_form"],
            route=row["route"],
            dispense_unit=row["dispense_unit"],
            dea_schedule=row["dea_schedule"] or None,
            therapeutic_class=row["therapeutic_class"],
            unit_cost=Decimal(row["unit_cost"]),
            demand=row["demand"],
            seasonal=_SEASONAL[row["seasonal"]],
            trend=row["trend"],
            criticality=row["criticality"],
            areas=tuple(row["areas"].split()),
            products=tuple(products.pop(row["code"], ())),
        )
        for row in _read_rows(_ITEMS_FILE)
    )
    if products:
        raise ValueError(f"{_PRODUCTS_FILE} has products of unknown items: {sorted(products)}")
    return items
