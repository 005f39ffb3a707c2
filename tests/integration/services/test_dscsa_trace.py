"""Trace a serialised package or a lot on each database (issue 14, item 7): its transaction
records, every move inside the hospital, its status changes, and where and when it was
dispensed; lots opened from it are followed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine
from tests.conftest import CLOCK, NOW, post, priced_storeroom
from tests.epcis_samples import read, sha256, shipment

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.clock import FixedClock
from rxsupply.domain.movement import MovementKind
from rxsupply.domain.ndc import gtin14_from_ndc_digits
from rxsupply.domain.status import StockStatus
from rxsupply.domain.trace import Trace
from rxsupply.errors import InvalidValue, NotFound
from rxsupply.services import purchasing, receiving
from rxsupply.services.dscsa.importing import import_epcis
from rxsupply.services.dscsa.trace import trace_lot, trace_serial
from rxsupply.services.ledger import Dispense, Move, Receive, SetStatus
from rxsupply.services.opening import open_package

CARTON = "98765-402-10"  # ondansetron, 10 vials a carton
GTIN = gtin14_from_ndc_digits("9876540210")
LOT = "TR100"
FAR = date(2028, 6, 30)
NURSE, TECH = "nurse", "tech"


def later(minutes: int) -> FixedClock:
    return FixedClock(NOW + timedelta(minutes=minutes), CLOCK.zone)


def build_hospital(engine: Engine) -> None:
    """Three serialised cartons of lot TR100 received at the storeroom (S1, S2, S3). S1 is
    refilled into the ICU cabinet and opened by a dispense of 3 vials there; S2 is
    transferred to the OR satellite and dispensed whole; S3 stays in the storeroom,
    quarantined. Last, 2 more vials are dispensed in the ICU (S1's loose units)."""
    for serial in ("S1", "S2", "S3"):
        post(
            engine,
            Receive(
                user=TECH,
                product=CARTON,
                lot=LOT,
                expiry=FAR,
                packages=1,
                serial=serial,
                reference="PO-TRACE-1",
            ),
        )
    post(
        engine,
        Move(
            user=TECH,
            from_location="MAIN-STORE",
            to_location="ICU-ADC1",
            quantity=10,
            product=CARTON,
            lot=LOT,
            refill=True,
        ),
        clock=later(10),
    )
    post(
        engine,
        Dispense(user=NURSE, location="ICU-ADC1", quantity=3, product=CARTON, lot=LOT),
        clock=later(20),
    )
    post(
        engine,
        Move(
            user=TECH,
            from_location="MAIN-STORE",
            to_location="OR-SAT",
            quantity=10,
            product=CARTON,
            lot=LOT,
        ),
        clock=later(30),
    )
    post(
        engine,
        Dispense(user=NURSE, location="OR-SAT", quantity=10, product=CARTON, lot=LOT),
        clock=later(40),
    )
    post(
        engine,
        SetStatus(
            user=TECH,
            product=CARTON,
            lot=None,
            serial="S3",
            status=StockStatus.QUARANTINED,
            reason="damaged seal",
        ),
        clock=later(50),
    )
    post(
        engine,
        Dispense(user=NURSE, location="ICU-ADC1", quantity=2, product=CARTON, lot=LOT),
        clock=later(60),
    )


def ship_document(engine: Engine, serials: list[str], *, lot: str = LOT) -> None:
    """An EPCIS 1.2 document that shipped these serials of the lot to us, imported as
    ``ship-1.xml``."""
    data = shipment(serials=serials, ndc_digits="9876540210", lot=lot, expiry=FAR.isoformat())
    with SqlUnitOfWork(engine) as uow:
        import_epcis(
            uow,
            document=read(data, "ship-1.xml"),
            file_name="ship-1.xml",
            sha256=sha256(data),
            facility=None,
            order=None,
            user=TECH,
            clock=CLOCK,
        )


@pytest.fixture
def traced(hospital: Engine) -> Engine:
    build_hospital(hospital)
    ship_document(hospital, ["S1", "S2", "S3", "S9"])
    return hospital


def serial_trace(engine: Engine, text: str) -> Trace:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return trace_serial(uow, serial=text, clock=CLOCK)


def lot_trace(engine: Engine, lot: str, ndc: str | None = None) -> Trace:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return trace_lot(uow, lot=lot, ndc=ndc, clock=CLOCK)


def test_a_package_dispensed_whole_shows_its_receipt_its_transfer_and_its_dispense(
    traced: Engine,
) -> None:
    trace = serial_trace(traced, f"01{GTIN}21S2")

    assert trace.package is not None
    assert (trace.package.status, trace.package.replay_matches) == ("dispensed", True)
    assert [
        (r.entry.destination.code if r.entry.destination else None, r.order) for r in trace.receipts
    ] == [("MAIN-STORE", None)]
    assert [
        (m.kind, m.source and m.source.code, m.destination and m.destination.code)
        for m in trace.moves
    ] == [("transfer", "MAIN-STORE", "OR-SAT")]
    assert [(d.kind, d.quantity, d.place and d.place.code) for d in trace.dispenses] == [
        ("dispense", 10, "OR-SAT")
    ]
    assert [r.file_name for r in trace.transaction_records] == ["ship-1.xml"]
    assert trace.transaction_records[0].identifiers == (f"01{GTIN}21S2",)


def test_a_package_opened_in_a_cabinet_lists_its_lots_later_dispenses_there(
    traced: Engine,
) -> None:
    trace = serial_trace(traced, f"{GTIN}:S1")

    assert trace.package is not None and trace.package.status == "opened"
    assert [m.kind for m in trace.moves] == ["refill"]
    assert trace.moves[0].destination is not None
    assert trace.moves[0].destination.code == "ICU-ADC1-P01"
    assert [
        (d.quantity, d.place and d.place.cabinet, d.place and d.place.ward) for d in trace.dispenses
    ] == [(3, "ICU-ADC1", "ICU"), (2, "ICU-ADC1", "ICU")]  # not the OR's: S2 went there
    assert any("opened into dispense units at ICU-ADC1-P01" in n for n in trace.notes)


def test_a_quarantined_package_shows_its_status_change_and_no_dispense(traced: Engine) -> None:
    trace = serial_trace(traced, "S3")

    assert trace.package is not None
    assert (trace.package.status, trace.package.location and trace.package.location.code) == (
        "quarantined",
        "MAIN-STORE",
    )
    assert trace.package.replay_matches is True
    assert [(s.status, s.serial, s.reason) for s in trace.status_changes] == [
        ("quarantined", "S3", "damaged seal")
    ]
    assert trace.moves == [] and trace.dispenses == []


def test_a_serial_shipped_but_never_scanned_is_traced_through_its_lot(traced: Engine) -> None:
    trace = serial_trace(traced, "S9")

    assert trace.package is None
    assert [r.file_name for r in trace.transaction_records] == ["ship-1.xml"]
    assert sum(d.quantity for d in trace.dispenses) == 15
    assert any("not received by scan" in n for n in trace.notes)


def test_a_lot_trace_lists_every_receipt_move_status_change_and_dispense(traced: Engine) -> None:
    trace = lot_trace(traced, LOT, CARTON)

    assert trace.query == {"lot": LOT, "ndc": CARTON}
    assert [lot.lot for lot in trace.lots] == [LOT]
    assert [r.entry.quantity for r in trace.receipts] == [10, 10, 10]
    assert [r.package for r in trace.receipts] == [(GTIN, "S1"), (GTIN, "S2"), (GTIN, "S3")]
    assert {r.entry.user for r in trace.receipts} == {TECH}
    assert [m.kind for m in trace.moves] == ["refill", "transfer"]
    assert [d.quantity for d in trace.dispenses] == [3, 10, 2]
    assert trace.dispensed_units == 15
    assert [s.status for s in trace.status_changes] == ["quarantined"]
    assert trace.transaction_records[0].identifiers == tuple(
        f"01{GTIN}21{s}" for s in ("S1", "S2", "S3", "S9")
    )
    assert trace.facility is not None and trace.facility.code == "MAIN"


def order_received(engine: Engine, lot: str) -> str:
    """An order to the example wholesaler, two ondansetron trays of ``lot`` received on it."""
    priced_storeroom(engine, {"ONDA4INJ": (400, 600)})
    with SqlUnitOfWork(engine) as uow:
        (draft,) = purchasing.suggest_orders(uow, clock=CLOCK, user=TECH).orders
    with SqlUnitOfWork(engine) as uow:
        number = purchasing.approve_order(uow, order=draft.number, user=TECH, clock=CLOCK).number
    with SqlUnitOfWork(engine) as uow:
        receiving.receive_against_order(
            uow, order=number, product="98765-401-02", lot=lot, expiry=FAR, packages=2,
            user=TECH, clock=CLOCK,
        )  # fmt: skip
    return number


def test_a_lot_received_without_epcis_data_names_its_order_and_wholesaler(
    hospital: Engine,
) -> None:
    number = order_received(hospital, "ON2611X")

    trace = lot_trace(hospital, "ON2611X")

    assert [(r.order, r.seller, r.documented, r.entry.quantity) for r in trace.receipts] == [
        (number, "Example Wholesale Drug Co", False, 50)
    ]
    assert trace.transaction_records == []


def test_a_lot_whose_order_has_its_epcis_document_shows_the_record(hospital: Engine) -> None:
    number = order_received(hospital, "ON2611X")
    data = shipment(serials=["T1", "T2"], lot="ON2611X", expiry=FAR.isoformat())
    with SqlUnitOfWork(hospital) as uow:
        import_epcis(
            uow, document=read(data, "asn.xml"), file_name="asn.xml", sha256=sha256(data),
            facility=None, order=number, user=TECH, clock=CLOCK,
        )  # fmt: skip

    trace = lot_trace(hospital, "ON2611X", "98765-401-02")

    assert [r.documented for r in trace.receipts] == [True]
    (record,) = trace.transaction_records
    assert (record.file_name, record.order_number, record.seller) == (
        "asn.xml",
        number,
        "Example Wholesale Drug Co",
    )
    assert record.lots == ("ON2611X",) and len(record.identifiers) == 2


def test_a_lot_opened_into_a_dated_lot_is_followed_to_its_dispenses(hospital: Engine) -> None:
    with SqlUnitOfWork(hospital) as uow:
        opened = open_package(
            uow,
            location="MAIN-STORE",
            product="98765-401-02",
            lot="ON2411A",
            units=25,
            bud_days=28,
            user=TECH,
            clock=CLOCK,
        )
    post(
        hospital,
        Move(
            user=TECH,
            from_location="MAIN-STORE",
            to_location="OR-SAT",
            quantity=20,
            product="98765-401-02",
            lot=opened.opened_lot,
        ),
    )
    post(
        hospital,
        Dispense(
            user=NURSE,
            location="OR-SAT",
            quantity=4,
            product="98765-401-02",
            lot=opened.opened_lot,
            kind=MovementKind.DISPENSE,
        ),
    )

    trace = lot_trace(hospital, "ON2411A")

    assert [(lot.lot, lot.derived_from) for lot in trace.lots] == [
        ("ON2411A", None),
        (opened.opened_lot, "ON2411A"),
    ]
    assert [(d.lot, d.quantity) for d in trace.dispenses] == [(opened.opened_lot, 4)]
    assert "open" in [m.kind for m in trace.moves]


def test_a_lot_number_two_products_carry_traces_both_and_says_so(traced: Engine) -> None:
    post(
        traced,
        Receive(user=TECH, product="98765-401-02", lot=LOT, expiry=FAR, quantity=25),
    )

    both, one = lot_trace(traced, LOT), lot_trace(traced, LOT, CARTON)

    assert sorted(lot.ndc for lot in both.lots) == ["98765-401-02", CARTON]
    assert any("carried by 2 products" in n for n in both.notes)
    assert [lot.ndc for lot in one.lots] == [CARTON] and one.notes == []


def test_a_serial_two_products_carry_must_be_named_with_its_gtin(traced: Engine) -> None:
    post(
        traced,
        Receive(user=TECH, product="98765-401-02", lot="X1", expiry=FAR, packages=1, serial="S1"),
    )

    with pytest.raises(InvalidValue, match="2 packages carry this serial"):
        serial_trace(traced, "S1")


def test_an_unknown_serial_or_lot_is_not_found(traced: Engine) -> None:
    with pytest.raises(NotFound):
        serial_trace(traced, "NOPE")
    with pytest.raises(NotFound):
        lot_trace(traced, "NOPE")
