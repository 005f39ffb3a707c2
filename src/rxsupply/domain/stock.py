"""On-hand stock held in memory, FEFO allocation of usable stock, and the never-below-zero rule.

:class:`StockBook` is the one place the ledger's arithmetic lives. The posting path loads the
lines a unit of work touches into a book, applies movements to it and writes back the deltas;
bulk imports and the demo build run whole files through one book before writing anything.

Picking takes *usable* stock only (``rxsupply.domain.status``): not in a blocked lot, not
expired on the movement's day, not inside a serialised package that is blocked, and not in a
quarantine location unless the pick is from that quarantine location itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from rxsupply.domain.fields import UNITS_LIMIT
from rxsupply.domain.movement import Movement, MovementKind
from rxsupply.domain.status import StatusNote, is_expired
from rxsupply.errors import InsufficientStock, InvalidMovement, InvalidValue

StockKey = tuple[int, int, int]
"""(location_id, product_id, lot_id)"""

_FAR_FUTURE = date.max

ON_HAND_LIMIT = 10**12
"""The most units one lot may hold at one place: with every movement bounded
(:data:`rxsupply.domain.fields.UNITS_LIMIT`, and the lower RXSUPPLY_MAX_QUANTITY), on-hand and
the ledger's sums stay far inside a 64-bit integer on every database."""


@dataclass(slots=True)
class StockBook:
    """On-hand quantities by (location, product, lot) plus what allocation needs to know.

    ``lot_expiry`` gives each lot's expiry (None when unknown; unknown expiries go last in FEFO).
    ``subtree`` maps a location to itself and every location below it: stock "at an ADC"
    includes its pockets. ``names`` gives location codes for messages. Callers name the
    products to take from (an item's products, or one NDC).

    ``lot_status`` notes the lots that are blocked (quarantined, recalled, suspect);
    ``held`` the units of each line sealed in blocked serialised packages; ``unpickable``
    the quarantine locations: a pick from a place above one never sees their lines, and their
    stock is never usable (it leaves them only by name: released, moved with an override, or
    out of the hospital).
    """

    on_hand: dict[StockKey, int] = field(default_factory=dict)
    lot_expiry: dict[int, date | None] = field(default_factory=dict)
    subtree: Mapping[int, Sequence[int]] = field(default_factory=dict)
    deltas: dict[StockKey, int] = field(default_factory=dict)
    names: Mapping[int, str] = field(default_factory=dict)
    lot_status: dict[int, StatusNote] = field(default_factory=dict)
    held: dict[StockKey, int] = field(default_factory=dict)
    unpickable: frozenset[int] = frozenset()
    # transit locations: stock on its way between two places. A pick from a place above one
    # never sees it; the transfer that put it there takes it out by its lots.
    sheltered: frozenset[int] = frozenset()
    # product -> location -> lots (insertion-ordered): every line ever known, and only the
    # lines with stock (what allocation scans), plus subtree sets, for fast allocation.
    _lines: dict[int, dict[int, dict[int, None]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(dict))
    )
    _stocked: dict[int, dict[int, dict[int, None]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(dict))
    )
    _scope: dict[int, frozenset[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for (loc, prod, lot), qty in self.on_hand.items():
            self._lines[prod][loc][lot] = None
            if qty > 0:
                self._stocked[prod][loc][lot] = None

    def _name(self, location_id: int) -> str:
        return self.names.get(location_id, f"location {location_id}")

    def quantity(self, key: StockKey) -> int:
        return self.on_hand.get(key, 0)

    def _add(self, key: StockKey, qty: int) -> None:
        new = self.on_hand.get(key, 0) + qty
        if new < 0:
            loc, prod, lot = key
            raise InsufficientStock(
                f"on-hand of product {prod} lot {lot} at {self._name(loc)} is "
                f"{self.on_hand.get(key, 0)}, cannot take {-qty}"
            )
        old = self.on_hand.get(key)
        if old is None:
            self._lines[key[1]][key[0]][key[2]] = None
        if new > 0 and not old:
            self._stocked[key[1]][key[0]][key[2]] = None
        elif new == 0 and old:
            del self._stocked[key[1]][key[0]][key[2]]
        self.on_hand[key] = new
        self.deltas[key] = self.deltas.get(key, 0) + qty

    def apply(self, m: Movement) -> None:
        """Apply one movement; raises :class:`InsufficientStock` (or :class:`InvalidValue` for
        a quantity or an on-hand beyond the bounds) and changes nothing then."""
        if m.quantity > UNITS_LIMIT:
            raise InvalidValue("quantity", f"more than {UNITS_LIMIT:,} units", m.quantity)
        if m.to_location_id is not None:
            key = (m.to_location_id, m.product_id, m.lot_id)
            if self.on_hand.get(key, 0) + m.quantity > ON_HAND_LIMIT:
                raise InvalidValue(
                    "quantity",
                    f"would bring lot {m.lot_id} at {self._name(key[0])} past "
                    f"{ON_HAND_LIMIT:,} units",
                    m.quantity,
                )
        if m.from_location_id is not None:
            self._add((m.from_location_id, m.product_id, m.lot_id), -m.quantity)
        if m.to_location_id is not None:
            self._add((m.to_location_id, m.product_id, m.lot_id), m.quantity)

    def lines_for(
        self, location_id: int, product_ids: Sequence[int], *, include_empty: bool = False
    ) -> list[StockKey]:
        """The lines of these products with stock at the location or below it (quarantine
        locations below it left out), FEFO order; ``include_empty`` adds the lines that once
        held stock and are now at zero. Usable or not: see :meth:`usable`."""
        index = self._lines if include_empty else self._stocked
        if len(product_ids) > 1:
            product_ids = list(dict.fromkeys(product_ids))
        scope = self._scope.get(location_id)
        if scope is None:
            scope = frozenset(self.subtree.get(location_id, (location_id,)))
            if location_id not in self.unpickable:
                scope -= self.unpickable
            if location_id not in self.sheltered:
                scope -= self.sheltered
            self._scope[location_id] = scope
        keys: list[StockKey] = []
        for prod in product_ids:
            by_loc = index.get(prod)
            if not by_loc:
                continue
            if len(by_loc) <= len(scope):
                for loc, lots in by_loc.items():
                    if loc in scope:
                        keys.extend((loc, prod, lot) for lot in lots)
            else:
                for loc in scope:
                    found = by_loc.get(loc)
                    if found:
                        keys.extend((loc, prod, lot) for lot in found)
        if len(keys) > 1:
            keys.sort(key=self._fefo_key)
        return keys

    def _fefo_key(self, key: StockKey) -> tuple[bool, date, int, int]:
        expiry = self.lot_expiry.get(key[2])
        return (expiry is None, expiry or _FAR_FUTURE, key[2], key[0])

    def lot_usable(self, lot_id: int, on: date) -> bool:
        """The lot is neither blocked nor expired on ``on``."""
        return lot_id not in self.lot_status and not is_expired(self.lot_expiry.get(lot_id), on)

    def usable(self, key: StockKey, on: date) -> int:
        """Units of a line that may be handed out on ``on`` (the facility's day): none on a
        quarantine shelf, in a blocked or expired lot, or sealed in a blocked package."""
        if key[0] in self.unpickable or not self.lot_usable(key[2], on):
            return 0
        return max(self.on_hand.get(key, 0) - self.held.get(key, 0), 0)

    def available(
        self,
        location_id: int,
        product_ids: Sequence[int],
        *,
        on: date,
        lot_ids: Collection[int] | None = None,
    ) -> int:
        """Usable units of these products (of these lots only, when named) at the location or
        below it."""
        return sum(self.usable(k, on) for k in self._lines_of(location_id, product_ids, lot_ids))

    def unusable(
        self,
        location_id: int,
        product_ids: Sequence[int],
        *,
        on: date,
        lot_ids: Collection[int] | None = None,
    ) -> int:
        """Units on hand at the location or below it (of these lots only, when named) that may
        not be handed out."""
        return sum(
            self.on_hand[k] - self.usable(k, on)
            for k in self._lines_of(location_id, product_ids, lot_ids)
        )

    def _lines_of(
        self, location_id: int, product_ids: Sequence[int], lot_ids: Collection[int] | None
    ) -> list[StockKey]:
        lines = self.lines_for(location_id, product_ids)
        return lines if lot_ids is None else [k for k in lines if k[2] in lot_ids]

    def issue(
        self,
        *,
        kind: MovementKind,
        location_id: int,
        product_ids: Sequence[int],
        quantity: int,
        occurred_at: datetime,
        on: date,
        external_id: str | None = None,
        what: str = "",
        reference: str = "",
        user: str = "",
        note: str = "",
        to_location_id: int | None = None,
        lot_ids: Collection[int] | None = None,
        take_unusable: bool = False,
        approved_by: str = "",
        here_only: bool = False,
    ) -> list[Movement]:
        """Take ``quantity`` out of a location, earliest expiry first, across lots and products.

        Only usable stock on ``on`` (the movement's local day) is taken unless
        ``take_unusable`` (the caller checked why it may: stock leaving the hospital, stock
        going into quarantine, or a manager's override). Returns the movements (one per lot
        touched) already applied to the book. A transfer or refill names ``to_location_id``;
        ``lot_ids`` restricts the lots taken from. ``what`` names the item or product in the
        error message when stock is short. ``here_only`` takes from the location itself, not
        from the places below it (a putaway from a storeroom's floor into one of its bins).
        """
        if quantity <= 0:
            raise InvalidMovement(f"{kind.value}: quantity must be positive, got {quantity}")
        lines = self._lines_of(location_id, product_ids, lot_ids)
        if here_only:
            lines = [k for k in lines if k[0] == location_id]
        if to_location_id is not None:  # never "move" a line onto itself
            lines = [k for k in lines if k[0] != to_location_id]
        takeable = {k: self.on_hand[k] if take_unusable else self.usable(k, on) for k in lines}
        have = sum(takeable.values())
        if have < quantity:
            blocked = sum(self.on_hand[k] for k in lines) - have
            more = (
                f" usable ({blocked} more are expired or blocked and may not be handed out)"
                if blocked
                else ""
            )
            raise InsufficientStock(
                f"{kind.value} of {quantity} {what or 'units'} at "
                f"{self._name(location_id)}: only {have} on hand{more}"
            )
        out: list[Movement] = []
        left = quantity
        for key in lines:
            take = min(left, takeable[key])
            if take <= 0:
                continue
            m = Movement(
                kind=kind,
                occurred_at=occurred_at,
                product_id=key[1],
                lot_id=key[2],
                quantity=take,
                from_location_id=key[0],
                to_location_id=to_location_id,
                external_id=external_id,
                reference=reference,
                user=user,
                note=note,
                approved_by=approved_by,
            )
            self.apply(m)
            out.append(m)
            left -= take
            if left == 0:
                break
        return out

    def put_back(
        self,
        *,
        kind: MovementKind,
        location_id: int,
        product_ids: Sequence[int],
        quantity: int,
        occurred_at: datetime,
        on: date,
        external_id: str | None = None,
        what: str = "",
        reference: str = "",
        user: str = "",
        note: str = "",
    ) -> Movement:
        """Return units to the lot of these products that would be dispensed next at the
        location: the first usable FEFO line with stock, else the first usable line ever
        stocked there, else the first line ever stocked there (a unit of a blocked or expired
        lot goes back to that lot and stays unusable)."""
        stocked = self.lines_for(location_id, product_ids)
        every = self.lines_for(location_id, product_ids, include_empty=True)
        usable = [k for k in stocked if self.usable(k, on) > 0] or [
            k for k in every if self.lot_usable(k[2], on)
        ]
        lines = usable or stocked or every
        if not lines:
            raise InvalidMovement(
                f"{kind.value} of {what or 'units'} at {self._name(location_id)}: "
                "no lot of it has ever been stocked there; give the NDC and lot"
            )
        loc, prod, lot = lines[0]
        m = Movement(
            kind=kind,
            occurred_at=occurred_at,
            product_id=prod,
            lot_id=lot,
            quantity=quantity,
            to_location_id=loc,
            external_id=external_id,
            reference=reference,
            user=user,
            note=note,
        )
        self.apply(m)
        return m


def ledger_sums(movements: Iterable[Movement]) -> dict[StockKey, int]:
    """On-hand implied by a sequence of movements (what ``rxsupply check`` compares against)."""
    sums: dict[StockKey, int] = defaultdict(int)
    for m in movements:
        if m.from_location_id is not None:
            sums[(m.from_location_id, m.product_id, m.lot_id)] -= m.quantity
        if m.to_location_id is not None:
            sums[(m.to_location_id, m.product_id, m.lot_id)] += m.quantity
    return dict(sums)
