"""Adjustments and count variances, and status changes (quarantine, recall, suspect, release).

An adjustment corrects one lot's on-hand by a signed quantity with a reason. Above the
configured value, and for any controlled substance, a second user (a manager) must approve it.

A status change blocks or releases a lot everywhere at once (every storeroom shelf and pocket
that holds it: picking stops taking it in the same transaction), or one serialised package.
Nothing moves; the change is recorded with who, when and why.
"""

from __future__ import annotations

from rxsupply.domain.fields import check_day
from rxsupply.domain.location import LocationKind, check_capacity
from rxsupply.domain.movement import Movement
from rxsupply.domain.recall import Disposition, RecallStatus
from rxsupply.domain.serial import SERIAL_LENGTH
from rxsupply.domain.status import StatusNote, StockStatus
from rxsupply.errors import (
    ApprovalNeeded,
    InsufficientStock,
    InvalidMovement,
    InvalidValue,
    NotFound,
    RecallRefused,
)
from rxsupply.services.ledger.commands import Adjust, SetStatus
from rxsupply.services.ledger.steps import Context, Done, Step, Stock
from rxsupply.services.ports import RepackagedLot, StatusChange, UnitOfWork

OPENING_STOCK = "opening stock"


def prepare_adjust(ctx: Context, cmd: Adjust) -> Step:
    found, limits = ctx.found, ctx.limits
    user = ctx.user(cmd.user)
    if cmd.quantity == 0:
        raise InvalidValue("quantity", "an adjustment changes on-hand by a non-zero amount", 0)
    limits.quantity(abs(cmd.quantity))
    reason = ctx.text("reason", cmd.reason, limit=limits.note_length)
    if not reason:
        raise InvalidValue("reason", "every adjustment needs a reason")
    if cmd.opening and (cmd.quantity < 0 or reason != OPENING_STOCK or cmd.count):
        raise InvalidValue("quantity", "opening stock adds a positive quantity", cmd.quantity)
    loc = found.location(ctx.code("location", cmd.location) or "")
    prod = found.product(ctx.code("product", cmd.product) or "")
    lot_number = ctx.text("lot", cmd.lot, limit=limits.lot_length, required=True)
    assert loc.id is not None and prod.id is not None
    if loc.kind is LocationKind.ADC:
        raise InvalidMovement(
            f"{loc.code} is a cabinet: adjust the pocket that holds the stock, not the cabinet"
        )
    found.check_pocket(loc, [prod.id])
    why = limits.needs_approval(
        units=cmd.quantity, unit_cost=prod.unit_cost, controlled=prod.dea_schedule is not None
    )
    approved_by = ""
    if why is not None and not cmd.opening:
        if cmd.approval is None:
            raise ApprovalNeeded(f"an adjustment of {cmd.quantity:+,} {prod.ndc}: {why}")
        cmd.approval.check(user, f"an adjustment of {cmd.quantity:+,}: {why}")
        approved_by = cmd.approval.username
    elif cmd.count and cmd.approval is not None:  # a count's reviewer, recorded with its lines
        cmd.approval.check(user, f"a count variance of {cmd.quantity:+,}")
        approved_by = cmd.approval.username
    key = (prod.id, lot_number)
    if cmd.expiry is not None:
        check_day("expiry", cmd.expiry)
    found.want_lot(prod.id, lot_number, cmd.expiry)
    when = ctx.when(cmd.occurred_at)
    loc_id, prod_id = loc.id, prod.id

    def check() -> None:
        record = found.lot(*key)
        found.check_spelling(key, prod.ndc)
        if found.is_new(key):
            return  # recorded by this posting: checked when a command writes it
        if cmd.expiry is not None and record.expiry != cmd.expiry:
            raise InvalidValue(
                "expiry",
                f"lot {lot_number} of {prod.ndc} is recorded with expiry {record.expiry}",
                cmd.expiry.isoformat(),
            )

    def build(stock: Stock) -> Done:
        book = stock.book
        if found.is_new(key):
            if cmd.expiry is None and not found.is_non_expiring(prod_id):
                raise InvalidValue(
                    "expiry",
                    f"lot {lot_number} is new: give its expiry date (only items marked "
                    "non-expiring have none)",
                )
            if cmd.quantity < 0:
                raise InsufficientStock(
                    f"lot {lot_number} of {prod.ndc} has nothing on hand at {loc.code}"
                )
        if cmd.quantity > 0 and loc.kind is LocationKind.POCKET:
            check_capacity(loc, holds=stock.holds(loc_id), adding=cmd.quantity)
        record = found.lot(*key)
        if cmd.quantity < 0 and book.quantity((loc_id, prod_id, record.id)) < -cmd.quantity:
            raise InsufficientStock(
                f"on-hand of lot {lot_number} at {loc.code} is "
                f"{book.quantity((loc_id, prod_id, record.id))}, cannot take {-cmd.quantity}"
            )
        record = found.claim_lot(
            key, cmd.expiry, ndc=prod.ndc
        )  # the last check; nothing fails after it
        book.lot_expiry[record.id] = record.expiry
        m = Movement(
            kind=cmd.kind,
            occurred_at=when,
            product_id=prod_id,
            lot_id=record.id,
            quantity=abs(cmd.quantity),
            from_location_id=loc_id if cmd.quantity < 0 else None,
            to_location_id=loc_id if cmd.quantity > 0 else None,
            external_id=None if cmd.external_id is None else str(cmd.external_id),
            user=user,
            note=reason,
            approved_by=approved_by,
        )
        book.apply(m)
        stock.follow([m], blocked_ok=True, at=when, user=user)
        return Done([m], approved_by=approved_by)

    pockets = [loc_id] if cmd.quantity > 0 and loc.kind is LocationKind.POCKET else []
    return Step([loc_id], [prod_id], build, check, pockets)


def prepare_status(ctx: Context, cmd: SetStatus) -> Step:
    found, limits = ctx.found, ctx.limits
    user = ctx.user(cmd.user)
    status = cmd.status
    if status.terminal:
        raise InvalidValue("status", "quarantined, recalled, suspect or available", status.value)
    reason = ctx.text("reason", cmd.reason, limit=limits.note_length)
    if not reason:
        raise InvalidValue("reason", "say why the stock's status changes")
    prod = found.product(ctx.code("product", cmd.product) or "")
    assert prod.id is not None
    prod_id = prod.id
    if cmd.serial is not None:
        serial = ctx.text("serial", cmd.serial, limit=SERIAL_LENGTH, required=True)
        return _package_status(ctx, cmd, prod_id, serial, user, reason)
    lot_number = ctx.text("lot", cmd.lot or "", limit=limits.lot_length, required=True)
    lot_ids = found.existing_lots([prod_id], lot_number)
    if not lot_ids:
        spelled = found.spellings([prod_id], lot_number)
        hint = f"on record as {', '.join(spelled)}" if spelled else ""
        raise NotFound("lot", f"{lot_number} of {prod.ndc}", hint)
    (lot_id,) = lot_ids
    record = found.uow.lots.lookup([(prod_id, lot_number)])[(prod_id, lot_number)]
    current = record.status.status if record.status else StockStatus.AVAILABLE
    name = f"lot {lot_number} of {prod.ndc}"
    follow, kept = _repackaged(
        found.uow.lots.repackaged_from(lot_id),
        status,
        source=f"{prod.ndc} lot {lot_number}",
        before=record.status,
        reason=reason,
    )
    if current is status and not follow:
        raise InvalidValue("status", f"{name} is already {status.value}")
    if current is not status:
        _no_downgrade(current, status, name)
    if status is StockStatus.AVAILABLE and current is StockStatus.RECALLED:
        _no_release_under_open_recall(found.uow, (prod_id, lot_id, lot_number), name)
    where = found.uow.lots.units_by_location(lot_id)
    places = {d.id: found.uow.lots.units_by_location(d.id) for d, _ in [*follow, *kept]}

    def build(stock: Stock) -> Done:
        changes: list[dict[str, object]] = []
        if current is not status:
            _set(stock, lot_id, StatusNote(status, reason, user, ctx.now))
            changes.append(_change(str(prod.ndc), lot_number, current, status, where))
        for lot, why in follow:
            _set(stock, lot.id, StatusNote(status, why, user, ctx.now))
            was = lot.status.status if lot.status else StockStatus.AVAILABLE
            change = _change(lot.ndc, lot.lot_number, was, status, places[lot.id])
            changes.append({**change, "repackaged_from": f"{prod.ndc} lot {lot_number}"})
        for lot, why in kept:
            was = lot.status.status if lot.status else StockStatus.AVAILABLE
            change = _change(lot.ndc, lot.lot_number, was, was, places[lot.id])
            source = f"{prod.ndc} lot {lot_number}"
            changes.append({**change, "repackaged_from": source, "note": why})
        return Done(changed=changes)

    def _set(stock: Stock, target: int, note: StatusNote) -> None:
        if note.status is StockStatus.AVAILABLE:
            stock.book.lot_status.pop(target, None)
        else:
            stock.book.lot_status[target] = note
        stock.status_changes.append(StatusChange(ctx.now, target, note.status, note.reason, user))

    products = sorted({prod_id, *(d.product_id for d, _ in [*follow, *kept])})
    return Step([], products, build)


def _change(
    ndc: str, lot: str, was: StockStatus, now: StockStatus, where: dict[str, int]
) -> dict[str, object]:
    return {
        "ndc": ndc,
        "lot": lot,
        "from": was.value,
        "to": now.value,
        "units": sum(where.values()),
        "locations": where,
    }


def inherited_reason(source: str, reason: str) -> str:
    """Why a repackaged lot is blocked when its bulk lot (``source``: NDC and lot) is."""
    return f"repackaged from {source}: {reason}"


def _repackaged(
    lots: list[RepackagedLot],
    status: StockStatus,
    *,
    source: str,
    before: StatusNote | None,
    reason: str,
) -> tuple[list[tuple[RepackagedLot, str]], list[tuple[RepackagedLot, str]]]:
    """The lots repackaged from a lot (transitively) that follow its status change, each with
    the reason it takes, and those that keep theirs, each with why.

    A block (quarantine, recall, suspect) reaches every one not blocked as hard already; one
    blocked before for a reason of its own keeps that reason in its new one. A release
    releases only those blocked because of this lot's block (the reason it gave them, the
    status it has): one blocked for its own reason stays blocked."""
    follow: list[tuple[RepackagedLot, str]] = []
    kept: list[tuple[RepackagedLot, str]] = []
    inherited = None if before is None else inherited_reason(source, before.reason)
    for lot in lots:
        note = lot.status
        if status is StockStatus.AVAILABLE:
            if note is None:
                continue  # available already: nothing to say
            if before is not None and note.status is before.status and note.reason == inherited:
                follow.append((lot, f"released with {source}: {reason}"))
            else:
                kept.append((lot, f"stays {note.status.value}: blocked for its own reason"))
            continue
        why = inherited_reason(source, reason)
        if note is None:
            follow.append((lot, why))
        elif _SEVERITY[note.status] >= _SEVERITY[status]:
            kept.append((lot, f"{note.status.value} already"))
        elif before is not None and note.status is before.status and note.reason == inherited:
            follow.append((lot, why))  # blocked because of this lot: the block hardens
        else:
            own = f"{why}; before: {note.status.value}: {note.reason}"
            follow.append((lot, own[:_REASON_LENGTH]))
    return follow, kept


_REASON_LENGTH = 2000


def _package_status(
    ctx: Context, cmd: SetStatus, product_id: int, serial: str, user: str, reason: str
) -> Step:
    found = ctx.found.uow.packages.by_serial([product_id], serial)
    if not found:
        raise NotFound("serialised package", serial)
    package = found[0]
    if not package.sealed:
        raise InvalidValue(
            "serial", f"package {serial} is {package.status.value}: it is no longer tracked"
        )
    if package.status is cmd.status and not (cmd.restate and cmd.status.blocked):
        raise InvalidValue("status", f"package {serial} is already {cmd.status.value}")
    _no_downgrade(package.status, cmd.status, f"package {serial}")
    before = package.status

    def build(stock: Stock) -> Done:
        held = stock.packages.find(package.identity) or package
        stock.packages.set_status(held, cmd.status, reason)
        stock.book.held = stock.packages.held()
        stock.status_changes.append(
            StatusChange(ctx.now, held.lot_id, cmd.status, reason, user, package_id=held.id)
        )
        change: dict[str, object] = {
            "gtin": held.gtin,
            "serial": held.serial,
            "from": before.value,
            "to": cmd.status.value,
            "units": held.units,
        }
        return Done(changed=[change])

    return Step([package.location_id], [product_id], build)


def _no_release_under_open_recall(uow: UnitOfWork, lot: tuple[int, int, str], name: str) -> None:
    """A lot a recall covers (named, or repackaged from a lot it names) stays recalled while
    the recall is open, and for good once it is closed as returned, destroyed or none on hand:
    only a withdrawn recall, closed as released, puts its lots back into use. ``lot``: the
    product id, lot id and number; the recalls asked are those naming its product or the
    product of a lot it was repackaged from."""
    product_id, lot_id, lot_number = lot
    lineage = [(product_id, lot_number)]
    seen = {lot_id}
    source = uow.lots.source_of(lot_id)
    while source is not None and source[0] not in seen:
        seen.add(source[0])
        lineage.append((source[1], source[2]))
        source = uow.lots.source_of(source[0])
    for recall in uow.recalls.naming_products({pid for pid, _ in lineage}):
        if recall.disposition is Disposition.RELEASED:
            continue
        assert recall.id is not None
        ndc_of = {pid: ndc for ndc, pid in uow.recalls.product_ids(recall.id).items()}
        if not any(recall.names(ndc_of.get(pid, ""), number) for pid, number in lineage):
            continue
        if recall.status is RecallStatus.OPEN:
            raise RecallRefused(
                f"{name} is recalled by open recall {recall.number}: it stays recalled while "
                "the recall is open (a recall the firm withdraws is closed with disposition "
                "released, which releases its lots)"
            )
        closed = recall.disposition.value if recall.disposition else "closed"
        raise RecallRefused(
            f"{name} is recalled by recall {recall.number}, closed as {closed}: recalled "
            "stock is not put back into use (return or destroy it)"
        )


_SEVERITY = {StockStatus.QUARANTINED: 1, StockStatus.SUSPECT: 2, StockStatus.RECALLED: 3}


def _no_downgrade(current: StockStatus, wanted: StockStatus, what: str) -> None:
    """A block only hardens (quarantined, then suspect, then recalled); lifting or softening
    it is a release, a manager's call."""
    if current.blocked and wanted.blocked and _SEVERITY[wanted] < _SEVERITY[current]:
        raise InvalidValue(
            "status",
            f"{what} is {current.value}: release it first (a manager's call) to mark it "
            f"{wanted.value}",
        )
