"""Purchasing: the storeroom's suggested orders, and a buyer's review, approval and
cancellation of them.

- :func:`suggest_orders`: each storeroom item at or below its reorder point (usable on hand
  plus on order, against the min) is ordered up to its order-up-to level (max), in whole
  packages of the product with the best eligible price per dispense unit that day; lines are
  grouped into one draft per wholesaler (a contract price is bought through the primary
  wholesaler; a WAC from the wholesaler that quotes it), replacing the lines of that
  wholesaler's draft. Every line says why.
- :func:`approve_order` sends a draft (the faces write the wholesaler's CSV and the X12 850);
  a Schedule II line needs its DEA Form 222 or CSOS order number first
  (:func:`set_dea_form_number`).
- :func:`cancel_order` cancels a draft or an order not yet received, with its reason.

Every change is one transaction with its audit entry, under its user.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from rxsupply.domain.clock import Clock
from rxsupply.domain.fields import check_money, required_text
from rxsupply.domain.location import LocationKind
from rxsupply.domain.pricing import Offer, best_offer, current_offers
from rxsupply.domain.purchasing import (
    LineStatus,
    OrderLine,
    OrderStatus,
    PurchaseOrder,
    check_dea_form_number,
)
from rxsupply.errors import InvalidValue, NotFound, OrderRefused
from rxsupply.services.audit import record, require_user
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.pricing import offers_by_product
from rxsupply.services.references import resolve_products

CANCELLABLE = (OrderStatus.DRAFT, OrderStatus.SENT, OrderStatus.ACKNOWLEDGED)


@dataclass(slots=True)
class Suggestion:
    """The drafts a suggestion wrote, and the items at their reorder point it could not
    order (and why)."""

    orders: list[PurchaseOrder] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "orders": [o.as_dict() for o in self.orders],
            "skipped": [{"item": i, "why": w} for i, w in self.skipped],
        }


def suggest_orders(uow: UnitOfWork, *, clock: Clock, user: str) -> Suggestion:
    """Write this day's suggested orders as drafts, one per wholesaler and storeroom."""
    require_user(user)
    today, now = clock.today(), clock.now()
    stores = {loc.id or 0: loc for loc in uow.locations.of_kind(LocationKind.STOREROOM)}
    levels = [lv for lv in uow.stock_levels.all() if lv.location_id in stores]
    members = uow.prices.item_products(None)
    ids = uow.items.ids_by_code()
    by_id = {ids[code]: code for code in members if code in ids}
    wanted = [(lv, by_id[lv.item_id]) for lv in levels if lv.item_id in by_id]
    products = {p for _, code in wanted for p in members[code][1]}
    book = uow.ledger.load_book(roots=set(stores), product_ids=products, lock=False)
    on_order = uow.orders.on_order(products)
    backordered = uow.orders.on_order(products, status=LineStatus.BACKORDERED)
    offers = offers_by_product(uow, products)
    ndcs = {o.product_id: o.ndc for found in offers.values() for o in found}
    preferred = uow.prices.preferred_products()
    primary = uow.prices.primary_wholesaler()
    result = Suggestion()
    grouped: dict[tuple[str, int], list[OrderLine]] = {}
    for level, code in sorted(wanted, key=lambda w: w[1]):
        name, item_products = members[code]
        have = book.available(level.location_id, item_products, on=today)
        coming = sum(on_order.get(p, 0) for p in item_products)
        position = have + coming
        if position > level.min_level:
            continue
        need = level.max_level - position
        if need <= 0:
            continue
        short = {p: backordered[p] for p in item_products if backordered.get(p)}
        mine = [o for p in item_products for o in offers.get(p, []) if p not in short]
        cheapest_offer = best_offer(mine, today)
        best = best_offer([o for o in mine if o.product_id in preferred], today) or cheapest_offer
        if best is None:
            why_not = "no price in force for any of its products"
            if short:
                why_not = "every product with a price is backordered at its wholesaler"
            result.skipped.append((code, why_not))
            continue
        wholesaler = (
            best.wholesaler if best.source == "wac" else (primary or _quoting(mine, best, today))
        )
        if not wholesaler:
            result.skipped.append((code, f"no wholesaler to buy {best.ndc} through"))
            continue
        packages = -(-need // max(best.package_size, 1))
        source = f"contract {best.contract}" if best.source == "contract" else f"WAC {wholesaler}"
        why = (
            f"at or below its reorder point at {stores[level.location_id].code}: {have} usable "
            f"+ {coming} on order = {position} <= min {level.min_level}; up to max "
            f"{level.max_level}: {need} units = {packages} x {best.package_size} of {best.ndc}, "
            f"the best eligible price ({best.unit_price} a unit, {source})"
        )
        if best.product_id in preferred:
            why = why.replace("the best eligible price", "the item's preferred product")
            if cheapest_offer is not None and cheapest_offer.product_id != best.product_id:
                why += (
                    f"; the cheapest, {cheapest_offer.ndc}, is {cheapest_offer.unit_price} a unit"
                )
        if short:
            why += "; backordered, not counted and not bought: " + ", ".join(
                f"{units} units of {ndcs.get(p, p)}" for p, units in short.items()
            )
        lines = grouped.setdefault((wholesaler, level.location_id), [])
        lines.append(
            OrderLine(
                line_number=len(lines) + 1,
                product_id=best.product_id,
                ndc=best.ndc,
                item_code=code,
                item_name=name,
                package_size=best.package_size,
                packages=packages,
                package_price=best.price,
                contract=best.contract,
                why=why,
            )
        )
    for (wholesaler, location_id), lines in sorted(grouped.items()):
        partner_id = uow.prices.partner(wholesaler, kind="wholesaler")
        draft = uow.orders.draft_for(partner_id, location_id)
        if draft is None:
            order = PurchaseOrder(
                number="",
                wholesaler=wholesaler,
                status=OrderStatus.DRAFT,
                created_at=now,
                created_by=user,
                lines=lines,
            )
            draft = uow.orders.add(order, partner_id=partner_id, location_id=location_id)
        else:
            uow.orders.replace_lines(draft, lines)
        found = uow.orders.get(draft)
        assert found is not None
        result.orders.append(found)
    record(
        uow,
        user=user,
        action="suggest_orders",
        entity="purchase_order",
        now=now,
        after={
            "orders": [o.number for o in result.orders],
            "lines": sum(len(o.lines) for o in result.orders),
            "skipped": result.skipped,
        },
    )
    uow.commit()
    return result


def _quoting(offers: list[Offer], best: Offer, today: date) -> str:
    """The wholesaler quoting the cheapest WAC for the product on contract."""
    quotes = [
        o
        for o in current_offers(offers, today)
        if o.source == "wac" and o.product_id == best.product_id
    ]
    return min(quotes, key=lambda o: o.price).wholesaler if quotes else ""


def get_order(uow: UnitOfWork, order: str, *, lock: bool = False) -> PurchaseOrder:
    """An order by its number (``PO000012``) or id; with ``lock``, its row is locked until
    the transaction ends (a change to a draft and its approval take turns)."""
    digits = order.isascii() and order.isdigit() and len(order) <= 9
    order_id = int(order) if digits else uow.orders.find(order)
    found = uow.orders.get(order_id, lock=lock) if order_id is not None else None
    if found is None:
        raise NotFound("purchase order", order)
    return found


def list_orders(
    uow: UnitOfWork, *, status: OrderStatus | None = None, limit: int = 100
) -> list[PurchaseOrder]:
    return uow.orders.listed(status=status, limit=limit)


def set_dea_form_number(
    uow: UnitOfWork, *, order: str, line: int, number: str, user: str, clock: Clock
) -> PurchaseOrder:
    """Record a Schedule II line's DEA Form 222 serial number or CSOS order number (on a
    draft)."""
    require_user(user)
    value = check_dea_form_number(number)
    found = get_order(uow, order, lock=True)
    if found.status is not OrderStatus.DRAFT:
        raise OrderRefused(f"order {found.number} is {found.status.value}: it is not a draft")
    target = next((ln for ln in found.lines if ln.line_number == line), None)
    if target is None:
        raise NotFound("order line", f"{found.number} line {line}")
    if not target.needs_dea_form:
        raise OrderRefused(
            f"line {line} ({target.ndc} {target.item_name}) is not Schedule II: it takes no DEA "
            "Form 222 number"
        )
    uow.orders.set_dea_form_number(found.id or 0, line, value)
    record(
        uow,
        user=user,
        action="dea_form_number",
        entity="purchase_order",
        key=found.number,
        now=clock.now(),
        after={"line": line, "ndc": target.ndc, "dea_form_number": value},
    )
    uow.commit()
    return get_order(uow, found.number)


def add_order_line(
    uow: UnitOfWork,
    *,
    order: str,
    product: str,
    packages: int,
    user: str,
    clock: Clock,
    package_price: Decimal | None = None,
) -> PurchaseOrder:
    """Add a line to a draft by hand: ``packages`` of a product (an NDC in any form, or a
    GTIN), at ``package_price`` or else its best eligible price today."""
    require_user(user)
    if packages <= 0 or packages > 1_000_000:
        raise InvalidValue("packages", "must be a whole number of packages from 1", packages)
    found = get_order(uow, order, lock=True)
    if found.status is not OrderStatus.DRAFT:
        raise OrderRefused(f"order {found.number} is {found.status.value}: lines go on a draft")
    resolved = resolve_products(uow, [product]).get(product)
    if not isinstance(resolved, int):
        raise NotFound("product", product, str(resolved))
    today = clock.today()
    offers = uow.prices.offers([resolved])
    best = best_offer(offers, today)
    price = package_price
    if price is None:
        if best is None:
            raise InvalidValue("package_price", f"no price in force for {product}: give one")
        price = best.price
    price = check_money("package_price", price)
    if price <= 0:
        raise InvalidValue("package_price", "must be above zero", str(price))
    items = uow.prices.items_of([resolved])
    code, name, _ = items.get(resolved, ("", "", []))
    size = next((o.package_size for o in offers), None)
    lines = list(found.lines)
    lines.append(
        OrderLine(
            line_number=max((ln.line_number for ln in lines), default=0) + 1,
            product_id=resolved,
            ndc=best.ndc if best else product,
            item_code=code,
            item_name=name,
            package_size=size or 1,
            packages=packages,
            package_price=price,
            contract=best.contract if best and best.price == price else "",
            why=f"added by {user}",
        )
    )
    uow.orders.replace_lines(found.id or 0, lines)
    record(
        uow,
        user=user,
        action="add_order_line",
        entity="purchase_order",
        key=found.number,
        now=clock.now(),
        after={"product": product, "packages": packages, "package_price": str(price)},
    )
    uow.commit()
    return get_order(uow, found.number)


def approve_order(uow: UnitOfWork, *, order: str, user: str, clock: Clock) -> PurchaseOrder:
    """Approve a draft and send it; refused, with every reason, when it cannot go."""
    require_user(user)
    found = get_order(uow, order, lock=True)
    problems = found.problems_before_sending()
    if problems:
        raise OrderRefused(f"order {found.number} was not sent: " + "; ".join(problems))
    now = clock.now()
    if not uow.orders.set_status(
        found.id or 0,
        allowed=[OrderStatus.DRAFT],
        status=OrderStatus.SENT,
        approved_by=user,
        approved_at=now,
    ):
        raise OrderRefused(f"order {found.number} changed meanwhile: it is no longer a draft")
    record(
        uow,
        user=user,
        action="approve_order",
        entity="purchase_order",
        key=found.number,
        now=now,
        before={"status": found.status.value},
        after={
            "status": OrderStatus.SENT.value,
            "wholesaler": found.wholesaler,
            "lines": len(found.lines),
            "value": str(found.value),
        },
    )
    uow.commit()
    return get_order(uow, found.number)


def cancel_order(
    uow: UnitOfWork, *, order: str, reason: str, user: str, clock: Clock
) -> PurchaseOrder:
    """Cancel a draft, or an order sent or acknowledged and not yet received, with why."""
    require_user(user)
    why = required_text("reason", reason, limit=500, why="say why the order is cancelled")
    found = get_order(uow, order)
    now = clock.now()
    if found.status not in CANCELLABLE or not uow.orders.set_status(
        found.id or 0, allowed=CANCELLABLE, status=OrderStatus.CANCELLED, note=why
    ):
        raise OrderRefused(
            f"order {found.number} is {found.status.value}: only a draft, or an order sent or "
            "acknowledged and not yet received, can be cancelled"
        )
    record(
        uow,
        user=user,
        action="cancel_order",
        entity="purchase_order",
        key=found.number,
        now=now,
        before={"status": found.status.value},
        after={"status": OrderStatus.CANCELLED.value, "reason": why},
    )
    uow.commit()
    return get_order(uow, found.number)
