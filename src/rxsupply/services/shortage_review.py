"""A shortage's review (issue 12, item 7): when it ends, one record of its dates, its extra
spend and the actions taken.

- **Dates**: first posted (the FDA's initial posting, or the day it was entered), opened in
  rxsupply (its first event), resolved (None while it is not), and its length in days.
- **Extra spend**: the invoice lines (``purchase_line``) dated from its first posting to its
  resolution (today while it lasts) of the products of its matched items, each at what it paid
  above the item's best eligible price that day (:func:`rxsupply.domain.pricing.best_offer`:
  the contract price of the tier the hospital holds, else the lowest catalogue WAC, per
  dispense unit): ``(paid per unit - best per unit) x units``, to the cent. Lines at or below
  the best price add nothing; credits (negative packages) are left out. Money is ``Decimal``.
- **Actions**: the shortage's log (:mod:`rxsupply.services.conservation`), and the settings
  still in force (to revert: ``rxsupply shortages revert``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from rxsupply.domain.clock import Clock
from rxsupply.domain.conservation import ActionState, ShortageAction
from rxsupply.domain.pricing import Offer, best_offer
from rxsupply.domain.shortage import Shortage
from rxsupply.services.conservation import shortage_of
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.ports.pricing import PricedPurchase
from rxsupply.services.pricing import offers_by_product

CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class ExtraSpend:
    """An invoice line of a shortage's item bought above the item's best eligible price."""

    line: PricedPurchase
    item: str
    best: Offer | None
    extra: Decimal

    def as_dict(self) -> dict[str, object]:
        ln = self.line
        return {
            "invoice_date": ln.invoice_date.isoformat(),
            "invoice_number": ln.invoice_number,
            "wholesaler": ln.wholesaler,
            "item": self.item,
            "ndc": ln.ndc,
            "packages": ln.packages,
            "package_price": str(ln.package_price),
            "spend": str((ln.package_price * ln.packages).quantize(CENT)),
            "best": self.best.as_dict() if self.best else None,
            "extra": str(self.extra),
        }


@dataclass(frozen=True, slots=True)
class ShortageReview:
    shortage: Shortage
    opened: date | None
    start: date
    end: date
    ongoing: bool
    spend: Decimal
    extra_spend: Decimal
    lines: list[ExtraSpend] = field(default_factory=list)
    actions: list[ShortageAction] = field(default_factory=list)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def in_force(self) -> list[ShortageAction]:
        return [a for a in self.actions if a.state is ActionState.ACTIVE]

    def as_dict(self) -> dict[str, object]:
        s = self.shortage
        return {
            "shortage": s.id,
            "generic_name": s.generic_name,
            "source": s.source.value,
            "status": s.status.value,
            "items": [m.item_code for m in s.matches],
            "first_posted": _day(s.first_posted),
            "opened": _day(self.opened),
            "resolved_on": _day(s.resolved_on),
            "ongoing": self.ongoing,
            "period": {"start": self.start.isoformat(), "end": self.end.isoformat()},
            "days": self.days,
            "spend": str(self.spend.quantize(CENT)),
            "extra_spend": str(self.extra_spend.quantize(CENT)),
            "extra_lines": [ln.as_dict() for ln in self.lines],
            "actions": [a.as_dict() for a in self.actions],
            "settings_in_force": len(self.in_force),
        }


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def review_shortage(uow: UnitOfWork, *, shortage_id: int, clock: Clock) -> ShortageReview:
    """The review of a shortage (see the module); of one still current, to today."""
    found = shortage_of(uow, shortage_id)
    today = clock.today()
    opened = min((e.recorded_at for e in found.events), default=None)
    opened_on = opened.astimezone(clock.zone).date() if opened else None
    start = found.first_posted or opened_on or today
    ongoing = found.resolved_on is None
    end = found.resolved_on or today
    start = min(start, end)
    codes = {m.item_code for m in found.matches}
    items = uow.items.get_many(codes) if codes else {}
    item_of = {p: code for code, it in items.items() for p in it.product_ids}
    lines = [ln for ln in uow.prices.purchases(start, end) if ln.product_id in item_of]
    offers = offers_by_product(uow, set(item_of))
    spend, extra = Decimal(0), Decimal(0)
    found_lines: list[ExtraSpend] = []
    for ln in lines:
        spend += ln.package_price * ln.packages
        if ln.packages <= 0:
            continue  # a credit: nothing bought
        code = item_of[ln.product_id]
        products = items[code].product_ids
        best = best_offer([o for p in products for o in offers.get(p, [])], ln.invoice_date)
        paid_unit = ln.package_price / max(ln.package_size, 1)
        if best is None or paid_unit <= best.unit_price:
            continue
        above = ((paid_unit - best.unit_price) * ln.package_size * ln.packages).quantize(CENT)
        if above > 0:
            extra += above
            found_lines.append(ExtraSpend(ln, code, best, above))
    return ShortageReview(
        shortage=found,
        opened=opened_on,
        start=start,
        end=end,
        ongoing=ongoing,
        spend=spend,
        extra_spend=extra,
        lines=found_lines,
        actions=uow.conservation.actions(shortage_id),
    )
