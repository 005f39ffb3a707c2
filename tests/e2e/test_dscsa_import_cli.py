"""``rxsupply dscsa import-epcis FILE | documents | document ID`` on the example hospital: a
shipment recorded once (the same file again writes nothing), listed and shown with its
transaction information and statement; a billion-laughs document and an external-entity
document refused quickly with their reason, in bounded memory, nothing written."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.conftest import EXAMPLES
from tests.e2e.cli_runner import Rx
from tests.epcis_samples import SELLER, shipment
from tests.unit.adapters.test_epcis_hostile import EXTERNAL, LAUGHS

from rxsupply.adapters import tables
from rxsupply.adapters.database import make_engine

DSCSA_TABLES = (
    tables.dscsa_document,
    tables.dscsa_package,
    tables.dscsa_event,
    tables.dscsa_record,
)


@pytest.fixture
def hospital_rx(rx: Rx) -> Rx:
    for kind in ("items", "locations"):
        assert rx("import", kind, str(EXAMPLES / f"{kind}.csv")).code == 0
    return rx


def dscsa_rows(rx: Rx) -> int:
    engine = make_engine(f"sqlite:///{rx.db}")
    try:
        with engine.connect() as conn:
            return sum(conn.scalar(select(func.count()).select_from(t)) or 0 for t in DSCSA_TABLES)
    finally:
        engine.dispose()


def test_a_shipment_is_recorded_once_then_listed_and_shown(hospital_rx: Rx, tmp_path: Path) -> None:
    path = tmp_path / "asn-88120.xml"
    path.write_bytes(shipment(loose=["S9"]))

    first = hospital_rx("dscsa", "import-epcis", str(path), "--facility", "MAIN", "--json")
    again = hospital_rx("dscsa", "import-epcis", str(path), "--json")
    text_again = hospital_rx("dscsa", "import-epcis", str(path))
    with_order = hospital_rx("dscsa", "import-epcis", str(path), "--order", "PO000042")
    listed = hospital_rx("dscsa", "documents", "--json")
    shown = hospital_rx("dscsa", "document", str(first.json()["id"]), "--json")
    shown_text = hospital_rx("dscsa", "document", str(first.json()["id"]))

    assert first.code == 0, first.err
    recorded = first.json()
    assert (recorded["package_count"], recorded["event_count"]) == (4, 3)
    assert recorded["seller"] == SELLER and recorded["already_imported"] is False
    assert again.json()["already_imported"] is True and again.json()["id"] == recorded["id"]
    assert "already recorded as document" in text_again.out
    assert "not linked" not in text_again.out
    assert (
        "it is recorded for no order, and a record is never changed: order PO000042 is not "
        "linked to it"
    ) in " ".join(with_order.out.split())
    assert [d["file_name"] for d in listed.json()] == ["asn-88120.xml"]
    assert "transaction" not in listed.json()[0]
    document = shown.json()
    assert document["transaction"]["seller"]["name"] == SELLER
    assert document["packages"]["count"] == 4
    assert document["packages"]["by_lot"] == [
        {
            "gtin": "00398765401027",
            "lot": "L2611A",
            "expiry": "2028-06-30",
            "product_id": document["packages"]["by_lot"][0]["product_id"],
            "packages": 4,
            "containers": 1,
        }
    ]
    assert "not affirmed" in shown_text.out and "4 packages by lot" in shown_text.out


def test_a_document_that_ships_nothing_exits_1_with_the_reason(
    hospital_rx: Rx, tmp_path: Path
) -> None:
    path = tmp_path / "commissioned.xml"
    path.write_bytes(shipment(ship=False))

    ran = hospital_rx("dscsa", "import-epcis", str(path))

    assert ran.code == 1 and "no shipping event" in ran.message
    assert dscsa_rows(hospital_rx) == 0


def test_an_unknown_order_exits_1_and_writes_nothing(hospital_rx: Rx, tmp_path: Path) -> None:
    path = tmp_path / "asn.xml"
    path.write_bytes(shipment())

    ran = hospital_rx("dscsa", "import-epcis", str(path), "--order", "PO-404")

    assert ran.code == 1 and "unknown purchase order 'PO-404'" in ran.message
    assert dscsa_rows(hospital_rx) == 0


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (LAUGHS, "a <!DOCTYPE declaration: DTDs and entities are refused"),
        (EXTERNAL, "a <!DOCTYPE declaration: DTDs and entities are refused"),
    ],
    ids=["billion laughs", "external entity"],
)
def test_a_hostile_document_is_refused_quickly_in_bounded_memory_and_nothing_written(
    hospital_rx: Rx, tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "hostile.xml"
    path.write_bytes(content)
    tracemalloc.start()
    started = time.perf_counter()

    try:
        ran = hospital_rx("dscsa", "import-epcis", str(path))
        seconds, peak = time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert ran.code == 1 and reason in ran.message and "hostile.xml" in ran.message
    assert seconds < 60 and peak < 32 * 1024**2
    assert dscsa_rows(hospital_rx) == 0


def test_a_document_over_the_size_cap_is_refused_and_nothing_written(
    hospital_rx: Rx, tmp_path: Path
) -> None:
    path = tmp_path / "big.xml"
    path.write_bytes(shipment(serials=[f"S{n}" for n in range(2000)]))

    ran = hospital_rx("dscsa", "import-epcis", str(path), "--max-bytes", "10000")

    assert ran.code == 1 and "larger than the 10,000-byte cap" in ran.message
    assert dscsa_rows(hospital_rx) == 0
