"""What the commands of one posting name, looked up together and then once each.

Locations, items and products are read in a few queries for a whole batch (the API gathers
concurrent requests into one); what is not found is looked up again, and reported, command by
command. A product text is an NDC in any form or a GTIN-14 of any packaging level: the unit
GTIN (indicator 0) finds the product by its NDC digits, a case GTIN (indicator 1-8) finds the
declared case and how many packages it holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from rxsupply.domain.conservation import ActionKind, ShortageAction
from rxsupply.domain.location import Location, LocationKind
from rxsupply.domain.ndc import NDC, ndc_digits_from_gtin14
from rxsupply.domain.product import CasePack, Item, Product
from rxsupply.domain.recall import Recall, RecallStatus
from rxsupply.domain.serial import SerialPackage
from rxsupply.errors import InvalidGTIN, InvalidMovement, InvalidValue
from rxsupply.services.dscsa.document_holds import DocumentHold, document_holds
from rxsupply.services.ports import LotRecord, ProductKey, UnitOfWork
from rxsupply.services.references import find_item, find_location, find_product, product_key


@dataclass(frozen=True, slots=True)
class Packaging:
    """What a product text names: the product, the GTIN scanned (when one was), and the
    dispense units in one of what it names (a package, or a case of packages)."""

    product: Product
    units: int
    gtin: str | None = None
    case: CasePack | None = None


def is_case_gtin(text: str) -> bool:
    raw = text.strip()
    return raw.isdigit() and len(raw) == 14 and raw[0] not in "09"


@dataclass(slots=True)
class Lookups:
    """Records a posting names, cached by the text that names them."""

    uow: UnitOfWork
    locations: dict[str, Location] = field(default_factory=dict)
    products: dict[str, Product] = field(default_factory=dict)
    items: dict[str, Item] = field(default_factory=dict)
    cases: dict[str, CasePack | None] = field(default_factory=dict)
    pockets: dict[str, list[Location]] = field(default_factory=dict)
    non_expiring: dict[int, bool] = field(default_factory=dict)
    # lots the batch's commands name: first the expiry wanted, then the record
    wanted_lots: dict[tuple[int, str], date | None] = field(default_factory=dict)
    lots: dict[tuple[int, str], LotRecord] = field(default_factory=dict)
    unread: dict[tuple[int, str], None] = field(default_factory=dict)  # wanted, not yet read
    new_lots: set[tuple[int, str]] = field(default_factory=set)
    claimed: dict[tuple[int, str], date | None] = field(default_factory=dict)
    storerooms: list[Location] | None = None
    checked: dict[tuple[str, str, int, bool], str] = field(default_factory=dict)  # text checks
    sources: dict[tuple[object, ...], object] = field(default_factory=dict)  # resolved dispenses
    # a shortage's allocation limits in force, by item, and the items of their products
    limits: tuple[dict[int, list[ShortageAction]], dict[int, set[int]]] | None = None
    open_recalls: list[Recall] | None = None
    # wanted lots not on record as written, recorded in another case or spacing: that spelling
    alike: dict[tuple[int, str], str] = field(default_factory=dict)
    # serialised packages a posting receives: the open document exception holding each, if any
    holds: dict[tuple[str, str], DocumentHold | None] = field(default_factory=dict)

    def document_hold(self, gtin: str, serial: str) -> DocumentHold | None:
        """The first open DSCSA document exception that names the package (shipped without a
        lot or expiry, or of a GTIN the master data does not describe), read once per package
        and posting."""
        key = (gtin, serial)
        if key not in self.holds:
            found = document_holds(self.uow, gtin=gtin, serial=serial)
            self.holds[key] = found[0] if found else None
        return self.holds[key]

    def recall_naming(self, ndc: str, lot_number: str) -> Recall | None:
        """The first open recall that names the lot of the product (any case, spaces left
        out; an NDC alone names every lot), read once per posting."""
        if self.open_recalls is None:
            self.open_recalls = self.uow.recalls.listed(status=RecallStatus.OPEN, limit=10_000)
        return next((r for r in self.open_recalls if r.names(ndc, lot_number)), None)

    def preload(
        self,
        *,
        locations: Iterable[str] = (),
        items: Iterable[str] = (),
        products: Iterable[str] = (),
    ) -> None:
        """Fetch many locations, items and products in a few queries."""
        wanted = {c.strip() for c in locations} - set(self.locations)
        if wanted:
            self.locations.update(self.uow.locations.get_many(wanted))
        codes = {c.strip() for c in items} - set(self.items)
        if codes:
            self.items.update(self.uow.items.get_many(codes))
        by_key: dict[ProductKey, dict[str, str]] = {}
        for text in set(products) - set(self.products):
            try:
                key, value = product_key(text)
            except ValueError:
                continue  # find_product reports it for its command
            by_key.setdefault(key, {})[value] = text
        for key, texts in by_key.items():
            for value, prod in self.uow.products.find_many(key, texts).items():
                self.products[texts[value]] = prod

    def allocation_limits(self) -> tuple[dict[int, list[ShortageAction]], dict[int, set[int]]]:
        """The allocation limits in force by item, and each of their products' items (read
        once per posting)."""
        if self.limits is None:
            by_item: dict[int, list[ShortageAction]] = {}
            for action in self.uow.conservation.active(kinds=[ActionKind.LIMIT]):
                by_item.setdefault(action.item_id, []).append(action)
            items_of: dict[int, set[int]] = {}
            if by_item:
                for item_id, products in self.uow.items.products_of(by_item).items():
                    for p in products:
                        items_of.setdefault(p, set()).add(item_id)
            self.limits = (by_item, items_of)
        return self.limits

    def location(self, code: str) -> Location:
        code = code.strip()
        found = self.locations.get(code)
        if found is None:
            found = self.locations[code] = find_location(self.uow, code)
        if not found.holds_stock:
            raise InvalidMovement(
                f"location {found.code} is a {found.kind.value}; it holds no stock"
            )
        return found

    def product(self, text: str) -> Product:
        found = self.products.get(text)
        if found is None:
            found = self.products[text] = find_product(self.uow, text)
        return found

    def item(self, code: str) -> Item:
        code = code.strip()
        found = self.items.get(code)
        if found is None:
            found = self.items[code] = find_item(self.uow, code)
        return found

    def packaging(self, text: str) -> Packaging:
        """The product a text names and the units in one of what it names. A case GTIN
        must be declared (items file: ``case_gtin``, ``case_packages``)."""
        raw = text.strip()
        product = self.product(raw)
        if not (raw.isdigit() and len(raw) == 14):
            return Packaging(product, product.package_size)
        if raw[0] == "9":
            raise InvalidGTIN(
                "gtin",
                "indicator 9: a variable-measure trade item; receive it by NDC and quantity",
                raw,
            )
        if not is_case_gtin(raw):
            return Packaging(product, product.package_size, gtin=raw)
        if raw not in self.cases:
            self.cases[raw] = self.uow.products.cases([raw]).get(raw)
        case = self.cases[raw]
        if case is None or case.product_id != product.id:
            raise InvalidGTIN(
                "gtin",
                f"indicator {raw[0]}: a case or other packaging level of NDC {product.ndc} "
                f"(NDC digits {ndc_digits_from_gtin14(raw)}) that is not declared; give the "
                "product's case_gtin and case_packages in the items file to receive it",
                raw,
            )
        return Packaging(product, case.packages * product.package_size, gtin=raw, case=case)

    def what(self, *, item: str | None, product: str | None) -> tuple[list[int], str, Item | None]:
        """The products a command takes from, how messages name them, and the item."""
        if (item is None) == (product is None):
            raise InvalidValue(
                "item", "name either an item or a product (NDC), not both or neither"
            )
        if item is not None:
            it = self.item(item)
            if not it.product_ids:
                raise InvalidMovement(f"item {it.code} has no products linked to it")
            return it.product_ids, f"{it.code} {it.name}", it
        assert product is not None
        prod = self.product(product)
        assert prod.id is not None
        return [prod.id], f"{prod.ndc} {prod.name}", None

    def check_pocket(self, pocket: Location, product_ids: Iterable[int]) -> None:
        """A pocket assigned to an item takes only that item's products."""
        if pocket.kind is not LocationKind.POCKET or not pocket.item_code:
            return
        item = self.item(pocket.item_code)
        strangers = set(product_ids) - set(item.product_ids)
        if strangers:
            raise InvalidMovement(
                f"pocket {pocket.code} holds item {item.code} ({item.name}); this product is "
                "not one of its products"
            )

    def children(self, cabinet: Location) -> list[Location]:
        found = self.pockets.get(cabinet.code)
        if found is None:
            found = self.pockets[cabinet.code] = self.uow.locations.children(cabinet.code)
        return found

    def receiving_default(self) -> Location:
        """The facility's storeroom: where a receipt that names no location goes."""
        if self.storerooms is None:
            self.storerooms = self.uow.locations.of_kind(LocationKind.STOREROOM)
        if len(self.storerooms) == 1:
            return self.storerooms[0]
        if not self.storerooms:
            raise InvalidValue("location", "there is no storeroom; name where to receive")
        codes = ", ".join(s.code for s in self.storerooms)
        raise InvalidValue("location", f"name the storeroom to receive into: {codes}")

    def is_non_expiring(self, product_id: int) -> bool:
        if product_id not in self.non_expiring:
            found = self.uow.items.non_expiring_products([product_id])
            self.non_expiring[product_id] = product_id in found
        return self.non_expiring[product_id]

    def want_lot(self, product_id: int, lot_number: str, expiry: date | None) -> None:
        key = (product_id, lot_number)
        if key not in self.wanted_lots:
            self.wanted_lots[key] = expiry
            self.unread[key] = None

    def resolve_lots(self) -> None:
        """Record the wanted lots that are new (with the expiry of the first command naming
        them) and read each wanted lot not read before."""
        if not self.unread:
            return
        unread = list(self.unread)
        self.unread.clear()
        self.lots.update(self.uow.lots.lookup(unread))
        # In the order the commands came, so lot ids (FEFO's tie-break between lots of one
        # expiry) are those one-by-one posting gives; two writers recording the same new lots
        # in opposite orders can deadlock, and are retried.
        new = [(p, n, self.wanted_lots[(p, n)]) for p, n in unread if (p, n) not in self.lots]
        if new:
            self.alike.update(self.uow.lots.spelled_alike((p, n) for p, n, _ in new))
            # only the lots this posting recorded are its own: another writer's lot, recorded
            # in the meantime, keeps its expiry and is checked against the command's
            self.new_lots.update(self.uow.lots.add_missing(new))
            self.lots.update(self.uow.lots.lookup((p, n) for p, n, _ in new))

    def check_spelling(self, key: tuple[int, str], ndc: NDC) -> None:
        """One lot, however it is typed: a lot not on record as written but recorded in
        another case or spacing is refused, naming it (a second record would escape what
        blocks the first, a quarantine or a recall)."""
        recorded = self.alike.get(key)
        if recorded is not None:
            raise InvalidValue(
                "lot",
                f"lot {key[1]} of {ndc} is on record as {recorded} (a lot is the same in any "
                f"case and spacing): write it as {recorded}",
                key[1],
            )

    def lot(self, product_id: int, lot_number: str) -> LotRecord:
        return self.lots[(product_id, lot_number)]

    def is_new(self, key: tuple[int, str]) -> bool:
        """Recorded by this posting and not yet written by any of its commands: its expiry is
        the one the first command that writes it gives."""
        return key in self.new_lots and key not in self.claimed

    def claim_lot(self, key: tuple[int, str], expiry: date | None, *, ndc: NDC) -> LotRecord:
        """The lot a command writes to, once its checks have passed. A lot this posting
        recorded takes the expiry of the first command that writes it (a command refused
        before it leaves the lot as if never seen); a later one must agree with it (refused
        as one-by-one posting refuses it, naming the lot and its product's ``ndc``)."""
        record = self.lots[key]
        if key not in self.new_lots:
            return record  # recorded before: its expiry was checked against the command's
        if key in self.claimed:
            if expiry is not None and self.claimed[key] != expiry:
                raise InvalidValue(
                    "expiry",
                    f"lot {key[1]} of {ndc} is recorded with expiry {self.claimed[key]}",
                    expiry.isoformat(),
                )
            return record
        if record.expiry != expiry:
            self.uow.lots.set_expiry(record.id, expiry)
            record = self.lots[key] = LotRecord(record.id, expiry, record.status)
        self.claimed[key] = expiry
        return record

    def drop_unclaimed(self) -> None:
        """Remove the lots this posting recorded that no written command used, so a refused
        command leaves no lot behind for the next one."""
        unused = [k for k in self.new_lots if k not in self.claimed]
        if unused:
            self.uow.lots.remove([self.lots[k].id for k in unused])
        for key in unused:
            self.new_lots.discard(key)
            self.lots.pop(key, None)
            self.wanted_lots.pop(key, None)

    def existing_lots(self, product_ids: Sequence[int], lot_number: str) -> set[int]:
        """Ids of the recorded lots with this number among these products."""
        return set(self.uow.lots.find(product_ids, lot_number).values())

    def spellings(self, product_ids: Sequence[int], lot_number: str) -> list[str]:
        """How a lot named but not recorded as written is recorded, in another case or
        spacing, among these products (none: not recorded at all)."""
        alike = self.uow.lots.spelled_alike((p, lot_number) for p in product_ids)
        return sorted(set(alike.values()))

    def no_such_lot(self, product_ids: Sequence[int], lot_number: str, what: object) -> str:
        """Why a lot named is not found, with how it is recorded when it is in another case
        or spacing (so the user can type it as recorded)."""
        text = f"no lot {lot_number} of {what} is recorded"
        spelled = self.spellings(product_ids, lot_number)
        return f"{text}; on record as {', '.join(spelled)}" if spelled else text

    def packages(
        self, identities: Iterable[tuple[str, str]]
    ) -> dict[tuple[str, str], SerialPackage]:
        return self.uow.packages.find(identities)
