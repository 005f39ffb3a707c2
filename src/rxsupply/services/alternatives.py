"""Alternatives to the items of a shortage (issue 12, item 3): :func:`find_alternatives`.

For each formulary item the shortage matches (or the one asked for):

- **same product**: every product of the same drug (same ingredients, a strength and a dosage
  form in common: :func:`rxsupply.domain.alternatives.same_drug`), from the catalogue (products
  of other items or of none, and the item's own products the shortage does not name) and from
  the imported NDC Directory (products with source ``fda``), each with whether it is itself on
  a current shortage (by NDC), its best eligible price today (contract price of the held tier
  or catalogue WAC, per package and per unit), its usable units on hand in the hospital, the
  wholesalers offering it, and whether it is still marketed. Available ones first, then the
  cheapest per unit.
- **therapeutic**: the rows of the therapeutic alternatives table for the item, each with the
  alternative's usable units, its current shortages and its best price today.
- **secondary wholesalers**: the catalogue prices of the item's own products from wholesalers
  whose role is ``secondary``, against the item's usual price (its best contract or primary
  price today), cheapest first.
- **direct**: the labelers of the item's products and of the same-drug products (their NDCs,
  whether any is available), through a manufacturer trading partner of that name when one is
  recorded, else "direct from LABELER".

It reads only; nothing is written.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from rxsupply.domain.alternatives import DrugShape, item_shape, product_shape, same_drug
from rxsupply.domain.alternatives import search_words as words_of
from rxsupply.domain.clock import Clock
from rxsupply.domain.pricing import Offer, cheapest, current_offers
from rxsupply.domain.product import Item
from rxsupply.domain.shortage import Match, Shortage, ShortageStatus
from rxsupply.errors import NotFound
from rxsupply.services.alternative_options import (
    Alternatives,
    DirectOption,
    ItemAlternatives,
    ProductOption,
    SecondaryOption,
    TherapeuticOption,
    WholesalerOffer,
)
from rxsupply.services.ports.alternatives import CandidateProduct, Partner
from rxsupply.services.ports.storage import UnitOfWork
from rxsupply.services.pricing import offers_by_product
from rxsupply.services.shortages import get_shortage

SECONDARY = "secondary"
_LEGAL = frozenset(
    [
        "inc",
        "llc",
        "ltd",
        "co",
        "corp",
        "corporation",
        "company",
        "lp",
        "plc",
        "gmbh",
        "ag",
        "sa",
        "usa",
    ]
)


def find_alternatives(
    uow: UnitOfWork, *, shortage_id: int, item: str | None = None, clock: Clock
) -> Alternatives:
    """The alternatives of the shortage's matched items (only ``item``'s when given; it must
    be one of them) today (see the module)."""
    shortage = get_shortage(uow, shortage_id)
    matches = _chosen(shortage, item)
    today = clock.today()
    items = uow.items.get_many(m.item_code for m in matches)
    short_here = _short_keys(shortage)
    named: dict[tuple[str, ...], list[CandidateProduct]] = {}  # items of a shortage share words
    found = {m.item_code: _same_drug(uow, items[m.item_code], short_here, named) for m in matches}
    every = {p.id: p for own, same in found.values() for p in [*own, *same]}
    facts = _Facts(uow, every.values(), today)
    out = []
    for m in matches:
        stocked = items[m.item_code]
        own, same = found[m.item_code]
        options = [facts.option(p, of_item=p.id in stocked.product_ids) for p in same]
        options.sort(key=_rank)
        out.append(
            ItemAlternatives(
                item=stocked.code,
                item_name=stocked.name,
                match=m.method.value,
                on_hand=sum(facts.units.get(p.id, 0) for p in own),
                usual_price=facts.usual(own),
                same_product=options,
                therapeutic=_therapeutic(uow, stocked, today),
                secondary=facts.secondary(own),
                direct=facts.direct(own, options),
            )
        )
    return Alternatives(shortage.id or 0, shortage.generic_name, shortage.status.value, today, out)


def _chosen(shortage: Shortage, item: str | None) -> list[Match]:
    matches = sorted(shortage.matches, key=lambda m: m.item_code)
    if item is None:
        return matches
    wanted = item.strip()
    chosen = [m for m in matches if m.item_code == wanted]
    if not chosen:
        codes = ", ".join(m.item_code for m in matches) or "none"
        raise NotFound(f"item of shortage {shortage.id}", wanted, f"its items: {codes}")
    return chosen


def _short_keys(shortage: Shortage) -> set[str]:
    """The NDCs (both forms, as ``11:`` and ``10:`` keys) of the shortage's current
    presentations."""
    return {
        key
        for p in shortage.presentations
        if p.status is ShortageStatus.CURRENT
        for n in p.ndcs
        for key in (f"11:{n.ndc11}" if n.ndc11 else "", f"10:{n.digits10}" if n.digits10 else "")
        if key
    }


def _keys(p: CandidateProduct) -> set[str]:
    return {f"11:{p.ndc11}", f"10:{p.digits10}"}


def _shape(p: CandidateProduct) -> DrugShape:
    return product_shape(
        generic_name=p.generic_name,
        name=p.name,
        strength=p.strength,
        dosage_form=p.dosage_form,
        route=p.route,
    )


def _same_drug(
    uow: UnitOfWork,
    item: Item,
    short_here: set[str],
    named: dict[tuple[str, ...], list[CandidateProduct]],
) -> tuple[list[CandidateProduct], list[CandidateProduct]]:
    """The item's own products, and the products of the same drug: the item's own the
    shortage does not name, and every other product of the same shape."""
    own = uow.alternatives.products(item.product_ids)
    shape = item_shape(item.name, [_shape(p) for p in own])
    mine = set(item.product_ids)
    same = [p for p in own if not _keys(p) & short_here]
    words = tuple(words_of(shape))
    if words not in named:
        named[words] = uow.alternatives.products_named(words)
    same += [p for p in named[words] if p.id not in mine and same_drug(shape, _shape(p))]
    return own, same


def _rank(o: ProductOption) -> tuple[bool, bool, bool, Decimal, str]:
    """Available first; then not short, then still marketed; the cheapest per unit first."""
    price = o.best.unit_price if o.best is not None else Decimal("Infinity")
    return (not o.available, bool(o.on_shortage), not o.marketed, price, o.product.ndc11)


def _company(name: str) -> tuple[str, ...]:
    return tuple(w for w in re.findall(r"[a-z0-9]+", name.casefold()) if w not in _LEGAL)


def _same_company(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """One name's words begin the other's ("Hospira" is "Hospira, Inc.")."""
    n = min(len(a), len(b))
    return n > 0 and a[:n] == b[:n]


class _Facts:
    """What the options of many products need, read once: usable units, offers in force,
    current shortages by NDC, the trading partners."""

    def __init__(self, uow: UnitOfWork, products: Iterable[CandidateProduct], today: date) -> None:
        found = list(products)
        ids = {p.id for p in found}
        self.today = today
        self.units = uow.alternatives.usable_units(ids, today=today)
        self.offers = {
            pid: current_offers(offers, today)
            for pid, offers in offers_by_product(uow, ids).items()
        }
        self.short: dict[str, set[int]] = defaultdict(set)
        for s in uow.alternatives.short_ndcs({p.ndc11 for p in found}, {p.digits10 for p in found}):
            if s.ndc11:
                self.short[f"11:{s.ndc11}"].add(s.shortage_id)
            if s.digits10:
                self.short[f"10:{s.digits10}"].add(s.shortage_id)
        self.partners: list[Partner] = uow.alternatives.partners()
        self.roles = {p.name: p.role for p in self.partners}

    def shortages_of(self, p: CandidateProduct) -> list[int]:
        return sorted(set().union(*(self.short.get(k, set()) for k in _keys(p))))

    def option(self, p: CandidateProduct, *, of_item: bool) -> ProductOption:
        live = self.offers.get(p.id, [])
        wac = sorted(
            (
                WholesalerOffer(o.wholesaler, self.roles.get(o.wholesaler, ""), o)
                for o in live
                if o.source == "wac"
            ),
            key=lambda w: (w.offer.unit_price, w.wholesaler),
        )
        return ProductOption(
            product=p,
            of_item=of_item,
            on_shortage=self.shortages_of(p),
            marketed=p.marketing_end is None or p.marketing_end >= self.today,
            on_hand=self.units.get(p.id, 0),
            best=cheapest(live),
            offered_by=wac,
        )

    def usual(self, own: Sequence[CandidateProduct]) -> Offer | None:
        """The item's usual price: its best contract or non-secondary wholesaler price."""
        return cheapest(
            o
            for p in own
            for o in self.offers.get(p.id, [])
            if o.source != "wac" or self.roles.get(o.wholesaler, "") != SECONDARY
        )

    def secondary(self, own: Sequence[CandidateProduct]) -> list[SecondaryOption]:
        usual = self.usual(own)
        found = [
            SecondaryOption(o.wholesaler, o, bool(self.shortages_of(p)), usual)
            for p in own
            for o in self.offers.get(p.id, [])
            if o.source == "wac" and self.roles.get(o.wholesaler, "") == SECONDARY
        ]
        return sorted(found, key=lambda s: (s.on_shortage, s.offer.unit_price, s.wholesaler))

    def direct(
        self, own: Sequence[CandidateProduct], options: Sequence[ProductOption]
    ) -> list[DirectOption]:
        makers = [(p, True) for p in own] + [(o.product, False) for o in options]
        ndcs: dict[str, set[str]] = defaultdict(set)
        mine: set[str] = set()
        for p, is_own in makers:
            if p.labeler.strip():
                ndcs[p.labeler].add(p.ndc)
                if is_own:
                    mine.add(p.labeler)
        good = {o.product.labeler for o in options if o.marketed and not o.on_shortage}
        manufacturers = [
            (m.name, _company(m.name)) for m in self.partners if m.kind == "manufacturer"
        ]
        out = []
        for labeler, found in ndcs.items():
            key = _company(labeler)
            partner = next(
                (name for name, words in manufacturers if _same_company(words, key)), None
            )
            out.append(
                DirectOption(labeler, partner, sorted(found), labeler in mine, labeler in good)
            )
        return sorted(out, key=lambda d: (d.partner is None, not d.available, d.labeler))


def _therapeutic(uow: UnitOfWork, item: Item, today: date) -> list[TherapeuticOption]:
    rows = uow.alternatives.therapeutic([item.id or 0])
    if not rows:
        return []
    alt_ids = [r.alternative_id or 0 for r in rows]
    products = uow.items.products_of(alt_ids)
    every = {pid for pids in products.values() for pid in pids}
    units = uow.alternatives.usable_units(every, today=today)
    offers = offers_by_product(uow, every)
    short = uow.alternatives.active_shortages(alt_ids)
    out = []
    for r in rows:
        pids = products.get(r.alternative_id or 0, [])
        live = current_offers([o for pid in pids for o in offers.get(pid, [])], today)
        out.append(
            TherapeuticOption(
                row=r,
                on_hand=sum(units.get(pid, 0) for pid in pids),
                on_shortage=short.get(r.alternative_id or 0, []),
                best=cheapest(live),
            )
        )
    return out
