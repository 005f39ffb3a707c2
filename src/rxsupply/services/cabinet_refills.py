"""Refills and counts a cabinet reports (the HL7 profile's ``ZRX-1`` ``F`` and ``C``), for
:func:`rxsupply.services.cabinet.record_cabinet_message`.

- A refill is a ledger refill into the pocket: from the line's storeroom and lot when an open
  refill run has a line with units left for that pocket and product (and lot, when named), and
  the line counts it (:class:`OpenRunLines`); else from the storeroom of the pocket's facility,
  earliest expiry first.
- A count names its pocket; the units counted are compared with the units on record there
  (every lot, usable or not: what is physically in the pocket). A difference is a
  :class:`~rxsupply.domain.discrepancy.Discrepancy` of kind ``count_short`` (fewer counted) or
  ``count_over`` (more counted), never a movement: a pharmacist counts and corrects.
"""

from __future__ import annotations

from rxsupply.domain.cabinet import CabinetTransaction
from rxsupply.domain.clock import Clock
from rxsupply.domain.discrepancy import COUNT_OVER, COUNT_SHORT, Discrepancy
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.location import Location, LocationKind
from rxsupply.domain.refilling import RefillLine, RunStatus
from rxsupply.errors import InvalidValue, NotFound
from rxsupply.services.ledger import Move
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.references import find_product


class OpenRunLines:
    """The open refill runs' lines with units left, and what a message's refills take of
    them (counted on the lines by :meth:`confirm`, in the message's transaction)."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.lines = [
            line
            for run in uow.refill_runs.listed(status=RunStatus.OPEN, limit=1000)
            for line in run.lines
            if line.left > 0
        ]
        self.taken: dict[int, tuple[int, str]] = {}  # line id: units, the last user

    def match(self, t: CabinetTransaction) -> RefillLine | None:
        ndc = str(find_product(self.uow, t.code).ndc) if t.by_ndc else None
        for line in self.lines:
            left = line.left - self.taken.get(line.id or 0, (0, ""))[0]
            here = line.pocket == t.location or (line.cabinet == t.location and not t.by_ndc)
            same = line.ndc == ndc if ndc is not None else line.item == t.code
            if left > 0 and here and same and (not t.lot or t.lot == line.lot):
                return line
        return None

    def take(self, line: RefillLine, units: int, user: str) -> None:
        before = self.taken.get(line.id or 0, (0, ""))[0]
        self.taken[line.id or 0] = (min(before + units, line.left), user)

    def confirm(self, *, clock: Clock) -> None:
        for line_id, (units, user) in self.taken.items():
            self.uow.refill_runs.confirm(line_id, units=units, user=user, at=clock.now())


def refill_command(
    uow: UnitOfWork, t: CabinetTransaction, external_id: ExternalId, runs: OpenRunLines
) -> Move:
    """The ledger refill a cabinet's refill transaction posts."""
    line = runs.match(t)
    lot: str | None = t.lot or None
    if line is not None:
        runs.take(line, t.quantity, t.user)
        source, lot = line.from_location, t.lot or line.lot
    else:
        source = _storeroom_of(uow, t.location).code
    return Move(
        user=t.user,
        from_location=source,
        to_location=t.location,
        item=None if t.by_ndc else t.code,
        product=t.code if t.by_ndc else None,
        lot=lot,
        quantity=t.quantity,
        refill=True,
        reference="cabinet refill",
        occurred_at=t.occurred_at,
        external_id=external_id,
    )


def count_discrepancy(
    uow: UnitOfWork, t: CabinetTransaction, external_id: ExternalId, *, clock: Clock
) -> Discrepancy | None:
    """The discrepancy a cabinet's count finds (None when it agrees with the record)."""
    pocket = uow.locations.get(t.location)
    if pocket is None:
        raise NotFound("location", t.location)
    if pocket.kind is not LocationKind.POCKET or pocket.id is None:
        raise InvalidValue("location", f"{t.location} is not a pocket: a count names its pocket")
    item = uow.items.get(pocket.item_code) if pocket.item_code else None
    if not t.by_ndc and item is not None and item.code != t.code:
        raise InvalidValue("item", f"pocket {pocket.code} holds {item.code}, not {t.code}")
    recorded = uow.ledger.pocket_units([pocket.id], lock=False).get(pocket.id, 0)
    if recorded == t.quantity:
        return None
    short = t.quantity < recorded
    return Discrepancy(
        location_id=pocket.id,
        location=pocket.code,
        kind=COUNT_SHORT if short else COUNT_OVER,
        reported=max(recorded, t.quantity),
        posted=min(recorded, t.quantity),
        blocked=0,
        occurred_at=t.occurred_at or clock.now(),
        reported_by=t.user,
        item_id=item.id if item is not None else None,
        what=item.code if item is not None else t.code,
        external_id=str(external_id),
    )


def _storeroom_of(uow: UnitOfWork, code: str) -> Location:
    """The storeroom of the facility a location belongs to."""
    node = uow.locations.get(code)
    if node is None:
        raise NotFound("location", code)
    for _ in range(64):
        if node.kind is LocationKind.FACILITY:
            stores = [
                c for c in uow.locations.children(node.code) if c.kind is LocationKind.STOREROOM
            ]
            if stores:
                return stores[0]
            break
        parent = uow.locations.get(node.parent_code or "") if node.parent_code else None
        if parent is None:
            break
        node = parent
    raise NotFound("storeroom", code, "a refill comes from its facility's storeroom")
