"""What reading the NDC Directory gives: the columns read from each file, the package skip
rules, :class:`DirectoryPackage`, :class:`DirectoryCounts` and :class:`NdcDirectory`, and
:func:`as_products`, which turns the directory's packages into rxsupply products."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from rxsupply.domain.ndc import NDC
from rxsupply.domain.product import DEASchedule, Product

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
            marketing_end=p.marketing_end,
        )
        for p in directory.packages
    ]
