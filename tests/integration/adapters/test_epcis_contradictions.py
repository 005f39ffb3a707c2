"""A document that contradicts itself about where a unit is, or what lot it belongs to, is
rejected by the reader (``dscsa inspect`` and ``dscsa import-epcis`` alike), naming the file,
the event and the reason: DSCSA transaction information must say, once, what each package is."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from tests.dscsa_shipments import shipment

from rxsupply.adapters.epcis import read_epcis
from rxsupply.adapters.epcis.writer import shipment_xml
from rxsupply.errors import DocumentRejected

FAR = date(2028, 6, 30)
UNIT = "urn:epc:id:sgtin:0398765.040102.{}"


def test_a_unit_packed_into_a_second_case_without_leaving_the_first_is_rejected(
    tmp_path: Path,
) -> None:
    """S1 is packed into the first case, then into the second with no DELETE from the first:
    the contents listed it in both cases and the document was accepted."""
    trays = [(f"S{n}", "ON1", FAR) for n in range(1, 8)]  # six to a case: S7 in the second
    written = shipment_xml(shipment("PO1", trays))
    last = f"<epc>{UNIT.format('S7')}</epc></childEPCs>".encode()
    path = tmp_path / "two-cases.xml"
    path.write_bytes(
        written.replace(last, last.replace(b"</childEPCs>", f"<epc>{UNIT.format('S1')}</epc>"
                                           "</childEPCs>".encode()))
    )  # fmt: skip

    with pytest.raises(DocumentRejected) as rejected:
        read_epcis(path)

    assert str(rejected.value) == (
        "two-cases.xml, event 5: childEPCs '010039876540102721S1': already packed in "
        "00003123450000000011 and not unpacked from it (no aggregation DELETE): a unit is in "
        "one container at a time"
    )
    assert rejected.value.rule == "structure"


def test_a_unit_commissioned_twice_with_different_lots_is_rejected(tmp_path: Path) -> None:
    """The transaction information listed both lots and the import recorded the package under
    the first, silently."""
    path = tmp_path / "two-lots.xml"
    path.write_bytes(shipment_xml(shipment("PO1", [("S1", "ON1", FAR), ("S1", "ON2", FAR)])))

    with pytest.raises(DocumentRejected) as rejected:
        read_epcis(path)

    assert str(rejected.value) == (
        "two-lots.xml, event 2: epcList '010039876540102721S1': commissioned again with lot ON2, "
        "expiry 2028-06-30, but already with lot ON1, expiry 2028-06-30 in event 1: a package "
        "has one lot and expiry"
    )
    assert rejected.value.rule == "structure"


def test_a_unit_commissioned_twice_with_the_same_lot_is_rejected_naming_both_events(
    tmp_path: Path,
) -> None:
    """The second commissioning event names S1 again, with the same lot and expiry: the
    document was accepted, the second commissioning unseen."""
    written = shipment_xml(shipment("PO1", [("S1", "ON1", FAR), ("S2", "ON2", FAR)]))
    second = (
        f"<epc>{UNIT.format('S2')}</epc></epcList><action>ADD</action>"
        "<bizStep>urn:epcglobal:cbv:bizstep:commissioning"
    ).encode()
    assert second in written
    again = written.replace(second, second.replace(b".S2<", b".S1<")).replace(
        b"<cbvmda:lotNumber>ON2<", b"<cbvmda:lotNumber>ON1<"
    )
    path = tmp_path / "twice.xml"
    path.write_bytes(again)

    with pytest.raises(DocumentRejected) as rejected:
        read_epcis(path)

    assert str(rejected.value) == (
        "twice.xml, event 2: epcList '010039876540102721S1': GTIN 00398765401027 serial S1 "
        "commissioned again in event 2, already in event 1 (lot ON1, expiry 2028-06-30): a "
        "package is commissioned once"
    )
    assert rejected.value.rule == "structure"


@pytest.mark.parametrize("text", ["[]", '  [{"type": "EPCISDocument"}]'])
def test_a_json_array_is_refused_as_json_not_as_bad_xml(tmp_path: Path, text: str) -> None:
    path = tmp_path / "array.json"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(DocumentRejected) as rejected:
        read_epcis(path)

    assert str(rejected.value) == (
        "array.json: a JSON array: an EPCIS JSON-LD document is one object ({...}), not a list"
    )
