"""Transfers between locations: request, pick, ship (in transit), receive, cancel.

The states and the design are in :mod:`rxsupply.domain.transfer`. Each step is one use case,
one transaction, naming its user. Stock moves only when the transfer ships (from the picked
places into the source facility's transit location) and when it is received (from transit to
the destination), each line posted through the ledger as a :class:`~.ledger.Move` of its
named lot with the external id ``transfer:<number>-ship-<line>`` / ``-receive-<line>``: a
second posting is impossible, and the ledger's rules hold (usable stock only; a lot that
became expired or blocked after the pick is refused: it moves only into quarantine).
"""

from __future__ import annotations

from rxsupply.domain.clock import Clock
from rxsupply.domain.discrepancy import Discrepancy
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.fields import check_text, required_text
from rxsupply.domain.limits import LedgerLimits
from rxsupply.domain.location import Location, LocationKind
from rxsupply.domain.transfer import Transfer, TransferStatus, split_received
from rxsupply.errors import (
    InvalidMovement,
    InvalidValue,
    NotFound,
    TransferRefused,
    UnusableStock,
)
from rxsupply.services.audit import record, require_user
from rxsupply.services.ledger import Command, Move, Posted, post
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.transfer_picking import (
    pick_lines,
    resolve_what,
    transit_of,
    unusable_lines,
)


def get_transfer(uow: UnitOfWork, number: str, *, lock: bool = False) -> Transfer:
    found = uow.transfers.get(number.strip(), lock=lock)
    if found is None:
        raise NotFound("transfer", number)
    return found


def list_transfers(
    uow: UnitOfWork, *, status: TransferStatus | None = None, limit: int = 100
) -> list[Transfer]:
    """Transfers, newest first."""
    return uow.transfers.listed(status=status, limit=max(1, min(limit, 1000)))


def _location(uow: UnitOfWork, field: str, code: str) -> Location:
    check_text(field, code, limit=64)
    found = uow.locations.get(code.strip())
    if found is None:
        raise NotFound("location", code)
    if not found.holds_stock or found.kind is LocationKind.TRANSIT:
        raise InvalidValue(field, f"{found.code} is a {found.kind.value}: no transfer uses it")
    return found


def request_transfer(
    uow: UnitOfWork,
    *,
    from_location: str,
    to_location: str,
    quantity: int,
    user: str,
    clock: Clock,
    item: str | None = None,
    product: str | None = None,
    note: str = "",
    limits: LedgerLimits | None = None,
) -> Transfer:
    """Ask for ``quantity`` units of an item (or one product) to go from one place to
    another (no more than the ledger's limit for one movement). Nothing moves yet."""
    require_user(user)
    if quantity <= 0:
        raise InvalidValue("quantity", "must be a positive whole number of units", quantity)
    (limits or LedgerLimits()).quantity(quantity)
    check_text("note", note, limit=500)
    src = _location(uow, "from_location", from_location)
    dst = _location(uow, "to_location", to_location)
    if src.id == dst.id:
        raise InvalidMovement(f"from and to are the same location {src.code}")
    if src.kind is LocationKind.QUARANTINE:
        raise InvalidMovement(
            f"{src.code} is a quarantine location: its stock leaves by its lot "
            "(rxsupply transfer ... --lot), not by a transfer's pick"
        )
    item_id, product_id, _ids, name = resolve_what(uow, item=item, product=product)
    transfer = Transfer(
        from_location=src.code,
        to_location=dst.code,
        quantity=quantity,
        requested_by=user,
        requested_at=clock.now(),
        item=name if item else "",
        product=name if product else "",
        note=note.strip(),
    )
    number = uow.transfers.add(
        transfer, from_id=src.id or 0, to_id=dst.id or 0, item_id=item_id, product_id=product_id
    )
    _audit(uow, user, "request_transfer", number, clock, None, transfer)
    uow.commit()
    return get_transfer(uow, number)


def pick_transfer(uow: UnitOfWork, *, number: str, user: str, clock: Clock) -> Transfer:
    """Pick the transfer at its source: usable stock only, earliest expiry first, wherever it
    sits below the source (a storeroom's bins), with the ledger's own allocation. A pick
    again replaces the lines."""
    require_user(user)
    found = get_transfer(uow, number, lock=True)
    found.check("pick")
    before = found.status
    lines = pick_lines(uow, found, clock=clock)
    found.status, found.picked_by, found.picked_at = TransferStatus.PICKED, user, clock.now()
    uow.transfers.replace_lines(found.id or 0, lines)
    uow.transfers.save_steps(found)
    found.lines = lines
    _audit(uow, user, "pick_transfer", found.number, clock, before, found)
    uow.commit()
    return get_transfer(uow, found.number)


def ship_transfer(uow: UnitOfWork, *, number: str, user: str, clock: Clock) -> Transfer:
    """Ship a picked transfer: each line moves from its place into the source facility's
    transit location through the ledger, all or nothing."""
    require_user(user)
    found = get_transfer(uow, number, lock=True)
    found.check("ship")
    transit = transit_of(uow, found.from_location)
    commands: list[Command] = [
        Move(
            user=user,
            from_location=ln.location,
            to_location=transit,
            quantity=ln.quantity,
            product=ln.ndc,
            lot=ln.lot,
            here_only=True,
            reference=found.number,
            external_id=ExternalId("transfer", f"{found.number}-ship-{ln.line_number}"),
        )
        for ln in found.lines
    ]
    _post_all(uow, commands, clock=clock, number=found.number)
    found.status, found.shipped_by, found.shipped_at = TransferStatus.IN_TRANSIT, user, clock.now()
    uow.transfers.save_steps(found)
    _audit(uow, user, "ship_transfer", found.number, clock, TransferStatus.PICKED, found)
    uow.commit()
    return get_transfer(uow, found.number)


def receive_transfer(
    uow: UnitOfWork,
    *,
    number: str,
    user: str,
    clock: Clock,
    quantity: int | None = None,
    quarantine: str | None = None,
) -> Transfer:
    """Receive a transfer in transit at its destination: ``quantity`` units (all that
    shipped when None), earliest expiry first across its lines. Units not received stay in
    the transit location and are recorded as a discrepancy to resolve (a count finds them, or
    an adjustment writes them off). A lot that expired or was blocked on the way may not go
    to the destination (the ledger refuses it): name a ``quarantine`` location and its units
    go there instead."""
    require_user(user)
    found = get_transfer(uow, number, lock=True)
    found.check("receive")
    shipped = found.picked
    got = shipped if quantity is None else quantity
    if got < 0 or got > shipped:
        raise InvalidValue("quantity", f"between 0 and the {shipped} units shipped", got)
    transit = transit_of(uow, found.from_location)
    split = split_received(found.lines, got)
    spoiled = unusable_lines(uow, found, clock)
    if quarantine:
        shelf = uow.locations.get(quarantine.strip())
        if shelf is None or shelf.kind is not LocationKind.QUARANTINE:
            raise InvalidValue("quarantine", "not a quarantine location", quarantine)
        quarantine = shelf.code
    else:
        blocked = [
            ln
            for ln, units in zip(found.lines, split, strict=True)
            if units and ln.line_number in spoiled
        ]
        if blocked:
            lots = ", ".join(dict.fromkeys(f"{ln.ndc} lot {ln.lot}" for ln in blocked))
            raise UnusableStock(
                f"{found.number}: {lots} expired or was blocked on the way and may not go "
                f"to {found.to_location}: receive the transfer naming a quarantine location "
                "(quarantine) for it"
            )
    commands: list[Command] = [
        Move(
            user=user,
            from_location=transit,
            to_location=quarantine
            if quarantine and ln.line_number in spoiled
            else found.to_location,
            quantity=units,
            product=ln.ndc,
            lot=ln.lot,
            reference=found.number,
            external_id=ExternalId("transfer", f"{found.number}-receive-{ln.line_number}"),
        )
        for ln, units in zip(found.lines, split, strict=True)
        if units > 0
    ]
    if commands:
        _post_all(uow, commands, clock=clock, number=found.number)
    now = clock.now()
    if got < shipped:
        place = uow.locations.get(transit)
        uow.discrepancies.add_many(
            [
                Discrepancy(
                    location_id=(place.id or 0) if place else 0,
                    kind="transfer",
                    reported=shipped,
                    posted=got,
                    blocked=0,
                    occurred_at=now,
                    reported_by=user,
                    what=f"{found.what} shipped by {found.number} to {found.to_location}",
                    external_id=f"transfer:{found.number}-short",
                    location=transit,
                )
            ],
            now=now,
        )
    uow.transfers.set_received(
        found.id or 0, {ln.line_number: u for ln, u in zip(found.lines, split, strict=True)}
    )
    found.status, found.received_by, found.received_at = TransferStatus.RECEIVED, user, now
    uow.transfers.save_steps(found)
    _audit(uow, user, "receive_transfer", found.number, clock, TransferStatus.IN_TRANSIT, found)
    uow.commit()
    return get_transfer(uow, found.number)


def cancel_transfer(
    uow: UnitOfWork, *, number: str, reason: str, user: str, clock: Clock
) -> Transfer:
    """Cancel a transfer that has not shipped (nothing moved: nothing to undo)."""
    require_user(user)
    why = required_text("reason", reason, limit=500, why="say why the transfer is cancelled")
    found = get_transfer(uow, number, lock=True)
    found.check("cancel")
    before = found.status
    found.status, found.cancelled_by, found.cancelled_at = (
        TransferStatus.CANCELLED,
        user,
        clock.now(),
    )
    found.cancel_reason = why
    uow.transfers.save_steps(found)
    _audit(uow, user, "cancel_transfer", found.number, clock, before, found)
    uow.commit()
    return get_transfer(uow, found.number)


def _post_all(uow: UnitOfWork, commands: list[Command], *, clock: Clock, number: str) -> None:
    """Post the commands in the caller's transaction, all or nothing."""
    results = post(uow, commands, clock=clock, commit=False)
    for result in results:
        if not isinstance(result, Posted):
            uow.rollback()
            raise result
        if result.duplicate:
            uow.rollback()
            raise TransferRefused(f"transfer {number}: this step was posted already")


def _audit(
    uow: UnitOfWork,
    user: str,
    action: str,
    number: str,
    clock: Clock,
    before: TransferStatus | None,
    after: Transfer,
) -> None:
    record(
        uow,
        user=user,
        action=action,
        entity="transfer",
        key=number,
        now=clock.now(),
        before=None if before is None else {"status": before.value},
        after={k: v for k, v in after.as_dict().items() if k not in ("requested_at",)},
    )
