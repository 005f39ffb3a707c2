"""The wholesaler's X12 856 ship notice and 810 invoice read back: what they say, and each
kind of bad segment refused with the segment and element named (a document for another buyer
among them)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from tests.conftest import EXAMPLES
from tests.x12_samples import envelope, invoice, ship_notice

from rxsupply.adapters.x12_810 import read_810
from rxsupply.adapters.x12_856 import read_856
from rxsupply.errors import InvalidValue

TRAY11 = "98765040102"


def test_an_856_reads_as_its_order_shipment_and_packages_per_lot() -> None:
    notice = read_856(
        ship_notice(
            "PO000012",
            [(TRAY11, "ON2611X", "20280630", 6), (TRAY11, "ON2612Y", "20280731", 4)],
        )
    )

    assert (notice.po_number, notice.shipment_id, notice.sender, notice.shipped_on) == (
        "PO000012",
        "SHP-5501",
        "EXAMPLEWHOLESAL",
        date(2026, 11, 20),
    )
    assert [(ln.ndc, ln.lot, ln.expiry, ln.packages, ln.sscc) for ln in notice.lines] == [
        (TRAY11, "ON2611X", date(2028, 6, 30), 6, "000123456000000019"),
        (TRAY11, "ON2612Y", date(2028, 7, 31), 4, "000123456000000019"),
    ]
    assert notice.packages == 10


def test_an_856_item_may_carry_its_lot_in_lin_and_its_serials_in_man() -> None:
    body = [
        "BSN*00*S1*20261120*0900",
        "N1*BY*General hospital*92*RXSUPPLY",
        "HL*1**S",
        "HL*2*1*O",
        "PRF*PO000012",
        "HL*3*2*I",
        f"LIN*2*N4*{TRAY11}*LT*ON77",
        "SN1**2*EA",
        "MAN*SN*SER001",
        "MAN*SN*SER002",
    ]

    (line,) = read_856(envelope("856", "SH", body)).lines

    assert (line.line_number, line.lot, line.serials) == (2, "ON77", ("SER001", "SER002"))


def test_an_856_for_another_buyer_is_refused_by_its_ship_to() -> None:
    with pytest.raises(InvalidValue) as caught:
        read_856(ship_notice("PO000012", [(TRAY11, "L1", "20280630", 1)], buyer="OTHERHOSP"))

    assert caught.value.field == "N104"
    assert "'OTHERHOSP'" in str(caught.value) and "another buyer" in str(caught.value)


def test_an_856_addressed_to_another_receiver_is_refused_by_its_envelope() -> None:
    text = ship_notice("PO000012", [(TRAY11, "L1", "20280630", 1)], receiver="OTHERHOSP")

    with pytest.raises(InvalidValue) as caught:
        read_856(text)

    assert caught.value.field == "ISA08"


def good_856(*items: str, head: tuple[str, ...] = ()) -> str:
    body = [
        *(head or ("BSN*00*S1*20261120", "N1*ST*Storeroom*92*RXSUPPLY")),
        "HL*1**S",
        "HL*2*1*O",
        "PRF*PO000012",
        "HL*3*2*I",
        *items,
    ]
    return envelope("856", "SH", body)


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        (
            good_856(f"LIN*1*N4*{TRAY11}", "SN1**1*EA", head=("N1*ST*S*92*RXSUPPLY",)),
            "BSN02",
            "shipment id",
        ),
        (
            good_856(f"LIN*1*N4*{TRAY11}", "SN1**1*EA", head=("BSN*00*S1*20261120",)),
            "N1",
            "ship-to",
        ),
        (
            good_856(
                f"LIN*1*N4*{TRAY11}",
                "SN1**1*EA",
                head=("BSN*00*S1*2026-11-20", "N1*ST*S*92*RXSUPPLY"),
            ),
            "BSN03",
            "CCYYMMDD",
        ),
        (good_856("LIN*1*UP*012345678905", "SN1**1*EA"), "LIN03", "qualifier N4"),
        (good_856("LIN*1*N4*9876504010", "SN1**1*EA"), "LIN", "11-digit"),
        (good_856(f"LIN*1*N4*{TRAY11}", "SN1**two*EA"), "SN102", "whole number"),
        (good_856(f"LIN*1*N4*{TRAY11}", "SN1**1.5*EA"), "SN102", "whole number"),
        (good_856(f"LIN*1*N4*{TRAY11}", "SN1**1*CA"), "SN103", "EA"),
        (good_856(f"LIN*1*N4*{TRAY11}"), "SN102", "no packages"),
        (good_856("SN1**1*EA"), "SN1", "before the item level's LIN"),
        (good_856(f"LIN*1*N4*{TRAY11}", "SN1**1*EA", "DTM*036*20281340"), "DTM02", "CCYYMMDD"),
        (good_856(f"LIN*1*N4*{TRAY11}", "SN1**1*EA", "REF*LT"), "REF02", "lot"),
        (good_856(f"LIN*1*N4*{TRAY11}", "SN1**1*EA", "HL*4*2*X"), "HL03", "level"),
        (good_856(), "LIN", "no item level"),
        (
            good_856(f"LIN*1*N4*{TRAY11}", "SN1**1*EA", "PRF*PO000013"),
            "PRF01",
            "one purchase order",
        ),
        (envelope("855", "PR", ["BAK*00*AC*PO1"]), "ST", "856"),
    ],
)
def test_an_856_that_cannot_be_read_names_the_segment_at_fault(
    text: str, field: str, words: str
) -> None:
    with pytest.raises(InvalidValue) as caught:
        read_856(text)

    assert caught.value.field == field
    assert words in str(caught.value)


def test_an_810_reads_as_its_invoice_lines_and_total() -> None:
    bill = read_810(invoice("PO000012", [(TRAY11, 10, "15.75"), ("98765021001", 2, "31.20")]))

    assert (bill.number, bill.invoice_date, bill.po_number, bill.sender) == (
        "INV-88123",
        date(2026, 11, 21),
        "PO000012",
        "EXAMPLEWHOLESAL",
    )
    assert [(ln.line_number, ln.ndc, ln.packages, ln.unit_price) for ln in bill.lines] == [
        (1, TRAY11, 10, Decimal("15.75")),
        (2, "98765021001", 2, Decimal("31.20")),
    ]
    assert bill.total == Decimal("219.90")


def good_810(*lines: str, big: str = "BIG*20261121*INV1**PO000012", tds: str = "TDS*1500") -> str:
    return envelope("810", "IN", [big, *lines, tds])


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        (invoice("PO000012", [(TRAY11, 1, "15.00")], buyer="OTHERHOSP"), "N104", "another buyer"),
        (
            good_810(f"IT1*1*1*EA*15.00**N4*{TRAY11}", big="BIG*20261121**x*PO000012"),
            "BIG02",
            "invoice number",
        ),
        (
            good_810(f"IT1*1*1*EA*15.00**N4*{TRAY11}", big="BIG*20261121*INV1"),
            "BIG04",
            "purchase order",
        ),
        (
            good_810(f"IT1*1*1*EA*15.00**N4*{TRAY11}", big="BIG*21-11-2026*INV1**PO1"),
            "BIG01",
            "CCYYMMDD",
        ),
        (good_810(), "IT1", "no lines"),
        (good_810(f"IT1*one*1*EA*15.00**N4*{TRAY11}"), "IT101", "line number"),
        (good_810(f"IT1*1*0*EA*15.00**N4*{TRAY11}"), "IT102", "whole number"),
        (good_810(f"IT1*1*1*CA*15.00**N4*{TRAY11}"), "IT103", "EA"),
        (good_810(f"IT1*1*1*EA*fifteen**N4*{TRAY11}"), "IT104", "price"),
        (good_810("IT1*1*1*EA*15.00**UP*012345678905"), "IT107", "qualifier N4"),
        (good_810(f"IT1*1*1*EA*15.00**N4*{TRAY11}", tds="TDS*15.00"), "TDS01", "cents"),
        (good_810(f"IT1*1*1*EA*15.00**N4*{TRAY11}", tds="TDS*1600"), "TDS01", "not the lines'"),
    ],
)
def test_an_810_that_cannot_be_read_names_the_segment_at_fault(
    text: str, field: str, words: str
) -> None:
    with pytest.raises(InvalidValue) as caught:
        read_810(text)

    assert caught.value.field == field
    assert words in str(caught.value)


def test_the_example_856_and_810_read_as_the_readme_shows() -> None:
    notice = read_856((EXAMPLES / "x12" / "PO000001.856").read_text())
    bill = read_810((EXAMPLES / "x12" / "PO000001.810").read_text())

    assert (notice.shipment_id, notice.po_number, notice.packages) == (
        "DW-SHP-260311",
        "PO000001",
        3,
    )
    assert [(ln.lot, ln.packages) for ln in notice.lines] == [
        ("LE24A117", 1),
        ("LE24B009", 1),
        ("CZ2611Q", 1),
    ]
    assert (bill.number, bill.po_number, bill.total) == (
        "DW-INV-778120",
        "PO000001",
        Decimal("166.86"),
    )


def test_a_document_with_a_nul_character_is_refused_before_anything_is_read() -> None:
    text = ship_notice("PO000012", [(TRAY11, "ON\x0077", "20280630", 1)])

    with pytest.raises(InvalidValue) as caught:
        read_856(text)

    assert caught.value.field == "x12"
