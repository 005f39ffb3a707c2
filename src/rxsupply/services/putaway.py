"""Putaway: stock received into a storeroom shelved into the storeroom's bins.

A storeroom's bins are pockets under it (the location tree allows them; a bin may be assigned
to an item and have a capacity, as a cabinet's pocket does). A receipt lands on the storeroom
itself ("the floor"): :func:`putaway_list` shows what sits there unshelved, each line with a
suggested bin (the first bin already holding or assigned to the line's item, else the first
empty unassigned bin), and :func:`put_away` moves a lot (or one scanned package) from the
floor into a bin as a ledger transfer. Picking from a storeroom walks its subtree, so stock in
its bins is picked as before (earliest expiry first, wherever it sits).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from rxsupply.domain.clock import Clock
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.identifier import ProductIdentifier
from rxsupply.domain.location import Location, LocationKind
from rxsupply.domain.stock import StockBook
from rxsupply.errors import InvalidMovement, InvalidValue, NotFound
from rxsupply.services.ledger import Move, Posted, post_one
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.references import resolve_products


@dataclass(frozen=True, slots=True)
class Unshelved:
    """Units of one lot on a storeroom's floor, and the bin suggested for them ("" when the
    storeroom has no bin for them, or the lot may not be shelved: expired or blocked, it goes
    to quarantine)."""

    storeroom: str
    item: str
    ndc: str
    lot: str
    expiry: date | None
    quantity: int
    bin: str

    def as_dict(self) -> dict[str, object]:
        out = asdict(self)
        out["expiry"] = self.expiry.isoformat() if self.expiry else None
        return out


def _storerooms(uow: UnitOfWork, storeroom: str | None) -> list[Location]:
    stores = uow.locations.of_kind(LocationKind.STOREROOM)
    if storeroom is None:
        return stores
    chosen = [s for s in stores if s.code == storeroom]
    if not chosen:
        raise NotFound("storeroom", storeroom)
    return chosen


def _floor_book(uow: UnitOfWork, store: Location) -> tuple[StockBook, dict[int, int]]:
    """The storeroom's stock (floor and bins) of every stocked product, and each product's
    item."""
    item_of: dict[int, int] = {}
    for item_id, product_ids in uow.items.products_of().items():
        for pid in product_ids:
            item_of.setdefault(pid, item_id)
    book = uow.ledger.load_book(roots=[store.id or 0], product_ids=item_of, lock=False)
    return book, item_of


def putaway_list(uow: UnitOfWork, *, clock: Clock, storeroom: str | None = None) -> list[Unshelved]:
    """What sits on each storeroom's floor (not in a bin), earliest expiry first, with the bin
    suggested for it. Every unit on the floor is listed, usable or not; a lot expired or
    blocked on the day gets no bin (the ledger moves it only into quarantine, so
    :func:`put_away` refuses it)."""
    today = clock.today()
    out: list[Unshelved] = []
    everything = uow.locations.all()
    item_codes = {i: c for c, i in uow.items.ids_by_code().items()}
    for store in _storerooms(uow, storeroom):
        bins = sorted(
            (b for b in everything if b.parent_id == store.id and b.kind is LocationKind.POCKET),
            key=lambda b: b.code,
        )
        book, item_of = _floor_book(uow, store)
        floor = [k for k in book.lines_for(store.id or 0, list(item_of)) if k[0] == store.id]
        if not floor:
            continue
        filled = uow.ledger.pocket_units([b.id or 0 for b in bins], lock=False) if bins else {}
        items_in: dict[int, set[str]] = {}
        for loc, prod, _lot in book.on_hand:
            if loc != store.id and book.on_hand[(loc, prod, _lot)] > 0 and prod in item_of:
                items_in.setdefault(loc, set()).add(item_codes.get(item_of[prod], ""))
        ndcs = {
            p.id: str(p.ndc)
            for p in uow.products.find_many("id", {str(k[1]) for k in floor}).values()
        }
        lots = uow.lots.numbers({k[2] for k in floor})
        for key in floor:
            item = item_codes.get(item_of.get(key[1], 0), "")
            out.append(
                Unshelved(
                    storeroom=store.code,
                    item=item,
                    ndc=ndcs.get(key[1], ""),
                    lot=lots.get(key[2], ""),
                    expiry=book.lot_expiry.get(key[2]),
                    quantity=book.quantity(key),
                    bin=_suggest(bins, item, items_in, filled)
                    if book.lot_usable(key[2], today)
                    else "",
                )
            )
    return out


def _suggest(
    bins: list[Location], item: str, items_in: dict[int, set[str]], filled: dict[int, int]
) -> str:
    """The first bin holding or assigned to the item, else the first empty unassigned bin."""
    for b in bins:
        if b.item_code == item or (item and item in items_in.get(b.id or 0, set())):
            return b.code
    for b in bins:
        if b.item_code is None and not filled.get(b.id or 0):
            return b.code
    return ""


def put_away(
    uow: UnitOfWork,
    *,
    to_bin: str,
    user: str,
    clock: Clock,
    lot: str | None = None,
    product: str | None = None,
    scanned: ProductIdentifier | None = None,
    quantity: int | None = None,
    external_id: ExternalId | None = None,
) -> Posted:
    """Move units of one lot from a storeroom's floor into one of its bins (a ledger transfer).

    Name the lot (and the product's NDC when two products share the lot number) or give a
    scanned package: a scan shelves that one package (its units; a serialised package follows
    whole), a lot shelves all of it on the floor unless ``quantity`` says."""
    target = uow.locations.get(to_bin)
    if target is None:
        raise NotFound("location", to_bin)
    store = uow.locations.get(target.parent_code or "")
    if (
        target.kind is not LocationKind.POCKET
        or store is None
        or (store.kind is not LocationKind.STOREROOM)
    ):
        raise InvalidMovement(f"{to_bin} is not a bin of a storeroom")
    if scanned is not None:
        if scanned.lot is None:
            raise InvalidValue("scan", "the barcode has no lot (10): name the lot and NDC")
        found = uow.products.find("digits10", scanned.ndc_digits)
        if found is None:
            raise NotFound("product", scanned.gtin)
        lot, product = scanned.lot, str(found.ndc)
        if quantity is None:
            quantity = found.package_size
    if not lot:
        raise InvalidValue("lot", "name the lot to put away, or scan a package")
    book, item_of = _floor_book(uow, store)
    lot_ids = {k[2]: k[1] for k in book.lines_for(store.id or 0, list(item_of)) if k[0] == store.id}
    numbers = uow.lots.numbers(lot_ids)
    candidates = [(lid, pid) for lid, pid in lot_ids.items() if numbers.get(lid) == lot]
    if product is not None:
        wanted = resolve_products(uow, [product]).get(product)
        if not isinstance(wanted, int):
            raise NotFound("product", product, str(wanted))
        candidates = [(lid, pid) for lid, pid in candidates if pid == wanted]
    if not candidates:
        raise NotFound("lot", f"{lot} on the floor of {store.code}")
    products = {pid for _lid, pid in candidates}
    if len(products) > 1:
        raise InvalidValue("product", f"lot {lot} is on the floor for several NDCs: name one")
    lot_id, product_id = candidates[0]
    ndc = str(uow.products.find_many("id", [str(product_id)])[str(product_id)].ndc)
    on_floor = book.quantity((store.id or 0, product_id, lot_id))
    return post_one(
        uow,
        Move(
            user=user,
            from_location=store.code,
            to_location=target.code,
            quantity=on_floor if quantity is None else quantity,
            product=ndc,
            lot=lot,
            here_only=True,
            reference="putaway",
            external_id=external_id,
        ),
        clock=clock,
    )
