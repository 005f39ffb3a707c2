"""``rxsupply counts`` and ``rxsupply controlled`` end to end: a blind cycle count entered,
submitted, refused to a technician and before approval, approved by a manager and posted once;
a controlled-substance count refused without a distinct witness; the perpetual and biennial
inventories."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from tests.conftest import EXAMPLES
from tests.e2e.cli_runner import Rx

PASSWORD = "long enough 1"


@pytest.fixture
def hospital(rx: Rx) -> Rx:
    for kind in ("items", "locations", "stock"):
        assert rx("import", kind, str(EXAMPLES / f"{kind}.csv")).code == 0
    people = [("tester", "admin"), ("tara", "technician"), ("theo", "technician")]
    people.append(("mia", "manager"))
    for name, role in people:
        assert rx("users", "add", name, "--role", role, "--password", PASSWORD).code == 0
    return rx


def started(rx: Rx, *args: str) -> dict[str, object]:
    ran = rx("--user", "tara", "counts", "start", *args, "--json")
    assert ran.code == 0, ran.err
    data: dict[str, object] = ran.json()
    return data


def enter(rx: Rx, count: dict[str, object], by_lot: dict[str, int]) -> None:
    lines = count["lines"]
    assert isinstance(lines, list)
    pairs = [f"{ln['id']}={by_lot[ln['lot']]}" for ln in lines]
    ran = rx("--user", "tara", "counts", "enter", str(count["number"]), *pairs)
    assert ran.code == 0, ran.err


def test_everything_never_counted_is_due_today_with_its_class_and_interval(hospital: Rx) -> None:
    ran = hospital("counts", "due", "--location", "ICU-ADC1", "--json")

    rows = {(r["location"], r["item"]): r for r in ran.json()}
    assert set(rows) == {
        ("ICU-ADC1-P01", "ONDA4INJ"),
        ("ICU-ADC1-P02", "MORPH2INJ"),
        ("ICU-ADC1-P03", "APAP325TAB"),
    }
    morphine = rows[("ICU-ADC1-P02", "MORPH2INJ")]
    assert (morphine["interval_days"], morphine["due"], morphine["last_counted"]) == (
        7,
        "2026-11-20",
        None,
    )


def test_a_cycle_count_is_blind_then_approved_by_a_manager_and_posted_once(hospital: Rx) -> None:
    rx = hospital
    count = started(rx, "MAIN-STORE", "--item", "ONDA4INJ")
    number = str(count["number"])
    lines = count["lines"]
    assert isinstance(lines, list)
    assert all("expected" not in ln for ln in lines)
    enter(rx, count, {"ON2411A": 200, "ON2502B": 100})

    submitted = rx("--user", "tara", "counts", "submit", number, "--json").json()
    by_tech = rx("--user", "tara", "counts", "post", number, "--reason", "miscount")
    too_soon = rx("--user", "mia", "counts", "post", number, "--reason", "miscount")
    approved = rx("--user", "mia", "counts", "approve", number)
    done = rx("--user", "mia", "counts", "post", number, "--reason", "unrecorded-dispense")
    again = rx("--user", "mia", "counts", "post", number, "--reason", "miscount")

    assert (submitted["variance_units"], submitted["variance_value"]) == (-50, "-37.50")
    assert by_tech.code == 1 and "tara (technician) may not adjust" in by_tech.message
    assert too_soon.code == 1 and "needs a manager's approval" in too_soon.message
    assert approved.code == 0, approved.err
    assert done.code == 0, done.err
    assert "posted" in done.out
    assert again.code == 1 and "only a submitted or approved count" in again.message
    assert rx.stock("--location", "MAIN-STORE")[("MAIN-STORE", "ON2411A")] == 200
    ledger = rx("ledger", "ONDA4INJ", "--json").json()
    variances = [m for m in ledger if m["kind"] == "count_variance"]
    assert [(m["quantity"], m["from_location"]) for m in variances] == [(50, "MAIN-STORE")]


def test_a_controlled_count_needs_a_witness_other_than_the_counter(hospital: Rx) -> None:
    rx = hospital
    count = started(rx, "ICU-ADC1", "--item", "MORPH2INJ")
    number = str(count["number"])
    enter(rx, count, {"MS2409": 15})

    alone = rx("--user", "tara", "counts", "submit", number)
    self_witness = rx(
        "--user",
        "tara",
        "counts",
        "submit",
        number,
        "--witness",
        "tara",
        "--witness-password",
        PASSWORD,
    )
    still = rx("counts", "show", number, "--json").json()
    witnessed = rx(
        "--user",
        "tara",
        "counts",
        "submit",
        number,
        "--witness",
        "theo",
        "--witness-password",
        PASSWORD,
        "--json",
    )

    unasked = rx("--user", "tara", "counts", "submit", number, "--witness", "tara")
    assert alone.code == 1 and "it needs two people" in alone.message
    assert self_witness.code == 1 and "someone other than the counter" in self_witness.message
    # refused before a password is asked for (the runner types none)
    assert unasked.code == 1 and "someone other than the counter (tara)" in unasked.message
    assert "password" not in unasked.out
    assert (still["status"], still["witness"]) == ("open", "")
    assert witnessed.code == 0, witnessed.err
    assert (witnessed.json()["witness"], witnessed.json()["variance_units"]) == ("theo", 0)


def test_the_perpetual_and_biennial_inventories_of_controlled_substances(
    hospital: Rx, tmp_path: Path
) -> None:
    perpetual = hospital("controlled", "perpetual", "--location", "ICU-ADC1", "--json").json()
    out = tmp_path / "biennial.csv"
    wrote = hospital("controlled", "biennial", "--out", str(out))
    page = tmp_path / "biennial.html"
    printable = hospital("controlled", "biennial", "--date", "2026-11-20", "--out", str(page))

    assert [(r["location"], r["quantity"], r["balance"]) for r in perpetual] == [
        ("ICU-ADC1-P02", 15, 15)
    ]
    assert wrote.code == 0, wrote.err
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["schedule"], r["location"], r["ndc"], r["units"]) for r in rows] == [
        ("CII", "ICU-ADC1-P02", "98765-0210-1", "15"),
        ("CII", "MAIN-STORE", "98765-0210-1", "60"),
    ]
    assert rows[0]["date"] == "2026-11-20" and "DEA" in rows[0]["registrant"]
    assert printable.code == 0, printable.err
    assert '<table id="schedule-ii">' in page.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("pair", "said"),
    [
        ("{line}=²", "counted-{line} '²': not a whole number"),
        ("{line}=" + "9" * 400, "counted-{line} "),
        ("²=5", "counted '²=5': LINE=VALUE"),
    ],
)
def test_a_counted_quantity_that_is_not_a_plain_number_is_refused_by_name(
    hospital: Rx, pair: str, said: str
) -> None:
    count = started(hospital, "MAIN-STORE", "--item", "APAP325TAB")
    lines = count["lines"]
    assert isinstance(lines, list)
    line = lines[0]["id"]

    ran = hospital(
        "--user", "tara", "counts", "enter", str(count["number"]), pair.format(line=line)
    )
    shown = hospital("counts", "show", str(count["number"]), "--json").json()

    assert ran.code != 0 and said.format(line=line) in ran.err, ran.err
    assert "Traceback" not in ran.err
    assert shown["lines"][0]["counted"] is None


def test_a_count_is_cancelled_with_a_reason_a_submitted_one_by_a_manager(hospital: Rx) -> None:
    count = started(hospital, "MAIN-STORE", "--item", "APAP325TAB")
    number = str(count["number"])
    enter(hospital, count, {"AP2406": 1990})
    submitted = hospital("--user", "tara", "counts", "submit", number)

    by_tech = hospital("--user", "tara", "counts", "cancel", number, "--reason", "recount")
    by_manager = hospital(
        "--user", "mia", "counts", "cancel", number, "--reason", "recount", "--json"
    )
    recount = started(hospital, "MAIN-STORE", "--item", "APAP325TAB")

    assert submitted.code == 0, submitted.err
    assert by_tech.code != 0 and "a manager cancels it" in by_tech.err
    assert by_manager.code == 0 and by_manager.json()["status"] == "cancelled"
    assert recount["number"] != number
