"""What the pricing use cases need from storage: :class:`PriceRepository` and its rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from rxsupply.domain.pricing import Offer


@dataclass(frozen=True, slots=True)
class CataloguePrice:
    partner_id: int
    product_id: int
    wac: Decimal
    starts: date


@dataclass(frozen=True, slots=True)
class ContractPrice:
    contract_id: int
    product_id: int
    tier: str
    price: Decimal
    starts: date
    ends: date | None


@dataclass(frozen=True, slots=True)
class PricedPurchase:
    """An invoice line as a compliance report reads it (prices per package)."""

    invoice_date: date
    invoice_number: str
    wholesaler: str
    product_id: int
    ndc: str
    package_size: int
    packages: int
    package_price: Decimal


class PriceRepository(Protocol):
    def partner(self, name: str, *, kind: str, role: str = "") -> int: ...
    def contract(self, number: str, *, holder_id: int, tier: str) -> int: ...
    def save_catalogue(self, prices: Sequence[CataloguePrice]) -> int: ...
    def save_contract_prices(self, prices: Sequence[ContractPrice]) -> int: ...
    def offers(self, product_ids: Iterable[int] | None = None) -> list[Offer]: ...
    def items_of(self, product_ids: Iterable[int]) -> dict[int, tuple[str, str, list[int]]]: ...
    def item_products(self, item_code: str | None) -> dict[str, tuple[str, list[int]]]: ...
    def purchases(self, start: date, end: date) -> list[PricedPurchase]: ...
