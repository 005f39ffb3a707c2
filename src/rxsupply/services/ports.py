"""What services need from storage: a unit of work and its repositories.

``rxsupply.adapters.unit_of_work.SqlUnitOfWork`` implements these on SQLAlchemy; services only
see the protocols, so they hold no SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from types import TracebackType
from typing import Literal, Protocol, Self

from rxsupply.domain.location import Location
from rxsupply.domain.movement import Movement
from rxsupply.domain.product import Item, Product
from rxsupply.domain.stock import StockBook, StockKey
from rxsupply.domain.users import User

ProductKey = Literal["ndc", "digits10", "ndc11", "gtin", "id"]


@dataclass(frozen=True, slots=True)
class PurchaseLine:
    line_key: str
    invoice_date: date
    invoice_number: str
    wholesaler: str
    product_id: int
    packages: int
    unit_price: Decimal


class LocationRepository(Protocol):
    def all(self) -> list[Location]: ...
    def ids_by_code(self) -> dict[str, int]: ...
    def get(self, code: str) -> Location | None: ...
    def save_many(self, locations: Sequence[Location], item_ids: Mapping[str, int]) -> int: ...
    def subtree(self) -> dict[int, list[int]]: ...
    def codes(self, ids: Iterable[int]) -> dict[int, str]: ...
    def children(self, code: str) -> list[Location]: ...


class ProductRepository(Protocol):
    def find(self, key: ProductKey, value: str) -> Product | None: ...
    def ids_by(self, key: ProductKey, values: Iterable[str]) -> dict[str, int]: ...
    def save_many(self, products: Sequence[Product], *, source: str) -> tuple[int, int]: ...
    def set_package_cost(self, costs: Mapping[int, Decimal]) -> None: ...


class ItemRepository(Protocol):
    def ids_by_code(self) -> dict[str, int]: ...
    def get(self, code: str) -> Item | None: ...
    def save_many(self, items: Sequence[Item]) -> int: ...
    def products_of(self, item_ids: Iterable[int] | None = None) -> dict[int, list[int]]: ...


class LotRepository(Protocol):
    def ensure_many(
        self, lots: Iterable[tuple[int, str, date | None]]
    ) -> dict[tuple[int, str], int]: ...
    def find(self, product_ids: Iterable[int], lot_number: str) -> dict[int, int]: ...
    def expiries(self, lot_ids: Iterable[int] | None = None) -> dict[int, date | None]: ...
    def conflicts(
        self, lots: Iterable[tuple[int, str, date | None]]
    ) -> dict[tuple[int, str], date | None]: ...


class LedgerRepository(Protocol):
    def claim(self, external_id: str, now: datetime) -> bool: ...
    def recorded(self, external_ids: Iterable[str]) -> set[str]: ...
    def load_branches(
        self, *, roots: Iterable[int], product_ids: Iterable[int], lock: bool
    ) -> tuple[dict[StockKey, int], dict[int, list[int]]]: ...
    def write(
        self,
        movements: Sequence[Movement],
        deltas: Mapping[StockKey, int],
        *,
        now: datetime,
        external_ids: Iterable[str] = (),
    ) -> None: ...


class PurchaseRepository(Protocol):
    def recorded(self, line_keys: Iterable[str]) -> set[str]: ...
    def save_many(self, lines: Sequence[PurchaseLine]) -> int: ...


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    user: str
    action: str
    entity: str
    key: str = ""
    before: str | None = None
    after: str | None = None


@dataclass(frozen=True, slots=True)
class StoredUser:
    user: User
    password_hash: str


class UserRepository(Protocol):
    def get(self, username: str) -> StoredUser | None: ...
    def get_by_id(self, user_id: int) -> StoredUser | None: ...
    def all(self) -> list[User]: ...
    def add(self, user: User, password_hash: str, now: datetime) -> int: ...
    def set_active(self, username: str, active: bool) -> None: ...
    def add_token(self, user_id: int, name: str, token_hash: str, now: datetime) -> int: ...
    def user_for_token(self, token_hash: str) -> User | None: ...
    def add_session(self, session_hash: str, user_id: int, now: datetime) -> None: ...
    def session_active(self, session_hash: str) -> bool: ...
    def revoke_session(self, session_hash: str) -> None: ...
    def setting(self, name: str) -> str | None: ...
    def put_setting(self, name: str, value: str) -> None: ...


class AuditRepository(Protocol):
    def add(self, entry: AuditEntry) -> None: ...


class UnitOfWork(Protocol):
    @property
    def locations(self) -> LocationRepository: ...
    @property
    def products(self) -> ProductRepository: ...
    @property
    def items(self) -> ItemRepository: ...
    @property
    def lots(self) -> LotRepository: ...
    @property
    def ledger(self) -> LedgerRepository: ...
    @property
    def purchases(self) -> PurchaseRepository: ...
    @property
    def users(self) -> UserRepository: ...
    @property
    def audit(self) -> AuditRepository: ...

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...


def book_for(
    uow: UnitOfWork, *, roots: Iterable[int], product_ids: Iterable[int], lock: bool
) -> StockBook:
    """A :class:`StockBook` of the lines of these products at each root location and below
    it: what one stock movement touches, read (and locked) in one query."""
    root_ids = set(roots)
    lines, branches = uow.ledger.load_branches(roots=root_ids, product_ids=product_ids, lock=lock)
    return StockBook(
        on_hand=dict(lines),
        lot_expiry=uow.lots.expiries({k[2] for k in lines}),
        subtree=branches,
        names=uow.locations.codes(root_ids | {k[0] for k in lines}),
    )
