"""Reading the two FDA files into an :class:`NdcDirectory`: :func:`read_ndc_directory` reads
the product rows, then the package rows joined to them under the skip rules, collecting
malformed values as row errors; :func:`format_strength` prints a product's strength as a label
would."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from rxsupply.adapters.fda_ndc.directory import (
    BAD_NDC,
    DIGITS_COLLISION,
    DUPLICATE_NDC,
    ORPHAN_PACKAGE,
    PACKAGE_COLUMNS,
    PRODUCT_COLUMNS,
    SKIP_RULES,
    UNREADABLE_PACKAGE_SIZE,
    DirectoryCounts,
    DirectoryPackage,
    NdcDirectory,
)
from rxsupply.adapters.fda_ndc.files import _MAX_ERRORS, _read_table
from rxsupply.domain.ndc import NDC
from rxsupply.domain.package import parse_package_description
from rxsupply.domain.product import DEASchedule
from rxsupply.errors import ImportRejected, InvalidNDC, InvalidValue, RowError

_MAX_EXAMPLES = 5
_YYYYMMDD = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


@dataclass(frozen=True, slots=True)
class _Product:
    product_id: str
    product_ndc: str
    product_type: str
    proprietary_name: str
    generic_name: str
    dosage_form: str
    route: str
    marketing_end: date | None
    labeler: str
    strength: str
    dea_schedule: DEASchedule | None
    ndc_exclude_flag: str


class _Errors:
    """Row errors found while reading, capped; raised together at the end."""

    def __init__(self) -> None:
        self.errors: list[RowError] = []
        self.total = 0

    def add(self, error: RowError) -> None:
        self.total += 1
        if len(self.errors) < _MAX_ERRORS:
            self.errors.append(error)

    def raise_if_any(self) -> None:
        if self.total:
            raise ImportRejected(self.errors, self.total)


def read_ndc_directory(product_path: Path, package_path: Path) -> NdcDirectory:
    """Read FDA's ``product.txt`` and ``package.txt`` (or ``.gz`` copies) into packages.

    Raises :class:`~rxsupply.errors.ImportRejected` when a header lacks a needed column, a file
    is not tab-separated, or a value is malformed; nothing is returned in that case.
    """
    product_table = _read_table(product_path, PRODUCT_COLUMNS)
    package_table = _read_table(package_path, PACKAGE_COLUMNS)
    errors = _Errors()
    products = _read_products(product_table, product_path.name, errors)
    packages, skipped, examples, used = _read_packages(
        package_table, products, package_path.name, errors
    )
    errors.raise_if_any()
    counts = DirectoryCounts(
        products_read=product_table.height,
        packages_read=package_table.height,
        packages_imported=len(packages),
        products_without_package=sum(1 for pid in products if pid not in used),
    )
    return NdcDirectory(packages=packages, skipped=skipped, counts=counts, skip_examples=examples)


def format_strength(numerators: str, units: str) -> str:
    """Join ACTIVE_NUMERATOR_STRENGTH and ACTIVE_INGRED_UNIT as a label would print them.

    Multi-ingredient values are ``;``-separated in both columns and stay paired, joined with
    ``"; "``; a per-unit denominator ``/1`` is dropped and a leading decimal point gets its zero:

    >>> format_strength("10", "mg/2mL")
    '10 mg/2mL'
    >>> format_strength("5; .325", "mg/1; g/1")
    '5 mg; 0.325 g'
    """
    nums = [n.strip() for n in numerators.split(";")] if numerators.strip() else []
    unit_list = [u.strip() for u in units.split(";")] if units.strip() else []
    if len(nums) != len(unit_list):
        return " ".join(part for part in (numerators.strip(), units.strip()) if part)
    parts = []
    for num, unit in zip(nums, unit_list, strict=True):
        if num.startswith("."):
            num = "0" + num
        if unit.endswith("/1"):
            unit = unit[:-2]
        parts.append(f"{num} {unit}".strip())
    return "; ".join(parts)


def _rows(table: pl.DataFrame) -> Iterator[tuple[int, tuple[str, ...]]]:
    return enumerate(table.iter_rows(), start=1)


def _read_products(table: pl.DataFrame, name: str, errors: _Errors) -> dict[str, _Product]:
    products: dict[str, _Product] = {}
    for row, values in _rows(table):
        (
            product_id,
            product_ndc,
            product_type,
            proprietary,
            suffix,
            generic,
            dosage_form,
            route,
            end_text,
            labeler,
            numerators,
            units,
            dea_text,
            exclude_flag,
        ) = values
        if product_id in products:
            continue  # FDA product ids are unique; a repeat adds nothing the first lacks
        try:
            dea_schedule = DEASchedule.parse(dea_text)
        except InvalidValue as exc:
            errors.add(RowError(name, row, "DEASCHEDULE", exc.reason))
            dea_schedule = None
        products[product_id] = _Product(
            product_id=product_id,
            product_ndc=product_ndc,
            product_type=product_type,
            proprietary_name=f"{proprietary} {suffix}" if suffix else proprietary,
            generic_name=generic,
            dosage_form=dosage_form,
            route=route,
            marketing_end=_date(end_text, name, row, "ENDMARKETINGDATE", errors),
            labeler=labeler,
            strength=format_strength(numerators, units),
            dea_schedule=dea_schedule,
            ndc_exclude_flag=exclude_flag,
        )
    return products


def _read_packages(
    table: pl.DataFrame, products: dict[str, _Product], name: str, errors: _Errors
) -> tuple[list[DirectoryPackage], dict[str, int], dict[str, list[str]], set[str]]:
    packages: list[DirectoryPackage] = []
    skipped = dict.fromkeys(SKIP_RULES, 0)
    examples: dict[str, list[str]] = {rule: [] for rule in SKIP_RULES}
    seen_ndcs: set[str] = set()
    seen_digits: set[str] = set()
    used_products: set[str] = set()

    def skip(rule: str, row: int, ndc_text: str) -> None:
        skipped[rule] += 1
        if len(examples[rule]) < _MAX_EXAMPLES:
            examples[rule].append(f"row {row}: {ndc_text}")

    for row, values in _rows(table):
        product_id, ndc_text, description, end_text, exclude_flag, sample_text = values
        product = products.get(product_id)
        if product is None:
            skip(ORPHAN_PACKAGE, row, ndc_text)
            continue
        used_products.add(product_id)
        ndc = _ndc(ndc_text)
        if ndc is None:
            skip(BAD_NDC, row, ndc_text)
            continue
        try:
            size = parse_package_description(description)
        except InvalidValue:
            skip(UNREADABLE_PACKAGE_SIZE, row, ndc_text)
            continue
        key = str(ndc)
        if key in seen_ndcs:
            skip(DUPLICATE_NDC, row, ndc_text)
            continue
        if ndc.digits in seen_digits:
            skip(DIGITS_COLLISION, row, ndc_text)
            continue
        seen_ndcs.add(key)
        seen_digits.add(ndc.digits)
        if sample_text not in ("Y", "N", ""):
            errors.add(RowError(name, row, "SAMPLE_PACKAGE", "expected Y or N"))
        package_end = _date(end_text, name, row, "ENDMARKETINGDATE", errors)
        packages.append(
            DirectoryPackage(
                ndc=ndc,
                fda_product_id=product_id,
                product_ndc=product.product_ndc,
                proprietary_name=product.proprietary_name,
                generic_name=product.generic_name,
                labeler=product.labeler,
                dosage_form=product.dosage_form,
                route=product.route,
                strength=product.strength,
                dea_schedule=product.dea_schedule,
                package_description=description,
                package_size=size.size,
                dispense_unit=size.dispense_unit,
                product_type=product.product_type,
                marketing_end=package_end if package_end is not None else product.marketing_end,
                ndc_exclude_flag=(
                    exclude_flag if exclude_flag not in ("", "N") else product.ndc_exclude_flag
                ),
                sample_package=sample_text == "Y",
            )
        )
    return packages, skipped, examples, used_products


def _ndc(text: str) -> NDC | None:
    """A 10-digit hyphenated NDC, exactly as written (no 11-digit unpadding)."""
    parts = text.split("-")
    if len(parts) != 3:
        return None
    try:
        return NDC(*parts)
    except InvalidNDC:
        return None


def _date(text: str, name: str, row: int, column: str, errors: _Errors) -> date | None:
    if not text:
        return None
    match = _YYYYMMDD.match(text)
    if match is not None:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    errors.add(RowError(name, row, column, f"{text!r} is not a YYYYMMDD date"))
    return None
