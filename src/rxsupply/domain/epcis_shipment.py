"""The packages an EPCIS document ships, one per saleable unit, as a transaction record keeps them.

For each unit in :attr:`EpcisDocument.shipped` (the units the shipping events sent, containers
expanded to their saleable units at the end of the document):

- ``identifier``: its canonical identifier; a serialised GTIN (SGTIN) is ``01`` + the 14-digit
  GTIN + ``21`` + the serial (GS1 General Specifications §3.2: AI (01) GTIN, AI (21) serial of
  up to 20 characters), from which ``gtin`` and ``serial`` are taken;
- ``lot`` and ``expiry``: the instance/lot master data (ILMD) of the commissioning event that
  named it, CBV 2.0 §8.3 ``lotNumber`` (AI (10), up to 20 characters) and
  ``itemExpirationDate`` (an ``xsd:date``), as the GS1 US DSCSA guideline (R1.3 §2.2) writes
  them; a unit commissioned twice (with different lots or expiries, or the same ones) is
  refused, naming it and both events;
- ``container``: the outermost container a shipping event named that holds the unit (the
  pallet's SSCC ``00...`` when a pallet was shipped), ``None`` for a unit shipped loose.

Standard library only.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from rxsupply.domain.epcis import EpcisDocument, Event
from rxsupply.errors import InvalidValue

#: GS1 General Specifications §3.2: AI (21) serial and AI (10) batch/lot are up to 20 characters.
MAX_SERIAL = 20
MAX_LOT = 20
#: The longest identifier a transaction record keeps (a URI of another scheme included).
MAX_IDENTIFIER = 120


class ShippedPackage(NamedTuple):
    """One saleable unit a document ships, with what the document says about it (a named
    tuple: a document may ship hundreds of thousands)."""

    identifier: str
    gtin: str | None
    serial: str | None
    lot: str | None
    expiry: date | None
    container: str | None

    def as_dict(self) -> dict[str, object]:
        return {
            "identifier": self.identifier,
            "gtin": self.gtin,
            "serial": self.serial,
            "lot": self.lot,
            "expiry": self.expiry.isoformat() if self.expiry else None,
            "container": self.container,
        }


def split_sgtin(identifier: str) -> tuple[str | None, str | None]:
    """The GTIN and serial of a canonical SGTIN (``01<gtin14>21<serial>``); ``(None, None)``
    for any other identifier."""
    if len(identifier) > 18 and identifier.startswith("01") and identifier[16:18] == "21":
        gtin = identifier[2:16]
        if gtin.isdigit():
            return gtin, identifier[18:]
    return None, None


def shipped_packages(document: EpcisDocument) -> list[ShippedPackage]:
    """The packages ``document`` ships, in the order of :attr:`EpcisDocument.shipped` (sorted).

    Raises:
        InvalidValue: a serial or lot longer than 20 characters, an identifier longer than 120,
            or an ``itemExpirationDate`` that is not a date; the field and the unit are named.
    """
    master = _commissioned(document.events)
    outermost = _outermost_containers(document.events, document.contents)
    packages = []
    unknown = (None, None)
    for unit in document.shipped:
        if len(unit) > MAX_IDENTIFIER:
            raise InvalidValue("identifier", f"longer than {MAX_IDENTIFIER} characters", unit)
        gtin = serial = None
        if unit[16:18] == "21" and unit[:2] == "01" and len(unit) > 18:  # split_sgtin, inline
            gtin, serial = unit[2:16], unit[18:]
            if not gtin.isdigit():
                gtin = serial = None
        if serial is not None and len(serial) > MAX_SERIAL:
            raise InvalidValue("serial", f"longer than {MAX_SERIAL} characters (AI 21)", unit)
        lot, expiry = master.get(unit, unknown)
        packages.append(ShippedPackage(unit, gtin, serial, lot, expiry, outermost.get(unit)))
    return packages


def without_lot_or_expiry(packages: Iterable[ShippedPackage]) -> Iterator[ShippedPackage]:
    """The serialised packages (a GTIN and serial) shipped without a lot or an expiry: DSCSA
    transaction information names the lot and expiry of every package (FD&C Act section
    581(26)), and the document gives them only in a commissioning event's ILMD."""
    return (p for p in packages if p.gtin is not None and (p.lot is None or p.expiry is None))


def undescribed_gtins(
    packages: Iterable[ShippedPackage], described: Collection[str | None]
) -> dict[str, int]:
    """Each GTIN shipped that the document's master data does not describe (DSCSA transaction
    information names each product: name, strength, dosage form, NDC, container size), with
    how many packages of it ship, by GTIN."""
    counts: dict[str, int] = {}
    for package in packages:
        if package.gtin is not None and package.gtin not in described:
            counts[package.gtin] = counts.get(package.gtin, 0) + 1
    return dict(sorted(counts.items()))


def _commissioned(events: Sequence[Event]) -> dict[str, tuple[str | None, date | None]]:
    """Each unit's lot and expiry from the ILMD of the commissioning events naming it."""
    commissioned = Commissioning()
    for event in events:
        commissioned.apply(event)
    return commissioned.lots


@dataclass(slots=True)
class Commissioning:
    """The lot and expiry each unit was commissioned with (the ILMD of the commissioning
    events, in document order), and the event that commissioned it. A unit is commissioned
    once: commissioned again, with another lot or expiry (the document contradicts itself
    about the package) or with the same ones (a second commissioning of one serial, a data
    error), the document is refused, naming the unit and both events.

    Events are counted from 1 in the order :meth:`apply` sees them (every event, whatever its
    step): the numbers the reader names events by."""

    lots: dict[str, tuple[str | None, date | None]] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)
    seen: int = 0

    def apply(self, event: Event) -> None:
        """Take the lot and expiry of one commissioning event.

        Raises:
            InvalidValue: a lot longer than 20 characters, an expiry that is not a day, or a
                unit already commissioned (named, with both events; and with both lots and
                expiries when they differ).
        """
        self.seen += 1
        if event.biz_step != "commissioning" or event.action == "DELETE":
            return
        ilmd = dict(event.ilmd)
        lot = ilmd.get("lotNumber") or None
        if lot is not None and len(lot) > MAX_LOT:
            raise InvalidValue("lotNumber", f"longer than {MAX_LOT} characters (AI 10)", lot)
        said = (lot, item_expiration_date(ilmd.get("itemExpirationDate")))
        for epc in event.epcs:
            first = self.events.get(epc)
            if first is None:
                self.events[epc] = self.seen
                if event.ilmd:  # commissioned without ILMD: no lot or expiry said
                    self.lots[epc] = said
                continue
            before = self.lots.get(epc, (None, None))
            if event.ilmd and epc in self.lots and before != said and first != self.seen:
                raise InvalidValue(
                    "epcList",
                    f"commissioned again with {_lot_text(said)}, but already with "
                    f"{_lot_text(before)} in event {first}: a package has one lot and expiry",
                    epc,
                )
            what = _unit_text(epc)
            if first == self.seen:
                raise InvalidValue(
                    "epcList",
                    f"{what} listed twice in commissioning event {first}: a package is "
                    "commissioned once",
                    epc,
                )
            raise InvalidValue(
                "epcList",
                f"{what} commissioned again in event {self.seen}, already in event {first} "
                f"({_lot_text(before)}): a package is commissioned once",
                epc,
            )


def _unit_text(epc: str) -> str:
    """A unit as a person reads it: ``GTIN 00398765401027 serial S1`` for an SGTIN."""
    gtin, serial = split_sgtin(epc)
    return f"GTIN {gtin} serial {serial}" if gtin is not None else f"unit {epc}"


def _lot_text(lot: tuple[str | None, date | None]) -> str:
    number, expiry = lot
    return f"lot {number or 'none'}, expiry {expiry.isoformat() if expiry else 'none'}"


def item_expiration_date(text: str | None) -> date | None:
    """An ILMD ``itemExpirationDate`` (an ``xsd:date``, with or without its zone) as a day.

    Raises:
        InvalidValue: not a day of the calendar (``2025-02-30``).
    """
    if not text:
        return None
    if len(text) in (10, 11, 16):  # an xsd:date, with or without its zone (Z, +hh:mm)
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            pass
    raise InvalidValue("itemExpirationDate", "expected a date YYYY-MM-DD", text)


def _outermost_containers(
    events: Sequence[Event], contents: Mapping[str, Sequence[str]]
) -> dict[str, str]:
    """Each shipped unit's outermost shipped container: of the containers a shipping event
    named that hold the unit, the one holding the most units (a container holds every unit of
    the containers inside it), an SSCC before another kind when they hold as many."""
    roots: dict[str, None] = {}
    for event in events:
        if event.biz_step == "shipping" and event.action != "DELETE":
            roots.update(dict.fromkeys(i for i in event.identifiers if i in contents))
    ranked = sorted(roots, key=lambda c: (len(contents[c]), c.startswith("00")), reverse=True)
    outermost: dict[str, str] = {}
    for container in ranked:
        for unit in contents[container]:
            outermost.setdefault(unit, container)
    return outermost
