"""The refill pick list: what a technician takes from the storeroom to restock the cabinets.

For every pocket at or below its min (of one cabinet, or of all), the units that bring its
usable stock to its max, picked lot by lot from the usable stock of its facility's storeroom,
earliest expiry first: the same allocation a refill posts
(:meth:`~rxsupply.domain.stock.StockBook.issue`), run on a copy of the stock and never written.
Expired, quarantined, recalled and suspect stock (sealed blocked packages included) is never on
the list; ``remove`` says how many such units sit in the pocket, to take out while refilling
(the pick counts on them leaving, so the pocket's capacity holds); a pocket the storeroom
cannot fill shows what it can give and what is short.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date

from rxsupply.domain.clock import Clock
from rxsupply.domain.location import Location, LocationKind
from rxsupply.domain.movement import MovementKind
from rxsupply.domain.serial import Packages
from rxsupply.errors import NotFound
from rxsupply.services.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class PickLine:
    """Take ``quantity`` units of one lot from ``from_location`` to ``pocket``."""

    pocket: str
    item: str
    from_location: str
    ndc: str
    lot: str
    expiry: date | None
    quantity: int
    short: int = 0  # units the pocket still lacks after this pick (on its last line)
    remove: int = 0  # expired or blocked units in the pocket to take out (on its first line)

    def as_dict(self) -> dict[str, object]:
        out = asdict(self)
        out["expiry"] = self.expiry.isoformat() if self.expiry else None
        return out


def refill_pick_list(
    uow: UnitOfWork,
    *,
    clock: Clock,
    cabinet: str | None = None,
    cabinets: Sequence[str] = (),
) -> list[PickLine]:
    """The pick list of the pockets at or below their min (of one ``cabinet``, of the
    ``cabinets`` named, in that order, or of all), in pocket order: one allocation over all of
    them, so two cabinets are never given the same storeroom units."""
    everything = uow.locations.all()
    by_id = {loc.id: loc for loc in everything}
    route = list(cabinets) + ([cabinet] if cabinet is not None else [])
    codes = {loc.code for loc in everything}
    for code in route:
        if code not in codes:
            raise NotFound("location", code)
    order = {code: n for n, code in enumerate(route)}
    levels = {(lv.location_id, lv.item_id): lv for lv in uow.stock_levels.all()}
    pockets = [
        loc
        for loc in everything
        if loc.kind is LocationKind.POCKET
        and loc.item_code
        and _parent_kind(loc, by_id) is LocationKind.ADC  # a storeroom's bins are not refilled
        and (not route or _parent_code(loc, by_id) in order)
    ]
    if route:
        pockets.sort(key=lambda p: (order[_parent_code(p, by_id) or ""], p.code))
    items = uow.items.get_many({p.item_code for p in pockets if p.item_code})
    stores = {loc.parent_id: loc for loc in everything if loc.kind is LocationKind.STOREROOM}
    wanted: list[tuple[Location, Location, int, int]] = []  # pocket, store, item id, max
    for pocket in pockets:
        item = items.get(pocket.item_code or "")
        store = stores.get(_facility_id(pocket, by_id))
        level = levels.get((pocket.id or 0, item.id or 0)) if item else None
        if item is None or store is None or level is None or not item.product_ids:
            continue
        wanted.append((pocket, store, item.id or 0, level.max_level))
    today = clock.today()
    # Only pockets that may be at their min are read lot by lot: those whose units are at or
    # under it, and those holding expired or blocked units (usable is less than they hold).
    ids = [p.id or 0 for p, *_ in wanted]
    totals = uow.ledger.pocket_units(ids, lock=False)
    spoiled_at = uow.ledger.holding_unusable(ids, on=today) if ids else set()
    wanted = [
        w
        for w in wanted
        if w[0].id in spoiled_at
        or totals.get(w[0].id or 0, 0) <= levels[(w[0].id or 0, w[2])].min_level
    ]
    if not wanted:
        return []
    product_ids = {pid for p, *_ in wanted for pid in items[p.item_code or ""].product_ids}
    book = uow.ledger.load_book(
        roots={p.id or 0 for p, *_ in wanted} | {s.id or 0 for _, s, *_ in wanted},
        product_ids=product_ids,
        lock=False,
    )
    lots_held = {key[2] for key in book.on_hand}
    book.held = Packages.of(uow.packages.sealed(lots_held) if lots_held else []).held()
    in_pocket = {p.id or 0: totals.get(p.id or 0, 0) for p, *_ in wanted}
    lots = uow.lots.numbers(book.lot_expiry)
    ndcs = {p.id: str(p.ndc) for p in uow.products.find_many("id", map(str, product_ids)).values()}
    out: list[PickLine] = []
    for pocket, store, item_id, max_level in wanted:
        item = items[pocket.item_code or ""]
        level = levels[(pocket.id or 0, item_id)]
        have = book.available(pocket.id or 0, item.product_ids, on=today)
        if have > level.min_level:
            continue
        spoiled = in_pocket.get(pocket.id or 0, 0) - have  # expired or blocked: take them out
        room = (pocket.capacity or max_level + spoiled) - in_pocket.get(pocket.id or 0, 0)
        need = min(max_level - have, room + spoiled)
        give = min(need, book.available(store.id or 0, item.product_ids, on=today))
        if need <= 0:
            continue
        moved = []
        if give > 0:  # what the storeroom has usable: the allocation cannot fall short
            moved = book.issue(
                kind=MovementKind.REFILL,
                location_id=store.id or 0,
                product_ids=item.product_ids,
                quantity=give,
                occurred_at=clock.now(),
                on=today,
                to_location_id=pocket.id,
            )
        for n, m in enumerate(moved):
            last = n == len(moved) - 1
            out.append(
                PickLine(
                    pocket=pocket.code,
                    item=item.code,
                    from_location=book.names.get(m.from_location_id or 0, store.code),
                    ndc=ndcs.get(m.product_id, ""),
                    lot=lots.get(m.lot_id, ""),
                    expiry=book.lot_expiry.get(m.lot_id),
                    quantity=m.quantity,
                    short=need - give if last else 0,
                    remove=spoiled if n == 0 else 0,
                )
            )
        if not moved:
            out.append(PickLine(pocket.code, item.code, store.code, "", "", None, 0, need, spoiled))
    return out


def _parent_code(loc: Location, by_id: dict[int | None, Location]) -> str | None:
    parent = by_id.get(loc.parent_id)
    return parent.code if parent else None


def _parent_kind(loc: Location, by_id: dict[int | None, Location]) -> LocationKind | None:
    parent = by_id.get(loc.parent_id)
    return parent.kind if parent else None


def _facility_id(loc: Location, by_id: dict[int | None, Location]) -> int | None:
    """The facility a location belongs to (walking up the tree)."""
    node: Location | None = loc
    for _ in range(64):
        if node is None:
            return None
        if node.kind is LocationKind.FACILITY:
            return node.id
        node = by_id.get(node.parent_id)
    return None
