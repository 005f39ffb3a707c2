"""Serialised packages: one row per saleable package (GTIN + serial) that follows its movements.

DSCSA gives every saleable package a product identifier: GTIN, serial, lot and expiry. A
package received by scan becomes a :class:`SerialPackage` at the receiving location. While it is
sealed it follows the ledger: a transfer or refill that moves at least its units carries it
whole to the destination; a dispense, waste or return to vendor that takes at least its units
ends it (dispensed, destroyed, returned). When a movement leaves fewer units on a line than the
sealed packages there hold, packages are opened into dispense units (status ``opened``) and
tracking ends: from then on their units are loose stock of the lot.

The same GTIN and serial received twice is a suspect-product signal (21 U.S.C. 360eee-1(d)):
the second receipt is refused and the package already recorded is flagged suspect.

Packages are taken oldest first (the lowest id, then the order they were received in).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from rxsupply.domain.movement import Movement, MovementKind
from rxsupply.domain.status import SEALED, StockStatus

StockKey = tuple[int, int, int]
SERIAL_LENGTH = 20  # GS1 AI (21): up to 20 characters

_ENDS = {
    MovementKind.DISPENSE: StockStatus.DISPENSED,
    MovementKind.WASTE: StockStatus.DESTROYED,
    MovementKind.RETURN_TO_VENDOR: StockStatus.RETURNED,
}
"""Movements out of the hospital that end a whole sealed package they take."""
_CARRY = frozenset({MovementKind.TRANSFER, MovementKind.REFILL})


@dataclass(slots=True)
class SerialPackage:
    """A saleable package: ``units`` dispense units of one lot, sealed while tracked."""

    gtin: str
    serial: str
    product_id: int
    lot_id: int
    units: int
    location_id: int
    status: StockStatus = StockStatus.AVAILABLE
    received_at: datetime | None = None
    received_by: str = ""
    status_reason: str = ""
    id: int | None = None

    @property
    def key(self) -> StockKey:
        return (self.location_id, self.product_id, self.lot_id)

    @property
    def identity(self) -> tuple[str, str]:
        return (self.gtin, self.serial)

    @property
    def sealed(self) -> bool:
        return self.status in SEALED


@dataclass(slots=True)
class Packages:
    """The sealed packages on the lines one posting touches, and what happened to them."""

    _by_line: dict[StockKey, list[SerialPackage]] = field(default_factory=dict)
    changed: dict[tuple[str, str], SerialPackage] = field(default_factory=dict)
    added: list[SerialPackage] = field(default_factory=list)

    @classmethod
    def of(cls, packages: Iterable[SerialPackage]) -> Packages:
        out = cls()
        for p in sorted(packages, key=lambda p: (p.id is None, p.id or 0)):
            if p.sealed:
                out._by_line.setdefault(p.key, []).append(p)
        return out

    @property
    def tracking(self) -> bool:
        """Whether any sealed package is on the posting's lines (else nothing to follow)."""
        return any(self._by_line.values())

    def find(self, identity: tuple[str, str]) -> SerialPackage | None:
        """A package this posting knows (received in it, or sealed on its lines)."""
        for p in self.added:
            if p.identity == identity:
                return p
        for packs in self._by_line.values():
            for p in packs:
                if p.identity == identity:
                    return p
        return self.changed.get(identity)

    def sealed_at(self, key: StockKey) -> list[SerialPackage]:
        return list(self._by_line.get(key, ()))

    def held(self) -> dict[StockKey, int]:
        """Units sealed in blocked packages, per line (what picking may not take)."""
        out: dict[StockKey, int] = {}
        for key, packs in self._by_line.items():
            units = sum(p.units for p in packs if p.status.blocked)
            if units:
                out[key] = units
        return out

    def receive(self, package: SerialPackage) -> None:
        self._by_line.setdefault(package.key, []).append(package)
        self.added.append(package)

    def set_status(self, package: SerialPackage, status: StockStatus, reason: str = "") -> None:
        package.status = status
        package.status_reason = reason
        self._touch(package)
        if not package.sealed:
            self._remove(package)

    def _touch(self, package: SerialPackage) -> None:
        if package not in self.added:
            self.changed[package.identity] = package

    def _remove(self, package: SerialPackage) -> None:
        packs = self._by_line.get(package.key, [])
        if package in packs:
            packs.remove(package)

    def follow(
        self,
        m: Movement,
        *,
        left_at_source: int,
        blocked_ok: bool = False,
        named: Sequence[SerialPackage] = (),
    ) -> list[SerialPackage]:
        """Carry, end or open the sealed packages a movement touches. ``left_at_source`` is
        the line's on-hand after the movement; ``named`` packages (scanned) go first;
        ``blocked_ok`` lets whole blocked packages move (into quarantine, out, override).
        Returns the blocked packages it had to open: their units are loose now, and the
        caller must keep them blocked (their lot takes the package's status)."""
        if m.from_location_id is None:
            return []
        source = (m.from_location_id, m.product_id, m.lot_id)
        packs = self._by_line.get(source, [])
        ends = _ENDS.get(m.kind)
        if (m.kind in _CARRY and m.to_location_id is not None) or ends is not None:
            left = m.quantity
            order = [p for p in named if p in packs] + [p for p in packs if p not in named]
            for p in order:
                if p.units > left or (p.status.blocked and not blocked_ok and p not in named):
                    continue
                left -= p.units
                self._remove(p)
                self._touch(p)
                if ends is not None:
                    p.status = ends
                else:
                    assert m.to_location_id is not None
                    p.location_id = m.to_location_id
                    self._by_line.setdefault(p.key, []).append(p)
                if left == 0:
                    break
        return self._open_to_fit(source, left_at_source)

    def _open_to_fit(self, key: StockKey, on_hand: int) -> list[SerialPackage]:
        """Open packages (available ones first, the newest first) until the sealed units on
        the line fit in its on-hand; the blocked ones opened."""
        packs = self._by_line.get(key, [])
        sealed = sum(p.units for p in packs)
        newest_first = packs[::-1]
        opened_blocked: list[SerialPackage] = []
        for p in [p for p in newest_first if not p.status.blocked] + [
            p for p in newest_first if p.status.blocked
        ]:
            if sealed <= on_hand:
                break
            sealed -= p.units
            if p.status.blocked:
                opened_blocked.append(replace(p))  # as it was: its status is what carries on
            self.set_status(p, StockStatus.OPENED, "opened into dispense units")
        return opened_blocked
