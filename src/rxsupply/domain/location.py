"""The location tree: health system > facility > storeroom / satellite / ADC > pocket."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from rxsupply.errors import InvalidValue, OverCapacity


class LocationKind(StrEnum):
    SYSTEM = "system"
    FACILITY = "facility"
    STOREROOM = "storeroom"
    SATELLITE = "satellite"
    ADC = "adc"
    POCKET = "pocket"
    QUARANTINE = "quarantine"  # a shelf or room for blocked and expired stock, never picked from
    TRANSIT = "transit"  # a facility's stock on its way to another location (transfers)


# Which kinds may sit under which. Stock lives in storerooms, satellites, ADCs and pockets.
ALLOWED_PARENTS: dict[LocationKind, frozenset[LocationKind | None]] = {
    LocationKind.SYSTEM: frozenset({None}),
    LocationKind.FACILITY: frozenset({LocationKind.SYSTEM, None}),
    LocationKind.STOREROOM: frozenset({LocationKind.FACILITY}),
    LocationKind.SATELLITE: frozenset({LocationKind.FACILITY}),
    LocationKind.ADC: frozenset({LocationKind.FACILITY, LocationKind.SATELLITE}),
    LocationKind.POCKET: frozenset(
        {LocationKind.ADC, LocationKind.STOREROOM, LocationKind.SATELLITE}
    ),
    LocationKind.QUARANTINE: frozenset(
        {LocationKind.FACILITY, LocationKind.STOREROOM, LocationKind.SATELLITE}
    ),
    LocationKind.TRANSIT: frozenset({LocationKind.FACILITY}),
}
STOCKING_KINDS = frozenset(
    {
        LocationKind.STOREROOM,
        LocationKind.SATELLITE,
        LocationKind.ADC,
        LocationKind.POCKET,
        LocationKind.QUARANTINE,
        LocationKind.TRANSIT,
    }
)


@dataclass(slots=True)
class Location:
    """A node of the tree. Pockets have a ``capacity`` in dispense units and may be assigned
    to one item (``item_code``); ``unit`` names the nursing unit an ADC serves (ICU, ED...)."""

    code: str
    name: str
    kind: LocationKind
    parent_code: str | None = None
    capacity: int | None = None
    item_code: str | None = None
    unit: str = ""
    id: int | None = None
    parent_id: int | None = None

    def __post_init__(self) -> None:
        if not self.code.strip():
            raise InvalidValue("code", "must not be blank", self.code)
        if self.capacity is not None:
            if self.kind is not LocationKind.POCKET:
                raise InvalidValue("capacity", "only pockets have a capacity", self.capacity)
            if self.capacity < 1:
                raise InvalidValue("capacity", "must be at least 1 unit", self.capacity)

    @property
    def holds_stock(self) -> bool:
        return self.kind in STOCKING_KINDS


def transit_code(facility_code: str) -> str:
    """The code of a facility's transit location: where a transfer's stock is on the books
    between leaving its source and arriving at its destination."""
    return f"{facility_code}-TRANSIT"


def check_parent(kind: LocationKind, parent_kind: LocationKind | None) -> str | None:
    """Return why ``kind`` may not sit under ``parent_kind``, or None when it may."""
    allowed = ALLOWED_PARENTS[kind]
    if parent_kind in allowed:
        return None
    names = sorted("(none)" if k is None else k.value for k in allowed)
    under = "no parent" if parent_kind is None else f"a {parent_kind.value}"
    return f"a {kind.value} cannot sit under {under}; allowed parents: {', '.join(names)}"


def check_capacity(pocket: Location, *, holds: int, adding: int) -> None:
    """A pocket holds at most its capacity: refuse ``adding`` units to the ``holds`` it has,
    naming the capacity and how many more fit."""
    if pocket.capacity is None or holds + adding <= pocket.capacity:
        return
    room = max(pocket.capacity - holds, 0)
    raise OverCapacity(
        f"pocket {pocket.code} holds at most {pocket.capacity} units and has {holds}: "
        f"{adding} more do not fit (at most {room})"
    )
