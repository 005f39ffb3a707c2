"""Carrying out a transfer the expiry-risk projection recommends
(:mod:`rxsupply.services.expiry_risk`): one ledger :class:`~rxsupply.services.ledger.Move` of
the named lot from where it would expire to where it will be used, taken from that location
itself (not the places below it), through the ledger's one path: usable stock only (a lot
blocked or expired since is refused), a pocket takes no more than its capacity, the user and
the audit entry recorded, and an external id that makes a second submit a no-op."""

from __future__ import annotations

from dataclasses import dataclass

from rxsupply.domain.clock import Clock
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.fields import required_text
from rxsupply.errors import InvalidValue
from rxsupply.services import ledger
from rxsupply.services.audit import require_user
from rxsupply.services.ports.storage import UnitOfWork

REFERENCE = "expiry risk transfer"
MAX_UNITS = 1_000_000


@dataclass(frozen=True, slots=True, kw_only=True)
class TransferAtRisk:
    """A recommended transfer as a user carries it out (``product``: an NDC or GTIN)."""

    product: str
    lot: str
    from_location: str
    to_location: str
    units: int


def transfer_command(
    want: TransferAtRisk, *, user: str, external_id: ExternalId | None = None
) -> ledger.Move:
    """The ledger command of a transfer at risk, its fields checked."""
    require_user(user)
    for name in ("product", "lot", "from_location", "to_location"):
        required_text(name, getattr(want, name), limit=64, why="name it as the row shows it")
    if not 1 <= want.units <= MAX_UNITS:
        raise InvalidValue("units", "must be a whole number of units from 1 to 1,000,000")
    if want.from_location.strip() == want.to_location.strip():
        raise InvalidValue("to_location", "must differ from the location it leaves")
    return ledger.Move(
        user=user,
        from_location=want.from_location.strip(),
        to_location=want.to_location.strip(),
        product=want.product.strip(),
        lot=want.lot.strip(),
        quantity=want.units,
        here_only=True,
        reference=REFERENCE,
        external_id=external_id,
    )


def carry_out_transfer(
    uow: UnitOfWork,
    *,
    transfer: TransferAtRisk,
    user: str,
    clock: Clock,
    external_id: ExternalId | None = None,
) -> ledger.Posted:
    """Move the units of a lot at risk (see the module); its error is raised and nothing is
    written."""
    command = transfer_command(transfer, user=user, external_id=external_id)
    return ledger.post_one(uow, command, clock=clock)
