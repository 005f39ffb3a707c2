"""Unit-dose repackaging: units of a bulk lot become a new lot of a repackaged product.

The repackaged product is a product of its own (a unit-dose package with its own NDC, such as
a house NDC, and so its own GTIN), a product of the same item as the bulk product, so picking
and demand treat both as the item. The new lot expires on the earlier of the bulk lot's expiry
and the beyond-use date (:mod:`rxsupply.domain.repackaging`); the ledger posts one
:class:`~rxsupply.services.ledger.Repackage` (an out of the bulk lot and an in of the new lot,
one transaction, linked by their reference and external id ``repackage:<NDC>-<lot>``), and
refuses expired or blocked bulk lots. The label's GS1 data comes back for printing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rxsupply.domain.clock import Clock
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.repackaging import DEFAULT_BUD_DAYS, Label, repackaged_expiry
from rxsupply.errors import InvalidValue, NotFound
from rxsupply.services.audit import require_user
from rxsupply.services.ledger import Posted, Repackage, post_one
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.references import resolve_products


@dataclass(frozen=True, slots=True)
class Repackaged:
    """What a repackaging posted and the label of its lot."""

    posted: Posted
    label: Label
    ndc: str
    name: str
    units: int
    original_expiry: date | None
    beyond_use_days: int

    def as_dict(self) -> dict[str, object]:
        return {
            "ndc": self.ndc,
            "gtin": self.label.gtin,
            "lot": self.label.lot,
            "expiry": self.label.expiry.isoformat(),
            "serial": self.label.serial,
            "units": self.units,
            "original_expiry": self.original_expiry.isoformat() if self.original_expiry else None,
            "beyond_use_days": self.beyond_use_days,
            "element_string": self.label.element_string,
            "human_readable": self.label.human_readable,
            "duplicate": self.posted.duplicate,
        }


def _product_id(uow: UnitOfWork, field: str, text: str) -> int:
    found = resolve_products(uow, [text]).get(text)
    if not isinstance(found, int):
        raise NotFound("product", text, str(found))
    return found


def repackage(
    uow: UnitOfWork,
    *,
    location: str,
    product: str,
    lot: str,
    units: int,
    to_product: str,
    user: str,
    clock: Clock,
    bud_days: int = DEFAULT_BUD_DAYS,
    to_lot: str | None = None,
    serial: str | None = None,
) -> Repackaged:
    """Repackage ``units`` dispense units of a bulk lot at a location into a new lot of the
    repackaged product (``to_lot``, default ``RP`` and the local date and time)."""
    require_user(user)
    bulk_id = _product_id(uow, "product", product)
    unit_dose_id = _product_id(uow, "to_product", to_product)
    items = uow.items.products_of()
    if not any(bulk_id in ids and unit_dose_id in ids for ids in items.values()):
        raise InvalidValue(
            "to_product",
            "the repackaged product must be a product of the bulk product's item "
            "(add its NDC to the item in the items file)",
            to_product,
        )
    lots = uow.lots.find([bulk_id], lot.strip())
    if not lots:
        raise NotFound("lot", lot, f"no lot {lot} of {product} is recorded")
    original = uow.lots.expiries(lots.values()).get(next(iter(lots.values())))
    today = clock.today()
    expiry = repackaged_expiry(original, today, bud_days)
    new_lot = (to_lot or f"RP{clock.now().astimezone(clock.zone):%y%m%d%H%M%S}").strip()
    products = uow.products.find_many("id", [str(unit_dose_id)])
    unit_dose = products[str(unit_dose_id)]
    label = Label(gtin=unit_dose.gtin, expiry=expiry, lot=new_lot, serial=serial)
    posted = post_one(
        uow,
        Repackage(
            user=user,
            location=location,
            product=product,
            lot=lot,
            quantity=units,
            to_product=str(unit_dose.ndc),
            to_lot=new_lot,
            to_expiry=expiry,
            reference=f"repackaged {product} lot {lot.strip()}",
            external_id=ExternalId("repackage", f"{unit_dose.ndc}-{new_lot}"),
        ),
        clock=clock,
    )
    return Repackaged(
        posted=posted,
        label=label,
        ndc=str(unit_dose.ndc),
        name=unit_dose.name,
        units=units,
        original_expiry=original,
        beyond_use_days=bud_days,
    )
