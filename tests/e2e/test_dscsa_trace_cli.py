"""``rxsupply dscsa trace --serial S | --lot L [--ndc N] [--json] [--out DIR]`` on the example
hospital with serialised cartons received, refilled, transferred and dispensed (the integration
tests' hospital): the trace as JSON and tables, the response package written as three files
our EPCIS reader accepts, and bad requests refused with the reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.conftest import EXAMPLES
from tests.e2e.cli_runner import Rx
from tests.integration.services.test_dscsa_trace import GTIN, build_hospital, ship_document

from rxsupply.adapters.database import make_engine
from rxsupply.adapters.epcis import read_epcis


@pytest.fixture
def traced(rx: Rx) -> Rx:
    for kind in ("items", "locations", "stock"):
        assert rx("import", kind, str(EXAMPLES / f"{kind}.csv")).code == 0
    engine = make_engine(f"sqlite:///{rx.db}")
    build_hospital(engine)
    ship_document(engine, ["S1", "S2", "S3"])
    engine.dispose()
    return rx


def test_a_serial_trace_prints_its_path_as_json(traced: Rx) -> None:
    ran = traced("dscsa", "trace", "--serial", f"01{GTIN}21S2", "--json")

    assert ran.code == 0, ran.err
    found = ran.json()
    assert found["package"]["status"] == "dispensed"
    assert [(m["kind"], m["from"], m["to"]) for m in found["moves"]] == [
        ("transfer", "MAIN-STORE", "OR-SAT")
    ]
    assert [(d["location"], d["quantity"]) for d in found["dispenses"]] == [("OR-SAT", 10)]
    assert [r["file_name"] for r in found["transaction_records"]] == ["ship-1.xml"]


def test_a_lot_trace_prints_its_sections_as_tables(traced: Rx) -> None:
    ran = traced("dscsa", "trace", "--lot", "TR100", "--ndc", "98765-402-10")

    assert ran.code == 0, ran.err
    for title in ("Receipts", "Moves", "Status changes", "Dispenses", "Transaction records"):
        assert title in ran.out
    assert "ICU-ADC1-P01" in ran.out


def test_the_response_package_is_written_as_json_epcis_and_html(traced: Rx, tmp_path: Path) -> None:
    out = tmp_path / "package"

    ran = traced("dscsa", "trace", "--lot", "TR100", "--out", str(out))

    assert ran.code == 0, ran.err
    files = sorted(p.suffix for p in out.iterdir())
    assert files == [".html", ".json", ".xml"]
    (xml,) = out.glob("*.xml")
    document = read_epcis(xml)
    assert [e.biz_step for e in document.events] == ["receiving"] * 3 + ["dispensing"] * 3
    assert [e.identifiers for e in document.events[:3]] == [
        (f"01{GTIN}21{s}",) for s in ("S1", "S2", "S3")
    ]
    (page,) = out.glob("*.html")
    assert "DSCSA trace: lot TR100" in page.read_text()
    (data,) = out.glob("*.json")
    assert json.loads(data.read_text())["dispensed_units"] == 15


@pytest.mark.parametrize(
    ("args", "why"),
    [
        ((), "give --serial or --lot"),
        (("--serial", "S1", "--lot", "TR100"), "give --serial or --lot"),
        (("--serial", "NOPE"), "unknown serialised package 'NOPE'"),
        (("--lot", "TR100", "--ndc", "12345"), "ndc"),
        (("--serial", "has space"), "1 to 20 printable characters"),
    ],
)
def test_a_bad_request_exits_1_with_the_reason(traced: Rx, args: tuple[str, ...], why: str) -> None:
    ran = traced("dscsa", "trace", *args)

    assert ran.code == 1
    assert why in ran.message
