"""``rxsupply recall`` on the example hospital (today 11/20/2026): a recall of acetaminophen lot
AP2406 entered, its units found in the storeroom and two cabinet pockets, quarantined in one
command, the dispensed units listed, and the recall closed; each with ``--json``."""

from __future__ import annotations

from tests.conftest import EXAMPLES
from tests.e2e.cli_runner import Rx


def hospital(rx: Rx) -> None:
    for kind in ("items", "locations", "stock", "dispenses"):
        assert rx("import", kind, str(EXAMPLES / f"{kind}.csv")).code == 0


def test_a_recall_from_entry_to_close_on_the_command_line(rx: Rx) -> None:
    hospital(rx)

    added = rx(
        "recall", "add", "--number", "D-0123-2027", "--class", "I",
        "--reason", "tablets out of specification", "--firm", "Example Labs",
        "--ndc", "98765-3250-01 AP2406", "--initiated", "2026-11-18", "--json",
    )  # fmt: skip
    assert added.code == 0, added.err
    recall_id = str(added.json()["id"])
    units = rx("recall", "units", recall_id, "--json")
    quarantined = rx("recall", "quarantine", recall_id, "--json")
    again = rx("recall", "quarantine", recall_id, "--json")
    dispensed = rx("recall", "dispensed", recall_id, "--json")
    refused = rx("recall", "close", recall_id, "--disposition", "returned")
    closed = rx(
        "recall", "close", recall_id, "--disposition", "returned",
        "--note", "awaiting the reverse distributor", "--json",
    )  # fmt: skip
    listed = rx("recall", "list", "--json")
    shown = rx("recall", "show", recall_id, "--json")

    assert added.json()["entries"] == [
        {"ndc": "98765-3250-1", "lots": ["AP2406"], "all_lots": False}
    ]
    assert {r["location"]: r["quantity"] for r in units.json()["lines"]} == {
        "MAIN-STORE": 2000,
        "ICU-ADC1-P03": 148,  # 150 less the 2 tablets dispensed on 11/02
        "ED-ADC1-P02": 218,
    }
    assert quarantined.json()["units"] == 2366
    assert (again.json()["changed"], again.json()["already_recalled"]) == ([], 1)
    assert dispensed.json()["follow_up"] is True
    assert dispensed.json()["totals"] == {
        "dispensed": 4,
        "returned": 0,
        "dispenses": 2,
        "returns": 0,
    }
    assert {(r["location"], r["quantity"]) for r in dispensed.json()["lines"]} == {
        ("ICU-ADC1-P03", 2),
        ("ED-ADC1-P02", 2),
    }
    assert refused.code == 1 and "say why" in refused.message
    assert (closed.json()["status"], closed.json()["disposition"]) == ("closed", "returned")
    assert [(r["number"], r["status"]) for r in listed.json()] == [("D-0123-2027", "closed")]
    assert (shown.json()["closed_by"], shown.json()["disposition_note"]) == (
        "tester",
        "awaiting the reverse distributor",
    )


def test_the_tables_say_where_the_units_are_and_a_bad_class_is_refused(rx: Rx) -> None:
    hospital(rx)
    rx(
        "recall", "add", "--number", "R-1", "--class", "II", "--reason", "label mix-up",
        "--ndc", "98765-3250-01",
    )  # fmt: skip

    table = rx("recall", "units", "1")
    bad = rx(
        "recall", "add", "--number", "R-2", "--class", "IV", "--reason", "x",
        "--ndc", "98765-3250-01",
    )  # fmt: skip
    not_ndc = rx(
        "recall", "add", "--number", "R-3", "--class", "I", "--reason", "x", "--ndc", "A1 L1"
    )

    assert table.code == 0, table.err
    assert "2,366 unit(s) in 3 location(s)" in table.out and "ED-ADC1-P02" in table.out
    assert bad.code == 1 and "class 'IV': I, II or III" in bad.message
    assert not_ndc.code == 1 and "ndcs: line 1: ndc 'A1'" in not_ndc.message
    assert [r["number"] for r in rx("recall", "list", "--json").json()] == ["R-1"]


def test_the_dispensed_table_shows_the_latest_lines_and_the_json_all_of_them(rx: Rx) -> None:
    hospital(rx)
    added = rx(
        "recall", "add", "--number", "R-9", "--class", "II", "--reason", "subpotent",
        "--ndc", "98765-3250-01 AP2406", "--json",
    )  # fmt: skip
    recall_id = str(added.json()["id"])

    table = rx("recall", "dispensed", recall_id, "--limit", "1")
    every = rx("recall", "dispensed", recall_id, "--json")
    latest = rx("recall", "dispensed", recall_id, "--json", "--limit", "1")
    refused = rx("recall", "dispensed", recall_id, "--limit", "0")

    assert table.code == 0, table.err
    assert "The latest 1 of 2" in table.out
    assert (every.json()["shown"], every.json()["line_count"]) == (2, 2)
    (line,) = latest.json()["lines"]
    assert line["occurred_at"] == max(r["occurred_at"] for r in every.json()["lines"])
    assert refused.code != 0


def test_a_lot_named_in_another_case_is_found_and_one_not_on_record_is_said(rx: Rx) -> None:
    hospital(rx)

    added = rx(
        "recall", "add", "--number", "R-8", "--class", "II", "--reason", "subpotent",
        "--ndc", "98765-3250-01 ap2406 AP24O7", "--json",
    )  # fmt: skip
    units = rx("recall", "units", str(added.json()["id"]), "--json")

    assert added.json()["warnings"] == [
        "98765-3250-1 lot AP24O7 is not on record here; close to AP2406"
    ]
    assert units.json()["units"] == 2366
