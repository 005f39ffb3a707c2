"""``rxsupply shortages board | show | stress-test | risk`` end to end on the example hospital:
the board's JSON contract (one object per affected item of an active shortage), a shortage's
impact, a supplier's outage and sole-source risk."""

from __future__ import annotations

from tests.conftest import EXAMPLES
from tests.e2e.cli_runner import Rx

CONTRACT = {
    "shortage",
    "item",
    "match",
    "days_of_supply",
    "projected_stockout",
    "projected_stockout_p10",
}


def hospital(rx: Rx) -> None:
    for kind in ("items", "locations", "stock", "dispenses"):
        assert rx("import", kind, str(EXAMPLES / f"{kind}.csv")).code == 0


def test_the_board_lists_each_item_of_an_active_shortage_with_its_projection(rx: Rx) -> None:
    hospital(rx)
    empty = rx("shortages", "board", "--json")
    rx("shortages", "add", "--item", "ONDA4INJ", "--reason", "wholesaler backorder")
    rx("shortages", "add", "--item", "MORPH2INJ", "--reason", "manufacturer letter")
    resolved = rx("shortages", "add", "--item", "APAP325TAB", "--reason", "backorder", "--json")
    rx("shortages", "resolve", str(resolved.json()["id"]))

    board = rx("shortages", "board", "--json")
    table = rx("shortages", "board")
    onda = next(r for r in board.json() if r["item"] == "ONDA4INJ")
    shown = rx("shortages", "show", str(onda["shortage"]), "--json")
    bulletin = rx("shortages", "bulletin", str(onda["shortage"]))
    as_json = rx("shortages", "bulletin", str(onda["shortage"]), "--format", "json")
    weekly = rx("shortages", "weekly")

    assert empty.json() == []
    assert board.code == 0, board.err
    assert sorted(r["item"] for r in board.json()) == ["MORPH2INJ", "ONDA4INJ"]
    assert all(set(r) >= CONTRACT for r in board.json())
    assert onda["match"] == "item"
    assert onda["on_hand"] > 0
    assert onda["daily_use"] > 0  # the example dispenses of 11/02-11/03
    # days of supply: on hand over daily use (which the JSON rounds to the cent)
    assert abs(onda["days_of_supply"] * onda["daily_use"] / onda["on_hand"] - 1) < 0.15
    assert onda["projected_stockout_p10"] is None or (
        onda["projected_stockout_p10"] <= (onda["projected_stockout"] or "9999")
    )
    assert "Shortage board" in table.out and "ONDA4INJ" in table.out
    impact = shown.json()["impact"]
    assert [r["item"] for r in impact] == ["ONDA4INJ"]
    assert len(impact[0]["curve"]) == 26  # weekly points over 180 days
    assert bulletin.out.startswith("# Drug shortage bulletin: ")
    assert "## Impact" in bulletin.out and "| ONDA4INJ ondansetron" in bulletin.out
    assert "wholesaler backorder" in bulletin.out  # the reason of a shortage recorded by hand
    assert as_json.json()["impact"][0]["item"] == "ONDA4INJ"
    assert "2 active shortages; 3 started and 1 ended this week." in weekly.out


def test_a_stress_test_and_the_sole_source_risk_from_the_command_line(rx: Rx) -> None:
    hospital(rx)

    found = rx("shortages", "stress-test", "--supplier", "Example Labs", "--days", "60", "--json")
    table = rx("shortages", "stress-test", "--supplier", "example labs", "--days", "60")
    unknown = rx("shortages", "stress-test", "--supplier", "Nobody Inc", "--days", "60")
    risk = rx("shortages", "risk", "--json")

    assert found.code == 0, found.err
    result = found.json()
    assert (result["supplier"], result["kind"], result["days"]) == (
        "Example Labs",
        "manufacturer",
        60,
    )
    assert {r["item"] for r in result["items"]} >= {"ONDA4INJ", "MORPH2INJ", "APAP325TAB"}
    assert "Example Labs" in table.out and "depend on it alone" in " ".join(table.out.split())
    assert unknown.code == 1 and "unknown supplier 'Nobody Inc'" in unknown.message
    morphine = next(r for r in risk.json() if r["item"] == "MORPH2INJ")
    assert "one manufacturer" in morphine["reasons"]
    assert morphine["buffer_units"] is not None  # vital, one manufacturer
