"""The demo's expired stock: a few slow movers accepted short-dated on backorder.

The demo's history wastes every lot on its expiry day (month end), so nothing expired would be
on hand when it ends. A pharmacy always has some: here, five slow-moving items (chosen apart
from the history's random draws, so the history is the same with or without them) were
received short-dated 50 days before the demo's last day, from a secondary supplier during a
backorder, with expiries one to five days before today; a few units of each went to one of its
pockets 45 days ago. The expiry report, the daily sweep and the refill run's pulls then have
expired units on the shelf and in pockets, and the returns workbench has stock to classify.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import numpy as np

from rxsupply.domain.clock import Clock
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.location import LocationKind
from rxsupply.errors import RxSupplyError
from rxsupply.services.demo.tree import facility_code
from rxsupply.services.ledger import Move, Receive, post
from rxsupply.services.ports import DemoItem, UnitOfWork

ITEMS = 5
SLOW = ("slow", "very-slow")


def short_dated_receipts(
    uow: UnitOfWork, catalogue: Sequence[DemoItem], *, seed: int, clock: Clock, user: str
) -> int:
    """Receive the short-dated lots and stock a few units of each in a pocket (see the
    module's notes); the units written."""
    rng = np.random.default_rng([seed, 13])
    everything = uow.locations.all()
    by_id = {loc.id: loc for loc in everything}
    in_cabinets = [
        loc
        for loc in sorted(everything, key=lambda x: x.code)
        if loc.kind is LocationKind.POCKET
        and loc.item_code
        and getattr(by_id.get(loc.parent_id), "kind", None) is LocationKind.ADC
    ]
    held = uow.ledger.pocket_units([loc.id or 0 for loc in in_cabinets], lock=False)
    pockets: dict[str, list[tuple[str, int]]] = {}  # item: (pocket, room left)
    for loc in in_cabinets:
        room = (loc.capacity or 0) - held.get(loc.id or 0, 0)
        if room > 0 and loc.item_code:
            pockets.setdefault(loc.item_code, []).append((loc.code, room))
    slow = [
        i
        for i, it in enumerate(catalogue)
        if it.demand in SLOW and it.code in pockets and not it.dea_schedule
    ]
    chosen = sorted(rng.choice(slow, size=min(ITEMS, len(slow)), replace=False).tolist())
    items = uow.items.get_many([catalogue[i].code for i in chosen])
    store = f"{facility_code(0)}-STORE"
    now, today = clock.now(), clock.today()
    receipts: list[Receive] = []
    moves: list[Move] = []
    for n, idx in enumerate(chosen, start=1):
        item = items[catalogue[idx].code]
        product = uow.products.find_many("id", [str(item.product_ids[0])])[str(item.product_ids[0])]
        lot = f"SD{today:%y%m}{n:02d}"
        size = product.package_size
        receipts.append(
            Receive(
                user=user,
                product=str(product.ndc),
                lot=lot,
                expiry=today - timedelta(days=n),
                quantity=size * 2,
                location=store,
                reference="short-dated from the secondary supplier during a backorder",
                occurred_at=now - timedelta(days=50),
                external_id=ExternalId("demo-short-dated", lot),
            )
        )
        pocket, room = max(pockets[item.code], key=lambda p: p[1])
        moves.append(
            Move(
                user=user,
                from_location=store,
                to_location=pocket,
                product=str(product.ndc),
                lot=lot,
                quantity=min(size, room, 3),
                occurred_at=now - timedelta(days=45),
                external_id=ExternalId("demo-short-pocket", lot),
            )
        )
    written = 0
    for receipt, answer in zip(receipts, post(uow, receipts, clock=clock), strict=True):
        written += 0 if isinstance(answer, RxSupplyError) else receipt.quantity or 0
    # a second posting: its moves name the lots the first recorded
    for move, answer in zip(moves, post(uow, moves, clock=clock), strict=True):
        written += 0 if isinstance(answer, RxSupplyError) else move.quantity
    return written
