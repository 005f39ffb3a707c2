"""Read the FDA NDC Directory as FDA publishes it: ``product.txt`` and ``package.txt``.

Both files are tab-separated, latin-1, CRLF line ends, one header row, no quoting (descriptions
contain bare quotes); gzip copies are accepted and detected by their magic bytes, not the name.
A product in rxsupply is one NDC package, so every record returned is a package row joined to
its product row.

Package rows are skipped, and counted in :attr:`NdcDirectory.skipped`, by these rules, checked in
this order (each package falls under at most one):

- ``orphan package``: its PRODUCTID has no row in the product file.
- ``bad ndc``: NDCPACKAGECODE is not 10 digits hyphenated 4-4-2, 5-3-2 or 5-4-1.
- ``unreadable package size``: PACKAGEDESCRIPTION does not give a countable package size.
- ``duplicate ndc``: an earlier readable row has the same NDCPACKAGECODE (the first is kept).
- ``digits collision``: an earlier readable row has another NDC with the same 10 digits, such
  as 29500-9077-7 and 29500-907-77 (the first is kept: a GTIN carries only the digits).

Products that no package row refers to are counted in
:attr:`DirectoryCounts.products_without_package`; they are not importable.

A header without a needed column rejects the file (:class:`~rxsupply.errors.ImportRejected`, one
:class:`~rxsupply.errors.RowError` per missing column, row 0), as does a header with one column
(the file is not tab-separated). Values that are present but malformed (a DEASCHEDULE other than
CI-CV, a date that is not YYYYMMDD, a SAMPLE_PACKAGE other than Y/N) reject the files too:
FDA never writes them, so the file is not what it claims to be.
"""

from __future__ import annotations

import gzip
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

from rxsupply.domain.ndc import NDC
from rxsupply.domain.package import parse_package_description
from rxsupply.domain.product import DEASchedule, Product
from rxsupply.errors import ImportRejected, InvalidNDC, InvalidValue, RowError

__all__ = [
    "PACKAGE_COLUMNS",
    "PRODUCT_COLUMNS",
    "SKIP_RULES",
    "DirectoryCounts",
    "DirectoryPackage",
    "NdcDirectory",
    "as_products",
    "format_strength",
    "read_ndc_directory",
]

PRODUCT_COLUMNS: tuple[str, ...] = (
    "PRODUCTID",
    "PRODUCTNDC",
    "PRODUCTTYPENAME",
    "PROPRIETARYNAME",
    "PROPRIETARYNAMESUFFIX",
    "NONPROPRIETARYNAME",
    "DOSAGEFORMNAME",
    "ROUTENAME",
    "ENDMARKETINGDATE",
    "LABELERNAME",
    "ACTIVE_NUMERATOR_STRENGTH",
    "ACTIVE_INGRED_UNIT",
    "DEASCHEDULE",
    "NDC_EXCLUDE_FLAG",
)
"""Product file columns this reader needs (FDA publishes more; the others are ignored)."""

PACKAGE_COLUMNS: tuple[str, ...] = (
    "PRODUCTID",
    "NDCPACKAGECODE",
    "PACKAGEDESCRIPTION",
    "ENDMARKETINGDATE",
    "NDC_EXCLUDE_FLAG",
    "SAMPLE_PACKAGE",
)
"""Package file columns this reader needs."""

ORPHAN_PACKAGE = "orphan package"
BAD_NDC = "bad ndc"
UNREADABLE_PACKAGE_SIZE = "unreadable package size"
DUPLICATE_NDC = "duplicate ndc"
DIGITS_COLLISION = "digits collision"
SKIP_RULES: tuple[str, ...] = (
    ORPHAN_PACKAGE,
    BAD_NDC,
    UNREADABLE_PACKAGE_SIZE,
    DUPLICATE_NDC,
    DIGITS_COLLISION,
)
"""The package skip rules, in the order they are checked."""

_MAX_ERRORS = 20
_MAX_EXAMPLES = 5
_GZIP_MAGIC = b"\x1f\x8b"
_YYYYMMDD = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


@dataclass(frozen=True, slots=True)
class DirectoryPackage:
    """One package row of the NDC Directory joined to its product row.

    ``proprietary_name`` carries PROPRIETARYNAMESUFFIX after a space when there is one.
    ``marketing_end`` is the package's ENDMARKETINGDATE, else the product's. ``ndc_exclude_flag``
    is the package's NDC_EXCLUDE_FLAG unless that is ``N``, else the product's (``N`` not
    excluded, ``E`` excluded, ``U``, ``I``, ``D`` as FDA defines them).
    """

    ndc: NDC
    fda_product_id: str
    product_ndc: str
    proprietary_name: str
    generic_name: str
    labeler: str
    dosage_form: str
    route: str
    strength: str
    dea_schedule: DEASchedule | None
    package_description: str
    package_size: int
    dispense_unit: str
    product_type: str
    marketing_end: date | None
    ndc_exclude_flag: str
    sample_package: bool


@dataclass(frozen=True, slots=True)
class DirectoryCounts:
    """Rows read and kept. ``packages_imported + sum(skipped.values()) == packages_read``."""

    products_read: int
    packages_read: int
    packages_imported: int
    products_without_package: int


@dataclass(frozen=True, slots=True)
class NdcDirectory:
    """The importable packages, and what was left out and why.

    ``skipped`` has one entry per rule in :data:`SKIP_RULES` (zero when it never applied);
    ``skip_examples`` names up to five rows per rule, e.g. ``"row 8812: 29500-907-77"``.
    """

    packages: list[DirectoryPackage]
    skipped: dict[str, int]
    counts: DirectoryCounts
    skip_examples: dict[str, list[str]] = field(default_factory=dict)


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


def _read_table(path: Path, required: Sequence[str]) -> pl.DataFrame:
    """All needed columns as stripped strings ('' for blank), header checked first."""
    name = path.name
    raw = path.read_bytes()
    if raw[:2] == _GZIP_MAGIC:
        raw = gzip.decompress(raw)
    text = raw.decode("latin-1")  # every byte is a latin-1 character
    header_line = text.split("\n", 1)[0].rstrip("\r")
    if not header_line.strip():
        raise ImportRejected([RowError(name, 0, "header", "the file is empty or has no header")])
    header = header_line.split("\t")
    if len(header) == 1:
        shown = header_line if len(header_line) <= 80 else header_line[:77] + "..."
        raise ImportRejected(
            [
                RowError(
                    name,
                    0,
                    "header",
                    f"the header {shown!r} is one column; the FDA NDC files are tab-separated",
                )
            ]
        )
    missing = [column for column in required if column not in header]
    if missing:
        raise ImportRejected(
            [RowError(name, 0, column, f"missing column {column}") for column in missing]
        )
    ragged = _ragged_rows(text, name, len(header))
    if ragged:
        raise ImportRejected(ragged[:_MAX_ERRORS], len(ragged))
    try:
        table = pl.read_csv(
            io.BytesIO(text.encode("utf-8")),
            separator="\t",
            quote_char=None,
            infer_schema=False,
            has_header=True,
            columns=list(required),
        )
    except pl.exceptions.PolarsError as exc:  # pragma: no cover - rows were checked above
        raise ImportRejected(
            [RowError(name, 0, "file", f"unreadable as a tab-separated file: {exc}")]
        ) from exc
    return table.select(pl.col(column).str.strip_chars().fill_null("") for column in required)


def _ragged_rows(text: str, name: str, columns: int) -> list[RowError]:
    """Rows whose number of fields differs from the header's (blank lines are ignored).

    Counting every tab at once is cheap; rows are only walked when the total is off.
    """
    body = text.rstrip("\r\n")
    if body.count("\t") == (columns - 1) * (body.count("\n") + 1):
        return []
    errors = []
    for row, line in enumerate(body.split("\n")[1:], start=1):
        if not line.strip():
            continue
        fields = line.count("\t") + 1
        if fields != columns:
            errors.append(
                RowError(
                    name, row, "row", f"{fields} tab-separated fields, the header has {columns}"
                )
            )
    return errors


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


def as_products(directory: NdcDirectory) -> list[Product]:
    """The directory's packages as rxsupply products (no cost: FDA publishes none)."""
    return [
        Product(
            ndc=p.ndc,
            name=p.proprietary_name or p.generic_name,
            labeler=p.labeler,
            generic_name=p.generic_name,
            strength=p.strength,
            dosage_form=p.dosage_form,
            route=p.route,
            package_size=p.package_size,
            dispense_unit=p.dispense_unit,
            package_description=p.package_description,
            dea_schedule=p.dea_schedule,
        )
        for p in directory.packages
    ]
