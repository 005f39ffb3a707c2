"""Opened packages: a multi-dose vial (or a bottle, an inhaler, a pen) carries a beyond-use date
from the day it is opened.

Opening posts one :class:`~rxsupply.services.ledger.Open`: the package's units leave the
sealed lot and become the opened lot of the same product (:func:`~rxsupply.domain.repackaging.
opened_lot`), expiring on the earlier of the sealed lot's expiry and the beyond-use date
(:data:`~rxsupply.domain.repackaging.OPENED_BUD_DAYS` days by default, USP <797>). From then
on everything that reads expiry reads it for those units: picking takes them first and never
after the date, the expiry report lists them, the daily sweep pulls them, and a recall of the
sealed lot reaches them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rxsupply.domain.clock import Clock
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.repackaging import (
    OPENED_BUD_DAYS,
    beyond_use_date,
    opened_lot,
    repackaged_expiry,
)
from rxsupply.domain.status import is_expired
from rxsupply.errors import InvalidValue, NotFound, UnusableStock
from rxsupply.services.audit import require_user
from rxsupply.services.ledger import Open, Posted, post_one
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.references import find_product


@dataclass(frozen=True, slots=True)
class Opened:
    """What opening a package posted: the opened lot, its beyond-use date and why."""

    posted: Posted
    ndc: str
    lot: str
    opened_lot: str
    units: int
    original_expiry: date | None
    beyond_use: date
    beyond_use_days: int
    capped: bool = False
    """The lot expires before the beyond-use period ends: its expiry is the date."""

    def as_dict(self) -> dict[str, object]:
        return {
            "ndc": self.ndc,
            "lot": self.lot,
            "opened_lot": self.opened_lot,
            "units": self.units,
            "original_expiry": self.original_expiry.isoformat() if self.original_expiry else None,
            "beyond_use_date": self.beyond_use.isoformat(),
            "beyond_use_days": self.beyond_use_days,
            "why": (
                f"opened: usable {self.beyond_use_days} days from opening"
                + (", capped at the lot's expiry" if self.capped else "")
            ),
            "duplicate": self.posted.duplicate,
        }


def open_package(
    uow: UnitOfWork,
    *,
    location: str,
    product: str,
    lot: str,
    user: str,
    clock: Clock,
    units: int | None = None,
    bud_days: int = OPENED_BUD_DAYS,
    external_id: ExternalId | None = None,
) -> Opened:
    """Open one package (``units``, default the product's package size) of ``lot`` at
    ``location``; it is usable ``bud_days`` days (1 to 365) from today, never past the lot's
    expiry."""
    require_user(user)
    found = find_product(uow, product)
    assert found.id is not None
    lots = uow.lots.find([found.id], lot.strip())
    if not lots:
        raise NotFound("lot", lot, f"no lot {lot.strip()} of {found.ndc} is recorded")
    original = uow.lots.expiries(lots.values()).get(next(iter(lots.values())))
    today = clock.today()
    if is_expired(original, today):
        raise UnusableStock(f"lot {lot.strip()} of {found.ndc} expired on {original}: not opened")
    beyond_use = repackaged_expiry(original, today, bud_days)
    quantity = found.package_size if units is None else units
    if quantity < 1:
        raise InvalidValue("units", "open at least one unit", str(quantity))
    new_lot = opened_lot(lot.strip(), today)
    posted = post_one(
        uow,
        Open(
            user=user,
            location=location,
            product=str(found.ndc),
            lot=lot.strip(),
            quantity=quantity,
            to_lot=new_lot,
            to_expiry=beyond_use,
            reference=f"opened {found.ndc} lot {lot.strip()}",
            external_id=external_id,
        ),
        clock=clock,
    )
    return Opened(
        posted=posted,
        ndc=str(found.ndc),
        lot=lot.strip(),
        opened_lot=new_lot,
        units=quantity,
        original_expiry=original,
        beyond_use=beyond_use,
        beyond_use_days=bud_days,
        capped=beyond_use < beyond_use_date(today, bud_days),
    )
