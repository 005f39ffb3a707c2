"""A trace's EPCIS 1.2 response: our receiving and dispensing events, a serialised package in
the epcList, units of a lot in a quantityList of its EPC class, readable by our own reader and
valid against the published schemas."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from lxml import etree
from tests.conftest import shared_data

from rxsupply.adapters.epcis import read_epcis
from rxsupply.adapters.epcis.response_writer import (
    company_prefix_length,
    lgtin_uri,
    location_urn,
    response_epcis,
    sgtin_uri,
)
from rxsupply.domain.epc_identifier import canonical_identifier
from rxsupply.domain.trace import LedgerEntry, Place, Receipt, Trace, TracedLot, TracedPackage

EASTERN = ZoneInfo("America/New_York")
GTIN = "00398765402109"  # NDC 98765-402-10 (check digit 9)
AT = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
STORE = Place(1, "MAIN-STORE", "Main pharmacy storeroom", "storeroom")
POCKET = Place(2, "ICU-ADC1-P01", "pocket 1", "pocket", cabinet="ICU-ADC1", ward="ICU")
LOT = TracedLot(
    id=7, product_id=3, lot="TR/100", expiry=date(2028, 6, 30), status="available",
    status_reason="", ndc="98765-402-10", gtin=GTIN, product="Ondansetron", package_size=10,
    dispense_unit="VIAL",
)  # fmt: skip


def entry(entry_id: int, kind: str, quantity: int, minute: int, **places: Place) -> LedgerEntry:
    return LedgerEntry(
        id=entry_id, kind=kind, occurred_at=AT.replace(minute=minute), product_id=3, lot_id=7,
        lot=LOT.lot, quantity=quantity, source=places.get("source"),
        destination=places.get("destination"),
    )  # fmt: skip


def lot_trace() -> Trace:
    return Trace(
        query={"lot": LOT.lot},
        generated_at=AT,
        lots=[LOT],
        receipts=[Receipt(entry(1, "receipt", 20, 0, destination=STORE), order="PO-1")],
        dispenses=[
            entry(5, "dispense", 3, 30, source=POCKET),
            entry(6, "patient_return", 1, 35, destination=POCKET),
        ],
    )


def test_an_ndc_gtins_company_prefix_is_03_and_the_labeler_code() -> None:
    assert company_prefix_length("98765-402-10") == 7
    assert company_prefix_length("0001-0123-45") == 6


def test_the_sgtin_and_lgtin_uris_split_the_gtin_after_its_company_prefix() -> None:
    assert sgtin_uri(GTIN, "S/1", 7) == "urn:epc:id:sgtin:0398765.040210.S%2F1"
    assert lgtin_uri(GTIN, "TR100", 7) == "urn:epc:class:lgtin:0398765.040210.TR100"
    assert canonical_identifier(sgtin_uri(GTIN, "S/1", 7)) == f"01{GTIN}21S/1"
    assert location_urn("ICU ADC") == "urn:rxsupply:location:ICU%20ADC"


def test_a_lot_trace_writes_a_receiving_and_a_dispensing_event_with_quantities() -> None:
    root = etree.fromstring(response_epcis(lot_trace(), zone=EASTERN, created=AT))

    events = root.findall("EPCISBody/EventList/ObjectEvent")
    assert [e.findtext("bizStep") for e in events] == [
        "urn:epcglobal:cbv:bizstep:receiving",
        "urn:epcglobal:cbv:bizstep:dispensing",
    ]
    assert [e.findtext("disposition") for e in events] == [
        "urn:epcglobal:cbv:disp:in_progress",
        "urn:epcglobal:cbv:disp:dispensed",
    ]
    assert events[0].findtext("eventTime") == "2026-11-20T10:00:00.000-05:00"
    assert events[0].findtext("eventTimeZoneOffset") == "-05:00"
    receipt = events[0].find("extension/quantityList/quantityElement")
    assert receipt is not None
    assert (receipt.findtext("epcClass"), receipt.findtext("quantity"), receipt.find("uom")) == (
        "urn:epc:class:lgtin:0398765.040210.TR%2F100",
        "2",
        None,
    )
    dispensed = events[1].find("extension/quantityList/quantityElement")
    assert dispensed is not None
    assert (dispensed.findtext("quantity"), dispensed.findtext("uom")) == ("3", "EA")
    assert events[1].findtext("bizLocation/id") == "urn:rxsupply:location:ICU-ADC1-P01"
    assert events[0].findtext("bizTransactionList/bizTransaction") == "urn:rxsupply:po:PO-1"


def test_a_package_received_by_scan_and_dispensed_whole_is_named_by_its_sgtin() -> None:
    trace = lot_trace()
    trace.receipts = [
        Receipt(entry(1, "receipt", 10, 0, destination=STORE), order="PO-1", package=(GTIN, "S1"))
    ]
    trace.dispenses = [entry(5, "dispense", 10, 30, source=POCKET)]
    trace.package = TracedPackage(
        gtin=GTIN, serial="S1", lot=LOT.lot, units=10, status="dispensed", status_reason="",
        location=POCKET, received_at=AT, received_by="tech",
    )  # fmt: skip

    root = etree.fromstring(response_epcis(trace, zone=UTC, created=AT))

    epcs = [e.findtext("epcList/epc") for e in root.iter("ObjectEvent")]
    assert epcs == ["urn:epc:id:sgtin:0398765.040210.S1"] * 2
    assert root.find(".//quantityList") is None


def test_our_reader_accepts_the_document_against_the_published_schemas(tmp_path: Path) -> None:
    schemas = shared_data("epcis", "schemas")
    path = tmp_path / "trace.xml"
    path.write_bytes(response_epcis(lot_trace(), zone=EASTERN, created=AT))

    document = read_epcis(path, schemas=schemas)

    assert document.epcis_version == "1.2"
    assert [(e.biz_step, e.disposition, e.action) for e in document.events] == [
        ("receiving", "in_progress", "OBSERVE"),
        ("dispensing", "dispensed", "OBSERVE"),
    ]
