"""Importing EPCIS documents as DSCSA transaction records on each database: the document with
its TI and TS, its packages (product found by the GTIN's NDC digits), its events and the
facility's chain entry over the rows read back; the same bytes once; refusals write nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from tests.conftest import CLOCK, priced_storeroom, shared_data
from tests.epcis_samples import (
    ONDANSETRON_TRAY,
    SELLER,
    canonical_sscc,
    gtin_of,
    read,
    sha256,
    shipment,
)

from rxsupply.adapters import tables
from rxsupply.adapters.epcis import read_epcis
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.record_chain import digest
from rxsupply.errors import InvalidValue, NotFound, UnknownLocation
from rxsupply.services import purchasing
from rxsupply.services.dscsa.importing import ImportedDocument, document_content, import_epcis

BUYER = "buyer"
DSCSA_TABLES = (
    tables.dscsa_document,
    tables.dscsa_package,
    tables.dscsa_event,
    tables.dscsa_record,
)


def run_import(
    engine: Engine,
    data: bytes,
    *,
    facility: str | None = None,
    order: str | None = None,
    name: str = "shipment.xml",
) -> ImportedDocument:
    with SqlUnitOfWork(engine) as uow:
        return import_epcis(
            uow,
            document=read(data, name),
            file_name=name,
            sha256=sha256(data),
            facility=facility,
            order=order,
            user=BUYER,
            clock=CLOCK,
        )


def rows(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t.name: conn.scalar(select(func.count()).select_from(t)) or 0 for t in DSCSA_TABLES}


def test_a_shipment_is_recorded_with_its_packages_events_and_chain_entry(
    hospital: Engine,
) -> None:
    data = shipment(loose=["S9"])

    imported = run_import(hospital, data)

    assert imported.package_count == 4 and imported.event_count == 3
    assert imported.seller == SELLER and imported.buyer == "Example General Hospital"
    assert imported.transaction_date == imported.shipment_date == date(2026, 11, 18)
    assert not imported.already_imported and imported.order_number is None
    with SqlUnitOfWork(hospital) as uow:
        packages = uow.dscsa_documents.packages_of_document(imported.id)
        product = uow.products.find("ndc", "98765-401-02")
        (entry,) = uow.records.of_subject(f"document:{imported.id}")
        content = document_content(uow, f"document:{imported.id}")
    assert [p.serial for p in packages] == ["S1", "S2", "S3", "S9"]
    assert {(p.gtin, p.lot, p.expiry) for p in packages} == {
        (gtin_of(ONDANSETRON_TRAY), "L2611A", date(2028, 6, 30))
    }
    assert [p.container for p in packages] == [canonical_sscc(ONDANSETRON_TRAY, 1)] * 3 + [None]
    assert product is not None and {p.product_id for p in packages} == {product.id}
    assert entry.kind == "document" and entry.user == BUYER and entry.digest == digest(content)
    assert rows(hospital) == {
        "dscsa_document": 1,
        "dscsa_package": 4,
        "dscsa_event": 3,
        "dscsa_record": 1,
    }


def test_the_same_bytes_imported_twice_are_recorded_once(hospital: Engine) -> None:
    data = shipment()
    first = run_import(hospital, data, name="first.xml")

    again = run_import(hospital, data, name="again.xml")

    assert again.already_imported and again.id == first.id and again.file_name == "first.xml"
    assert rows(hospital)["dscsa_document"] == 1 and rows(hospital)["dscsa_record"] == 1


def test_a_document_with_no_shipping_event_is_refused_and_nothing_written(
    hospital: Engine,
) -> None:
    with pytest.raises(InvalidValue, match="no shipping event: there is no transaction"):
        run_import(hospital, shipment(ship=False))

    assert set(rows(hospital).values()) == {0}


def test_the_seller_is_matched_to_its_trading_partner_in_any_case(hospital: Engine) -> None:
    with SqlUnitOfWork(hospital) as uow:
        partner_id = uow.prices.partner(SELLER, kind="wholesaler")
        uow.commit()

    imported = run_import(hospital, shipment(seller=SELLER.upper()))

    with SqlUnitOfWork(hospital) as uow:
        stored = uow.dscsa_documents.document(imported.id)
    assert stored is not None and stored.partner_id == partner_id
    assert stored.seller == SELLER.upper()


def test_an_unknown_gtin_leaves_the_package_without_a_product(hospital: Engine) -> None:
    imported = run_import(hospital, shipment(ndc_digits="1234567890"))

    with SqlUnitOfWork(hospital) as uow:
        packages = uow.dscsa_documents.packages_of_document(imported.id)
    assert {p.product_id for p in packages} == {None}


def test_a_document_is_linked_to_its_purchase_order_and_found_by_it(hospital: Engine) -> None:
    priced_storeroom(hospital, {"ONDA4INJ": (400, 600)})
    with SqlUnitOfWork(hospital) as uow:
        (draft,) = purchasing.suggest_orders(uow, clock=CLOCK, user=BUYER).orders
    other = run_import(hospital, shipment(serials=["T1"]))

    imported = run_import(hospital, shipment(), order=draft.number)

    with SqlUnitOfWork(hospital) as uow:
        linked = uow.dscsa_documents.documents_for_order(draft.number)
        listed = uow.dscsa_documents.documents(order=draft.number)
        everything = uow.dscsa_documents.documents()
    assert [d.id for d in linked] == [d.id for d in listed] == [imported.id]
    assert [d.id for d in everything] == [imported.id, other.id]
    assert imported.order_number == draft.number


def test_an_unknown_purchase_order_is_refused_and_nothing_written(hospital: Engine) -> None:
    with pytest.raises(NotFound, match="purchase order 'PO-404'"):
        run_import(hospital, shipment(), order="PO-404")

    assert set(rows(hospital).values()) == {0}


def test_the_facility_is_named_by_code_and_must_be_a_facility(hospital: Engine) -> None:
    with pytest.raises(InvalidValue, match="a storeroom, not a facility"):
        run_import(hospital, shipment(), facility="MAIN-STORE")
    with pytest.raises(UnknownLocation):
        run_import(hospital, shipment(), facility="NOWHERE")

    imported = run_import(hospital, shipment(), facility="MAIN")

    with SqlUnitOfWork(hospital) as uow:
        assert uow.locations.ids_by_code()["MAIN"] == imported.facility_id


def test_packages_are_found_by_identifier_and_by_lot_across_documents(hospital: Engine) -> None:
    first = run_import(hospital, shipment(serials=["S1", "S2"], lot="LOT-A"))
    second = run_import(hospital, shipment(serials=["S1"], lot="LOT-B", day="2026-11-19"))

    with SqlUnitOfWork(hospital) as uow:
        by_identifier = uow.dscsa_documents.packages_by_identifier(
            f"01{gtin_of(ONDANSETRON_TRAY)}21S1"
        )
        by_lot = uow.dscsa_documents.packages_by_lot("LOT-A")

    assert [(p.document_id, p.lot) for p in by_identifier] == [
        (first.id, "LOT-A"),
        (second.id, "LOT-B"),
    ]
    assert [p.serial for p in by_lot] == ["S1", "S2"]


def test_the_gs1_us_example_is_recorded_with_its_statement(hospital: Engine) -> None:
    path = shared_data(
        "epcis",
        "openepcis",
        "1.2",
        "EPCIS",
        "XML",
        "Capture",
        "Documents",
        "GS1_US_Pharma_Example_2_2_1_1.xml",
    )
    data = path.read_bytes()
    document = read_epcis(path, schemas=shared_data("epcis", "schemas"))

    with SqlUnitOfWork(hospital) as uow:
        imported = import_epcis(
            uow,
            document=document,
            file_name=path.name,
            sha256=sha256(data),
            facility=None,
            order=None,
            user=BUYER,
            clock=CLOCK,
        )
        packages = uow.dscsa_documents.packages_of_document(imported.id)

    assert imported.statement_affirmed and imported.seller == "GS1 Pharma"
    assert imported.buyer == "GS1 Drug Distributor" and imported.package_count == 12
    assert {(p.lot, p.expiry, p.container) for p in packages} == {
        ("A123", date(2025, 3, 27), "00403000112345678901")
    }
    assert {p.product_id for p in packages} == {None}


def test_a_missing_user_is_refused(hospital: Engine, tmp_path: Path) -> None:
    data = shipment()

    with SqlUnitOfWork(hospital) as uow, pytest.raises(InvalidValue, match="user"):
        import_epcis(
            uow,
            document=read(data),
            file_name="x.xml",
            sha256=sha256(data),
            facility=None,
            order=None,
            user=" ",
            clock=CLOCK,
        )


def test_an_event_field_longer_than_its_record_holds_is_refused(hospital: Engine) -> None:
    data = shipment().replace(b"urn:epcglobal:cbv:bizstep:packing", b"urn:example:" + b"x" * 200)

    with pytest.raises(InvalidValue, match=r"event 2 bizStep.*longer than 200"):
        run_import(hospital, data)

    assert set(rows(hospital).values()) == {0}
