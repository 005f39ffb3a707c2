"""Use cases that move stock: receive, transfer or refill, dispense, return, waste, adjust.

Each is one transaction: claim the external id (a re-sent ADC transaction is a no-op), load and
lock the on-hand lines it touches, apply the movements to a :class:`StockBook`, write the
movements and the on-hand deltas together, commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from rxsupply.domain.location import Location, LocationKind
from rxsupply.domain.movement import Movement, MovementKind
from rxsupply.domain.stock import StockBook
from rxsupply.errors import InvalidMovement, InvalidValue
from rxsupply.services.audit import record
from rxsupply.services.ports import UnitOfWork, book_for
from rxsupply.services.references import find_item, find_location, find_product


@dataclass(frozen=True, slots=True)
class Posted:
    """What a use case wrote. ``duplicate`` is True when the external id was already recorded
    and nothing was written."""

    movements: list[Movement] = field(default_factory=list)
    duplicate: bool = False

    def as_dict(self) -> dict[str, object]:
        """What the CLI (``--json``) and the API answer after a stock movement."""
        return {
            "duplicate": self.duplicate,
            "movements": [
                {
                    "kind": m.kind.value,
                    "quantity": m.quantity,
                    "product_id": m.product_id,
                    "lot_id": m.lot_id,
                    "from_location_id": m.from_location_id,
                    "to_location_id": m.to_location_id,
                }
                for m in self.movements
            ],
        }


def _stocking(loc: Location) -> Location:
    if not loc.holds_stock:
        raise InvalidMovement(f"location {loc.code} is a {loc.kind.value}; it holds no stock")
    return loc


def post(
    uow: UnitOfWork,
    *,
    location_ids: Iterable[int],
    product_ids: Iterable[int],
    build: Callable[[StockBook], list[Movement]],
    now: datetime,
    external_id: str | None = None,
) -> Posted:
    """Run ``build`` against the locked stock lines and write what it returns; commit."""
    if external_id is not None and not uow.ledger.claim(external_id, now):
        uow.rollback()
        return Posted(duplicate=True)
    book = book_for(uow, roots=location_ids, product_ids=product_ids, lock=True)
    movements = build(book)
    uow.ledger.write(movements, book.deltas, now=now)
    _audit(uow, book, movements, now=now, external_id=external_id)
    uow.commit()
    return Posted(movements=movements)


def _audit(
    uow: UnitOfWork,
    book: StockBook,
    movements: list[Movement],
    *,
    now: datetime,
    external_id: str | None,
) -> None:
    """One audit entry per use case: who, what, and on-hand before and after each line."""
    if not movements:
        return
    first = movements[0]
    lines = [
        {
            "location": book.names.get(key[0], str(key[0])),
            "product_id": key[1],
            "lot_id": key[2],
            "before": book.on_hand[key] - delta,
            "after": book.on_hand[key],
        }
        for key, delta in sorted(book.deltas.items())
        if delta
    ]
    record(
        uow,
        user=first.user,
        action=first.kind.value,
        entity="stock",
        key=external_id or first.reference or "",
        now=now,
        before=[{k: v for k, v in line.items() if k != "after"} for line in lines],
        after={
            "movements": [
                {
                    "quantity": m.quantity,
                    "product_id": m.product_id,
                    "lot_id": m.lot_id,
                    "from": book.names.get(m.from_location_id or 0),
                    "to": book.names.get(m.to_location_id or 0),
                }
                for m in movements
            ],
            "lines": lines,
        },
    )


def receive(
    uow: UnitOfWork,
    *,
    location: str,
    product: str,
    lot: str,
    expiry: date | None,
    quantity: int,
    now: datetime,
    today: date | None = None,
    occurred_at: datetime | None = None,
    external_id: str | None = None,
    reference: str = "",
    unit_cost: Decimal | None = None,
    user: str = "",
) -> Posted:
    """Receive ``quantity`` dispense units of one lot into a location (the dock, a storeroom).

    A lot that expired before ``today`` (the facility's calendar day; ``now``'s UTC date when
    not given) is refused."""
    loc = _stocking(find_location(uow, location))
    prod = find_product(uow, product)
    assert prod.id is not None and loc.id is not None
    lot_number = lot.strip()
    if not lot_number:
        raise InvalidValue("lot", "a receipt needs the lot number")
    if expiry is not None and expiry < (today or now.date()):
        raise InvalidValue(
            "expiry", f"lot {lot_number} expired on {expiry.isoformat()}", expiry.isoformat()
        )
    conflict = uow.lots.conflicts([(prod.id, lot_number, expiry)])
    if conflict:
        recorded = next(iter(conflict.values()))
        raise InvalidValue(
            "expiry",
            f"lot {lot_number} of {prod.ndc} is recorded with expiry {recorded}",
            None if expiry is None else expiry.isoformat(),
        )
    lot_id = uow.lots.ensure_many([(prod.id, lot_number, expiry)])[(prod.id, lot_number)]
    cost = unit_cost if unit_cost is not None else prod.unit_cost

    def build(book: StockBook) -> list[Movement]:
        m = Movement(
            kind=MovementKind.RECEIPT,
            occurred_at=occurred_at or now,
            product_id=prod.id or 0,
            lot_id=lot_id,
            quantity=quantity,
            to_location_id=loc.id,
            external_id=external_id,
            reference=reference,
            user=user,
            unit_cost=cost,
        )
        book.apply(m)
        return [m]

    return post(
        uow,
        location_ids=[loc.id],
        product_ids=[prod.id],
        build=build,
        now=now,
        external_id=external_id,
    )


def transfer(
    uow: UnitOfWork,
    *,
    from_location: str,
    to_location: str,
    quantity: int,
    now: datetime,
    item: str | None = None,
    product: str | None = None,
    lot: str | None = None,
    kind: MovementKind = MovementKind.TRANSFER,
    occurred_at: datetime | None = None,
    external_id: str | None = None,
    reference: str = "",
    user: str = "",
) -> Posted:
    """Move stock between locations, earliest expiry first unless a lot is named. A refill is a
    transfer into an ADC or pocket."""
    if kind not in (MovementKind.TRANSFER, MovementKind.REFILL):
        raise InvalidMovement(f"{kind.value} is not a transfer")
    src = _stocking(find_location(uow, from_location))
    dst = _stocking(find_location(uow, to_location))
    product_ids, what = _what(uow, item=item, product=product)
    if item is not None and dst.kind is not LocationKind.POCKET:
        dst = _pocket_for(uow, dst, item.strip())
    assert src.id is not None and dst.id is not None
    lot_ids: set[int] | None = None
    if lot is not None:
        lot_ids = set(uow.lots.find(product_ids, lot.strip()).values())
        if not lot_ids:
            raise InvalidValue("lot", f"no lot {lot.strip()} of {what} is recorded", lot)

    def build(book: StockBook) -> list[Movement]:
        return book.issue(
            kind=kind,
            location_id=src.id or 0,
            product_ids=product_ids,
            quantity=quantity,
            occurred_at=occurred_at or now,
            external_id=external_id,
            what=what,
            reference=reference,
            user=user,
            to_location_id=dst.id,
            lot_ids=lot_ids,
        )

    return post(
        uow,
        location_ids=[src.id, dst.id],
        product_ids=product_ids,
        build=build,
        now=now,
        external_id=external_id,
    )


def dispense(
    uow: UnitOfWork,
    *,
    location: str,
    quantity: int,
    now: datetime,
    item: str | None = None,
    product: str | None = None,
    kind: MovementKind = MovementKind.DISPENSE,
    occurred_at: datetime | None = None,
    external_id: str | None = None,
    user: str = "",
    note: str = "",
) -> Posted:
    """Record a dispense or waste (earliest expiry first) or a patient return (back to the lot
    that would be dispensed next) at an ADC, pocket or satellite."""
    if kind not in (MovementKind.DISPENSE, MovementKind.WASTE, MovementKind.PATIENT_RETURN):
        raise InvalidMovement(f"{kind.value} is not a dispense, waste or patient return")
    loc = _stocking(find_location(uow, location))
    assert loc.id is not None
    product_ids, what = _what(uow, item=item, product=product)

    def build(book: StockBook) -> list[Movement]:
        when = occurred_at or now
        if kind is MovementKind.PATIENT_RETURN:
            return [
                book.put_back(
                    kind=kind,
                    location_id=loc.id or 0,
                    product_ids=product_ids,
                    quantity=quantity,
                    occurred_at=when,
                    external_id=external_id,
                    what=what,
                    user=user,
                    note=note,
                )
            ]
        return book.issue(
            kind=kind,
            location_id=loc.id or 0,
            product_ids=product_ids,
            quantity=quantity,
            occurred_at=when,
            external_id=external_id,
            what=what,
            user=user,
            note=note,
        )

    return post(
        uow,
        location_ids=[loc.id],
        product_ids=product_ids,
        build=build,
        now=now,
        external_id=external_id,
    )


def adjust(
    uow: UnitOfWork,
    *,
    location: str,
    product: str,
    lot: str,
    quantity: int,
    reason: str,
    now: datetime,
    kind: MovementKind = MovementKind.ADJUSTMENT,
    expiry: date | None = None,
    external_id: str | None = None,
    user: str = "",
) -> Posted:
    """Correct on-hand of one lot by a signed quantity (a found vial, a count variance)."""
    if kind not in (MovementKind.ADJUSTMENT, MovementKind.COUNT_VARIANCE):
        raise InvalidMovement(f"{kind.value} is not an adjustment")
    if quantity == 0:
        raise InvalidValue("quantity", "an adjustment changes on-hand by a non-zero amount", 0)
    if not reason.strip():
        raise InvalidValue("reason", "every adjustment needs a reason")
    loc = _stocking(find_location(uow, location))
    prod = find_product(uow, product)
    assert loc.id is not None and prod.id is not None
    lot_id = uow.lots.ensure_many([(prod.id, lot.strip(), expiry)])[(prod.id, lot.strip())]

    def build(book: StockBook) -> list[Movement]:
        m = Movement(
            kind=kind,
            occurred_at=now,
            product_id=prod.id or 0,
            lot_id=lot_id,
            quantity=abs(quantity),
            from_location_id=loc.id if quantity < 0 else None,
            to_location_id=loc.id if quantity > 0 else None,
            external_id=external_id,
            user=user,
            note=reason.strip(),
        )
        book.apply(m)
        return [m]

    return post(
        uow,
        location_ids=[loc.id],
        product_ids=[prod.id],
        build=build,
        now=now,
        external_id=external_id,
    )


def _pocket_for(uow: UnitOfWork, place: Location, item_code: str) -> Location:
    """Stock sent to a cabinet for an item goes into the item's pocket there, if it has one."""
    for loc in uow.locations.children(place.code):
        if loc.item_code == item_code:
            return loc
    return place


def _what(uow: UnitOfWork, *, item: str | None, product: str | None) -> tuple[list[int], str]:
    if (item is None) == (product is None):
        raise InvalidValue("item", "name either an item or a product (NDC), not both or neither")
    if item is not None:
        it = find_item(uow, item)
        if not it.product_ids:
            raise InvalidMovement(f"item {it.code} has no products linked to it")
        return it.product_ids, f"{it.code} {it.name}"
    assert product is not None
    prod = find_product(uow, product)
    assert prod.id is not None
    return [prod.id], f"{prod.ndc} {prod.name}"
