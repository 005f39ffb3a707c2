"""Stock discrepancies: the list a pharmacist works through, and resolving one.

A discrepancy is recorded by the ledger when a cabinet reports a dispense or waste beyond the
usable stock on record (:class:`rxsupply.services.ledger.Dispense` with ``reported``). It is
resolved with a note saying what was found (an unrecorded refill, a miscount corrected by a
count, expired or quarantined units that left the pocket); the stock itself is corrected by
the ledger's own commands (a count), never by editing the discrepancy.
"""

from __future__ import annotations

from rxsupply.domain.clock import Clock
from rxsupply.domain.discrepancy import Discrepancy, DiscrepancyStatus
from rxsupply.domain.fields import required_text
from rxsupply.errors import AlreadyResolved, NotFound
from rxsupply.services.audit import record, require_user
from rxsupply.services.ports import UnitOfWork

RESOLUTION_LENGTH = 500


def list_discrepancies(
    uow: UnitOfWork,
    *,
    status: DiscrepancyStatus | None = DiscrepancyStatus.OPEN,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[Discrepancy], int]:
    """The discrepancies (open ones by default), newest first, and how many there are."""
    found = uow.discrepancies.listed(status=status, limit=limit, offset=offset)
    return found, uow.discrepancies.count(status=status)


def resolve_discrepancy(
    uow: UnitOfWork, *, discrepancy_id: int, resolution: str, user: str, clock: Clock
) -> Discrepancy:
    """Resolve an open discrepancy with what was found, in one transaction with its audit
    entry; a discrepancy already resolved is refused."""
    require_user(user)
    note = required_text(
        "resolution",
        resolution,
        limit=RESOLUTION_LENGTH,
        why="say what was found (a count, a refill not scanned, ...)",
    )
    now = clock.now()
    found = uow.discrepancies.get(discrepancy_id, lock=True)
    if found is None:
        raise NotFound("discrepancy", discrepancy_id)
    if found.status is not DiscrepancyStatus.OPEN or not uow.discrepancies.resolve(
        discrepancy_id, resolution=note, user=user, now=now
    ):
        raise AlreadyResolved(discrepancy_id)
    record(
        uow,
        user=user,
        action="resolve_discrepancy",
        entity="stock_discrepancy",
        key=str(discrepancy_id),
        now=now,
        before={"status": found.status.value, "why": found.why()},
        after={"status": DiscrepancyStatus.RESOLVED.value, "resolution": note},
    )
    uow.commit()
    resolved = uow.discrepancies.get(discrepancy_id)
    assert resolved is not None
    return resolved
