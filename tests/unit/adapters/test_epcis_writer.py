"""The EPCIS 1.2 shipment writer: the GS1 US guideline's shape, read back by rxsupply's own
reader (and valid against GS1's schemas) with the transaction information it was given."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

from lxml import etree
from tests.conftest import EASTERN, shared_data
from tests.dscsa_shipments import BUYER, GTIN, SELLER, shipment

from rxsupply.adapters.epcis import read_epcis
from rxsupply.adapters.epcis.writer import shipment_xml
from rxsupply.domain.epc_identifier import canonical_identifier
from rxsupply.domain.epcis_outbound import sscc
from rxsupply.domain.epcis_shipment import shipped_packages

AT = datetime(2026, 11, 18, 14, 30, tzinfo=EASTERN)
FAR = date(2028, 6, 30)
PACKAGES = [(f"S{n}", "ON1" if n < 5 else "ON2", FAR) for n in range(8)]


def test_a_shipment_reads_back_with_every_unit_shipped_in_its_case_with_its_lot_and_expiry() -> (
    None
):
    data = shipment_xml(shipment("PO000012", PACKAGES, at=AT))

    document = read_epcis(io.BytesIO(data), name="asn.xml")

    assert document.epcis_version == "1.2"
    assert document.shipped == sorted(f"01{GTIN}21S{n}" for n in range(8))
    first_case = f"00{sscc('0312345', 1)}"
    assert document.contents[first_case] == sorted(f"01{GTIN}21S{n}" for n in range(6))
    packages = {p.identifier: p for p in shipped_packages(document)}
    assert (packages[f"01{GTIN}21S0"].lot, packages[f"01{GTIN}21S7"].lot) == ("ON1", "ON2")
    assert {p.expiry for p in packages.values()} == {FAR}
    assert packages[f"01{GTIN}21S7"].container == f"00{sscc('0312345', 2)}"


def test_the_events_are_commissioning_packing_and_one_shipping_event_as_the_guideline_draws() -> (
    None
):
    document = read_epcis(io.BytesIO(shipment_xml(shipment("PO1", PACKAGES, at=AT))), name="a")

    steps = [(e.type, e.action, e.biz_step) for e in document.events]

    assert steps == [
        ("ObjectEvent", "ADD", "commissioning"),  # the units of lot ON1
        ("ObjectEvent", "ADD", "commissioning"),  # of lot ON2
        ("ObjectEvent", "ADD", "commissioning"),  # case 1
        ("AggregationEvent", "ADD", "packing"),
        ("ObjectEvent", "ADD", "commissioning"),  # case 2
        ("AggregationEvent", "ADD", "packing"),
        ("ObjectEvent", "OBSERVE", "shipping"),
    ]
    shipping = document.events[-1]
    assert dict(shipping.sources) == {"owning_party": SELLER.id, "location": SELLER.id}
    assert dict(shipping.destinations)["owning_party"] == BUYER.id
    assert shipping.event_time == AT


def test_the_header_carries_the_transaction_information_and_statement() -> None:
    document = read_epcis(io.BytesIO(shipment_xml(shipment("PO1", PACKAGES, at=AT))), name="a")

    found: dict[str, Any] = document.transaction

    (product,) = found["products"]
    assert product["ndc"] == "98765-401-02" and product["strength"] == "4 mg/2 mL"
    assert product["number_of_containers"] == 8 and product["lots"] == ["ON1", "ON2"]
    assert found["seller"]["name"] == "Example Wholesale Drug Co"
    assert found["buyer"]["address"]["city"] == "Philadelphia"
    assert found["transaction_date"] == "2026-11-18"
    assert found["statement"]["affirmed"] is True


def test_the_purchase_order_is_a_business_transaction_of_the_shipping_event() -> None:
    root = etree.fromstring(shipment_xml(shipment("PO000012", PACKAGES, at=AT)))

    (transaction,) = root.iter("bizTransaction")

    assert transaction.get("type") == "urn:epcglobal:cbv:btt:po"
    assert transaction.text.endswith(":PO000012")


def test_a_shipment_is_valid_against_the_epcis_1_2_schema(tmp_path: Path) -> None:
    schemas = shared_data("epcis", "schemas")
    path = tmp_path / "asn.xml"
    path.write_bytes(shipment_xml(shipment("PO1", PACKAGES, at=AT)))

    document = read_epcis(path, schemas=schemas)

    assert len(document.shipped) == 8


def test_an_sscc_is_the_extension_the_company_prefix_the_reference_and_its_check_digit() -> None:
    made = sscc("0614141", 123456789, extension="1")

    assert made[:17] == "10614141123456789"
    assert canonical_identifier(f"(00){made}") == f"00{made}"  # the reader checks the digit
