"""The transaction information lists every product a document ships: a GTIN the master data
does not describe is listed with its containers and lots, its description empty, rather than
left out while the described product shows 0 containers."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

from tests.dscsa_shipments import TRAY, shipment

from rxsupply.adapters.epcis import read_epcis
from rxsupply.adapters.epcis.writer import shipment_xml

FAR = date(2028, 6, 30)


def test_a_shipped_gtin_the_master_data_does_not_describe_is_listed_undescribed() -> None:
    other = replace(TRAY, gtin="00394350548252", ndc="94350-548-25", name="Bupivacaine")
    sent = replace(shipment("PO1", [("S1", "ON1", FAR), ("S2", "ON1", FAR)]), items=(other,))

    document = read_epcis(io.BytesIO(shipment_xml(sent)), name="asn.xml")

    products = document.transaction["products"]
    assert isinstance(products, list)
    assert [
        (p["gtin"], p["product_name"], p["number_of_containers"], p["lots"]) for p in products
    ] == [
        ("00394350548252", "Bupivacaine", 0, []),
        ("00398765401027", None, 2, ["ON1"]),
    ]
    assert products[1]["expiry_dates"] == ["2028-06-30"]
    assert products[1]["ndc"] is None
