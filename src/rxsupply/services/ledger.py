"""Use cases that move stock: receive, transfer or refill, dispense, return, waste, adjust.

Each is one transaction: claim the external id (a re-sent ADC transaction is a no-op), load and
lock the on-hand lines it touches, apply the movements to a :class:`StockBook`, write the
movements and the on-hand deltas together, commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from rxsupply.domain.location import Location, LocationKind
from rxsupply.domain.movement import Movement, MovementKind
from rxsupply.domain.product import Item, Product
from rxsupply.domain.stock import StockBook, StockKey, ledger_sums
from rxsupply.errors import InvalidMovement, InvalidValue, RxSupplyError
from rxsupply.services.audit import entry
from rxsupply.services.ports import AuditEntry, ProductKey, UnitOfWork, book_for
from rxsupply.services.references import find_item, find_location, find_product, product_key


@dataclass(frozen=True, slots=True)
class Posted:
    """What a use case wrote. ``duplicate`` is True when the external id was already recorded
    and nothing was written."""

    movements: list[Movement] = field(default_factory=list)
    duplicate: bool = False

    def as_dict(self) -> dict[str, object]:
        """What the CLI (``--json``) and the API answer after a stock movement."""
        return {
            "duplicate": self.duplicate,
            "movements": [
                {
                    "kind": m.kind.value,
                    "quantity": m.quantity,
                    "product_id": m.product_id,
                    "lot_id": m.lot_id,
                    "from_location_id": m.from_location_id,
                    "to_location_id": m.to_location_id,
                }
                for m in self.movements
            ],
        }


def _stocking(loc: Location) -> Location:
    if not loc.holds_stock:
        raise InvalidMovement(f"location {loc.code} is a {loc.kind.value}; it holds no stock")
    return loc


def post(
    uow: UnitOfWork,
    *,
    location_ids: Iterable[int],
    product_ids: Iterable[int],
    build: Callable[[StockBook], list[Movement]],
    now: datetime,
    external_id: str | None = None,
) -> Posted:
    """Run ``build`` against the locked stock lines and write what it returns; commit."""
    if external_id is not None and not uow.ledger.claim(external_id, now):
        uow.rollback()
        return Posted(duplicate=True)
    book = book_for(uow, roots=location_ids, product_ids=product_ids, lock=True)
    movements = build(book)
    uow.ledger.write(movements, book.deltas, now=now)
    if movements:
        uow.audit.add(_audit(book, movements, now=now, external_id=external_id))
    uow.commit()
    return Posted(movements=movements)


def _audit(
    book: StockBook,
    movements: list[Movement],
    *,
    now: datetime,
    external_id: str | None,
) -> AuditEntry:
    """One audit entry per use case: who, what, and on-hand before and after each line it
    changed (after: the book now; before: that less what these movements did)."""
    first = movements[0]
    changed: dict[StockKey, int] = ledger_sums(movements)
    lines = [
        {
            "location": book.names.get(key[0], str(key[0])),
            "product_id": key[1],
            "lot_id": key[2],
            "before": book.on_hand[key] - delta,
            "after": book.on_hand[key],
        }
        for key, delta in sorted(changed.items())
        if delta
    ]
    return entry(
        user=first.user,
        action=first.kind.value,
        entity="stock",
        key=external_id or first.reference or "",
        now=now,
        before=[{k: v for k, v in line.items() if k != "after"} for line in lines],
        after={
            "movements": [
                {
                    "quantity": m.quantity,
                    "product_id": m.product_id,
                    "lot_id": m.lot_id,
                    "from": book.names.get(m.from_location_id or 0),
                    "to": book.names.get(m.to_location_id or 0),
                }
                for m in movements
            ],
            "lines": lines,
        },
    )


@dataclass(frozen=True, slots=True)
class Receipt:
    """Receive ``quantity`` dispense units of one lot into a location (the dock, a
    storeroom). A lot that expired before ``today`` (the facility's calendar day; ``now``'s
    UTC date when not given) is refused."""

    location: str
    product: str
    lot: str
    expiry: date | None
    quantity: int
    today: date | None = None
    occurred_at: datetime | None = None
    external_id: str | None = None
    reference: str = ""
    unit_cost: Decimal | None = None
    user: str = ""


@dataclass(frozen=True, slots=True)
class Dispense:
    """A dispense or waste (earliest expiry first) or a patient return (back to the lot that
    would be dispensed next) at an ADC, pocket or satellite."""

    location: str
    quantity: int
    item: str | None = None
    product: str | None = None
    kind: MovementKind = MovementKind.DISPENSE
    occurred_at: datetime | None = None
    external_id: str | None = None
    user: str = ""
    note: str = ""


Command = Receipt | Dispense


@dataclass(slots=True)
class _Lookups:
    """What the commands of one batch name, looked up together (one query per kind of
    record) and then once each."""

    uow: UnitOfWork
    locations: dict[str, Location] = field(default_factory=dict)
    products: dict[str, Product] = field(default_factory=dict)
    items: dict[str, Item] = field(default_factory=dict)
    # lots the batch's receipts name: first the expiry wanted, then (lot id, recorded expiry)
    wanted_lots: dict[tuple[int, str], date | None] = field(default_factory=dict)
    lots: dict[tuple[int, str], tuple[int, date | None]] = field(default_factory=dict)

    def preload(self, commands: Sequence[Command]) -> None:
        """Fetch the batch's locations, items and products in a few queries; what is not
        found is looked up again (and reported) command by command."""
        self.locations.update(self.uow.locations.get_many({c.location.strip() for c in commands}))
        item_codes = {c.item.strip() for c in commands if isinstance(c, Dispense) and c.item}
        if item_codes:
            self.items.update(self.uow.items.get_many(item_codes))
        by_key: dict[ProductKey, dict[str, str]] = {}
        for c in commands:
            if c.product is not None and c.product not in self.products:
                try:
                    key, value = product_key(c.product)
                except ValueError:
                    continue  # find_product reports it for this command
                by_key.setdefault(key, {})[value] = c.product
        for key, texts in by_key.items():
            for value, prod in self.uow.products.find_many(key, texts).items():
                self.products[texts[value]] = prod

    def location(self, code: str) -> Location:
        found = self.locations.get(code)
        if found is None:
            found = self.locations[code] = find_location(self.uow, code)
        return _stocking(found)

    def product(self, text: str) -> Product:
        found = self.products.get(text)
        if found is None:
            found = self.products[text] = find_product(self.uow, text)
        return found

    def item(self, code: str) -> Item:
        found = self.items.get(code)
        if found is None:
            found = self.items[code] = find_item(self.uow, code)
        return found

    def want_lot(self, product_id: int, lot_number: str, expiry: date | None) -> None:
        self.wanted_lots.setdefault((product_id, lot_number), expiry)

    def resolve_lots(self) -> None:
        """Record the lots wanted that are new (with the expiry of the first receipt naming
        them) and read the id and recorded expiry of each wanted lot not read before (a
        batch cut into parts resolves once per part)."""
        unread = [k for k in self.wanted_lots if k not in self.lots]
        if not unread:
            return
        self.lots.update(self.uow.lots.lookup(unread))
        # In the order the receipts came, so lot ids (FEFO's tie-break between lots of one
        # expiry) are those one-by-one posting gives; two writers recording the same new
        # lots in opposite orders can deadlock, and are retried.
        new = [(p, n, e) for (p, n), e in self.wanted_lots.items() if (p, n) not in self.lots]
        if new:
            self.uow.lots.add_missing(new)
            self.lots.update(self.uow.lots.lookup((p, n) for p, n, _ in new))

    def what(self, *, item: str | None, product: str | None) -> tuple[list[int], str]:
        if (item is None) == (product is None):
            raise InvalidValue(
                "item", "name either an item or a product (NDC), not both or neither"
            )
        if item is not None:
            it = self.item(item.strip())
            if not it.product_ids:
                raise InvalidMovement(f"item {it.code} has no products linked to it")
            return it.product_ids, f"{it.code} {it.name}"
        assert product is not None
        prod = self.product(product)
        assert prod.id is not None
        return [prod.id], f"{prod.ndc} {prod.name}"


@dataclass(frozen=True, slots=True)
class _Prepared:
    location_id: int
    product_ids: list[int]
    build: Callable[[StockBook], list[Movement]]
    check: Callable[[], None] | None = None  # once the batch's lots are resolved


# What the ledger's columns hold (adapters/tables.py): longer is refused, not cut.
EXTERNAL_ID_LENGTH, REFERENCE_LENGTH, LOT_LENGTH = 120, 120, 40


def _fits(name: str, value: str | None, limit: int) -> None:
    if value is not None and len(value) > limit:
        raise InvalidValue(name, f"{len(value)} characters; at most {limit}", value[:40] + "...")


def _prepare(found: _Lookups, cmd: Command, now: datetime, today: date | None) -> _Prepared:
    """Check a command against the records it names; what it will do to the stock book."""
    if isinstance(cmd, Receipt):
        _fits("reference", cmd.reference, REFERENCE_LENGTH)
        _fits("lot", cmd.lot.strip(), LOT_LENGTH)
        return _prepare_receipt(found, cmd, now, cmd.today or today or now.date())
    return _prepare_dispense(found, cmd, now)


def _prepare_receipt(found: _Lookups, cmd: Receipt, now: datetime, today: date) -> _Prepared:
    if cmd.quantity <= 0:
        raise InvalidValue("quantity", "a receipt adds a positive quantity", cmd.quantity)
    loc = found.location(cmd.location.strip())
    prod = found.product(cmd.product)
    assert prod.id is not None and loc.id is not None
    lot_number = cmd.lot.strip()
    if not lot_number:
        raise InvalidValue("lot", "a receipt needs the lot number")
    if cmd.expiry is not None and cmd.expiry < today:
        raise InvalidValue(
            "expiry",
            f"lot {lot_number} expired on {cmd.expiry.isoformat()}",
            cmd.expiry.isoformat(),
        )
    key = (prod.id, lot_number)
    found.want_lot(prod.id, lot_number, cmd.expiry)
    cost = cmd.unit_cost if cmd.unit_cost is not None else prod.unit_cost

    def check() -> None:
        recorded = found.lots[key][1]
        if cmd.expiry is not None and recorded != cmd.expiry:
            raise InvalidValue(
                "expiry",
                f"lot {lot_number} of {prod.ndc} is recorded with expiry {recorded}",
                cmd.expiry.isoformat(),
            )

    def build(book: StockBook) -> list[Movement]:
        lot_id, recorded = found.lots[key]
        book.lot_expiry.setdefault(lot_id, recorded)  # a later dispense sees it in FEFO order
        m = Movement(
            kind=MovementKind.RECEIPT,
            occurred_at=cmd.occurred_at or now,
            product_id=prod.id or 0,
            lot_id=lot_id,
            quantity=cmd.quantity,
            to_location_id=loc.id,
            external_id=cmd.external_id,
            reference=cmd.reference,
            user=cmd.user,
            unit_cost=cost,
        )
        book.apply(m)
        return [m]

    return _Prepared(loc.id, [prod.id], build, check)


def _prepare_dispense(found: _Lookups, cmd: Dispense, now: datetime) -> _Prepared:
    kind = cmd.kind
    if kind not in (MovementKind.DISPENSE, MovementKind.WASTE, MovementKind.PATIENT_RETURN):
        raise InvalidMovement(f"{kind.value} is not a dispense, waste or patient return")
    loc = found.location(cmd.location.strip())
    assert loc.id is not None
    product_ids, what = found.what(item=cmd.item, product=cmd.product)
    when = cmd.occurred_at or now

    def build(book: StockBook) -> list[Movement]:
        if kind is MovementKind.PATIENT_RETURN:
            return [
                book.put_back(
                    kind=kind,
                    location_id=loc.id or 0,
                    product_ids=product_ids,
                    quantity=cmd.quantity,
                    occurred_at=when,
                    external_id=cmd.external_id,
                    what=what,
                    user=cmd.user,
                    note=cmd.note,
                )
            ]
        return book.issue(
            kind=kind,
            location_id=loc.id or 0,
            product_ids=product_ids,
            quantity=cmd.quantity,
            occurred_at=when,
            external_id=cmd.external_id,
            what=what,
            user=cmd.user,
            note=cmd.note,
        )

    return _Prepared(loc.id, product_ids, build)


def post_many(
    uow: UnitOfWork, commands: Sequence[Command], *, now: datetime, today: date | None = None
) -> list[Posted | RxSupplyError]:
    """Post receipts and dispenses in one transaction, each as if alone and in order: a
    command that fails (unknown item, stock-out, expired lot) gets its error in the list and
    leaves no trace, the others are written with one audit entry each; commits when any is
    written. A command whose external id is already recorded, or was by an earlier command
    of the list, is a duplicate. A batch costs a handful of statements whatever its size
    (the API gathers concurrent requests into one); it is cut where an external id comes
    again, so the repeat sees what the first did."""
    results: list[Posted | RxSupplyError] = []
    found = _Lookups(uow)
    found.preload(commands)
    wrote = False
    for part in _parts(commands):
        answers, written = _post_part(uow, found, part, now=now, today=today)
        results.extend(answers)
        wrote = wrote or written
    if wrote:
        uow.commit()
    else:
        uow.rollback()
    return results


def _parts(commands: Sequence[Command]) -> list[Sequence[Command]]:
    """The commands in runs in which no external id comes twice."""
    parts: list[Sequence[Command]] = []
    start, seen = 0, set[str]()
    for n, cmd in enumerate(commands):
        if cmd.external_id is not None:
            if cmd.external_id in seen:
                parts.append(commands[start:n])
                start, seen = n, set()
            seen.add(cmd.external_id)
    parts.append(commands[start:])
    return parts


def _post_part(
    uow: UnitOfWork,
    found: _Lookups,
    commands: Sequence[Command],
    *,
    now: datetime,
    today: date | None,
) -> tuple[list[Posted | RxSupplyError], bool]:
    """Post commands with distinct external ids, without committing; True when any was
    written. The claims of those that failed are released."""
    results: list[Posted | RxSupplyError | None] = [None] * len(commands)
    for n, cmd in enumerate(commands):
        try:
            _fits("external_id", cmd.external_id, EXTERNAL_ID_LENGTH)
        except RxSupplyError as exc:
            results[n] = exc
    claimed = uow.ledger.claim_many(
        [
            c.external_id
            for n, c in enumerate(commands)
            if c.external_id is not None and results[n] is None
        ],
        now,
    )
    owner: dict[str, int] = {}  # external id -> the command that claimed it
    prepared: list[tuple[int, _Prepared]] = []
    for n, cmd in enumerate(commands):
        if results[n] is not None:
            continue
        key = cmd.external_id
        if key is not None:
            if key not in claimed:
                results[n] = Posted(duplicate=True)
                continue
            owner[key] = n
        try:
            prepared.append((n, _prepare(found, cmd, now, today)))
        except RxSupplyError as exc:
            results[n] = exc
    found.resolve_lots()
    todo: list[tuple[int, _Prepared]] = []
    for n, ready in prepared:
        try:
            if ready.check is not None:
                ready.check()
        except RxSupplyError as exc:
            results[n] = exc
            continue
        todo.append((n, ready))
    book = book_for(
        uow,
        roots={p.location_id for _, p in todo},
        product_ids={pid for _, p in todo for pid in p.product_ids},
        lock=True,
    )
    movements: list[Movement] = []
    audits: list[AuditEntry] = []
    for n, ready in todo:
        try:
            done = ready.build(book)  # all or nothing: the book checks before it changes
        except RxSupplyError as exc:
            results[n] = exc
            continue
        results[n] = Posted(movements=done)
        movements.extend(done)
        if done:
            audits.append(_audit(book, done, now=now, external_id=commands[n].external_id))
    failed = [k for k, n in owner.items() if not _written(results[n])]
    if failed:
        uow.ledger.release(failed)
    if movements:
        uow.ledger.write(movements, book.deltas, now=now)
        uow.audit.add_many(audits)
    out = [r for r in results if r is not None]
    assert len(out) == len(commands)
    return out, bool(movements)


def _written(result: Posted | RxSupplyError | None) -> bool:
    return isinstance(result, Posted) and not result.duplicate


def _one(uow: UnitOfWork, command: Command, now: datetime) -> Posted:
    (result,) = post_many(uow, [command], now=now)
    if isinstance(result, RxSupplyError):
        raise result
    return result


def receive(
    uow: UnitOfWork,
    *,
    location: str,
    product: str,
    lot: str,
    expiry: date | None,
    quantity: int,
    now: datetime,
    today: date | None = None,
    occurred_at: datetime | None = None,
    external_id: str | None = None,
    reference: str = "",
    unit_cost: Decimal | None = None,
    user: str = "",
) -> Posted:
    """Receive ``quantity`` dispense units of one lot into a location (see :class:`Receipt`);
    commits."""
    command = Receipt(
        location=location,
        product=product,
        lot=lot,
        expiry=expiry,
        quantity=quantity,
        today=today,
        occurred_at=occurred_at,
        external_id=external_id,
        reference=reference,
        unit_cost=unit_cost,
        user=user,
    )
    return _one(uow, command, now)


def transfer(
    uow: UnitOfWork,
    *,
    from_location: str,
    to_location: str,
    quantity: int,
    now: datetime,
    item: str | None = None,
    product: str | None = None,
    lot: str | None = None,
    kind: MovementKind = MovementKind.TRANSFER,
    occurred_at: datetime | None = None,
    external_id: str | None = None,
    reference: str = "",
    user: str = "",
) -> Posted:
    """Move stock between locations, earliest expiry first unless a lot is named. A refill is a
    transfer into an ADC or pocket."""
    if kind not in (MovementKind.TRANSFER, MovementKind.REFILL):
        raise InvalidMovement(f"{kind.value} is not a transfer")
    found = _Lookups(uow)
    src = found.location(from_location.strip())
    dst = found.location(to_location.strip())
    product_ids, what = found.what(item=item, product=product)
    if item is not None and dst.kind is not LocationKind.POCKET:
        dst = _pocket_for(uow, dst, item.strip())
    assert src.id is not None and dst.id is not None
    lot_ids: set[int] | None = None
    if lot is not None:
        lot_ids = set(uow.lots.find(product_ids, lot.strip()).values())
        if not lot_ids:
            raise InvalidValue("lot", f"no lot {lot.strip()} of {what} is recorded", lot)

    def build(book: StockBook) -> list[Movement]:
        return book.issue(
            kind=kind,
            location_id=src.id or 0,
            product_ids=product_ids,
            quantity=quantity,
            occurred_at=occurred_at or now,
            external_id=external_id,
            what=what,
            reference=reference,
            user=user,
            to_location_id=dst.id,
            lot_ids=lot_ids,
        )

    return post(
        uow,
        location_ids=[src.id, dst.id],
        product_ids=product_ids,
        build=build,
        now=now,
        external_id=external_id,
    )


def dispense(
    uow: UnitOfWork,
    *,
    location: str,
    quantity: int,
    now: datetime,
    item: str | None = None,
    product: str | None = None,
    kind: MovementKind = MovementKind.DISPENSE,
    occurred_at: datetime | None = None,
    external_id: str | None = None,
    user: str = "",
    note: str = "",
) -> Posted:
    """Record a dispense, waste or patient return (see :class:`Dispense`); commits."""
    command = Dispense(
        location=location,
        quantity=quantity,
        item=item,
        product=product,
        kind=kind,
        occurred_at=occurred_at,
        external_id=external_id,
        user=user,
        note=note,
    )
    return _one(uow, command, now)


def adjust(
    uow: UnitOfWork,
    *,
    location: str,
    product: str,
    lot: str,
    quantity: int,
    reason: str,
    now: datetime,
    kind: MovementKind = MovementKind.ADJUSTMENT,
    expiry: date | None = None,
    external_id: str | None = None,
    user: str = "",
) -> Posted:
    """Correct on-hand of one lot by a signed quantity (a found vial, a count variance)."""
    if kind not in (MovementKind.ADJUSTMENT, MovementKind.COUNT_VARIANCE):
        raise InvalidMovement(f"{kind.value} is not an adjustment")
    if quantity == 0:
        raise InvalidValue("quantity", "an adjustment changes on-hand by a non-zero amount", 0)
    if not reason.strip():
        raise InvalidValue("reason", "every adjustment needs a reason")
    loc = _stocking(find_location(uow, location))
    prod = find_product(uow, product)
    assert loc.id is not None and prod.id is not None
    lot_id = uow.lots.ensure_many([(prod.id, lot.strip(), expiry)])[(prod.id, lot.strip())]

    def build(book: StockBook) -> list[Movement]:
        m = Movement(
            kind=kind,
            occurred_at=now,
            product_id=prod.id or 0,
            lot_id=lot_id,
            quantity=abs(quantity),
            from_location_id=loc.id if quantity < 0 else None,
            to_location_id=loc.id if quantity > 0 else None,
            external_id=external_id,
            user=user,
            note=reason.strip(),
        )
        book.apply(m)
        return [m]

    return post(
        uow,
        location_ids=[loc.id],
        product_ids=[prod.id],
        build=build,
        now=now,
        external_id=external_id,
    )


def _pocket_for(uow: UnitOfWork, place: Location, item_code: str) -> Location:
    """Stock sent to a cabinet for an item goes into the item's pocket there, if it has one."""
    for loc in uow.locations.children(place.code):
        if loc.item_code == item_code:
            return loc
    return place
