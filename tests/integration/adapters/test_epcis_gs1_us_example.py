"""The GS1 US DSCSA implementation guideline's example 2.2.1.1 (direct purchase, seller to
buyer): 12 units of Epcistra 100 mg (NDC 0001-0123-45) commissioned in lot A123, packed 4 to a
case in 3 cases, the cases on one pallet, the pallet shipped from GS1 Pharma to GS1 Drug
Distributor. Its transaction information and statement, field by field, as the file states
them."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import shared_data

from rxsupply.adapters.epcis import EpcisDocument, read_epcis
from rxsupply.errors import DocumentRejected

LSU = "00300010123455"  # urn:epc:idpat:sgtin:030001.0012345.* with its check digit
CASE = "10300010123452"  # urn:epc:idpat:sgtin:030001.1012345.*
PALLET = "00403000112345678901"  # urn:epc:id:sscc:030001.41234567890


EXAMPLE = (
    "epcis",
    "openepcis",
    "1.2",
    "EPCIS",
    "XML",
    "Capture",
    "Documents",
    "GS1_US_Pharma_Example_2_2_1_1.xml",
)
"""The GS1 US pharma example under the shared data."""


@pytest.fixture(scope="module")
def example(shared: Path) -> EpcisDocument:
    path = shared_data(*EXAMPLE)
    return read_epcis(path, schemas=shared_data("epcis", "schemas"))


def test_the_products_carry_name_strength_form_ndc_size_count_and_lot(
    example: EpcisDocument,
) -> None:
    products = {p["gtin"]: p for p in example.transaction["products"]}  # type: ignore[attr-defined]

    assert set(products) == {LSU, CASE}
    for gtin, containers in ((LSU, 12), (CASE, 3)):
        assert products[gtin]["product_name"] == "Epcistra"
        assert products[gtin]["strength"] == "100mg"
        assert products[gtin]["dosage_form"] == "PILL"
        assert products[gtin]["ndc"] == "0001-0123-45"
        assert products[gtin]["container_size"] == "500 pills"
        assert products[gtin]["number_of_containers"] == containers
        assert products[gtin]["lots"] == ["A123"]
        assert products[gtin]["expiry_dates"] == ["2025-03-27"]


def test_the_dates_are_the_shipping_events_day_in_its_own_offset(example: EpcisDocument) -> None:
    assert example.transaction["transaction_date"] == "2023-04-01"
    assert example.transaction["shipment_date"] == "2023-04-01"
    assert example.events[-1].as_dict()["event_time"] == "2023-04-01T02:48:16-05:00"


def test_seller_and_buyer_are_the_owning_parties_with_their_addresses(
    example: EpcisDocument,
) -> None:
    assert example.transaction["seller"] == {
        "id": "urn:epc:id:sgln:030001.111111.0",
        "name": "GS1 Pharma",
        "address": {
            "streetAddressOne": "1 Biopharm Ct",
            "streetAddressTwo": "Suite A",
            "city": "Thousand Oaks",
            "state": "CA",
            "postalCode": "91320",
            "countryCode": "US",
        },
    }
    assert example.transaction["buyer"] == {
        "id": "urn:epc:id:sgln:039999.999999.0",
        "name": "GS1 Drug Distributor",
        "address": {
            "streetAddressOne": "230 Park Ave S",
            "streetAddressTwo": "Room 378",
            "city": "New York",
            "state": "NY",
            "postalCode": "10003-1502",
            "countryCode": "US",
        },
    }
    ship_to = example.transaction["ship_to"]
    assert isinstance(ship_to, dict) and ship_to["name"] == "GS1 Drug Distributor Warehouse"


def test_the_package_identifiers_are_the_twelve_units_on_the_pallet(
    example: EpcisDocument,
) -> None:
    units = [f"01{LSU}21{serial}" for serial in range(11, 23)]

    assert example.transaction["package_identifiers"] == units
    assert example.shipped == units
    assert example.contents[PALLET] == units
    assert example.contents[f"01{CASE}21110"] == units[:4]


def test_the_transaction_statement_is_affirmed_with_its_legal_notice(
    example: EpcisDocument,
) -> None:
    assert example.transaction["statement"] == {
        "affirmed": True,
        "legal_notice": "Seller has complied with each applicable subsection of FDCA Sec. "
        "581(27)(A)-(G).",
        "guideline_version": "GS1 US DSCSA R1.3",
    }


def test_an_expiry_that_is_not_a_day_is_rejected_naming_the_event(
    example: EpcisDocument, tmp_path: Path
) -> None:
    """February 30 passed inspect (exit 0, the date shown as written) and failed only at the
    import, without the file or the event."""
    source = shared_data(*EXAMPLE)
    path = tmp_path / "february-30.xml"
    path.write_bytes(source.read_bytes().replace(b">2025-03-27<", b">2025-02-30<"))

    with pytest.raises(DocumentRejected) as rejected:
        read_epcis(path)

    assert str(rejected.value) == (
        "february-30.xml, event 1: itemExpirationDate '2025-02-30': expected a date YYYY-MM-DD"
    )
    assert rejected.value.rule == "time"


def test_a_lot_longer_than_twenty_characters_is_rejected_naming_the_event(tmp_path: Path) -> None:
    """AI (10) holds 20 characters: inspect accepted a longer lot, the import refused it
    without the file or the event."""
    source = shared_data(*EXAMPLE)
    path = tmp_path / "long-lot.xml"
    path.write_bytes(source.read_bytes().replace(b">A123<", b">A123456789012345678901<"))

    with pytest.raises(DocumentRejected) as rejected:
        read_epcis(path)

    assert str(rejected.value) == (
        "long-lot.xml, event 1: lotNumber 'A123456789012345678901': longer than 20 characters "
        "(AI 10)"
    )
