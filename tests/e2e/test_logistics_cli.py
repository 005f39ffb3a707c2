"""``rxsupply putaway`` and ``rxsupply transfers``, end to end on a SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import EXAMPLES
from tests.e2e.cli_runner import Rx
from tests.e2e.test_cli import datamatrix
from tests.integration.services.test_repackaging import HOUSE_NDC, HOUSE_ROW

KINDS = ("items", "locations", "stock")


@pytest.fixture
def hospital(rx: Rx, tmp_path: Path) -> Rx:
    """The example hospital, its storeroom with two bins (one for ondansetron)."""
    for kind in KINDS:
        ran = rx("import", kind, str(EXAMPLES / f"{kind}.csv"))
        assert ran.code == 0, ran.err
    bins = tmp_path / "bins.csv"
    bins.write_text(
        "code,name,kind,parent,capacity,item,unit\n"
        "STORE-A1,Bin A1,pocket,MAIN-STORE,,ONDA4INJ,\n"
        "STORE-A2,Bin A2,pocket,MAIN-STORE,,,\n"
    )
    ran = rx("import", "locations", str(bins))
    assert ran.code == 0, ran.err
    return rx


def test_putaway_lists_the_floor_and_shelves_a_lot_and_a_scanned_package(hospital: Rx) -> None:
    listed = hospital("putaway", "--json")
    by_lot = hospital("putaway", "ON2411A", "--to", "STORE-A1", "--quantity", "200")
    scanned = hospital("putaway", datamatrix("00398765401027", serial="SN1"), "--to", "STORE-A1")
    after = hospital("putaway", "list", "--json")

    assert listed.code == 0, listed.err
    assert {(r["lot"], r["bin"], r["quantity"]) for r in listed.json()} >= {
        ("ON2411A", "STORE-A1", 250),
        ("AP2406", "STORE-A2", 2000),
    }
    assert by_lot.code == 0, by_lot.err
    assert "put away 200 units into STORE-A1" in by_lot.out
    assert scanned.code == 0, scanned.err
    assert hospital.stock("--location", "STORE-A1")[("STORE-A1", "ON2411A")] == 225
    assert ("ON2411A", 25) in {(r["lot"], r["quantity"]) for r in after.json()}


def test_putaway_into_a_cabinet_pocket_is_refused_with_a_message(hospital: Rx) -> None:
    ran = hospital("putaway", "ON2411A", "--to", "ICU-ADC1-P01")

    assert ran.code == 1
    assert "ICU-ADC1-P01 is not a bin of a storeroom" in ran.message


def test_a_transfer_is_requested_picked_shipped_and_received_on_the_command_line(
    hospital: Rx,
) -> None:
    requested = hospital(
        "transfers", "request", "MAIN-STORE", "OR-SAT", "30", "--item", "ONDA4INJ", "--json"
    )
    number = requested.json()["number"]
    picked = hospital("transfers", "pick", number, "--json")
    shipped = hospital("transfers", "ship", number)
    cancel = hospital("transfers", "cancel", number, "--reason", "changed my mind")
    received = hospital("transfers", "receive", number, "--quantity", "28", "--json")
    again = hospital("transfers", "receive", number)
    listed = hospital("transfers", "list", "--status", "received", "--json")
    shown = hospital("transfers", "show", number)

    assert requested.json()["status"] == "requested"
    assert [(ln["lot"], ln["quantity"]) for ln in picked.json()["lines"]] == [("ON2411A", 30)]
    assert shipped.code == 0 and "in_transit" in shipped.out
    assert cancel.code == 1 and "has shipped" in cancel.message
    assert (received.json()["received"], received.json()["short"]) == (28, 2)
    assert again.code == 1 and "is received" in again.message
    assert [t["number"] for t in listed.json()] == [number]
    assert "2 short" in shown.out
    stock = hospital.stock()
    assert stock[("OR-SAT", "ON2411A")] == 28
    assert stock[("MAIN-TRANSIT", "ON2411A")] == 2


def test_the_one_step_transfer_command_still_moves_stock(hospital: Rx) -> None:
    ran = hospital("transfer", "MAIN-STORE", "OR-SAT", "5", "--item", "ONDA4INJ")

    assert ran.code == 0, ran.err
    assert hospital.stock()[("OR-SAT", "ON2411A")] == 5


def test_repackage_writes_the_label_and_refuses_a_recalled_lot(
    hospital: Rx, tmp_path: Path
) -> None:
    header = (EXAMPLES / "items.csv").read_text().splitlines()[0]
    house = tmp_path / "house.csv"
    house.write_text(header + "\n" + HOUSE_ROW)
    assert hospital("import", "items", str(house)).code == 0
    labels = tmp_path / "labels"
    common = ("--from", "98765-3250-01", "--to-ndc", HOUSE_NDC, "--at", "MAIN-STORE")

    done = hospital(
        "repackage", *common, "--lot", "AP2406", "--units", "50", "--bud-days", "30",
        "--to-lot", "RP7", "--out", str(labels), "--json",
    )  # fmt: skip
    text = hospital(
        "repackage", *common, "--lot", "AP2406", "--units", "5", "--to-lot", "RP8",
        "--out", str(labels),
    )  # fmt: skip
    quarantined = hospital(
        "quarantine", "98765-3250-01", "AP2406", "--status", "recalled", "--reason", "recall"
    )
    refused = hospital(
        "repackage", *common, "--lot", "AP2406", "--units", "5", "--to-lot", "RP9",
        "--out", str(labels),
    )  # fmt: skip

    assert done.code == 0, done.err
    shown = done.json()
    assert (shown["lot"], shown["expiry"], shown["units"]) == ("RP7", "2026-12-20", 50)
    assert shown["element_string"] == "0100399999325011172612201" + "0RP7"
    assert (labels / "RP7.png").read_bytes().startswith(b"\x89PNG")
    assert "(01)00399999325011(17)261220(10)RP7" in (labels / "RP7.svg").read_text()
    assert text.code == 0, text.err
    assert "expiring 2027-05-19" in text.out
    assert "(01)00399999325011(17)270519(10)RP8" in text.out
    assert quarantined.code == 0, quarantined.err
    assert "RP7: available -> recalled (50 units) repackaged from 98765-3250-1 lot AP2406" in (
        " ".join(quarantined.out.split())
    )
    assert "RP8: available -> recalled (5 units)" in quarantined.out
    assert refused.code == 1 and "recalled" in refused.message
    assert hospital.stock()[("MAIN-STORE", "RP7")] == 50
