"""Moving stock: transfers and refills, dispenses, waste, patient returns, returns to vendor.

Picking takes usable stock only, earliest expiry first. Blocked or expired stock of a named lot
moves only into a quarantine location, out of the hospital (waste, return to vendor), or with an
override: a reason and a second user who is a manager. Stock on a quarantine shelf leaves only
by its lot (a released lot goes back without an override). A dispense never takes any of it.

Stock sent to a cabinet goes into the item's pocket there, or the pocket named; a cabinet with
no pocket for the item refuses it, and a pocket takes no more than its capacity.
"""

from __future__ import annotations

from dataclasses import dataclass

from rxsupply.domain.discrepancy import Discrepancy
from rxsupply.domain.location import Location, LocationKind, check_capacity
from rxsupply.domain.movement import MovementKind
from rxsupply.domain.product import Item
from rxsupply.domain.status import why_unusable
from rxsupply.errors import ApprovalNeeded, InvalidMovement, InvalidValue, UnusableStock
from rxsupply.services.ledger.allocation import check_allocation
from rxsupply.services.ledger.commands import Dispense, Move, ReturnToVendor
from rxsupply.services.ledger.steps import Context, Done, Step, Stock

_OUT = (MovementKind.DISPENSE, MovementKind.WASTE, MovementKind.PATIENT_RETURN)


def prepare_move(ctx: Context, cmd: Move) -> Step:
    found, limits = ctx.found, ctx.limits
    user = ctx.user(cmd.user)
    quantity = ctx.units(cmd.quantity)
    src = found.location(ctx.code("from_location", cmd.from_location) or "")
    dst = found.location(ctx.code("to_location", cmd.to_location) or "")
    lot = ctx.code("lot", cmd.lot)
    reference = ctx.text("reference", cmd.reference, limit=limits.reference_length)
    override = ctx.text("override", cmd.override, limit=limits.note_length)
    product_ids, what, item = found.what(
        item=ctx.code("item", cmd.item), product=ctx.code("product", cmd.product)
    )
    dst = _destination(ctx, dst, ctx.code("pocket", cmd.pocket), item, product_ids)
    found.check_pocket(dst, product_ids)
    if src.id == dst.id:
        raise InvalidMovement(f"{cmd.kind.value}: from and to are the same location {src.code}")
    lot_ids: set[int] | None = None
    if lot is not None:
        lot_ids = found.existing_lots(product_ids, lot)
        if not lot_ids:
            raise InvalidValue("lot", found.no_such_lot(product_ids, lot, what), lot)
    if override:
        if lot is None:
            raise InvalidValue("lot", "an override names the lot it moves")
        if cmd.approval is None:
            raise ApprovalNeeded(f"moving lot {lot} despite its status ({override})")
    when = ctx.when(cmd.occurred_at)
    day = ctx.day_of(when)
    into_quarantine = dst.kind is LocationKind.QUARANTINE
    from_quarantine = src.kind is LocationKind.QUARANTINE
    if from_quarantine and lot_ids is None:
        raise UnusableStock(
            f"{src.code} is a quarantine location: its stock leaves by its lot (name the lot)"
        )
    assert src.id is not None and dst.id is not None
    src_id, dst_id = src.id, dst.id

    def build(stock: Stock) -> Done:
        book = stock.book
        blocked = sorted(i for i in (lot_ids or ()) if not book.lot_usable(i, day))
        take_unusable = bool(lot_ids) and into_quarantine
        if from_quarantine and not blocked:  # a released (and unexpired) lot goes back
            sealed = [k for k in book.lines_for(src_id, product_ids) if book.held.get(k)]
            if any(k[2] in (lot_ids or ()) for k in sealed):
                raise UnusableStock(
                    f"lot {lot} at {src.code} holds blocked serialised packages: move them "
                    "with an override a manager approves, or change their status first"
                )
            take_unusable = True
        approved_by = ""
        if blocked and not into_quarantine:
            why = why_unusable(
                expiry=book.lot_expiry.get(blocked[0]),
                on=day,
                note=book.lot_status.get(blocked[0]),
                lot=f"lot {lot}",
            )
            if not override or cmd.approval is None:
                raise UnusableStock(
                    f"{why}: it moves only into a quarantine location, out as waste or a "
                    "return to vendor, or with an override a manager approves"
                )
            cmd.approval.check(user, f"moving lot {lot} ({why})")
            take_unusable, approved_by = True, cmd.approval.username
        if dst.kind is LocationKind.POCKET:
            check_capacity(dst, holds=stock.holds(dst_id), adding=quantity)
        moved = book.issue(
            kind=cmd.kind,
            location_id=src_id,
            product_ids=product_ids,
            quantity=quantity,
            occurred_at=when,
            on=day,
            external_id=None if cmd.external_id is None else str(cmd.external_id),
            what=what,
            reference=reference,
            user=user,
            note=override,
            to_location_id=dst_id,
            lot_ids=lot_ids,
            take_unusable=take_unusable,
            approved_by=approved_by,
            here_only=cmd.here_only,
        )
        stock.follow(moved, blocked_ok=take_unusable, at=when, user=user)
        return Done(moved, approved_by=approved_by)

    pockets = [dst_id] if dst.kind is LocationKind.POCKET else []
    return Step([src_id, dst_id], list(product_ids), build, pockets=pockets)


def _destination(
    ctx: Context, dst: Location, pocket: str | None, item: Item | None, product_ids: list[int]
) -> Location:
    """Where units sent to ``dst`` go: a cabinet's pocket for the item (the one named, or the
    one assigned to the item), else ``dst`` itself."""
    if pocket is not None:
        chosen = ctx.found.location(pocket)
        if chosen.kind is not LocationKind.POCKET or chosen.parent_id != dst.id:
            raise InvalidValue("pocket", f"{chosen.code} is not a pocket of {dst.code}", pocket)
        _check_assignment(chosen, item)
        return chosen
    if dst.kind is LocationKind.POCKET:
        _check_assignment(dst, item)
        return dst
    if dst.kind is not LocationKind.ADC:
        return dst
    pockets = ctx.found.children(dst)
    if item is not None:
        mine = [p for p in pockets if p.item_code == item.code]
    else:
        items = ctx.found.uow.items.get_many({p.item_code for p in pockets if p.item_code})
        mine = [
            p
            for p in pockets
            if p.item_code and set(items[p.item_code].product_ids) & set(product_ids)
        ]
    if not mine:
        name = item.code if item is not None else "this product"
        raise InvalidMovement(
            f"cabinet {dst.code} has no pocket for {name}: name the pocket to fill, or assign "
            "one to the item (locations file, column item)"
        )
    return mine[0]


def _check_assignment(pocket: Location, item: Item | None) -> None:
    if item is not None and pocket.item_code not in (None, item.code):
        raise InvalidMovement(
            f"pocket {pocket.code} holds item {pocket.item_code}, not {item.code}"
        )


@dataclass(frozen=True, slots=True)
class _Source:
    """Where a dispense takes from, resolved once for all the commands that name it."""

    location_id: int
    product_ids: list[int]
    what: str
    lot_ids: set[int] | None
    item_id: int | None
    location: str


def _source(ctx: Context, cmd: Dispense) -> _Source:
    """The location, products and lot a dispense names, checked; cached by what it names (an
    import of a million dispenses names a few thousand pocket-items)."""
    key = (cmd.location, cmd.item, cmd.product, cmd.lot, cmd.kind)
    found = ctx.found.sources.get(key)
    if isinstance(found, _Source):
        return found
    loc = ctx.found.location(ctx.code("location", cmd.location) or "")
    product_ids, what, item = ctx.found.what(
        item=ctx.code("item", cmd.item), product=ctx.code("product", cmd.product)
    )
    lot = ctx.code("lot", cmd.lot)
    lot_ids: set[int] | None = None
    if lot is not None:
        if cmd.kind is MovementKind.PATIENT_RETURN:
            raise InvalidValue("lot", "a patient return goes back to the lot dispensed next")
        lot_ids = ctx.found.existing_lots(product_ids, lot)
        if not lot_ids:
            raise InvalidValue("lot", ctx.found.no_such_lot(product_ids, lot, what), lot)
    assert loc.id is not None
    if lot is not None:
        what = f"{what} lot {lot}"  # a short count names the lot it was taken from
    source = _Source(
        loc.id, list(product_ids), what, lot_ids, item.id if item is not None else None, loc.code
    )
    if lot is None:  # a named lot's record may change within a posting: not cached
        ctx.found.sources[key] = source
    return source


def prepare_dispense(ctx: Context, cmd: Dispense) -> Step:
    user = ctx.user(cmd.user)
    kind = cmd.kind
    if kind not in _OUT:
        raise InvalidMovement(f"{kind.value} is not a dispense, waste or patient return")
    quantity = ctx.units(cmd.quantity)
    note = ctx.text("note", cmd.note, limit=ctx.limits.note_length) if cmd.note else ""
    source = _source(ctx, cmd)
    loc_id, product_ids, what, lot_ids = (
        source.location_id,
        source.product_ids,
        source.what,
        source.lot_ids,
    )
    when = ctx.when(cmd.occurred_at)
    day = ctx.day_of(when)
    external = None if cmd.external_id is None else str(cmd.external_id)
    if kind is MovementKind.DISPENSE:
        check_allocation(
            ctx,
            location=ctx.found.location(source.location),
            item_id=source.item_id,
            product_ids=product_ids,
            what=what,
            quantity=quantity,
            occurred_at=when,
            reported=cmd.reported,
            user=user,
        )
    # waste of a named lot may take expired or blocked stock: it leaves the hospital
    take_unusable = kind is MovementKind.WASTE and lot_ids is not None

    def build(stock: Stock) -> Done:
        if kind is MovementKind.PATIENT_RETURN:
            m = stock.book.put_back(
                kind=kind,
                location_id=loc_id,
                product_ids=product_ids,
                quantity=quantity,
                occurred_at=when,
                on=day,
                external_id=external,
                what=what,
                user=user,
                note=note,
            )
            return Done([m])
        issued = quantity
        found: list[Discrepancy] = []
        if cmd.reported and not take_unusable:  # the cabinet is the truth for what left it
            usable = stock.book.available(loc_id, product_ids, on=day, lot_ids=lot_ids)
            if usable < quantity:
                issued = usable
                found.append(
                    Discrepancy(
                        location_id=loc_id,
                        kind=kind.value,
                        reported=quantity,
                        posted=usable,
                        blocked=stock.book.unusable(loc_id, product_ids, on=day, lot_ids=lot_ids),
                        occurred_at=when,
                        reported_by=user,
                        item_id=source.item_id,
                        product_id=None if source.item_id is not None else product_ids[0],
                        what=what,
                        external_id=external,
                        location=source.location,
                    )
                )
        moved = (
            stock.book.issue(
                kind=kind,
                location_id=loc_id,
                product_ids=product_ids,
                quantity=issued,
                occurred_at=when,
                on=day,
                external_id=external,
                what=what,
                user=user,
                note=note,
                lot_ids=lot_ids,
                take_unusable=take_unusable,
            )
            if issued > 0
            else []
        )
        stock.follow(moved, blocked_ok=take_unusable, at=when, user=user)
        return Done(moved, discrepancies=found)

    return Step([loc_id], product_ids, build)


def prepare_return_to_vendor(ctx: Context, cmd: ReturnToVendor) -> Step:
    found, limits = ctx.found, ctx.limits
    user = ctx.user(cmd.user)
    quantity = ctx.units(cmd.quantity)
    loc = found.location(ctx.code("location", cmd.location) or "")
    prod = found.product(ctx.code("product", cmd.product) or "")
    lot = ctx.text("lot", cmd.lot, limit=limits.lot_length, required=True)
    reference = ctx.text("reference", cmd.reference, limit=limits.reference_length)
    assert prod.id is not None and loc.id is not None
    lot_ids = found.existing_lots([prod.id], lot)
    if not lot_ids:
        raise InvalidValue("lot", found.no_such_lot([prod.id], lot, prod.ndc), lot)
    when = ctx.when(cmd.occurred_at)
    loc_id, prod_id = loc.id, prod.id

    def build(stock: Stock) -> Done:
        moved = stock.book.issue(
            kind=MovementKind.RETURN_TO_VENDOR,
            location_id=loc_id,
            product_ids=[prod_id],
            quantity=quantity,
            occurred_at=when,
            on=ctx.day_of(when),
            external_id=None if cmd.external_id is None else str(cmd.external_id),
            what=f"{prod.ndc} lot {lot}",
            reference=reference,
            user=user,
            lot_ids=lot_ids,
            take_unusable=True,
        )
        stock.follow(moved, blocked_ok=True, at=when, user=user)
        return Done(moved)

    return Step([loc_id], [prod_id], build)
