"""Prices and contracts: importing a wholesaler's price file, the best eligible price of each
item, and the contract compliance report.

- :func:`import_prices`: a wholesaler catalogue CSV (the README documents its columns, and
  ``examples/prices.csv`` is one), validated whole before anything is written: WAC per package
  from an effective date, and contract prices per package, tier and effective dates, their
  contract added with its holder (a GPO or manufacturer) when new.
- :func:`best_prices`: for each item, the lowest eligible price per dispense unit across its
  products on a day (contract prices of the tier the hospital holds, else catalogue WAC).
- :func:`contract_compliance`: over invoice lines, the share of spend bought at an eligible
  contract price, the lines bought off contract (and why), and the money left on the table
  (what was paid above the item's best eligible price on the invoice day).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from rxsupply.domain.fields import parse_date, parse_money
from rxsupply.domain.pricing import Offer, best_offer, cheapest, current_offers
from rxsupply.errors import InvalidValue, NotFound
from rxsupply.services.imports.results import ImportResult, _finish
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.ports.pricing import CataloguePrice, ContractPrice, PricedPurchase
from rxsupply.services.ports.tables import Errors, Table
from rxsupply.services.references import resolve_products

PRICE_COLUMNS = (
    ["wholesaler", "ndc", "wac", "effective_date"],
    [
        "wholesaler_role",
        "contract_number",
        "contract_holder",
        "held_tier",
        "tier",
        "contract_price",
        "end_date",
    ],
)
"""(required, optional) columns of a price file."""
ROLES = ("", "primary", "secondary")
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class _Row:
    row: int
    wholesaler: str
    role: str
    product_id: int
    wac: Decimal
    starts: date
    contract: str
    holder: str
    held_tier: str
    tier: str
    price: Decimal | None
    ends: date | None


def import_prices(
    uow: UnitOfWork, table: Table, *, now: datetime, user: str, cap: int = 100
) -> ImportResult:
    """A wholesaler's price file: one row per product and effective date, its WAC per package
    and, optionally, a contract price per package (``contract_number`` with
    ``contract_price``; ``tier`` the price's tier, ``held_tier`` the tier the hospital holds
    on the contract, ``end_date`` the contract price's last day, ``contract_holder`` the GPO or
    manufacturer holding it, the wholesaler by default). Rows are written once: the same file
    again changes nothing, a new price for the same key replaces the old."""
    errors = Errors(table.name, cap)
    cols = {c: table.get(c) for c in PRICE_COLUMNS[0] + PRICE_COLUMNS[1]}
    products = resolve_products(uow, [n for n in cols["ndc"] if n])
    rows: list[_Row] = []
    wacs: dict[tuple[str, int, date], _Row] = {}
    contract_keys: dict[tuple[str, int, str, date], int] = {}
    held: dict[str, _Row] = {}
    for i in range(table.rows):
        n = i + 1
        parsed = _row(errors, cols, products, i)
        if parsed is None:
            continue
        first = wacs.setdefault((parsed.wholesaler, parsed.product_id, parsed.starts), parsed)
        if first.wac != parsed.wac:
            errors.add(
                n,
                "wac",
                f"row {first.row} gives this wholesaler, product and effective date a WAC of "
                f"{first.wac}",
            )
            continue
        if parsed.price is not None:
            key = (parsed.contract, parsed.product_id, parsed.tier, parsed.starts)
            if key in contract_keys:
                errors.add(
                    n,
                    "contract_price",
                    f"row {contract_keys[key]} prices the same product, tier and effective "
                    "date on this contract",
                )
                continue
            contract_keys[key] = n
            other = held.setdefault(parsed.contract, parsed)
            if other.held_tier != parsed.held_tier:
                errors.add(
                    n,
                    "held_tier",
                    f"row {other.row} says the hospital holds tier {other.held_tier!r} on "
                    f"contract {parsed.contract}",
                )
                continue
        rows.append(parsed)
    errors.raise_if_any()
    prices = uow.prices
    partners: dict[tuple[str, str], int] = {}

    def partner(name: str, kind: str, role: str = "") -> int:
        if (name, kind) not in partners:
            partners[(name, kind)] = prices.partner(name, kind=kind, role=role)
        return partners[(name, kind)]

    catalogue = [
        CataloguePrice(partner(r.wholesaler, "wholesaler", r.role), r.product_id, r.wac, r.starts)
        for r in wacs.values()
    ]
    contracts: dict[str, int] = {}
    contract_prices: list[ContractPrice] = []
    for r in rows:
        if r.price is None:
            continue
        if r.contract not in contracts:
            holder = partner(r.holder, "gpo") if r.holder else partner(r.wholesaler, "wholesaler")
            contracts[r.contract] = prices.contract(r.contract, holder_id=holder, tier=r.held_tier)
        contract_prices.append(
            ContractPrice(contracts[r.contract], r.product_id, r.tier, r.price, r.starts, r.ends)
        )
    written = prices.save_catalogue(catalogue) + prices.save_contract_prices(contract_prices)
    unchanged = len(catalogue) + len(contract_prices) - written
    skipped = {"unchanged": unchanged} if unchanged else {}
    result = ImportResult("prices", table.name, table.rows, written, skipped)
    return _finish(uow, result, now=now, user=user)


def _row(
    errors: Errors, cols: dict[str, list[str]], products: dict[str, int | str], i: int
) -> _Row | None:
    n = i + 1
    if not errors.fits(
        n,
        {
            "wholesaler": (cols["wholesaler"][i], 200),
            "contract_number": (cols["contract_number"][i], 60),
            "contract_holder": (cols["contract_holder"][i], 200),
            "held_tier": (cols["held_tier"][i], 40),
            "tier": (cols["tier"][i], 40),
        },
    ):
        return None
    wholesaler = cols["wholesaler"][i].strip()
    if not wholesaler:
        errors.add(n, "wholesaler", "must not be blank")
        return None
    role = cols["wholesaler_role"][i].strip().lower()
    if role not in ROLES:
        errors.add(n, "wholesaler_role", f"{role[:20]!r} is not primary or secondary")
        return None
    pid = products.get(cols["ndc"][i], "must not be blank")
    if not isinstance(pid, int):
        errors.add(n, "ndc", pid)
        return None
    wac = errors.value(n, "wac", lambda s: parse_money(s, "wac"), cols["wac"][i])
    starts = errors.value(
        n, "effective_date", lambda s: parse_date(s, "effective_date"), cols["effective_date"][i]
    )
    if wac is None or starts is None:
        return None
    if wac <= 0:
        errors.add(n, "wac", "must be above zero")
        return None
    contract = cols["contract_number"][i].strip()
    price_text = cols["contract_price"][i].strip()
    price: Decimal | None = None
    if bool(contract) != bool(price_text):
        missing = "contract_price" if contract else "contract_number"
        errors.add(n, missing, "a contract price needs its contract number and the number a price")
        return None
    if price_text:
        price = errors.value(
            n, "contract_price", lambda s: parse_money(s, "contract_price"), price_text
        )
        if price is None:
            return None
        if price <= 0:
            errors.add(n, "contract_price", "must be above zero")
            return None
    ends: date | None = None
    if cols["end_date"][i].strip():
        if price is None:
            errors.add(n, "end_date", "an end date belongs to a contract price")
            return None
        ends = errors.value(n, "end_date", lambda s: parse_date(s, "end_date"), cols["end_date"][i])
        if ends is None:
            return None
        if ends < starts:
            errors.add(n, "end_date", f"{ends.isoformat()} is before the effective date")
            return None
    return _Row(
        row=n,
        wholesaler=wholesaler,
        role=role,
        product_id=pid,
        wac=wac,
        starts=starts,
        contract=contract,
        holder=cols["contract_holder"][i].strip(),
        held_tier=cols["held_tier"][i].strip(),
        tier=cols["tier"][i].strip(),
        price=price,
        ends=ends,
    )


@dataclass(frozen=True, slots=True)
class ItemPrice:
    """An item's best eligible price on a day, and every offer in force (cheapest first)."""

    item: str
    name: str
    best: Offer | None
    offers: list[Offer]

    def as_dict(self) -> dict[str, object]:
        return {
            "item": self.item,
            "name": self.name,
            "best": self.best.as_dict() if self.best else None,
            "offers": [o.as_dict() for o in self.offers],
        }


def best_prices(uow: UnitOfWork, *, on: date, item: str | None = None) -> list[ItemPrice]:
    """Each item's (or one item's) best eligible price per dispense unit on a day."""
    members = uow.prices.item_products(item)
    if item is not None and not members and uow.items.get(item) is None:
        raise NotFound("item", item)
    by_product = offers_by_product(uow, {p for _, products in members.values() for p in products})
    out = []
    for code, (name, products) in members.items():
        live = current_offers([o for p in products for o in by_product.get(p, [])], on)
        ranked = sorted(live, key=lambda o: (o.unit_price, o.ndc))
        out.append(ItemPrice(code, name, cheapest(live), ranked))
    return out


def offers_by_product(uow: UnitOfWork, product_ids: set[int]) -> dict[int, list[Offer]]:
    """Every catalogue and eligible contract price of these products, by product."""
    out: dict[int, list[Offer]] = {}
    for o in uow.prices.offers(product_ids):
        out.setdefault(o.product_id, []).append(o)
    return out


@dataclass(frozen=True, slots=True)
class OffContract:
    """An invoice line not bought at an eligible contract price, and what it cost above the
    item's best eligible price that day."""

    line: PricedPurchase
    item: str
    reason: str
    best: Offer | None
    above_best: Decimal

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
            "spend": str(ln.package_price * ln.packages),
            "reason": self.reason,
            "best": self.best.as_dict() if self.best else None,
            "above_best": str(self.above_best),
        }


@dataclass(slots=True)
class Compliance:
    """Spend over invoice lines (credits count against it), what of it was at an eligible
    contract price, and the money paid above each item's best eligible price."""

    start: date
    end: date
    spend: Decimal = Decimal(0)
    contract_spend: Decimal = Decimal(0)
    left_on_table: Decimal = Decimal(0)
    lines: int = 0
    off_contract: list[OffContract] = field(default_factory=list)

    @property
    def share_on_contract(self) -> float | None:
        return float(self.contract_spend / self.spend) if self.spend > 0 else None

    def as_dict(self) -> dict[str, object]:
        share = self.share_on_contract
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "lines": self.lines,
            "spend": str(self.spend.quantize(CENT)),
            "contract_spend": str(self.contract_spend.quantize(CENT)),
            "share_on_contract": None if share is None else round(share, 4),
            "left_on_table": str(self.left_on_table.quantize(CENT)),
            "off_contract": [o.as_dict() for o in self.off_contract],
        }


def contract_compliance(uow: UnitOfWork, *, start: date, end: date) -> Compliance:
    """The contract compliance report over invoice lines dated ``start`` to ``end``."""
    if end < start:
        raise InvalidValue("end", "is before the start")
    lines = uow.prices.purchases(start, end)
    items = uow.prices.items_of({ln.product_id for ln in lines})
    wanted = {p for _, _, products in items.values() for p in products} | {
        ln.product_id for ln in lines
    }
    offers = offers_by_product(uow, wanted)
    report = Compliance(start, end)
    for ln in lines:
        report.lines += 1
        spent = ln.package_price * ln.packages
        report.spend += spent
        code, _, products = items.get(ln.product_id, ("", "", [ln.product_id]))
        on_day = ln.invoice_date
        mine = current_offers(offers.get(ln.product_id, []), on_day)
        contracted = [o for o in mine if o.source == "contract"]
        best = best_offer([o for p in products for o in offers.get(p, [])], on_day)
        at_contract = any(ln.package_price <= o.price + CENT / 2 for o in contracted)
        if at_contract:
            report.contract_spend += spent
        if ln.packages <= 0:
            continue  # a credit: nothing bought
        paid_unit = ln.package_price / max(ln.package_size, 1)
        above = Decimal(0)
        if best is not None and paid_unit > best.unit_price:
            above = ((paid_unit - best.unit_price) * ln.package_size * ln.packages).quantize(CENT)
        report.left_on_table += above
        if not at_contract:
            report.off_contract.append(
                OffContract(ln, code, _why_off(ln, contracted, best), best, above)
            )
    return report


def _why_off(ln: PricedPurchase, contracted: Sequence[Offer], best: Offer | None) -> str:
    if contracted:
        cheapest = min(contracted, key=lambda o: o.price)
        return (
            f"paid {ln.package_price} a package; contract {cheapest.contract} prices it "
            f"{cheapest.price}"
        )
    if best is not None and best.source == "contract":
        return f"no contract price for this product; {best.ndc} is on contract {best.contract}"
    return "no contract price for this item on the day"
