"""Refills and counts a cabinet reports (the HL7 profile's ``ZRX-1`` ``F`` and ``C``), for
:func:`rxsupply.services.cabinet.record_cabinet_message`.

- A refill is a ledger refill into the pocket: from the line's storeroom and lot when a refill
  run (open, or completed in the last 12 hours) has a line for that pocket and product (and
  lot, when named) that the cabinet has not reported in full; the line counts it, and posts
  only what its scans have not put in already (:class:`OpenRunLines`). Otherwise from the
  storeroom of the pocket's facility, earliest expiry first. What the storeroom's usable stock
  on record cannot cover is recorded as a discrepancy (kind ``refill``), not refused.
- A count names its pocket; the units counted are compared with the units on record there
  (every lot, usable or not: what is physically in the pocket). A difference is a
  :class:`~rxsupply.domain.discrepancy.Discrepancy` of kind ``count_short`` (fewer counted) or
  ``count_over`` (more counted), never a movement: a pharmacist counts and corrects.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from rxsupply.domain.cabinet import CabinetTransaction
from rxsupply.domain.clock import Clock
from rxsupply.domain.discrepancy import COUNT_OVER, COUNT_SHORT, Discrepancy
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.location import Location, LocationKind
from rxsupply.domain.refilling import RefillLine, RefillRun, RunStatus
from rxsupply.errors import InvalidValue, NotFound
from rxsupply.services.ledger import Move
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.references import facility_of, find_product

RECENT = timedelta(hours=12)
"""A cabinet's report of a refill may come after the run was completed: runs completed this
long before still take it."""


class OpenRunLines:
    """The refill run lines a cabinet's refill may be the report of (runs open, or completed
    in the last :data:`RECENT`), and what a message's refills add to them (recorded on the
    lines by :meth:`record`, in the message's transaction). A run is locked when one of its
    lines is first matched, so a technician's scan and the cabinet's report of one package
    take turns."""

    def __init__(self, uow: UnitOfWork, *, clock: Clock) -> None:
        self.uow = uow
        since = clock.now() - RECENT
        self.runs = [
            run
            for run in uow.refill_runs.listed(status=None, limit=200)
            if run.status is RunStatus.OPEN
            or (run.status is RunStatus.COMPLETED and run.closed_at and run.closed_at >= since)
        ]
        self.locked: dict[str, RefillRun] = {}
        self.added: dict[int, tuple[int, int, str]] = {}  # line id: reported, posted, user

    def match(self, t: CabinetTransaction) -> RefillLine | None:
        ndc = str(find_product(self.uow, t.code).ndc) if t.by_ndc else None
        for run in self.runs:
            for line in run.lines:
                if line.pull:  # expired units taken out, not a refill the cabinet reports
                    continue
                here = line.pocket == t.location or (line.cabinet == t.location and not t.by_ndc)
                same = line.ndc == ndc if ndc is not None else line.item == t.code
                if here and same and (not t.lot or t.lot == line.lot):
                    fresh = self._locked(run, line)
                    if fresh is not None and fresh.reported < fresh.quantity:
                        return fresh
        return None

    def _locked(self, run: RefillRun, line: RefillLine) -> RefillLine | None:
        """The line as it stands with its run locked (and this message's additions)."""
        if run.number not in self.locked:
            found = self.uow.refill_runs.get(run.number, lock=True)
            if found is None:
                return None
            self.locked[run.number] = found
        return next((ln for ln in self.locked[run.number].lines if ln.id == line.id), None)

    def report(self, line: RefillLine, units: int, user: str) -> tuple[int, int]:
        """Count a reported refill on a line: the units the line takes, and of them the units
        to post (none for units already scanned in)."""
        on_line, to_post = line.report(units)
        line.reported += on_line  # the locked copy: a second report in the message sees it
        line.confirmed += to_post
        reported, posted, _ = self.added.get(line.id or 0, (0, 0, ""))
        self.added[line.id or 0] = (reported + on_line, posted + to_post, user)
        return on_line, to_post

    def record(self, *, clock: Clock) -> None:
        for line_id, (reported, posted, user) in self.added.items():
            self.uow.refill_runs.progress(
                line_id, scanned=0, reported=reported, posted=posted, user=user, at=clock.now()
            )


def refill_command(
    uow: UnitOfWork,
    t: CabinetTransaction,
    external_id: ExternalId,
    runs: OpenRunLines,
    *,
    clock: Clock,
) -> tuple[Move | None, Discrepancy | None]:
    """The ledger refill a cabinet's refill transaction posts (None when a refill run's scans
    put those units in already), and the discrepancy when the storeroom's usable stock on
    record cannot cover it: the cabinet is the truth for what went in, so what there is moves
    and the rest is recorded, as for a dispense beyond the stock on record."""
    line = runs.match(t)
    lot: str | None = t.lot or None
    units = t.quantity
    if line is not None:
        on_line, to_post = runs.report(line, t.quantity, t.user)
        units = to_post + (t.quantity - on_line)
        source, lot = line.from_location, t.lot or line.lot
    else:
        source = _storeroom_of(uow, t.location).code
    if units <= 0:
        return None, None
    when = t.occurred_at or clock.now()
    there = _usable(uow, source, t, lot, on=when.astimezone(clock.zone).date())
    shortfall = None
    if there < units:
        shortfall = _short(
            uow, t, external_id, reported=units, posted=there, source=source, when=when
        )
        units = there
    if units <= 0:
        return None, shortfall
    move = Move(
        user=t.user,
        from_location=source,
        to_location=t.location,
        item=None if t.by_ndc else t.code,
        product=t.code if t.by_ndc else None,
        lot=lot,
        quantity=units,
        refill=True,
        reference="cabinet refill",
        occurred_at=t.occurred_at,
        external_id=external_id,
    )
    return move, shortfall


def _usable(
    uow: UnitOfWork, source: str, t: CabinetTransaction, lot: str | None, *, on: date
) -> int:
    """Usable units of what the transaction names (of its lot, when named) at ``source``."""
    where = uow.locations.get(source)
    if where is None or where.id is None:
        raise NotFound("location", source)
    if t.by_ndc:
        product_ids = [find_product(uow, t.code).id or 0]
    else:
        item = uow.items.get(t.code)
        if item is None:
            raise NotFound("item", t.code)
        product_ids = list(item.product_ids)
    book = uow.ledger.load_book(roots=[where.id], product_ids=product_ids, lock=False)
    lot_ids = None
    if lot is not None:
        numbers = uow.lots.numbers(book.lot_expiry)
        lot_ids = {i for i, n in numbers.items() if n == lot}
    return book.available(where.id, product_ids, on=on, lot_ids=lot_ids)


def _short(
    uow: UnitOfWork,
    t: CabinetTransaction,
    external_id: ExternalId,
    *,
    reported: int,
    posted: int,
    source: str,
    when: datetime,
) -> Discrepancy:
    pocket = uow.locations.get(t.location)
    if pocket is None or pocket.id is None:
        raise NotFound("location", t.location)
    return Discrepancy(
        location_id=pocket.id,
        location=t.location,
        kind="refill",
        reported=reported,
        posted=posted,
        blocked=0,
        occurred_at=when,
        reported_by=t.user,
        what=f"{t.code} from {source}",
        external_id=str(external_id),
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
    if uow.locations.get(code) is None:
        raise NotFound("location", code)
    facility = facility_of(uow, code)
    stores = [
        c
        for c in (uow.locations.children(facility.code) if facility is not None else [])
        if c.kind is LocationKind.STOREROOM
    ]
    if not stores:
        raise NotFound("storeroom", code, "a refill comes from its facility's storeroom")
    return stores[0]
