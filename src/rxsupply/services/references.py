"""Turning what a user typed or a file holds (codes, NDCs, GTINs) into records."""

from __future__ import annotations

from collections.abc import Iterable

from rxsupply.domain.location import Location, LocationKind
from rxsupply.domain.ndc import ndc_digits_from_gtin14, ndc_lookup_key
from rxsupply.domain.product import Item, Product
from rxsupply.errors import UnknownItem, UnknownLocation, UnknownProduct
from rxsupply.services.ports import ProductKey, UnitOfWork


def product_key(text: str) -> tuple[ProductKey, str]:
    """How to look up a product: a GTIN-14 of any packaging level (indicator 0-8; the product
    is the one with the NDC digits it carries) or an NDC in any of its forms."""
    raw = text.strip()
    if raw.isdigit() and len(raw) == 14:
        return "digits10", ndc_digits_from_gtin14(raw)
    return ndc_lookup_key(raw)


def find_product(uow: UnitOfWork, text: str) -> Product:
    key, value = product_key(text)
    found = uow.products.find(key, value)
    if found is None:
        raise UnknownProduct(text, "import it from the NDC Directory or an item file first")
    return found


def find_location(uow: UnitOfWork, code: str) -> Location:
    found = uow.locations.get(code.strip())
    if found is None:
        raise UnknownLocation(code)
    return found


def facility_of(uow: UnitOfWork, code: str) -> Location | None:
    """The facility a location belongs to, walking up the tree (the location itself when it
    is one; None when it is not under a facility or is unknown)."""
    node = uow.locations.get(code)
    for _ in range(64):
        if node is None or node.kind is LocationKind.FACILITY:
            return node
        node = uow.locations.get(node.parent_code) if node.parent_code else None
    return None


def find_item(uow: UnitOfWork, code: str) -> Item:
    found = uow.items.get(code.strip())
    if found is None:
        raise UnknownItem(code)
    return found


def resolve_products(uow: UnitOfWork, texts: Iterable[str]) -> dict[str, int | str]:
    """Map each distinct NDC/GTIN text to a product id, or to the reason it does not resolve."""
    out: dict[str, int | str] = {}
    by_key: dict[ProductKey, dict[str, str]] = {}
    for text in set(texts):
        try:
            key, value = product_key(text)
        except ValueError as exc:
            out[text] = str(getattr(exc, "reason", exc))
            continue
        by_key.setdefault(key, {})[value] = text
    for key, values in by_key.items():
        ids = uow.products.ids_by(key, values)
        for value, text in values.items():
            out[text] = ids.get(value, f"unknown NDC {text}")
    return out
