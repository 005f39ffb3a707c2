"""Repackaging: units of a bulk lot out, the same units of a new repackaged lot in.

Both movements are ``repackage`` movements of one command (one step, one transaction, one
audit entry), at the same place, carrying the same reference and external id; the new lot
records its bulk lot (``lot_source``), so quarantining, recalling or marking the bulk lot
suspect blocks the unit doses made from it in the same step. The bulk lot must be usable
(not expired on the day, not quarantined, recalled or suspect): unusable stock is never
repackaged. The repackaged lot
is new (a lot number already recorded for the repackaged product is refused) and its expiry
must not be past on the day. An opened lot joins the one opened from the same lot that day
(never another lot's), and an opened lot is not opened again.
"""

from __future__ import annotations

from rxsupply.domain.fields import check_day
from rxsupply.domain.movement import Movement, MovementKind
from rxsupply.domain.status import is_expired, why_unusable
from rxsupply.errors import InvalidValue, UnusableStock
from rxsupply.services.ledger.commands import Open, Repackage
from rxsupply.services.ledger.steps import Context, Done, Step, Stock


def prepare_repackage(ctx: Context, cmd: Repackage | Open) -> Step:
    """A repackaging, or (:class:`Open`) a package opened into a lot of its own product whose
    expiry is its beyond-use date: the same two movements, out of the sealed lot and in of the
    new one, linked so a block of the sealed lot reaches it."""
    found, limits = ctx.found, ctx.limits
    user = ctx.user(cmd.user)
    quantity = ctx.units(cmd.quantity)
    loc = found.location(ctx.code("location", cmd.location) or "")
    bulk = found.product(ctx.code("product", cmd.product) or "")
    opening = isinstance(cmd, Open)
    unit_dose = (
        found.packaging(ctx.code("to_product", cmd.to_product) or "").product
        if isinstance(cmd, Repackage)
        else bulk
    )
    lot = ctx.text("lot", cmd.lot, limit=limits.lot_length, required=True)
    new_lot = ctx.text("to_lot", cmd.to_lot, limit=limits.lot_length, required=True)
    reference = ctx.text("reference", cmd.reference, limit=limits.reference_length)
    assert bulk.id is not None and unit_dose.id is not None and loc.id is not None
    if isinstance(cmd, Repackage) and bulk.id == unit_dose.id:
        raise InvalidValue("to_product", "the repackaged product has its own NDC", cmd.to_product)
    if opening and new_lot == lot:
        raise InvalidValue("to_lot", "an opened package's lot has its own number", new_lot)
    kind = MovementKind.OPEN if opening else MovementKind.REPACKAGE
    verb = "opened" if opening else "repackaged"
    lot_ids = found.existing_lots([bulk.id], lot)
    if not lot_ids:
        raise InvalidValue("lot", found.no_such_lot([bulk.id], lot, bulk.ndc), lot)
    (source_id,) = lot_ids  # a lot number is recorded once per product
    came_from = found.uow.lots.source_of(source_id) if opening else None
    if came_from is not None and came_from[1] == bulk.id:
        raise InvalidValue(
            "lot",
            f"lot {lot} of {bulk.ndc} is an opened package's lot (opened from lot "
            f"{came_from[2]}): it is open already and is not opened again",
            lot,
        )
    when = ctx.when(cmd.occurred_at)
    day = ctx.day_of(when)
    check_day("to_expiry", cmd.to_expiry)
    if is_expired(cmd.to_expiry, day):
        raise InvalidValue("to_expiry", "is past: nothing is repackaged", str(cmd.to_expiry))
    key = (unit_dose.id, new_lot)
    found.want_lot(unit_dose.id, new_lot, cmd.to_expiry)
    external = None if cmd.external_id is None else str(cmd.external_id)
    loc_id, bulk_id, unit_dose_id = loc.id, bulk.id, unit_dose.id

    def check() -> None:
        if found.is_new(key):
            return
        if not opening:
            raise InvalidValue(
                "to_lot",
                f"lot {new_lot} of {unit_dose.ndc} is recorded already: a repackaged lot is new",
                new_lot,
            )
        joined = found.uow.lots.source_of(found.lot(*key).id)  # a second package that day
        if joined is None and key in found.new_lots:
            return  # recorded by this posting: linked to its lot when written
        if joined is None or joined[0] != source_id:
            raise InvalidValue(
                "to_lot",
                f"lot {new_lot} of {unit_dose.ndc} is recorded already and was not opened from "
                f"lot {lot}: give the opened lot another number",
                new_lot,
            )

    def build(stock: Stock) -> Done:
        book = stock.book
        for lot_id in sorted(lot_ids):
            why = why_unusable(
                expiry=book.lot_expiry.get(lot_id),
                on=day,
                note=book.lot_status.get(lot_id),
                lot=f"lot {lot} of {bulk.ndc}",
            )
            if why is not None:
                raise UnusableStock(f"{why}: it is not {verb}")
        out = book.issue(
            kind=kind,
            location_id=loc_id,
            product_ids=[bulk_id],
            quantity=quantity,
            occurred_at=when,
            on=day,
            external_id=external,
            what=f"{bulk.ndc} lot {lot}",
            reference=reference,
            user=user,
            note=f"{verb} into {unit_dose.ndc} lot {new_lot}",
            lot_ids=lot_ids,
        )
        new = found.is_new(key)
        record = found.claim_lot(key, cmd.to_expiry, ndc=unit_dose.ndc)
        book.lot_expiry[record.id] = record.expiry
        if new:
            found.uow.lots.link_source(record.id, source_id)  # a block of the bulk lot reaches it
        elif opening and record.expiry != cmd.to_expiry:
            raise InvalidValue(
                "to_lot",
                f"lot {new_lot} of {unit_dose.ndc} is recorded with expiry {record.expiry}",
                new_lot,
            )
        places = {m.from_location_id for m in out}
        place = places.pop() if len(places) == 1 else loc_id
        into = Movement(
            kind=kind,
            occurred_at=when,
            product_id=unit_dose_id,
            lot_id=record.id,
            quantity=quantity,
            to_location_id=place,
            external_id=external,
            reference=reference,
            user=user,
            note=f"{verb} from {bulk.ndc} lot {lot}",
            unit_cost=bulk.unit_cost,
        )
        book.apply(into)
        stock.follow(out, at=when, user=user)
        return Done([*out, into])

    return Step([loc_id], [bulk_id, unit_dose_id], build, check)
