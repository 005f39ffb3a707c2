"""Receiving: a lot of a product into the storeroom (or another location), by NDC or by scan.

A receipt needs the lot's expiry unless the item is non-expiring, and is refused when the lot
has expired, when the lot is recorded with another expiry, or when the lot is blocked
(quarantined, recalled, suspect) or an open recall names it, unless it goes into a quarantine
location (where a lot an open recall names is marked recalled). A scanned package
with a serial receives exactly that package (or case) and records it; the same GTIN and serial
received again is refused and the package first received is flagged suspect. A package an open
DSCSA document exception names (its transaction information ships it without a lot or expiry,
or does not describe its product: :mod:`rxsupply.services.dscsa.document_holds`) is received
*quarantined*, wherever it goes, the reason naming the exception: the exception's resolution
releases it.
"""

from __future__ import annotations

from rxsupply.domain.fields import check_day
from rxsupply.domain.location import LocationKind, check_capacity
from rxsupply.domain.movement import Movement, MovementKind
from rxsupply.domain.recall import recalled_because
from rxsupply.domain.serial import SERIAL_LENGTH, SerialPackage
from rxsupply.domain.status import StatusNote, StockStatus, is_expired
from rxsupply.errors import DuplicateSerial, InvalidMovement, InvalidValue, UnusableStock
from rxsupply.services.ledger.commands import Receive
from rxsupply.services.ledger.steps import Context, Done, Step, Stock
from rxsupply.services.ports import StatusChange

RECEIVING_KINDS = frozenset(
    {
        LocationKind.STOREROOM,
        LocationKind.SATELLITE,
        LocationKind.POCKET,
        LocationKind.QUARANTINE,
    }
)


def prepare_receive(ctx: Context, cmd: Receive) -> Step:
    found, limits = ctx.found, ctx.limits
    user = ctx.user(cmd.user)
    lot_number = ctx.text("lot", cmd.lot, limit=limits.lot_length, required=True)
    reference = ctx.text("reference", cmd.reference, limit=limits.reference_length)
    serial = None
    if cmd.serial is not None:
        serial = ctx.text("serial", cmd.serial, limit=SERIAL_LENGTH, required=True)
    product_text = ctx.code("product", cmd.product) or ""
    code = ctx.code("location", cmd.location)
    loc = found.location(code) if code is not None else found.receiving_default()
    if loc.kind not in RECEIVING_KINDS:
        raise InvalidMovement(
            f"receive into a storeroom, a satellite, a pocket or a quarantine location, "
            f"not into {loc.kind.value} {loc.code}"
        )
    packaging = found.packaging(product_text)
    prod = packaging.product
    assert prod.id is not None and loc.id is not None
    found.check_pocket(loc, [prod.id])
    units = _units(ctx, cmd, packaging.units, serial)
    when = ctx.when(cmd.occurred_at)
    day = ctx.day_of(when)
    if cmd.expiry is not None:
        check_day("expiry", cmd.expiry)
    if cmd.expiry is None and not found.is_non_expiring(prod.id):
        raise InvalidValue(
            "expiry",
            f"a receipt of lot {lot_number} needs its expiry date; only items marked "
            "non-expiring are received without one",
        )
    if is_expired(cmd.expiry, day):
        assert cmd.expiry is not None
        raise InvalidValue(
            "expiry", f"lot {lot_number} expired on {cmd.expiry.isoformat()}", str(cmd.expiry)
        )
    key = (prod.id, lot_number)
    found.want_lot(prod.id, lot_number, cmd.expiry)
    gtin = packaging.gtin or prod.gtin
    identity = (gtin, serial) if serial is not None else None
    cost = cmd.unit_cost if cmd.unit_cost is not None else prod.unit_cost

    recall = found.recall_naming(str(prod.ndc), lot_number)
    hold = found.document_hold(*identity) if identity is not None else None

    def check() -> None:
        record = found.lot(*key)
        if recall is not None and loc.kind is not LocationKind.QUARANTINE:
            raise UnusableStock(
                f"lot {lot_number} of {prod.ndc} is named by open recall {recall.number} "
                f"(class {recall.recall_class.value}): do not receive it into stock; receive "
                "it into a quarantine location"
            )
        found.check_spelling(key, prod.ndc)
        if found.is_new(key):
            return  # recorded by this posting: the first command that writes it sets it
        if cmd.expiry is not None and record.expiry != cmd.expiry:
            raise InvalidValue(
                "expiry",
                f"lot {lot_number} of {prod.ndc} is recorded with expiry {record.expiry}",
                cmd.expiry.isoformat(),
            )
        if record.status is not None and loc.kind is not LocationKind.QUARANTINE:
            raise UnusableStock(
                f"lot {lot_number} of {prod.ndc} is {record.status.describe()}: do not receive "
                "it into stock; receive it into a quarantine location"
            )

    def build(stock: Stock) -> Done:
        book = stock.book
        if identity is not None:
            _refuse_duplicate(ctx, stock, identity, loc.code, user)
        if loc.kind is LocationKind.POCKET:
            check_capacity(loc, holds=stock.holds(loc.id or 0), adding=units)
        record = found.claim_lot(
            key, cmd.expiry, ndc=prod.ndc
        )  # the last check; nothing fails after it
        book.lot_expiry[record.id] = record.expiry  # later commands see it in FEFO order
        if recall is not None and record.status is None and record.id not in book.lot_status:
            note = StatusNote(StockStatus.RECALLED, recalled_because(recall), user, ctx.now)
            book.lot_status[record.id] = note  # blocked everywhere, as a quarantine-all would
            stock.status_changes.append(
                StatusChange(ctx.now, record.id, note.status, note.reason, user)
            )
        m = Movement(
            kind=MovementKind.RECEIPT,
            occurred_at=when,
            product_id=prod.id or 0,
            lot_id=record.id,
            quantity=units,
            to_location_id=loc.id,
            external_id=None if cmd.external_id is None else str(cmd.external_id),
            reference=reference,
            user=user,
            unit_cost=cost,
        )
        book.apply(m)
        changed: list[dict[str, object]] = []
        if identity is not None:
            package = SerialPackage(
                gtin=identity[0],
                serial=identity[1],
                product_id=prod.id or 0,
                lot_id=record.id,
                units=units,
                location_id=loc.id or 0,
                received_at=when,
                received_by=user,
            )
            if hold is not None:  # not usable while the exception is open
                package.status = StockStatus.QUARANTINED
                package.status_reason = hold.reason(user)[: limits.note_length]
                changed.append(_held(package))
            stock.packages.receive(package)
            if hold is not None:
                book.held = stock.packages.held()  # later commands pick around it
        return Done([m], changed=changed)

    pockets = [loc.id] if loc.kind is LocationKind.POCKET else []
    return Step([loc.id], [prod.id], build, check, pockets)


def _held(package: SerialPackage) -> dict[str, object]:
    """A package received blocked, as a status change says it."""
    return {
        "gtin": package.gtin,
        "serial": package.serial,
        "from": "received",
        "to": package.status.value,
        "units": package.units,
        "reason": package.status_reason,
    }


def _units(ctx: Context, cmd: Receive, per_package: int, serial: str | None) -> int:
    """The dispense units a receipt adds."""
    if (cmd.quantity is None) == (cmd.packages is None):
        raise InvalidValue("quantity", "give the quantity in dispense units or the packages")
    if serial is not None:
        if cmd.packages not in (None, 1) or cmd.quantity not in (None, per_package):
            raise InvalidValue(
                "quantity",
                f"a scanned package holds {per_package} units: receive each package by its "
                "own scan",
            )
        return per_package
    if cmd.packages is not None:
        packages = ctx.units(cmd.packages, "packages")
        return ctx.limits.quantity(packages * per_package)
    assert cmd.quantity is not None
    return ctx.units(cmd.quantity)


def _refuse_duplicate(
    ctx: Context, stock: Stock, identity: tuple[str, str], where: str, user: str
) -> None:
    """The same GTIN and serial again: refuse, and flag the package first received suspect
    (the posting writes the flag even though this command writes nothing)."""
    first = stock.packages.find(identity)
    if first is None:
        first = ctx.found.packages([identity]).get(identity)
    if first is None:
        return
    when = f"{first.received_at:%Y-%m-%d %H:%M} UTC" if first.received_at else "earlier"
    place = ctx.found.uow.locations.codes([first.location_id]).get(first.location_id, "?")
    error = DuplicateSerial(
        identity[0],
        identity[1],
        f"first received at {place} on {when} by {first.received_by}; "
        f"now scanned again at {where} by {user}",
    )
    stock.flagged.append((first, user, str(error)))
    raise error
