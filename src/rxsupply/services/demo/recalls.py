"""The demo hospital's open recall: a class II recall of a lot on hand in several places,
cabinet pockets included, with units of it already dispensed, so the recall screen has
something to find, quarantine and follow up.

The lot is chosen from the built data, deterministically: the available lot on hand in the
most locations (then the most units, then by NDC and lot number) that was dispensed from.
"""

from __future__ import annotations

from datetime import timedelta

from rxsupply.domain.clock import Clock
from rxsupply.domain.recall import Recall, RecallClass, RecallEntry
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.recalls import enter_recall
from rxsupply.services.references import find_product

REASON = "Subpotent drug: out-of-specification assay result at the 12-month stability time point"


def seed_recall(uow: UnitOfWork, *, clock: Clock, user: str) -> Recall | None:
    """Enter the demo's open recall (commits); None when no lot is on hand in three places."""
    found = uow.recalls.spread_lots(min_places=3, limit=1)
    if not found:
        return None
    ((ndc, lot),) = found
    product = find_product(uow, ndc)
    today = clock.today()
    return enter_recall(
        uow,
        number=f"D-0412-{today.year}",
        recall_class=RecallClass.II,
        reason=REASON,
        firm=product.labeler,
        initiated=today - timedelta(days=2),
        entries=[RecallEntry(ndc, (lot,))],
        user=user,
        clock=clock,
    )
