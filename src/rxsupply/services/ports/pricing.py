"""What the pricing and purchasing use cases need from storage: :class:`PriceRepository` and
its rows, :class:`OrderRepository`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from rxsupply.domain.pricing import Offer
from rxsupply.domain.purchasing import (
    LineStatus,
    OrderLine,
    OrderStatus,
    PurchaseOrder,
    ReceivingDiscrepancy,
)


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
    def primary_wholesaler(self) -> str | None: ...
    def contract(self, number: str, *, holder_id: int, tier: str) -> int: ...
    def save_catalogue(self, prices: Sequence[CataloguePrice]) -> int: ...
    def save_contract_prices(self, prices: Sequence[ContractPrice]) -> int: ...
    def offers(self, product_ids: Iterable[int] | None = None) -> list[Offer]: ...
    def items_of(self, product_ids: Iterable[int]) -> dict[int, tuple[str, str, list[int]]]: ...
    def item_products(self, item_code: str | None) -> dict[str, tuple[str, list[int]]]: ...
    def preferred_products(self) -> set[int]:
        """The products preferred for their items."""
        ...

    def set_preferred(self, item_id: int, product_id: int | None) -> None:
        """Make ``product_id`` the item's preferred product (None: no preference)."""
        ...

    def purchases(self, start: date, end: date) -> list[PricedPurchase]: ...


class OrderRepository(Protocol):
    def add(self, order: PurchaseOrder, *, partner_id: int, location_id: int) -> int: ...
    def replace_lines(self, order_id: int, lines: Sequence[OrderLine]) -> None: ...
    def draft_for(self, partner_id: int, location_id: int) -> int | None: ...
    def get(self, order_id: int, *, lock: bool = False) -> PurchaseOrder | None: ...
    def find(self, number: str) -> int | None: ...
    def listed(self, *, status: OrderStatus | None, limit: int) -> list[PurchaseOrder]: ...
    def set_status(
        self,
        order_id: int,
        *,
        allowed: Iterable[OrderStatus],
        status: OrderStatus,
        approved_by: str | None = None,
        approved_at: datetime | None = None,
        note: str | None = None,
    ) -> bool: ...
    def set_dea_form_number(self, order_id: int, line_number: int, number: str) -> bool: ...
    def location_code(self, order_id: int) -> str: ...
    def set_received(
        self, order_id: int, line_number: int, packages: int, status: LineStatus
    ) -> None: ...
    def add_discrepancies(self, order_id: int, found: Sequence[ReceivingDiscrepancy]) -> None: ...
    def discrepancies(self, order_id: int) -> list[ReceivingDiscrepancy]: ...
    def resolve_discrepancy(
        self, discrepancy_id: int, *, resolution: str, user: str, now: datetime
    ) -> bool: ...
    def on_order(
        self, product_ids: Iterable[int], *, status: LineStatus = LineStatus.OPEN
    ) -> dict[int, int]: ...
