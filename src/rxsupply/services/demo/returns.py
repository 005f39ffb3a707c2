"""The demo hospital's returns (issue 13): a return policy for every labeler on file, a few
injectables marked refrigerated, and two shipped return batches so every returns screen has
data: one shipped about 100 days ago whose credit is still outstanding (the aging list), and
one shipped about five weeks ago whose credit memo came back three weeks later partly matching
(a line short-paid, a line not credited, a credit for a lot the batch did not ship). One
disposal is left open: a refrigerated lot whose labeler takes no refrigerated products back,
found on the storeroom shelf after a refrigerator's temperature excursion, is quarantined on
the demo's last day (moved to the quarantine shelf) and put on an open batch for disposal, so
the waste-stream manifests have a line to show.

:func:`seed_returns` runs after :func:`rxsupply.services.demo.build.build_demo`, through the
same use cases as every face (policies set, batches built from lots returnable on their day,
shipped through the ledger, the memo entered and reconciled). The policies vary by labeler,
deterministically: the window, the partial-package rule, the categories refused and the
credit share.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from decimal import Decimal

from rxsupply.domain.clock import Clock, FixedClock
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.location import LocationKind
from rxsupply.domain.return_policy import PartialRule, Returnability
from rxsupply.domain.status import StockStatus
from rxsupply.errors import RxSupplyError
from rxsupply.services.demo.tree import facility_code
from rxsupply.services.ledger import Move, SetStatus, post
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.returns import (
    MemoEntry,
    classify_lots,
    create_return_batch,
    enter_credit_memo,
    set_form_222,
    set_product_storage,
    set_return_policy,
    ship_return_batch,
)
from rxsupply.services.returns.batches import SCHEDULE_II
from rxsupply.services.returns.classifying import ClassifiedLot

# (months before, months after, partial rule, minimum fill, categories refused, credit share)
_POLICIES: tuple[tuple[int, int, PartialRule, str | None, str, str], ...] = (
    (6, 12, PartialRule.FULL_ONLY, None, "refrigerated", "0.90"),
    (3, 12, PartialRule.EXACT_COUNT, None, "", "0.85"),
    (6, 6, PartialRule.MIN_FILL, "0.5", "repackaged", "1"),
    (4, 12, PartialRule.FULL_ONLY, None, "refrigerated,controlled", "0.95"),
    (6, 12, PartialRule.MIN_FILL, "0.75", "", "0.80"),
)
_REFRIGERATED = ("rocuronium", "succinylcholine", "insulin", "lorazepam")
"""Injectables the demo keeps in the refrigerator (their products are marked so)."""
DISTRIBUTOR = "Demo Reverse Distribution Co"
_STOCK_KINDS = {LocationKind.STOREROOM.value, LocationKind.QUARANTINE.value}


@dataclass(frozen=True, slots=True)
class ReturnsSummary:
    policies: int
    refrigerated: int
    batches: list[str]
    memo: str
    disposal: str = ""


def _at(clock: Clock, days_ago: int, zone: tzinfo) -> FixedClock:
    day = clock.today() - timedelta(days=days_ago)
    return FixedClock(datetime(day.year, day.month, day.day, 15, 0, tzinfo=zone), zone)


def _returnable(uow: UnitOfWork, clock: Clock, taken: set[tuple[str, str]]) -> list[ClassifiedLot]:
    """Lots returnable for credit on the clock's day, all in storerooms (the cabinets keep
    theirs) and not moved since (the return is the lot's last movement), largest credit
    first."""
    found = [
        c
        for c in classify_lots(uow, today=clock.today(), returnability=Returnability.NOW)
        if all(p.kind in _STOCK_KINDS for p in c.lot.places)
        and c.found.expected_credit > 0
        and (c.lot.ndc, c.lot.lot) not in taken
    ]
    moved = uow.returns.last_moved({c.lot.lot_id for c in found})
    still = [c for c in found if moved.get(c.lot.lot_id, clock.now()) < clock.now()]
    return sorted(still, key=lambda c: (-c.found.expected_credit, c.lot.ndc, c.lot.lot))


def _ship(uow: UnitOfWork, lots: list[ClassifiedLot], clock: Clock, user: str) -> str:
    batch = create_return_batch(
        uow,
        lots=[(c.lot.ndc, c.lot.lot) for c in lots],
        distributor=DISTRIBUTOR,
        note="demo",
        user=user,
        clock=clock,
    )
    for line in batch.lines:
        if line.schedule in SCHEDULE_II:
            set_form_222(
                uow,
                batch=batch.number,
                line=line.line_number,
                form_222=f"CSOS-DEMO{line.line_number:04d}",
                user=user,
                clock=clock,
            )
    ship_return_batch(uow, batch=batch.number, user=user, clock=clock)
    return batch.number


def seed_returns(
    uow: UnitOfWork,
    *,
    clock: Clock,
    user: str,
    older_days: int = 100,
    recent_days: int = 35,
    memo_days: int = 21,
) -> ReturnsSummary:
    """Policies, refrigerated products and two shipped batches (see the module's notes): the
    older shipped ``older_days`` before ``clock``'s day, the recent ``recent_days`` before,
    its memo ``memo_days`` after it (no later than the day). A batch is left out when no lot
    was returnable for it on its day."""
    labelers = uow.returns.labelers()
    for n, labeler in enumerate(labelers):
        before, after, partial, fill, excluded, share = _POLICIES[n % len(_POLICIES)]
        set_return_policy(
            uow,
            labeler=labeler,
            months_before=before,
            months_after=after,
            partial=partial,
            min_fill=fill,
            excluded=excluded,
            credit_share=share,
            note="demo policy",
            user=user,
            clock=clock,
        )
    cold = sorted(
        {
            lot.ndc
            for lot in uow.returns.lots_on_hand(today=clock.today())
            if lot.product.lower().startswith(_REFRIGERATED) and "injection" in lot.product.lower()
        }
    )
    for ndc in cold:
        set_product_storage(uow, product=ndc, storage="refrigerated", user=user, clock=clock)
    zone = clock.zone
    older = _at(clock, older_days, zone)
    first = _returnable(uow, older, set())[:5]
    numbers = [_ship(uow, first, older, user)] if first else []
    recent = _at(clock, recent_days, zone)
    after = min(memo_days, recent_days)
    taken = {(c.lot.ndc, c.lot.lot) for c in first}
    second = _returnable(uow, recent, taken)[:8]
    memo = ""
    if second:
        number = _ship(uow, second, recent, user)
        numbers.append(number)
        memo = f"CM-{number[2:]}"
        entries = [
            MemoEntry(
                c.lot.ndc,
                c.lot.lot,
                c.found.credited_units,
                (c.found.expected_credit * (Decimal("0.6") if i == 0 else 1)).quantize(
                    Decimal("0.01")
                ),
            )
            for i, c in enumerate(second)
            if i != 1  # the second line is not on the memo: not credited
        ]
        stray = second[0].lot
        entries.append(MemoEntry(stray.ndc, f"{stray.lot}X", 1, Decimal("4.25")))
        enter_credit_memo(
            uow,
            batch=number,
            memo_number=memo,
            memo_date=recent.today() + timedelta(days=after),
            lines=entries,
            user=user,
            clock=_at(clock, recent_days - after, zone),
        )
    disposal = _disposal(uow, clock, user)
    return ReturnsSummary(len(labelers), len(cold), numbers, memo, disposal)


EXCURSION = "temperature excursion: the storeroom refrigerator's log shows 14 C overnight"


def _disposal(uow: UnitOfWork, clock: Clock, user: str) -> str:
    """The open disposal batch (see the module's notes), or "" when no lot fits: never
    returnable because its labeler refuses refrigerated products, not controlled, all its
    units on the storeroom shelf."""
    store, shelf = f"{facility_code(0)}-STORE", f"{facility_code(0)}-QUAR"
    found = [
        c
        for c in classify_lots(uow, today=clock.today(), returnability=Returnability.NEVER)
        if c.found.reason.endswith("takes no refrigerated products back")
        and not c.lot.schedule
        and c.lot.status == StockStatus.AVAILABLE.value
        and [p.location for p in c.lot.places] == [store]
    ]
    if not found:
        return ""
    lot = min(found, key=lambda c: (c.lot.ndc, c.lot.lot)).lot
    key = f"{clock.today()}:{lot.ndc}:{lot.lot}"
    answers = post(
        uow,
        [
            SetStatus(
                user=user,
                product=lot.ndc,
                lot=lot.lot,
                status=StockStatus.QUARANTINED,
                reason=EXCURSION,
                external_id=ExternalId("demo-excursion", key),
            ),
            Move(
                user=user,
                from_location=store,
                to_location=shelf,
                product=lot.ndc,
                lot=lot.lot,
                quantity=lot.quantity,
                here_only=True,
                reference="temperature excursion",
                external_id=ExternalId("demo-excursion-move", key),
            ),
        ],
        clock=clock,
        commit=False,
    )
    for answer in answers:
        if isinstance(answer, RxSupplyError):
            raise answer
    batch = create_return_batch(
        uow,
        lots=[(lot.ndc, lot.lot)],
        distributor=DISTRIBUTOR,
        note="demo: a temperature excursion, for disposal",
        user=user,
        clock=clock,
    )
    return batch.number
