"""Package sizes read from the FDA NDC Directory's PACKAGEDESCRIPTION.

FDA describes a package as a chain of levels from the outside in, separated by ``>``; each level
reads ``<count> <unit> in 1 <container>``, optionally followed by the NDC of that level in
parentheses::

    1 VIAL in 1 CARTON (0002-0800-01)  > 10 mL in 1 VIAL
    10 BLISTER PACK in 1 CARTON (0000-0000-01)  > 10 TABLET in 1 BLISTER PACK

Kits list their heterogeneous parts after ``*`` (``1 KIT in 1 CARTON * 5 mL in 1 VIAL *
2 mL in 1 SYRINGE``); the parts are not one unit, so a kit is dispensed as the kit.

The hospital **dispense unit** is the innermost *countable* unit of the chain: walking inwards,
counts of countable units (tablet, capsule, vial, ampule, syringe, bag, patch...) multiply; a
*measure* (mL, g, L, mg, h, UCUM units such as ``[hp_X]``) or a bulk dosage form that is not
counted out (``INJECTION, POWDER, FOR SOLUTION``, ``SPRAY, METERED``, ``CREAM``...) stops the
walk, and the container holding it is the dispense unit. Units are normalised to the base word
before the first comma (``TABLET, FILM COATED`` -> ``TABLET``, ``VIAL, MULTI-DOSE`` -> ``VIAL``).
Any other upper-case unit is taken as countable: FDA's package types and solid dosage forms are
written in upper case, its units of measure in UCUM (lower case or bracketed), except litres
(``L``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rxsupply.errors import InvalidValue

__all__ = ["PackageSize", "is_countable_unit", "normalise_unit", "parse_package_description"]

_FIELD = "PACKAGEDESCRIPTION"

# Dosage forms that are a quantity of material or a number of actuations, not pieces a nurse
# counts out: the container holding them is what is dispensed.
_BULK_FORMS = frozenset(
    {
        "AEROSOL",
        "BATH",
        "CEMENT",
        "CONCENTRATE",
        "CREAM",
        "CRYSTAL",
        "DOUCHE",
        "ELIXIR",
        "EMULSION",
        "ENEMA",
        "EXTRACT",
        "FOAM",
        "FOR SOLUTION",
        "FOR SUSPENSION",
        "GAS",
        "GEL",
        "GRANULE",
        "INHALANT",
        "INJECTION",
        "IRRIGANT",
        "JELLY",
        "LINIMENT",
        "LIQUID",
        "LOTION",
        "MOUTHWASH",
        "NOT APPLICABLE",
        "OIL",
        "OINTMENT",
        "PASTE",
        "POWDER",
        "RINSE",
        "SALVE",
        "SHAMPOO",
        "SOAP",
        "SOLUTION",
        "SPRAY",
        "SUSPENSION",
        "SYRUP",
        "TINCTURE",
    }
)
# Upper-case UCUM units: litre and the enzyme unit.
_UPPER_MEASURES = frozenset({"L", "U"})

_SPLIT_KIT = re.compile(r"\s+\*\s+|\s*\*\s*$|^\s*\*\s+")
_SPLIT_LEVEL = re.compile(r"\s*>\s*")
_PARENTHESISED = re.compile(r"\([^()]*\)")
_LEVEL = re.compile(
    r"^(?P<count>\d*\.?\d+)\s+(?P<unit>\S.*?)\s+in\s+(?P<outer>\d*\.?\d+)\s+(?P<container>\S.*)$"
)


@dataclass(frozen=True, slots=True)
class PackageSize:
    """How many ``dispense_unit`` one package holds, and what the outermost package is."""

    size: int
    dispense_unit: str
    outer_unit: str


@dataclass(frozen=True, slots=True)
class _Level:
    count: str
    unit: str
    unit_countable: bool
    container: str
    container_countable: bool


def normalise_unit(text: str) -> str:
    """The base word of an FDA unit: ``"TABLET, FILM COATED"`` -> ``"TABLET"``.

    Measures (``mL``, ``[hp_X]``) keep their case; package types and dosage forms are upper case.
    """
    return _classify(text)[0]


def is_countable_unit(unit: str) -> bool:
    """Whether a (normalised or raw) FDA unit is counted in whole pieces."""
    return _classify(unit)[1]


@lru_cache(maxsize=4096)
def _classify(text: str) -> tuple[str, bool]:
    """(normalised unit, countable?) for a raw unit; a few thousand distinct units exist."""
    base = " ".join(text.split(",", 1)[0].split())
    if not base or _is_measure(base):
        return base, False
    base = base.upper()
    bulk = base in _BULK_FORMS or base.split("/", 1)[0].strip() in _BULK_FORMS
    return base, not bulk


def parse_package_description(text: str) -> PackageSize:
    """Read an FDA PACKAGEDESCRIPTION into a package size in dispense units.

    >>> parse_package_description("10 BLISTER PACK in 1 CARTON > 10 TABLET in 1 BLISTER PACK")
    PackageSize(size=100, dispense_unit='TABLET', outer_unit='CARTON')
    >>> parse_package_description("1 VIAL in 1 CARTON (0002-0800-01)  > 10 mL in 1 VIAL")
    PackageSize(size=1, dispense_unit='VIAL', outer_unit='CARTON')

    Raises :class:`~rxsupply.errors.InvalidValue` (field ``PACKAGEDESCRIPTION``) when a level
    does not read ``<count> <unit> in 1 <container>``, a level is not inside the unit of the
    level above, or a countable unit has a count that is not a positive whole number.
    """
    raw = text.strip()
    if not raw:
        raise InvalidValue(_FIELD, "the package description is blank", text)
    main_chain = _SPLIT_KIT.split(raw, maxsplit=1)[0] if "*" in raw else raw
    parts = _SPLIT_LEVEL.split(main_chain) if ">" in main_chain else [main_chain]
    levels = [_read_level(part, text) for part in parts if part]
    if not levels:
        raise InvalidValue(_FIELD, "no '<count> <unit> in 1 <container>' level", text)

    outer_unit = levels[0].container
    if not levels[0].container_countable:
        raise InvalidValue(_FIELD, f"the outer package {outer_unit!r} is not countable", text)
    size = 1
    dispense_unit = outer_unit
    for depth, level in enumerate(levels):
        if level.container != dispense_unit:
            raise InvalidValue(
                _FIELD,
                f"level {depth + 1} is in a {level.container} but the level above holds "
                f"{dispense_unit}",
                text,
            )
        if not level.unit_countable:
            break
        if not level.count.isdigit() or int(level.count) == 0:
            raise InvalidValue(
                _FIELD,
                f"{level.count} {level.unit}: a countable unit needs a positive whole count",
                text,
            )
        size *= int(level.count)
        dispense_unit = level.unit
    return PackageSize(size=size, dispense_unit=dispense_unit, outer_unit=outer_unit)


def _read_level(part: str, text: str) -> _Level:
    cleaned = (_PARENTHESISED.sub(" ", part) if "(" in part else part).strip()
    match = _LEVEL.match(cleaned)
    if match is None:
        raise InvalidValue(
            _FIELD, f"{part.strip()!r} does not read '<count> <unit> in 1 <container>'", text
        )
    outer = match["outer"]
    if outer != "1":
        raise InvalidValue(
            _FIELD, f"{part.strip()!r}: expected 'in 1 <container>', not 'in {outer}'", text
        )
    unit, unit_countable = _classify(match["unit"])
    container, container_countable = _classify(match["container"])
    return _Level(
        count=match["count"],
        unit=unit,
        unit_countable=unit_countable,
        container=container,
        container_countable=container_countable,
    )


def _is_measure(base: str) -> bool:
    return (
        base.startswith("[")
        or base in _UPPER_MEASURES
        or any(ch.islower() for ch in base)
        or (base[:1].isdigit())
    )
