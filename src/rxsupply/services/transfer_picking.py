"""What a transfer asks for, its pick, and where its stock is in transit.

The pick is :meth:`~rxsupply.domain.stock.StockBook.issue` on the source's stock (the same
allocation a ledger transfer posts: usable stock only, earliest expiry first, below the
source: a storeroom's bins, a cabinet's pockets; sealed blocked packages held back), run on a
copy that is never written. Expired, quarantined, recalled and suspect stock is never picked.
Shipped stock is on the books at the source facility's transit location (:func:`transit_of`).
"""

from __future__ import annotations

from rxsupply.domain.clock import Clock
from rxsupply.domain.location import Location, LocationKind, transit_code
from rxsupply.domain.movement import MovementKind
from rxsupply.domain.serial import Packages
from rxsupply.domain.status import is_expired
from rxsupply.domain.transfer import Transfer, TransferLine
from rxsupply.errors import InvalidMovement, InvalidValue, NotFound
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.references import facility_of, resolve_products


def resolve_what(
    uow: UnitOfWork, *, item: str | None, product: str | None
) -> tuple[int | None, int | None, list[int], str]:
    """The item id or product id a transfer names, the products it takes from, and how it
    is named (the item code, or the product's NDC)."""
    if (item is None) == (product is None):
        raise InvalidValue("item", "name either an item or a product (NDC), not both or neither")
    if item is not None:
        found = uow.items.get(item.strip())
        if found is None:
            raise NotFound("item", item)
        if not found.product_ids:
            raise InvalidMovement(f"item {found.code} has no products linked to it")
        return found.id, None, list(found.product_ids), found.code
    assert product is not None
    resolved = resolve_products(uow, [product]).get(product)
    if not isinstance(resolved, int):
        raise NotFound("product", product, str(resolved))
    (prod,) = uow.products.find_many("id", [str(resolved)]).values()
    return None, resolved, [resolved], str(prod.ndc)


def pick_lines(uow: UnitOfWork, transfer: Transfer, *, clock: Clock) -> list[TransferLine]:
    """The lots and places the transfer's units come from, earliest expiry first; refused
    (InsufficientStock) when the source has too few usable units."""
    _item, _product, product_ids, what = resolve_what(
        uow, item=transfer.item or None, product=transfer.product or None
    )
    places = uow.locations.get_many([transfer.from_location, transfer.to_location])
    src, dst = places[transfer.from_location], places[transfer.to_location]
    book = uow.ledger.load_book(roots=[src.id or 0], product_ids=product_ids, lock=False)
    lots_held = {key[2] for key in book.on_hand}
    book.held = Packages.of(uow.packages.sealed(lots_held) if lots_held else []).held()
    moved = book.issue(
        kind=MovementKind.TRANSFER,
        location_id=src.id or 0,
        product_ids=product_ids,
        quantity=transfer.quantity,
        occurred_at=clock.now(),
        on=clock.today(),
        what=what,
        to_location_id=dst.id,
    )
    lots = uow.lots.numbers({m.lot_id for m in moved})
    ndcs = {
        p.id: str(p.ndc)
        for p in uow.products.find_many("id", {str(m.product_id) for m in moved}).values()
    }
    return [
        TransferLine(
            line_number=n,
            location=book.names.get(m.from_location_id or 0, src.code),
            ndc=ndcs.get(m.product_id, ""),
            lot=lots.get(m.lot_id, ""),
            expiry=book.lot_expiry.get(m.lot_id),
            quantity=m.quantity,
            location_id=m.from_location_id,
            product_id=m.product_id,
            lot_id=m.lot_id,
        )
        for n, m in enumerate(moved, start=1)
    ]


def unusable_lines(uow: UnitOfWork, transfer: Transfer, clock: Clock) -> set[int]:
    """The lines whose lot is blocked or expired today."""
    records = uow.lots.lookup((ln.product_id or 0, ln.lot) for ln in transfer.lines)
    today = clock.today()
    out: set[int] = set()
    for ln in transfer.lines:
        record = records.get((ln.product_id or 0, ln.lot))
        if record is not None and (record.status is not None or is_expired(record.expiry, today)):
            out.add(ln.line_number)
    return out


def transit_of(uow: UnitOfWork, source: str) -> str:
    """The code of the source facility's transit location, made the first time it is needed."""
    node = facility_of(uow, source)
    if node is None:
        raise InvalidMovement(f"{source} is not under a facility: its transit has no place")
    code = transit_code(node.code)
    if uow.locations.get(code) is None:
        uow.locations.save_many(
            [Location(code, f"{node.name}: in transit", LocationKind.TRANSIT, node.code)], {}
        )
    return code
