"""Product recalls: enter one, quarantine every unit of its lots in one action, close it.

- :func:`enter_recall`: record a recall (its number, FDA class, reason, firm, the day it began,
  and its NDCs with their lots, or none for every lot); the NDCs must be products on record.
- :func:`quarantine_recall`: block every lot of the recall, and every lot repackaged from
  them, as *recalled* (:class:`~rxsupply.services.ledger.SetStatus` through
  :func:`rxsupply.services.ledger.post`, all in one transaction): every unit, storeroom shelves
  and cabinet pockets alike, stops being picked at once. Posted again it changes nothing.
- :func:`close_recall`: close it with its disposition (:func:`rxsupply.domain.recall.close`
  says when that is refused). Released (the firm withdrew the recall) puts its lots back as
  they were before it (available, or the block they had then), a manager's call (the
  ``release`` permission); a lot another open recall covers stays recalled
  (:mod:`rxsupply.services.recall_release`).

Where the units are and what was dispensed are read by :mod:`rxsupply.services.recall_units`.
Every change names its user and is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rxsupply.domain.clock import Clock
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.recall import (
    Disposition,
    OnHand,
    Recall,
    RecallClass,
    RecallEntry,
    RecallStatus,
    close,
    new_recall,
    unknown_lots,
)
from rxsupply.domain.status import StockStatus
from rxsupply.domain.users import Permission
from rxsupply.errors import InvalidValue, RecallRefused
from rxsupply.services import ledger
from rxsupply.services.audit import record, require_user
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.recall_release import post_all, recall_reason, release_lots
from rxsupply.services.recall_units import get_recall, recall_lots, units_of
from rxsupply.services.references import find_product
from rxsupply.services.users import acting_user

__all__ = [
    "Quarantined",
    "close_recall",
    "enter_recall",
    "get_recall",
    "list_recalls",
    "quarantine_recall",
]


def list_recalls(uow: UnitOfWork, *, open_only: bool = False, limit: int = 1000) -> list[Recall]:
    """Recalls, the latest begun first; ``open_only``: only those still open."""
    status = RecallStatus.OPEN if open_only else None
    return uow.recalls.listed(status=status, limit=max(1, min(limit, 10_000)))


def enter_recall(
    uow: UnitOfWork,
    *,
    number: str,
    recall_class: RecallClass,
    reason: str,
    initiated: date,
    entries: list[RecallEntry],
    user: str,
    clock: Clock,
    firm: str = "",
    external_id: ExternalId | None = None,
) -> Recall:
    """Record a recall; commits. Its NDCs are found as products (any NDC form or GTIN) and
    kept in their FDA form; a lot named that is not on record (in any case, spaces left out)
    is said in its ``warnings``, with the close matches on record. The same external id again
    (a form submitted twice) answers the recall it recorded; a number already recorded is
    refused."""
    require_user(user)
    if external_id is not None:
        known = uow.recalls.by_external_id(str(external_id))
        if known is not None:
            return get_recall(uow, known)
    products: dict[str, int] = {}
    found: list[RecallEntry] = []
    for entry in entries:
        product = find_product(uow, entry.ndc)
        assert product.id is not None
        ndc = str(product.ndc)
        if ndc in products:
            raise InvalidValue("ndcs", f"{entry.ndc} is {ndc}, named twice: each NDC once")
        products[ndc] = product.id
        found.append(RecallEntry(ndc, entry.lots))
    recall = new_recall(
        number=number,
        recall_class=recall_class,
        reason=reason,
        initiated=initiated,
        entries=found,
        firm=firm,
        today=clock.today(),
        at=clock.now(),
        by=user,
    )
    if uow.recalls.by_number(recall.number) is not None:
        raise InvalidValue("number", "a recall with this number is recorded already", number)
    ext = None if external_id is None else str(external_id)
    uow.recalls.add(recall, products, external_id=ext)
    for entry in found:
        if entry.lots:
            recorded = [lot.lot_number for lot in uow.recalls.lots_of(products[entry.ndc], None)]
            recall.warnings += unknown_lots(entry.ndc, entry.lots, recorded)
    record(
        uow,
        user=user,
        action="enter",
        entity="recall",
        key=recall.number,
        now=clock.now(),
        after=recall.as_dict(),
    )
    uow.commit()
    return recall


@dataclass(frozen=True, slots=True)
class Quarantined:
    """What one quarantine of a recall did: each lot whose status changed (``changed``, as
    the ledger answers it) and how many lots were recalled already."""

    recall: Recall
    changed: list[dict[str, object]]
    already: int

    def as_dict(self) -> dict[str, object]:
        return {
            "recall": self.recall.as_dict(),
            "changed": self.changed,
            "already_recalled": self.already,
            "units": sum(int(str(c.get("units", 0))) for c in self.changed),
        }


def quarantine_recall(uow: UnitOfWork, *, recall_id: int, user: str, clock: Clock) -> Quarantined:
    """Block every lot of an open recall and the lots repackaged from them as *recalled*, in
    one transaction; commits. Lots recalled already (with all their repackaged lots) are left
    as they are, so a second call changes nothing."""
    require_user(user)
    recall = get_recall(uow, recall_id, lock=True)
    if recall.status is RecallStatus.CLOSED:
        raise RecallRefused(f"recall {recall.number} is closed")
    lots = recall_lots(uow, recall)
    commands: list[ledger.Command] = []
    already = 0
    for lot in lots.named:
        derived = lots.derived_of.get(lot.id, [])
        if all(x.status is StockStatus.RECALLED for x in [lot, *derived]):
            already += 1
            continue
        commands.append(
            ledger.SetStatus(
                user=user,
                product=lot.ndc,
                lot=lot.lot_number,
                status=StockStatus.RECALLED,
                reason=recall_reason(recall),
            )
        )
    changed = post_all(uow, commands, clock=clock)
    if commands:
        recall.quarantined_at, recall.quarantined_by = clock.now(), user
        uow.recalls.save_state(recall)
        record(
            uow,
            user=user,
            action="quarantine",
            entity="recall",
            key=recall.number,
            now=clock.now(),
            after={"lots": [f"{c['ndc']} lot {c['lot']}" for c in changed]},
        )
        uow.commit()
    return Quarantined(recall, changed, already)


def close_recall(
    uow: UnitOfWork,
    *,
    recall_id: int,
    disposition: Disposition,
    note: str,
    user: str,
    clock: Clock,
) -> Recall:
    """Close an open recall with its disposition; commits. Released: its recalled lots are
    released (:func:`~rxsupply.services.recall_release.release_lots`) by a user allowed to
    release stock."""
    require_user(user)
    recall = get_recall(uow, recall_id, lock=True)
    if disposition is Disposition.RELEASED and recall.status is RecallStatus.OPEN:
        acting_user(uow, user, Permission.RELEASE)
    units = units_of(uow, recall)
    on_hand = OnHand(units=units.units, unblocked=units.unblocked)
    before = recall.as_dict()
    close(recall, disposition=disposition, note=note, on_hand=on_hand, at=clock.now(), by=user)
    uow.recalls.save_state(recall)  # closed first: the ledger keeps an open recall's lots
    released: dict[str, list[str]] = {}
    if disposition is Disposition.RELEASED:
        released = release_lots(uow, recall, units.lots, user=user, clock=clock)
    after = recall.as_dict() | released
    record(
        uow,
        user=user,
        action="close",
        entity="recall",
        key=recall.number,
        now=clock.now(),
        before=before,
        after=after,
    )
    uow.commit()
    return recall
