"""Alternatives to a short item: other products of the same drug, and therapeutic alternatives.

**Same drug.** Two products are the same drug when they have the same ingredients, a strength
in common and a dosage form family in common (:func:`same_drug`), compared as the shortage
matching compares them (:mod:`rxsupply.domain.shortage_matching`: ingredients as words, so
"ondansetron" is "Ondansetron Hydrochloride"; strengths normalised, so "4 mg/2 mL" is also
"2 mg/mL"; forms as families, so "INJECTION, SOLUTION" is an injection). A product's shape
(:func:`product_shape`) reads its generic name, strength, dosage form and route, and falls back
on its name when one of them is blank; an item's shape (:func:`item_shape`) is its products'
together, or its own name when it has none.

**Therapeutic alternatives** are a table the pharmacy keeps: an item, another item that may be
given instead, how to convert (a note a pharmacist reads: "ondansetron 4 mg IV ~ granisetron
1 mg IV") and, when the conversion is a plain number, its ratio: the alternative's dose for one
unit of the item's dose (ondansetron 4 mg ~ granisetron 1 mg: 0.25). A row goes one way (the
way back may need another note: equianalgesic tables are not symmetric in practice).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from rxsupply.domain.fields import required_text
from rxsupply.domain.shortage_matching import (
    Ingredients,
    forms,
    ingredients,
    same_ingredients,
    strengths,
)
from rxsupply.errors import InvalidValue

RATIO_PLACES = 4
RATIO_MAX = Decimal(1_000_000)
NOTE_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class DrugShape:
    """What makes two products the same drug: ingredients (each name's), strengths, forms."""

    names: tuple[Ingredients, ...]
    strengths: frozenset[str]
    forms: frozenset[str]


def _before_digit(name: str) -> str:
    return re.split(r"\d", name, maxsplit=1)[0]


def product_shape(
    *, generic_name: str, name: str = "", strength: str = "", dosage_form: str = "", route: str = ""
) -> DrugShape:
    """A product's shape: its generic name (else its name before the first digit), its
    strength (else the strengths its name writes), its route and dosage form (else its
    name's)."""
    generic = generic_name if generic_name.strip() else _before_digit(name)
    found = strengths(strength) or strengths(name)
    shape = forms(f"{route} {dosage_form}") or forms(name)
    names = ingredients(generic)
    return DrugShape((names,) if names else (), found, shape)


def item_shape(name: str, products: Iterable[DrugShape]) -> DrugShape:
    """An item's shape: its products' together; what they leave blank, from its own name."""
    own = product_shape(generic_name="", name=name)
    mine = list(products)
    names = tuple(dict.fromkeys(n for p in mine for n in p.names)) or own.names
    found = frozenset().union(*(p.strengths for p in mine)) or own.strengths
    shape = frozenset().union(*(p.forms for p in mine)) or own.forms
    return DrugShape(names, found, shape)


def same_drug(wanted: DrugShape, other: DrugShape) -> bool:
    """The same ingredients (a salt named on one side only still matches), a strength in common
    and a dosage form family in common."""
    return (
        any(same_ingredients(a, b) for a in wanted.names for b in other.names)
        and bool(wanted.strengths & other.strengths)
        and bool(wanted.forms & other.forms)
    )


def search_words(shape: DrugShape) -> list[str]:
    """The words a product's name must contain to be worth comparing: the first word of the
    first ingredient of each of the shape's names (a cheap filter before :func:`same_drug`)."""
    return sorted({name[0][0] for name in shape.names if name and name[0]})


def parse_ratio(text: str, field: str = "ratio") -> Decimal | None:
    """A conversion ratio: blank for none, else a number above zero with at most
    :data:`RATIO_PLACES` decimals (the alternative's dose for one unit of the item's)."""
    raw = text.strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise InvalidValue(field, "not a number; write the ratio as 0.25", text) from None
    if not value.is_finite() or value <= 0:
        raise InvalidValue(field, "must be a number above zero", text)
    if value >= RATIO_MAX:
        raise InvalidValue(field, f"must be below {RATIO_MAX:,}", text)
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > RATIO_PLACES:
        raise InvalidValue(field, f"at most {RATIO_PLACES} decimal places", text)
    return value.normalize()


def check_note(note: str) -> str:
    """A conversion note: required, at most :data:`NOTE_LIMIT` characters, no control
    characters."""
    why = "say how to convert, e.g. 'ondansetron 4 mg IV ~ granisetron 1 mg IV'"
    return required_text("note", note, limit=NOTE_LIMIT, why=why)


@dataclass(frozen=True, slots=True, kw_only=True)
class TherapeuticAlternative:
    """One row of the therapeutic alternatives table: ``alternative`` may be given instead of
    ``item``, converted as ``note`` says (``ratio``: the alternative's dose per unit of the
    item's, when a number says it)."""

    item: str
    alternative: str
    note: str
    ratio: Decimal | None
    added_by: str
    added_at: datetime
    item_name: str = ""
    alternative_name: str = ""
    item_id: int | None = None
    alternative_id: int | None = None
    id: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "item": self.item,
            "item_name": self.item_name,
            "alternative": self.alternative,
            "alternative_name": self.alternative_name,
            "note": self.note,
            "ratio": None if self.ratio is None else str(self.ratio),
            "added_by": self.added_by,
            "added_at": self.added_at.isoformat(),
        }
