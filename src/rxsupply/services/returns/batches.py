"""Return batches: built from eligible lots, shipped through the ledger
(:mod:`rxsupply.domain.return_batch`).

- :func:`eligible_lots`: the lots a batch may take today. A batch takes units only from the
  pharmacy's own places (quarantine first, then the storeroom and its bins, then satellites:
  :func:`~rxsupply.services.ports.returns.pharmacy_places`), never from a cabinet's pockets:
  those units are in the cabinet until pulled (the refill run's pull lines for expired stock,
  or a transfer back). Eligible: lots returnable **now** on those places (all their units
  there; the units of an opened package the policy does not credit go on the line with no
  credit, for the reverse distributor to destroy), recalled lots (under the recall), and lots
  never returnable whose units are expired or blocked and sit in a quarantine location
  (those units, for disposal by stream). A suspect lot is held for its investigation, never
  taken. Lots on another open batch are left out.
- :func:`create_return_batch`: a batch of the lots named (or of every eligible lot), one line
  per lot with its stream and expected credit for the units it ships; a lot not eligible is
  refused with why.
- :func:`pick_list`: where each line's units are taken from (shipped: where they were).
- :func:`set_form_222`: a Schedule II line's DEA Form 222 number (the paper form's serial or
  the CSOS order number).
- :func:`ship_return_batch`: one :class:`~rxsupply.services.ledger.ReturnToVendor` per line
  and location (quarantine first) in one transaction, each with the batch number as reference
  and its own external id, so a resend ships nothing twice. A Schedule II line without its
  Form 222 number refuses the whole shipment; so does a package of a saleable line that fails
  its verification (:mod:`rxsupply.services.returns.saleable`: saleable returns carry their
  product identifiers and are verified first).
- :func:`manifest`: a batch's lines of one stream, the rows of its manifest.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from rxsupply.domain.clock import Clock
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.limits import LedgerLimits
from rxsupply.domain.location import LocationKind
from rxsupply.domain.return_batch import BatchStatus, ReturnBatch, ReturnLine
from rxsupply.domain.return_policy import SUSPECT_REASON, Returnability
from rxsupply.domain.status import BLOCKED, StockStatus
from rxsupply.domain.waste_stream import WasteStream
from rxsupply.errors import InvalidValue, NotFound, ReturnRefused, RxSupplyError
from rxsupply.services.audit import record, require_user
from rxsupply.services.ledger import ReturnToVendor, post
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.ports.returns import pharmacy_places
from rxsupply.services.ports.verification import VerificationRouter
from rxsupply.services.returns.classifying import ClassifiedLot, classify_lots
from rxsupply.services.returns.saleable import verify_saleable_returns

SCHEDULE_II = ("CII",)
_FORM_222 = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{5,39}$")
_QUARANTINE = LocationKind.QUARANTINE.value


def _disposal_units(c: ClassifiedLot) -> int:
    """Units of a never-returnable lot that may go: expired or blocked, in quarantine."""
    unusable = c.expired or StockStatus(c.lot.status) in BLOCKED
    if not unusable:
        return 0
    return sum(p.quantity for p in c.lot.places if p.kind == _QUARANTINE)


IN_CABINETS = (
    "its units are in cabinet pockets: pull them first (the refill run's pull lines for "
    "expired stock, or a transfer back to the pharmacy)"
)


def why_not_eligible(c: ClassifiedLot) -> str | None:
    """None when the lot may go on a batch today, else why not."""
    if c.lot.status == StockStatus.SUSPECT.value:
        return SUSPECT_REASON
    ships = c.shipping()
    if ships is None:
        if c.cabinet_units:
            return IN_CABINETS
        return "no units of it in a pharmacy location (storeroom, satellite or quarantine)"
    kind = ships.found.returnability
    if kind is Returnability.NOW:
        return None
    if kind is Returnability.LATER:
        return f"returnable only from {ships.found.returnable_from}"
    if _disposal_units(ships) == 0:
        return (
            f"not returnable ({ships.found.reason}) and no expired or blocked units of it in a "
            "quarantine location: quarantine it first"
        )
    return None


def _line(n: int, c: ClassifiedLot) -> ReturnLine:
    """The line of an eligible lot: the units it ships from the pharmacy's places."""
    ships = c.shipping()
    assert ships is not None
    now = ships.found.returnability is Returnability.NOW
    return ReturnLine(
        line_number=n,
        product_id=c.lot.product_id,
        lot_id=c.lot.lot_id,
        ndc=c.lot.ndc,
        product=c.lot.product,
        labeler=c.lot.labeler,
        schedule=c.lot.schedule,
        lot=c.lot.lot,
        expiry=c.lot.expiry,
        quantity=ships.lot.quantity if now else _disposal_units(ships),
        stream=ships.stream,
        expected_credit=ships.found.expected_credit if now else Decimal("0.00"),
        price_basis=c.lot.price_basis,
        reason=f"{ships.found.reason}; {ships.stream_reason}",
        listing_code=c.listing.code if c.listing else "",
    )


def eligible_keys(uow: UnitOfWork, rows: Sequence[ClassifiedLot]) -> set[tuple[str, str]]:
    """(NDC, lot) of the rows a new batch may take (eligible, on no open batch)."""
    taken = uow.returns.lots_in_open_batches()
    return {
        (c.lot.ndc, c.lot.lot)
        for c in rows
        if why_not_eligible(c) is None and (c.lot.product_id, c.lot.lot_id) not in taken
    }


def eligible_lots(uow: UnitOfWork, *, clock: Clock) -> list[ClassifiedLot]:
    """The lots a batch may take today, earliest expiry first."""
    taken = uow.returns.lots_in_open_batches()
    return [
        c
        for c in classify_lots(uow, today=clock.today())
        if why_not_eligible(c) is None and (c.lot.product_id, c.lot.lot_id) not in taken
    ]


def create_return_batch(
    uow: UnitOfWork,
    *,
    lots: Sequence[tuple[str, str]] | None = None,
    distributor: str = "",
    note: str = "",
    user: str,
    clock: Clock,
) -> ReturnBatch:
    """A batch of the lots named as (NDC, lot number), or of every eligible lot; commits."""
    require_user(user)
    if lots is not None and not lots:
        raise InvalidValue("lots", "name at least one lot (NDC and lot number)")
    today = clock.today()
    taken = uow.returns.lots_in_open_batches()
    chosen: list[ClassifiedLot] = []
    if lots is None:
        chosen = eligible_lots(uow, clock=clock)
        if not chosen:
            raise ReturnRefused("no lot is eligible for a return batch today")
    for ndc, number in lots or ():
        found = [c for c in classify_lots(uow, today=today, ndc=ndc) if c.lot.lot == number]
        if not found:
            raise NotFound("lot on hand", f"{ndc} lot {number}")
        c = found[0]
        why = why_not_eligible(c)
        if why is None and (c.lot.product_id, c.lot.lot_id) in taken:
            why = "already on an open return batch"
        if why is not None:
            raise ReturnRefused(f"{c.lot.ndc} lot {c.lot.lot}: {why}")
        if c not in chosen:
            chosen.append(c)
    prefix = f"RB{today:%Y%m%d}-"
    batch = ReturnBatch(
        number=uow.returns.next_batch_number(prefix),
        status=BatchStatus.OPEN,
        distributor=distributor.strip()[:200],
        note=note.strip()[:1000],
        created_by=user,
        created_at=clock.now(),
        lines=[_line(n, c) for n, c in enumerate(chosen, start=1)],
    )
    uow.returns.add_batch(batch)
    record(
        uow,
        user=user,
        action="create_return_batch",
        entity="return_batch",
        key=batch.number,
        now=clock.now(),
        after={"lines": len(batch.lines), "expected_credit": str(batch.expected_credit)},
    )
    uow.commit()
    return find_batch(uow, batch.number)


def list_batches(uow: UnitOfWork, *, status: str | None = None) -> list[ReturnBatch]:
    """The return batches (open or shipped ones when asked), newest first."""
    if status is not None and status not in {s.value for s in BatchStatus}:
        raise InvalidValue("status", "open or shipped", status)
    return uow.returns.batches(status=status)


def find_batch(uow: UnitOfWork, number: str, *, lock: bool = False) -> ReturnBatch:
    found = uow.returns.batch(number.strip(), lock=lock)
    if found is None:
        raise NotFound("return batch", number.strip(), "see rxsupply returns batch list")
    return found


def set_form_222(
    uow: UnitOfWork, *, batch: str, line: int, form_222: str, user: str, clock: Clock
) -> ReturnBatch:
    """Record a Schedule II line's DEA Form 222 number before the batch ships; commits."""
    require_user(user)
    found = find_batch(uow, batch, lock=True)
    if found.status is not BatchStatus.OPEN:
        raise ReturnRefused(f"batch {found.number} has shipped; its lines are as shipped")
    target = next((x for x in found.lines if x.line_number == line), None)
    if target is None:
        raise NotFound("return line", f"{found.number} line {line}")
    if target.schedule not in SCHEDULE_II:
        raise ReturnRefused(
            f"line {line} ({target.ndc}) is not Schedule II: it needs no DEA Form 222"
        )
    number = form_222.strip()
    if not _FORM_222.match(number):
        raise InvalidValue(
            "form_222", "the DEA Form 222 serial or CSOS order number: 6-40 letters or digits"
        )
    assert found.id is not None
    uow.returns.set_form_222(found.id, line, number)
    record(
        uow,
        user=user,
        action="set_form_222",
        entity="return_batch",
        key=f"{found.number}:{line}",
        now=clock.now(),
        before={"form_222": target.form_222},
        after={"form_222": number},
    )
    uow.commit()
    return find_batch(uow, found.number)


def ship_return_batch(
    uow: UnitOfWork,
    *,
    batch: str,
    user: str,
    clock: Clock,
    limits: LedgerLimits | None = None,
    router: VerificationRouter | None = None,
) -> ReturnBatch:
    """Ship every line through the ledger in one transaction; commits. A batch already
    shipped is answered as it is (nothing written). The packages of its saleable lines are
    verified first (against what we received, and through ``router`` when given); one that
    fails holds the batch, its verification recorded."""
    require_user(user)
    found = find_batch(uow, batch, lock=True)
    if found.status is BatchStatus.SHIPPED:
        return found
    if not found.lines:
        raise ReturnRefused(f"batch {found.number} has no lines: nothing to ship")
    missing = [x for x in found.lines if x.schedule in SCHEDULE_II and not x.form_222]
    if missing:
        named = ", ".join(f"line {x.line_number} ({x.ndc} lot {x.lot})" for x in missing)
        raise ReturnRefused(
            f"batch {found.number} has Schedule II lines without a DEA Form 222 number: "
            f"{named}; record each with rxsupply returns batch form-222"
        )
    verified = verify_saleable_returns(uow, found, router=router, user=user, clock=clock)
    commands = [
        c for line in found.lines for c in _commands(uow, found.number, line, user, clock.today())
    ]
    answers = post(uow, commands, clock=clock, limits=limits, commit=False)
    for command, answer in zip(commands, answers, strict=True):
        if isinstance(answer, RxSupplyError):
            uow.rollback()
            raise ReturnRefused(
                f"batch {found.number}: {command.product} lot {command.lot} at "
                f"{command.location}: {answer}"
            )
    assert found.id is not None
    uow.returns.mark_shipped(found.id, user=user, at=clock.now())
    record(
        uow,
        user=user,
        action="ship_return_batch",
        entity="return_batch",
        key=found.number,
        now=clock.now(),
        after={
            "movements": len(commands),
            "expected_credit": str(found.expected_credit),
            "verified_packages": len(verified),
        },
    )
    uow.commit()
    return find_batch(uow, found.number)


def _takes(uow: UnitOfWork, line: ReturnLine, today: date) -> tuple[list[tuple[str, int]], int]:
    """Where the line's units are taken from (location, units), quarantine first, then the
    storeroom and its bins, then satellites, never a cabinet; and the units it lacks."""
    lots = [x for x in uow.returns.lots_on_hand(today=today, ndc=line.ndc) if x.lot == line.lot]
    places = pharmacy_places([p for x in lots for p in x.places])
    left, out = line.quantity, []
    for place in places:
        if left == 0:
            break
        take = min(left, place.quantity)
        left -= take
        out.append((place.location, take))
    return out, left


def _commands(
    uow: UnitOfWork, number: str, line: ReturnLine, user: str, today: date
) -> list[ReturnToVendor]:
    """The line's units taken from the pharmacy's places (:func:`_takes`)."""
    takes, left = _takes(uow, line, today)
    if left:
        raise ReturnRefused(
            f"batch {number} line {line.line_number}: {line.ndc} lot {line.lot} has "
            f"{line.quantity - left} units in the pharmacy's places (cabinet pockets not "
            f"counted), the line ships {line.quantity}"
        )
    return [
        ReturnToVendor(
            user=user,
            location=location,
            product=line.ndc,
            lot=line.lot,
            quantity=take,
            reference=number,
            external_id=ExternalId("return", f"{number}:{line.line_number}:{location}"),
        )
        for location, take in takes
    ]


def pick_list(
    uow: UnitOfWork, batch: ReturnBatch, *, today: date
) -> dict[int, list[dict[str, object]]]:
    """Each line's places and units: where an open batch will take them from (``short``:
    units the pharmacy's places lack), where a shipped one took them from."""
    if batch.status is BatchStatus.SHIPPED:
        taken = uow.returns.shipped_from(
            batch.number, {(x.product_id, x.lot_id) for x in batch.lines}
        )
        return {
            x.line_number: [
                {"location": loc, "quantity": units}
                for loc, units in taken.get((x.product_id, x.lot_id), [])
            ]
            for x in batch.lines
        }
    out: dict[int, list[dict[str, object]]] = {}
    for x in batch.lines:
        takes, left = _takes(uow, x, today)
        out[x.line_number] = [{"location": loc, "quantity": units} for loc, units in takes]
        if left:
            out[x.line_number].append({"location": "", "quantity": left, "short": True})
    return out


def manifest(
    batch: ReturnBatch, stream: WasteStream | str | None = None
) -> list[dict[str, object]]:
    """The batch's lines of one stream (all when None), as its manifest lists them."""
    kind = None if stream is None else WasteStream(stream)
    return [
        {"batch": batch.number, **line.as_dict()}
        for line in batch.lines
        if kind is None or line.stream is kind
    ]
