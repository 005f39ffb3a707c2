"""``rxsupply dscsa reconcile | exceptions | exception`` on the example hospital: trays scanned
against an order (``orders receive --scan``), the seller's EPCIS document imported, the four
groups with their counts, the exceptions it opens (once), then seller contacted and resolved;
each with ``--json``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from tests.conftest import EXAMPLES, TESTER, priced_storeroom
from tests.dscsa_shipments import GTIN, ship
from tests.e2e.cli_runner import Ran, Rx

from rxsupply.adapters.database import make_engine

FAR = date(2028, 6, 30)


@pytest.fixture
def order(rx: Rx, tmp_path: Path) -> str:
    """A sent order of the example hospital for ondansetron trays, two scanned (one with
    another lot than the document says), and the seller's document for three."""
    for kind in ("items", "locations", "stock"):
        assert rx("import", kind, str(EXAMPLES / f"{kind}.csv")).code == 0
    engine = make_engine(f"sqlite:///{rx.db}")
    priced_storeroom(engine, {"ONDA4INJ": (400, 600)})
    (draft,) = rx("orders", "suggest", "--json").json()["orders"]
    number = str(draft["number"])
    assert rx("orders", "approve", number, "--out-dir", str(tmp_path)).code == 0
    ship(engine, number, [("S1", "ON1", FAR), ("S2", "ON1", FAR), ("S3", "ON1", FAR)])
    engine.dispose()
    for serial, lot in (("S1", "ON1"), ("S2", "ON2")):
        scan = f"(01){GTIN}(17)280630(10){lot}(21){serial}"
        ran = rx("orders", "receive", number, "--scan", scan)
        assert ran.code == 0, ran.err
    return number


def test_reconcile_prints_the_four_groups_and_opens_each_exception_once(rx: Rx, order: str) -> None:
    shown = rx("dscsa", "reconcile", order)
    again = rx("dscsa", "reconcile", order, "--json").json()

    assert shown.code == 0, shown.err
    text = " ".join(shown.out.split())
    for line in (
        "matched: 1",
        "expected but not scanned: 1",
        "scanned but not expected: 0",
        "data mismatches: 1",
        "exceptions opened: 2",
    ):
        assert line in text
    assert again["counts"] == {
        "matched": 1,
        "missing": 1,
        "unexpected": 0,
        "mismatched": 1,
        "unconfirmed": 0,
        "duplicates": 0,
    }
    assert again["opened"] == [] and again["open_exceptions"] == 2
    assert [s["identifier"] for s in again["scanned"]] == [f"01{GTIN}21S1", f"01{GTIN}21S2"]


def test_an_exception_is_contacted_then_resolved_and_leaves_the_open_list(
    rx: Rx, order: str
) -> None:
    rx("dscsa", "reconcile", order)
    listed = rx("dscsa", "exceptions", "--open", "--order", order, "--json").json()
    lot = next(e for e in listed if e["kind"] == "lot_mismatch")

    contacted = rx(
        "dscsa", "exception", str(lot["id"]), "contacted", "--note", "asked for a corrected TI"
    )
    refused = rx("dscsa", "exception", str(lot["id"]), "resolve")
    resolved = rx(
        "dscsa", "exception", str(lot["id"]), "resolve", "--note", "corrected document", "--json"
    )
    still_open = rx("dscsa", "exceptions", "--open", "--json").json()
    everything = rx("dscsa", "exceptions")

    assert (lot["expected"], lot["found"]) == ("ON1", "ON2")
    assert contacted.code == 0, contacted.err
    assert refused.code == 1 and "say how it was resolved" in refused.message
    assert resolved.json()["state"] == "resolved"
    assert [(s["state"], s["user"]) for s in resolved.json()["steps"]] == [
        ("open", TESTER),
        ("seller_contacted", TESTER),
        ("resolved", TESTER),
    ]
    assert [e["kind"] for e in still_open] == ["missing"]
    assert "lot_mismatch" in everything.out and "resolved" in everything.out


def test_an_unknown_order_or_exception_exits_1_with_the_reason(rx: Rx, order: str) -> None:
    unknown_order = rx("dscsa", "reconcile", "PO999999")
    unknown_exception = rx("dscsa", "exception", "999", "contacted", "--note", "x")
    bad_step = rx("dscsa", "exception", "1", "closed", "--note", "x")

    assert unknown_order.code == 1 and "unknown purchase order 'PO999999'" in unknown_order.message
    assert unknown_exception.code == 1 and "unknown exception 999" in unknown_exception.message
    assert bad_step.code == 1
    assert "step 'closed': one of contacted, resolve (or seller_contacted, " \
        "resolved)" in bad_step.message  # fmt: skip


def test_a_package_the_document_ships_without_a_lot_is_listed_unconfirmed(
    rx: Rx, tmp_path: Path
) -> None:
    for kind in ("items", "locations", "stock"):
        assert rx("import", kind, str(EXAMPLES / f"{kind}.csv")).code == 0
    engine = make_engine(f"sqlite:///{rx.db}")
    priced_storeroom(engine, {"ONDA4INJ": (400, 600)})
    (draft,) = rx("orders", "suggest", "--json").json()["orders"]
    number = str(draft["number"])
    assert rx("orders", "approve", number, "--out-dir", str(tmp_path)).code == 0
    ship(engine, number, [("S1", "ON1", FAR), ("S2", "ON2", FAR)], unlotted=["ON2"])
    engine.dispose()
    for serial, lot in (("S1", "ON1"), ("S2", "ON2")):
        scan = f"(01){GTIN}(17)280630(10){lot}(21){serial}"
        assert rx("orders", "receive", number, "--scan", scan).code == 0

    shown = rx("dscsa", "reconcile", number)
    again = rx("dscsa", "reconcile", number, "--json").json()

    assert shown.code == 0, shown.err
    text = " ".join(shown.out.split())
    assert "matched: 1" in text and "unconfirmed (the document gives no lot or expiry): 1" in text
    assert f"01{GTIN}21S2" in text and "no lot, no expiry" in text and "lot ON2" in text
    assert again["counts"]["unconfirmed"] == 1 and again["counts"]["matched"] == 1
    assert [u["identifier"] for u in again["unconfirmed"]] == [f"01{GTIN}21S2"]
    assert again["unconfirmed"][0]["lacks"] == ["lot", "expiry"]


def test_a_package_received_on_hold_is_said_on_hold_with_the_shelf_and_the_reason(
    rx: Rx, tmp_path: Path
) -> None:
    for kind in ("items", "locations", "stock"):
        assert rx("import", kind, str(EXAMPLES / f"{kind}.csv")).code == 0
    engine = make_engine(f"sqlite:///{rx.db}")
    priced_storeroom(engine, {"ONDA4INJ": (400, 600)})
    (draft,) = rx("orders", "suggest", "--json").json()["orders"]
    number = str(draft["number"])
    assert rx("orders", "approve", number, "--out-dir", str(tmp_path)).code == 0
    packages = [("S1", "ON1", FAR), ("S2", "ON2", FAR), ("S3", "ON2", FAR)]
    ship(engine, number, packages, unlotted=["ON2"])
    engine.dispose()

    def receive(serial: str, lot: str, *json: str) -> Ran:
        scan = f"(01){GTIN}(17)280630(10){lot}(21){serial}"
        return rx("orders", "receive", number, "--scan", scan, *json)

    held = receive("S2", "ON2")
    held_json = receive("S3", "ON2", "--json")
    usable = receive("S1", "ON1")
    usable_json = receive("S4", "ON1", "--json")

    assert held.code == 0, held.err
    text = " ".join(held.out.split())
    assert f"ON HOLD: GTIN {GTIN} serial S2 (lot ON2, at MAIN-STORE) is quarantined" in text
    assert "set it apart on the quarantine shelf, do not put it away" in text
    assert "(lot_expiry_missing) of order" in text
    (answer,) = held_json.json()["held"]
    assert (answer["serial"], answer["lot"], answer["status"]) == ("S3", "ON2", "quarantined")
    assert "(lot_expiry_missing)" in answer["reason"] and answer["location"] == "MAIN-STORE"
    assert usable.code == 0 and "ON HOLD" not in usable.out
    assert usable_json.json()["held"] == []
