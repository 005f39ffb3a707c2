"""Trace a serialised package or a lot (issue 14, item 7): where it came from, every move
inside the hospital, where and when it was dispensed. Read only: a trace records nothing.

- :func:`trace_serial`: the package's transaction records (the EPCIS documents that shipped its
  identifier), its path replayed from its lot's ledger (:mod:`rxsupply.domain.package_path`),
  and the dispense that ended it; a package opened into dispense units hands over to its lot:
  the lot's dispenses after the opening are listed, any of them may hold its units.
- :func:`trace_lot`: the lot (of one product with ``ndc``, else of every product with that lot
  number) and the lots opened or repackaged from it, their receipts with the order and seller,
  moves, status changes and dispenses, and the transaction records that shipped the lot.
"""

from __future__ import annotations

from collections.abc import Iterable

from rxsupply.domain.clock import Clock
from rxsupply.domain.location import Location
from rxsupply.domain.package_path import loose_spread, replay_path
from rxsupply.domain.serial import SerialPackage
from rxsupply.domain.trace import (
    DEMAND,
    LedgerEntry,
    Place,
    Receipt,
    Trace,
    TracedPackage,
    TransactionRecord,
)
from rxsupply.domain.trace_query import parse_serial_query
from rxsupply.errors import InvalidValue, NotFound
from rxsupply.services.dscsa.trace_records import (
    documented_orders,
    records_of_identifiers,
    records_of_lot,
)
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.references import facility_of, find_product

_DEPTH = 8  # lots derived from derived lots (opened, then repackaged...)


def trace_serial(uow: UnitOfWork, *, serial: str, clock: Clock) -> Trace:
    """The trace of one serialised package (``serial``: ``01<gtin>21<serial>``, GTIN:SERIAL,
    NDC:SERIAL or a serial alone when one package carries it).

    Raises:
        InvalidValue: an unreadable request, or a serial that several packages carry.
        NotFound: no package received or shipped to us carries it.
    """
    query = parse_serial_query(serial)
    gtin = query.gtin
    if gtin is None and query.product is not None:
        gtin = find_product(uow, query.product).gtin
    found = uow.trace.packages(query.serial, gtin)
    identifiers = {p.identity for p in found}
    if gtin is not None:
        identifiers.add((gtin, query.serial))
    else:
        identifiers |= {(i[2:16], i[18:]) for i in uow.trace.identifiers_with_serial(query.serial)}
    if len(identifiers) > 1:
        gtins = ", ".join(sorted(g for g, _ in identifiers))
        raise InvalidValue(
            "serial",
            f"{len(identifiers)} packages carry this serial (GTINs {gtins}): give GTIN:SERIAL",
            query.serial,
        )
    keys = [f"01{g}21{s}" for g, s in sorted(identifiers)]
    records = records_of_identifiers(uow, keys)
    if not found and not records:
        raise NotFound(
            "serialised package",
            serial.strip(),
            "no package received by scan or shipped to us in an imported document carries it",
        )
    asked = {"serial": query.serial, "identifier": keys[0] if keys else ""}
    if not found:
        return _unscanned(uow, asked, records, clock=clock)
    package = found[0]
    trace = _lot_trace(uow, [package.lot_id], asked, clock=clock)
    trace.transaction_records = records
    _follow_package(uow, trace, package)
    return trace


def trace_lot(uow: UnitOfWork, *, lot: str, ndc: str | None = None, clock: Clock) -> Trace:
    """The trace of a lot (of the product ``ndc`` names, else of every product with it).

    Raises:
        InvalidValue: an empty lot number.
        NotFound: no lot with that number, nor a transaction record shipping it.
        UnknownProduct: ``ndc`` names no product.
    """
    number = lot.strip()
    if not number:
        raise InvalidValue("lot", "give the lot number")
    product = None if not ndc or not ndc.strip() else find_product(uow, ndc)
    lots = uow.trace.lots_named(number, None if product is None else [product.id or 0])
    asked = {"lot": number}
    if product is not None:
        asked["ndc"] = str(product.ndc)
    gtins = None if product is None else [product.gtin]
    if not lots:
        records = records_of_lot(uow, number, gtins)
        if not records:
            raise NotFound("lot", number, "no lot received nor shipped to us carries it")
        trace = Trace(query=asked, generated_at=clock.now(), transaction_records=records)
        trace.notes.append(f"lot {number} was shipped to us but never received into the ledger")
        return trace
    trace = _lot_trace(uow, [lot.id for lot in lots], asked, clock=clock)
    trace.transaction_records = records_of_lot(uow, number, gtins)
    products = {lot.ndc for lot in lots}
    if len(products) > 1:
        trace.notes.append(
            f"lot number {number} is carried by {len(products)} products: all are traced; "
            "give the NDC to trace one"
        )
    return trace


def _lot_trace(
    uow: UnitOfWork, lot_ids: list[int], asked: dict[str, str], *, clock: Clock
) -> Trace:
    family = _family(uow, lot_ids)
    lots = uow.trace.lots(family)
    entries = uow.trace.entries(family)
    trace = Trace(query=asked, generated_at=clock.now(), lots=lots)
    trace.receipts = _receipts(uow, [e for e in entries if e.kind == "receipt"])
    trace.moves = [e for e in entries if e.kind not in DEMAND and e.kind != "receipt"]
    trace.dispenses = [e for e in entries if e.kind in DEMAND]
    trace.status_changes = uow.trace.status_changes(family)
    trace.facility = _facility(uow, entries)
    return trace


def _family(uow: UnitOfWork, lot_ids: Iterable[int]) -> list[int]:
    """The lots and every lot opened or repackaged from them, at any depth."""
    seen = set(lot_ids)
    wave = sorted(seen)
    for _ in range(_DEPTH):
        wave = [i for i in uow.trace.derived(wave) if i not in seen]
        if not wave:
            break
        seen.update(wave)
    return sorted(seen)


def _receipts(uow: UnitOfWork, entries: list[LedgerEntry]) -> list[Receipt]:
    """The receipts with their order, seller, and the serialised package each recorded (the
    oldest of the lot received at its time with its units)."""
    sellers = uow.trace.orders(e.reference for e in entries)
    documented = documented_orders(uow, sellers)
    waiting = {
        lot_id: uow.trace.packages_of_lot(lot_id) for lot_id in sorted({e.lot_id for e in entries})
    }
    out = []
    for e in entries:
        scanned = next(
            (
                p
                for p in waiting[e.lot_id]
                if p.received_at == e.occurred_at and p.units == e.quantity
            ),
            None,
        )
        if scanned is not None:
            waiting[e.lot_id].remove(scanned)
        out.append(
            Receipt(
                entry=e,
                order=e.reference if e.reference in sellers else None,
                seller=sellers.get(e.reference),
                documented=e.reference in documented,
                package=None if scanned is None else scanned.identity,
            )
        )
    return out


def _facility(uow: UnitOfWork, entries: list[LedgerEntry]) -> Place | None:
    for e in entries:
        place = e.destination or e.source
        if place is not None:
            found = facility_of(uow, place.code)
            return None if found is None else _place(found)
    return None


def _place(location: Location) -> Place:
    return Place(
        id=location.id or 0, code=location.code, name=location.name, kind=location.kind.value
    )


def _follow_package(uow: UnitOfWork, trace: Trace, package: SerialPackage) -> None:
    """Narrow a lot trace to the package: the moves that carried it, the dispense that ended
    it, or after its opening the dispenses of its lot (and the lots derived from it)."""
    own = [e for e in (r.entry for r in trace.receipts) if e.lot_id == package.lot_id]
    own += [e for e in trace.moves + trace.dispenses if e.lot_id == package.lot_id]
    own.sort(key=lambda e: e.id)
    mine = [c for c in trace.status_changes if c.package_id in (None, package.id)]
    path = replay_path(
        package,
        uow.trace.packages_of_lot(package.lot_id),
        own,
        [c for c in mine if c.lot_id == package.lot_id],
    )
    ids = {e.id for e in path.entries}
    trace.receipts = [r for r in trace.receipts if r.entry.id in ids]
    opened = path.opened_by
    if opened is not None:
        ids |= {e.id for e in loose_spread(opened, trace.moves + trace.dispenses)}
    trace.moves = [e for e in trace.moves if e.id in ids]
    trace.dispenses = [e for e in trace.dispenses if e.id in ids]
    trace.status_changes = mine
    lot = next((x.lot for x in trace.lots if x.id == package.lot_id), "")
    location = uow.trace.place(package.location_id)
    trace.package = TracedPackage(
        gtin=package.gtin,
        serial=package.serial,
        lot=lot,
        units=package.units,
        status=package.status.value,
        status_reason=package.status_reason,
        location=location,
        received_at=package.received_at,
        received_by=package.received_by,
        replay_matches=path.agrees_with(package),
    )
    if opened is not None:
        where = "" if opened.source is None else f" at {opened.source.code}"
        trace.notes.append(
            f"opened into dispense units{where} on {opened.occurred_at.isoformat()}: from then "
            f"its units are loose stock of lot {lot}; the lot's later moves and dispenses from "
            "there (and from wherever those moves took its units) are listed, any of which may "
            "hold them"
        )
    if not path.agrees_with(package):
        trace.notes.append(
            "replaying the lot's ledger does not end where the package record is (a posting "
            "named another package by scan): the moves shown are the replay's"
        )


def _unscanned(
    uow: UnitOfWork, asked: dict[str, str], records: list[TransactionRecord], *, clock: Clock
) -> Trace:
    """A package shipped to us (in its transaction records) but not received by scan: its
    lot's trace stands in for its moves."""
    lots = {(lot, i[2:16]) for r in records for i in r.identifiers for lot in r.lots}
    ids: list[int] = []
    for number, gtin in sorted(lots):
        product = uow.products.find("gtin", gtin)
        if product is not None:
            ids += [x.id for x in uow.trace.lots_named(number, [product.id or 0])]
    trace = (
        _lot_trace(uow, ids, asked, clock=clock)
        if ids
        else Trace(query=asked, generated_at=clock.now())
    )
    trace.transaction_records = records
    trace.notes.append(
        "the package was shipped to us but not received by scan: its lot's moves and "
        "dispenses are shown"
    )
    return trace
