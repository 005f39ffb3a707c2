"""Controlled-substance destruction on a DEA Form 41 record (:mod:`rxsupply.domain.destruction`).

:func:`destroy_controlled` writes the record and takes the units out through the ledger (a
:class:`~rxsupply.services.ledger.Dispense` of kind waste naming its lot, which may take
expired or blocked stock) in one transaction. It is refused, with nothing written, for a
product that is not controlled, with fewer than two witnesses, with the destroyer as a
witness, or with a witness whose role neither handles controlled stock nor checks it (each witness
signs in with their own password: the faces pass what :func:`rxsupply.services.sign_in.approve`
answered).
"""

from __future__ import annotations

from collections.abc import Sequence

from rxsupply.domain.clock import Clock
from rxsupply.domain.destruction import Destruction, check_witnesses
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.fields import required_text
from rxsupply.domain.limits import Approval, LedgerLimits
from rxsupply.domain.movement import MovementKind
from rxsupply.domain.users import PERMISSIONS, Permission
from rxsupply.errors import PermissionDenied, ReturnRefused, RxSupplyError
from rxsupply.services.audit import record, require_user
from rxsupply.services.ledger import Dispense, post
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.references import find_location, find_product

WITNESSING = frozenset(
    {Permission.DISPENSE, Permission.COUNT, Permission.RETURN_TO_VENDOR, Permission.VIEW_AUDIT}
)
"""A witness is a user who handles controlled stock (dispenses, counts or returns it) or
checks it (compliance)."""


def list_destructions(uow: UnitOfWork) -> list[Destruction]:
    """The Form 41 records, newest first."""
    return uow.returns.destructions()


def destroy_controlled(
    uow: UnitOfWork,
    *,
    product: str,
    lot: str,
    location: str,
    quantity: int,
    method: str,
    witnesses: Sequence[Approval],
    note: str = "",
    user: str,
    clock: Clock,
    limits: LedgerLimits | None = None,
) -> Destruction:
    """Destroy ``quantity`` units of a controlled lot at ``location``; commits."""
    require_user(user)
    first, second = check_witnesses(user, [w.username for w in witnesses])
    for w in witnesses:
        if not PERMISSIONS[w.role] & WITNESSING:
            raise PermissionDenied(
                f"{w.username} is a {w.role.value}: a Form 41 witness handles returns or compliance"
            )
    how = required_text("method", method, limit=200, why="say how it was destroyed")
    found = find_product(uow, product)
    if found.dea_schedule is None:
        raise ReturnRefused(
            f"{found.ndc} is not a controlled substance: send it out by its waste stream"
        )
    place = find_location(uow, location)
    number = uow.returns.next_destruction_number(f"F41-{clock.today():%Y%m%d}-")
    (answer,) = post(
        uow,
        [
            Dispense(
                user=user,
                location=place.code,
                product=str(found.ndc),
                lot=lot.strip(),
                quantity=quantity,
                kind=MovementKind.WASTE,
                note=f"destroyed on DEA Form 41 {number}, witnessed by {first} and {second}",
                external_id=ExternalId("form41", number),
            )
        ],
        clock=clock,
        limits=limits,
        commit=False,
    )
    if isinstance(answer, RxSupplyError):
        uow.rollback()
        raise answer
    moved = answer.movements[0]
    record_ = Destruction(
        number=number,
        ndc=str(found.ndc),
        product=found.name,
        schedule=found.dea_schedule.value,
        lot=lot.strip(),
        location=place.code,
        quantity=quantity,
        method=how,
        destroyed_by=user,
        witnesses=(first, second),
        destroyed_at=clock.now(),
        note=note.strip()[:1000],
    )
    uow.returns.add_destruction(
        record_,
        product_id=moved.product_id,
        lot_id=moved.lot_id,
        location_id=moved.from_location_id or 0,
    )
    record(
        uow,
        user=user,
        action="destroy_controlled",
        entity="destruction",
        key=number,
        now=clock.now(),
        after=record_.as_dict(),
    )
    uow.commit()
    return record_
