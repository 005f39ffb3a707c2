"""``rxsupply orders asn | notices | receive --asn | invoice | match`` end to end on the example
hospital: a ship notice for another buyer refused naming the segment, nothing written; the
right one recorded once; a receipt of a lot it does not list recorded; the invoice matched."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import EXAMPLES, priced_storeroom
from tests.e2e.cli_runner import Rx
from tests.x12_samples import SENDER, acknowledgement, invoice, ship_notice

from rxsupply.adapters.database import make_engine

TRAY11 = "98765040102"


@pytest.fixture
def order(rx: Rx, tmp_path: Path) -> str:
    """A sent order of the example hospital: ondansetron, 10 trays at $15.00."""
    for kind in ("items", "locations", "stock"):
        assert rx("import", kind, str(EXAMPLES / f"{kind}.csv")).code == 0
    engine = make_engine(f"sqlite:///{rx.db}")
    priced_storeroom(engine, {"ONDA4INJ": (400, 600)})
    engine.dispose()
    (draft,) = rx("orders", "suggest", "--json").json()["orders"]
    assert rx("orders", "approve", draft["number"], "--out-dir", str(tmp_path)).code == 0
    return str(draft["number"])


def test_a_ship_notice_and_an_invoice_go_through_the_command_line(
    rx: Rx, order: str, tmp_path: Path
) -> None:
    theirs, ours, bill = tmp_path / "theirs.856", tmp_path / "ours.856", tmp_path / "bill.810"
    theirs.write_text(ship_notice(order, [(TRAY11, "L1", "20280630", 10)], buyer="OTHERHOSP"))
    ours.write_text(ship_notice(order, [(TRAY11, "ON2611X", "20280630", 10)]))
    bill.write_text(invoice(order, [(TRAY11, 10, "15.40")]))

    refused = rx("orders", "asn", str(theirs))
    nothing = rx("orders", "notices", order, "--json")
    recorded = rx("orders", "asn", str(ours), "--json")
    again = rx("orders", "asn", str(ours))
    received = rx(
        "orders", "receive", order, "--asn", "SHP-5501", "--ndc", "98765-401-02",
        "--lot", "ON2699Q", "--expiry", "2028-06-30", "--packages", "9",
    )  # fmt: skip
    billed = rx("orders", "invoice", str(bill), "--json")
    loose = rx("orders", "match", order, "--price-tolerance", "3%", "--quantity-tolerance", "1")

    assert refused.code == 1
    assert "N104" in refused.message and "OTHERHOSP" in refused.message
    assert nothing.json() == []
    assert (recorded.json()["packages"], recorded.json()["duplicate"]) == (10, False)
    assert "recorded already" in again.message
    assert "recorded not_as_shipped: lot ON2699Q" in received.message
    assert (billed.json()["status"], billed.json()["price_variance"]) == ("both", "4.00")
    assert "INV-88123" in loose.out and "matched" in loose.out
    assert "price variance $4.00" in " ".join(loose.out.split())


def test_an_invoice_that_does_not_add_up_exits_1_naming_tds01(
    rx: Rx, order: str, tmp_path: Path
) -> None:
    bill = tmp_path / "bill.810"
    bill.write_text(invoice(order, [(TRAY11, 10, "15.00")], total_cents=14000))

    ran = rx("orders", "invoice", str(bill))

    assert ran.code == 1
    assert "TDS01" in ran.message and "150.00" in ran.message
    assert rx("orders", "match", order, "--json").json() == []


def test_a_partial_receipt_prints_each_lines_packages_received_so_far(rx: Rx, order: str) -> None:
    ran = rx(
        "orders", "receive", order, "--ndc", "98765-401-02", "--lot", "ON2611X",
        "--expiry", "2028-06-30", "--packages", "3",
    )  # fmt: skip
    shown = rx("orders", "show", order)

    assert ran.code == 0, ran.err
    for out in (ran.out, shown.out):
        header = next(row for row in out.splitlines() if "package_price" in row)
        cells = [c.strip() for c in header.strip("┃").split("┃")]
        assert cells[3:5] == ["packages", "received"]
        row = next(row for row in out.splitlines() if "98765-401-02" in row)
        assert [c.strip() for c in row.strip("│").split("│")][3:5] == ["10", "3"]


def test_an_acknowledgement_and_an_invoice_say_their_sender_was_not_checked_until_it_is(
    rx: Rx, order: str, tmp_path: Path
) -> None:
    line = rx("orders", "show", order, "--json").json()["lines"][0]["line"]
    ack, stray = tmp_path / "ack.855", tmp_path / "stray.855"
    ack.write_text(acknowledgement(order, [(line, "IA", 10)]))
    stray.write_text(acknowledgement(order, [(line, "IA", 10)], sender="OTHERCO"))
    bill = tmp_path / "bill.810"
    bill.write_text(invoice(order, [(TRAY11, 10, "15.00")]))

    acked = rx("orders", "ack", str(ack))
    billed = rx("orders", "invoice", str(bill), "--json")
    rx("partners", "edi-id", "Example Wholesale Drug Co", SENDER)
    refused = rx("orders", "ack", str(stray))
    again = rx("orders", "ack", str(ack), "--json")

    assert acked.code == 0, acked.message
    assert "acknowledged" in acked.out
    assert "warning: the sender was not checked: Example Wholesale Drug Co" in acked.message
    assert billed.json()["warnings"][0].startswith("the sender was not checked")
    assert refused.code == 1
    assert f"{stray}, ISA06: sent by 'OTHERCO'" in refused.message
    assert (again.code, again.json()["warnings"]) == (0, [])
