"""A line the counter finds that was not on the count sheet: where, the NDC (or GTIN), lot,
expiry and how many. The expiry is required for a lot not on record (the ledger refuses a new
lot without one, and the whole count would then not post); a recorded lot keeps its own. Its
expected quantity is the on-hand of that lot there when it is added (none, usually), hidden
like every other line's until the count is submitted."""

from __future__ import annotations

from datetime import date

from rxsupply.domain.clock import Clock
from rxsupply.domain.counting import Count, CountLine, CountStatus
from rxsupply.errors import CountRefused, InvalidValue, NotFound
from rxsupply.services.audit import record, require_user
from rxsupply.services.counts import (
    count_scope,
    counted_units,
    get_count,
    open_count,
    refuse_held,
)
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.references import resolve_products


def add_found_line(
    uow: UnitOfWork,
    *,
    count: str,
    location: str,
    product: str,
    lot: str,
    expiry: date | None,
    counted: int,
    user: str,
    clock: Clock,
) -> Count:
    """Add a line the counter found that was not on the sheet: where, the NDC (or GTIN),
    lot and expiry, and how many."""
    require_user(user)
    found = open_count(uow, count)
    _, scope = count_scope(uow, found.location)
    loc = uow.locations.get(location.strip())
    if loc is None or loc.id not in scope:
        raise InvalidValue(
            "location", f"not a place count {found.number} covers ({found.location})", location
        )
    lot_number = lot.strip()
    if not lot_number or len(lot_number) > 40:
        raise InvalidValue("lot", "the lot number on the package (1-40 characters)", lot)
    resolved = resolve_products(uow, [product.strip()]).get(product.strip())
    if not isinstance(resolved, int):
        raise NotFound("product", product, str(resolved))
    prod = uow.products.find("id", str(resolved))
    assert prod is not None and loc.id is not None
    recorded = uow.lots.lookup([(resolved, lot_number)]).get((resolved, lot_number))
    if recorded is None and expiry is None:
        raise InvalidValue(
            "expiry",
            f"lot {lot_number} of {prod.ndc} is not on record: give its expiry (on the package), "
            "which the ledger needs to post it",
        )
    if recorded is not None and expiry is not None and recorded.expiry != expiry:
        raise InvalidValue(
            "expiry", f"lot {lot_number} of {prod.ndc} is recorded with expiry {recorded.expiry}"
        )
    for ln in found.lines:
        if (ln.location_id, ln.product_id, ln.lot) == (loc.id, resolved, lot_number):
            raise CountRefused(f"lot {lot_number} of {prod.ndc} at {loc.code} is line {ln.id}")
    key = (loc.id, resolved, lot_number)
    items = uow.prices.items_of([resolved])
    line = CountLine(
        location=loc.code,
        item=items.get(resolved, ("", "", []))[0],
        ndc=str(prod.ndc),
        product_name=prod.name,
        lot=lot_number,
        expiry=expiry if recorded is None else recorded.expiry,
        expected=uow.counts.on_hand([key]).get(key, 0),
        unit_cost=prod.unit_cost,
        controlled=prod.dea_schedule is not None,
        counted=counted_units(0, counted),
        added=True,
        location_id=loc.id,
        product_id=resolved,
        item_id=uow.items.ids_by_code().get(items.get(resolved, ("", "", []))[0]),
    )
    refuse_held(uow, [line])
    line_id = uow.counts.add_line(found.id or 0, line)
    if line.controlled and not found.controlled:
        uow.counts.set_status(
            found.id or 0, allowed=[CountStatus.OPEN], status=CountStatus.OPEN, controlled=True
        )
    record(
        uow,
        user=user,
        action="add_count_line",
        entity="stock_count",
        key=found.number,
        now=clock.now(),
        after={
            "line": line_id,
            "location": loc.code,
            "ndc": line.ndc,
            "lot": lot_number,
            "counted": counted,
        },
    )
    uow.commit()
    return get_count(uow, found.number)
