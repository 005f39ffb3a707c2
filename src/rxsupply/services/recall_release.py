"""Lifting a withdrawn recall's block (:func:`release_lots`, called when a recall closes as
released): each lot goes back to what it was before it was recalled, unless another open recall
still covers it; and the shared steps of blocking a recall's lots (:func:`recall_reason`,
:func:`post_all`)."""

from __future__ import annotations

from rxsupply.domain.clock import Clock
from rxsupply.domain.limits import LedgerLimits
from rxsupply.domain.recall import Recall, RecallStatus, recalled_because
from rxsupply.domain.status import StockStatus
from rxsupply.errors import RxSupplyError
from rxsupply.services import ledger
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.recall_units import RecallLots, recall_lots


def recall_reason(recall: Recall) -> str:
    """Why a recall blocks its lots (the reason each takes)."""
    return recalled_because(recall)


def post_all(
    uow: UnitOfWork, commands: list[ledger.Command], *, clock: Clock
) -> list[dict[str, object]]:
    """Post the status changes together, all or nothing (no commit); what they changed."""
    if not commands:
        return []
    results = ledger.post(uow, commands, clock=clock, commit=False)
    failed = [r for r in results if isinstance(r, RxSupplyError)]
    if failed:
        uow.rollback()
        raise failed[0]
    return [c for r in results if isinstance(r, ledger.Posted) for c in r.changed]


def _still_recalled(uow: UnitOfWork, recall: Recall) -> dict[int, Recall]:
    """The lots another open recall covers (named, or repackaged from a lot it names): lot
    id -> that recall."""
    out: dict[int, Recall] = {}
    for other in uow.recalls.listed(status=RecallStatus.OPEN, limit=10_000):
        if other.id != recall.id:
            out.update(dict.fromkeys(recall_lots(uow, other).every, other))
    return out


def release_lots(
    uow: UnitOfWork, recall: Recall, lots: RecallLots, *, user: str, clock: Clock
) -> dict[str, list[str]]:
    """Lift a withdrawn recall's block (no commit): each recalled lot it names goes back to
    what it was before it was recalled (available, or the quarantine or suspect status it had
    then, with its reason), and the lots repackaged from it follow; a lot another open recall
    covers stays recalled, and so does each lot repackaged from a released one that another
    open recall covers. What was done, lot by lot, for the audit entry."""
    withdrawn = f"recall {recall.number} withdrawn: {recall.disposition_note}"
    limit = LedgerLimits().note_length
    still = _still_recalled(uow, recall)
    recalled = [lot for lot in lots.named if lot.status is StockStatus.RECALLED]
    kept = [lot for lot in recalled if lot.id in still]
    freed = [lot for lot in recalled if lot.id not in still]
    before = uow.recalls.before_recalled(lot.id for lot in freed)
    release: list[ledger.Command] = [
        ledger.SetStatus(
            user=user,
            product=lot.ndc,
            lot=lot.lot_number,
            status=StockStatus.AVAILABLE,
            reason=withdrawn[:limit],
        )
        for lot in freed
    ]
    restore: list[ledger.Command] = [
        ledger.SetStatus(
            user=user,
            product=lot.ndc,
            lot=lot.lot_number,
            status=before[lot.id].status,
            reason=f"{before[lot.id].reason} (again: {withdrawn})"[:limit],
        )
        for lot in freed
        if lot.id in before
    ]
    released = post_all(uow, release, clock=clock)
    restored = post_all(uow, restore, clock=clock)
    derived = [d.id for lot in freed for d in lots.derived_of.get(lot.id, []) if d.id in still]
    reblock: list[ledger.Command] = [
        ledger.SetStatus(
            user=user,
            product=d.ndc,
            lot=d.lot_number,
            status=StockStatus.RECALLED,
            reason=recall_reason(still[d.id]),
        )
        for d in uow.recalls.lots(derived)
        if d.status is not StockStatus.RECALLED
    ]
    reblocked = post_all(uow, reblock, clock=clock)

    def named(changes: list[dict[str, object]]) -> list[str]:
        return [f"{c['ndc']} lot {c['lot']}: {c['from']} > {c['to']}" for c in changes]

    return {
        "released": named(released),
        "restored": named(restored),
        "still_recalled": [
            f"{lot.ndc} lot {lot.lot_number}: recall {still[lot.id].number}" for lot in kept
        ]
        + named(reblocked),
    }
