"""The ``rxsupply`` command line, end to end and in-process, on a SQLite file.

How the CLI is driven: each test calls :func:`rxsupply.entrypoints.cli.main` with an argument
list, the function the installed ``rxsupply`` script runs, and not
``typer.testing.CliRunner().invoke(app, ...)``. ``main`` is where an error becomes what a user
sees (a message on stderr and exit code 1); CliRunner on ``app`` skips ``main`` and would hand the
tests raw exceptions instead. ``main`` returns on success and raises ``SystemExit`` on failure;
:class:`Rx` turns both into an exit code, and reads stdout and stderr through ``capsys`` (Rich's
consoles look up ``sys.stdout``/``sys.stderr`` when they print, so capsys sees them). Off a
terminal Rich wraps messages at 80 columns, so messages are compared with whitespace collapsed
(:attr:`Ran.message`), and data is read from ``--json`` output.

The clock the commands read (``cli.context.now``, and the facility's day derived from it) is fixed
at ``NOW`` so that opening stock and receipts get a known date; ``scan`` reads the clock only for
the GS1 century window.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select, update
from tests.conftest import EXAMPLES, shared_data
from tests.e2e.cli_runner import Rx

from rxsupply.adapters import tables
from rxsupply.adapters.database import head_revisions, make_engine
from rxsupply.adapters.gs1 import GS
from rxsupply.domain.ndc import NDC, gs1_check_digit

KINDS = ("items", "locations", "stock", "dispenses", "purchases")
STOCK_KEYS = {"item", "item_name", "location", "ndc", "lot", "expiry", "quantity", "unit", "value"}
SCAN_KEYS = {
    "gtin",
    "indicator",
    "case_packages",
    "units",
    "ndc",
    "lot",
    "expiry",
    "serial",
    "product",
}


@pytest.fixture
def hospital(rx: Rx) -> Rx:
    """The five example files imported through the CLI."""
    for kind in KINDS:
        ran = rx("import", kind, str(EXAMPLES / f"{kind}.csv"))
        assert ran.code == 0, ran.err
    return rx


def datamatrix(gtin: str, *, expiry: str = "270331", lot: str = "ON2411A", serial: str = "") -> str:
    """What a 2D scanner sends for a GS1 DataMatrix: ]d2, then (01)(17)(10) GS (21)."""
    data = f"]d201{gtin}17{expiry}10{lot}"
    return data + (f"{GS}21{serial}" if serial else "")


# --- imports and queries -------------------------------------------------------------------


def test_importing_the_example_files_reports_rows_and_writes_for_each(rx: Rx) -> None:
    results = []

    for kind in KINDS:
        ran = rx("import", kind, str(EXAMPLES / f"{kind}.csv"), "--json")
        assert ran.code == 0, ran.err
        results.extend(ran.json())

    data_rows = {k: len((EXAMPLES / f"{k}.csv").read_text().splitlines()) - 1 for k in KINDS}
    assert [(r["kind"], r["file"], r["rows"]) for r in results] == [
        (k, f"{k}.csv", data_rows[k]) for k in KINDS
    ]
    assert all(r["written"] > 0 and r["skipped"] == {} for r in results)


def test_importing_an_example_file_again_writes_nothing_and_says_it_skipped_the_rows(
    hospital: Rx,
) -> None:
    before = hospital.stock()

    ran = hospital("import", "dispenses", str(EXAMPLES / "dispenses.csv"), "--json")

    assert ran.code == 0, ran.err
    assert ran.json() == [
        {
            "kind": "dispenses",
            "file": "dispenses.csv",
            "rows": 8,
            "written": 0,
            "skipped": {"already imported": 8},
        }
    ]
    assert hospital.stock() == before


def test_stock_as_json_is_an_array_of_objects_with_the_documented_keys(hospital: Rx) -> None:
    ran = hospital("stock", "--json")

    assert ran.code == 0, ran.err
    rows = ran.json()
    assert isinstance(rows, list)
    assert rows
    assert all(isinstance(r, dict) and r.keys() >= STOCK_KEYS for r in rows)
    assert all(isinstance(r["quantity"], int) and r["quantity"] > 0 for r in rows)
    # 2,870 units of opening stock, 9 dispensed, 1 wasted, 1 returned by a patient
    assert sum(r["quantity"] for r in rows) == 2870 - 9 - 1 + 1


def test_stock_shows_each_lots_status_so_a_quarantined_lot_is_not_taken_for_usable_stock(
    hospital: Rx,
) -> None:
    blocked = hospital("--user", "tester", "quarantine", "98765-401-02", "ON2411A", "--reason", "x")
    assert blocked.code == 0, blocked.err

    table = hospital("stock", "--item", "ONDA4INJ")
    listed = hospital("stock", "--item", "ONDA4INJ", "--json")

    assert table.code == 0, table.err
    assert "status" in table.out
    assert "quarantined" in table.out
    assert {(r["location"], r["lot"], r["status"]) for r in listed.json()} >= {
        ("ICU-ADC1-P01", "ON2411A", "quarantined"),
        ("MAIN-STORE", "ON2411A", "quarantined"),
    }


def test_stock_of_an_adc_includes_the_stock_in_its_pockets(hospital: Rx) -> None:
    ran = hospital("stock", "--location", "ICU-ADC1", "--json")

    assert ran.code == 0, ran.err
    assert {(r["location"], r["item"], r["quantity"]) for r in ran.json()} == {
        ("ICU-ADC1-P01", "ONDA4INJ", 30),  # 30, one dispensed, one returned
        ("ICU-ADC1-P02", "MORPH2INJ", 13),  # 15, one dispensed, one wasted
        ("ICU-ADC1-P03", "APAP325TAB", 148),  # 150, two dispensed
    }


def test_the_ledger_of_an_item_lists_its_movements_newest_first(hospital: Rx) -> None:
    ran = hospital("ledger", "ONDA4INJ", "--json")

    assert ran.code == 0, ran.err
    rows = ran.json()
    times = [datetime.fromisoformat(r["occurred_at"]) for r in rows]
    assert times == sorted(times, reverse=True)
    assert [r["kind"] for r in rows] == ["adjustment"] * 4 + [
        "dispense",
        "patient_return",
        "dispense",
        "dispense",
    ]
    assert [r["external_id"] for r in rows[4:]] == [
        "txn:ED1-000003",
        "txn:ICU1-000005",
        "txn:ED1-000001",
        "txn:ICU1-000001",
    ]
    assert {r["note"] for r in rows[:4]} == {"opening stock"}


def corrupt_on_hand(db: Path, *, location: str, lot: str, by: int) -> None:
    """Change an on-hand row directly, behind the ledger's back."""
    engine = make_engine(f"sqlite:///{db}")
    oh = tables.on_hand
    with engine.begin() as conn:
        loc_id = select(tables.location.c.id).where(tables.location.c.code == location)
        lot_id = select(tables.lot.c.id).where(tables.lot.c.lot_number == lot)
        conn.execute(
            update(oh)
            .where(
                oh.c.location_id == loc_id.scalar_subquery(),
                oh.c.lot_id == lot_id.scalar_subquery(),
            )
            .values(quantity=oh.c.quantity + by)
        )
    engine.dispose()


def test_check_passes_on_the_imported_hospital(hospital: Rx) -> None:
    ran = hospital("check")

    assert ran.code == 0, ran.err
    assert "every on-hand equals its ledger sum" in ran.out


def test_check_lists_an_on_hand_changed_behind_the_ledger(hospital: Rx) -> None:
    corrupt_on_hand(hospital.db, location="MAIN-STORE", lot="AP2406", by=7)

    ran = hospital("check", "--json")

    assert ran.json() == [
        {
            "location": "MAIN-STORE",
            "ndc": "98765-3250-1",
            "lot": "AP2406",
            "on_hand": 2007,
            "ledger": 2000,
            "difference": 7,
        }
    ]


@pytest.mark.parametrize("output", [[], ["--json"]], ids=["table", "json"])
def test_check_exits_1_when_an_on_hand_differs_from_its_ledger(
    hospital: Rx, output: list[str]
) -> None:
    corrupt_on_hand(hospital.db, location="MAIN-STORE", lot="AP2406", by=7)

    ran = hospital("check", *output)

    assert ran.code == 1
    assert "MAIN-STORE" in ran.out


# --- scanning ------------------------------------------------------------------------------


def test_scanning_a_datamatrix_of_an_example_product_prints_exactly_the_identifier_keys(
    hospital: Rx,
) -> None:
    gtin = NDC.parse("98765-401-02").gtin14()

    ran = hospital("scan", datamatrix(gtin, serial="SN0000001"), "--json")

    assert ran.code == 0, ran.err
    found = ran.json()
    assert set(found) == SCAN_KEYS
    assert {k: found[k] for k in SCAN_KEYS - {"product"}} == {
        "gtin": gtin,
        "indicator": 0,  # a unit package, not a case
        "case_packages": None,
        "units": 25,
        "ndc": "98765-401-02",
        "lot": "ON2411A",
        "expiry": "2027-03-31",
        "serial": "SN0000001",
    }
    assert found["product"]["name"] == "Ondansetron injection 4 mg/2 mL"
    assert found["product"]["package_size"] == 25


def test_a_scan_with_a_wrong_gtin_check_digit_exits_non_zero_naming_the_check_digit(
    hospital: Rx,
) -> None:
    gtin = NDC.parse("98765-401-02").gtin14()
    wrong = gtin[:13] + str((int(gs1_check_digit(gtin[:13])) + 1) % 10)

    ran = hospital("scan", datamatrix(wrong, serial="SN0000001"))

    assert ran.code != 0
    assert "check digit" in ran.message
    assert f"should be {gtin[-1]}" in ran.message
    assert "Traceback" not in ran.err


def test_a_scan_without_a_serial_number_names_the_missing_21(hospital: Rx) -> None:
    gtin = NDC.parse("98765-401-02").gtin14()

    ran = hospital("scan", datamatrix(gtin))

    assert ran.code != 0
    assert "missing (21) serial" in ran.message


def test_a_scan_of_a_product_nobody_imported_says_unknown_product(hospital: Rx) -> None:
    gtin = NDC.parse("11111-2222-3").gtin14()

    ran = hospital("scan", datamatrix(gtin, serial="SN0000001"))

    assert ran.code != 0
    assert "unknown product" in ran.message
    assert gtin in ran.message


# --- moving stock --------------------------------------------------------------------------


def test_receiving_a_lot_adds_it_to_the_receiving_location(hospital: Rx) -> None:
    ran = hospital(
        "receive", "MAIN-STORE", "98765-401-02", "ON2611Z", "48", "--expiry", "2028-01-31"
    )

    assert ran.code == 0, ran.err
    assert hospital.stock("--location", "MAIN-STORE")[("MAIN-STORE", "ON2611Z")] == 48
    assert hospital("ledger", "ONDA4INJ", "--json").json()[0]["kind"] == "receipt"


def test_a_refill_moves_the_earliest_expiring_lot_from_the_storeroom_to_the_pocket(
    hospital: Rx,
) -> None:
    before = hospital.stock("--item", "ONDA4INJ")

    ran = hospital(
        "transfer", "MAIN-STORE", "ICU-ADC1-P01", "10", "--item", "ONDA4INJ", "--refill", "--json"
    )

    assert ran.code == 0, ran.err
    assert [(m["kind"], m["quantity"]) for m in ran.json()["movements"]] == [("refill", 10)]
    after = hospital.stock("--item", "ONDA4INJ")
    assert after[("MAIN-STORE", "ON2411A")] == before[("MAIN-STORE", "ON2411A")] - 10
    assert after[("ICU-ADC1-P01", "ON2411A")] == before[("ICU-ADC1-P01", "ON2411A")] + 10
    assert after[("MAIN-STORE", "ON2502B")] == before[("MAIN-STORE", "ON2502B")]  # expires later


def test_a_dispense_at_an_adc_takes_the_units_out_of_its_pocket(hospital: Rx) -> None:
    before = hospital.stock("--location", "ICU-ADC1")

    ran = hospital("dispense", "ICU-ADC1", "3", "--item", "APAP325TAB")

    assert ran.code == 0, ran.err
    after = hospital.stock("--location", "ICU-ADC1")
    assert after[("ICU-ADC1-P03", "AP2406")] == before[("ICU-ADC1-P03", "AP2406")] - 3


def test_a_dispense_of_more_than_is_on_hand_exits_1_and_changes_nothing(hospital: Rx) -> None:
    before = hospital.stock()

    ran = hospital("dispense", "ICU-ADC1", "5000", "--item", "APAP325TAB")

    assert ran.code == 1
    assert "only 148 on hand" in ran.message
    assert hospital.stock() == before


def test_adjustments_with_a_reason_change_on_hand_by_the_signed_quantity(hospital: Rx) -> None:
    before = hospital.stock("--location", "MAIN-STORE")[("MAIN-STORE", "ON2411A")]

    down = hospital(
        "adjust", "--reason", "dropped in the pneumatic tube", "--",
        "MAIN-STORE", "98765-401-02", "ON2411A", "-5",
    )  # fmt: skip
    up = hospital("adjust", "MAIN-STORE", "98765-401-02", "ON2411A", "2", "--reason", "found")

    assert (down.code, up.code) == (0, 0), down.err + up.err
    assert hospital.stock("--location", "MAIN-STORE")[("MAIN-STORE", "ON2411A")] == before - 5 + 2
    notes = [m["note"] for m in hospital("ledger", "ONDA4INJ", "--json").json()[:2]]
    assert sorted(notes) == ["dropped in the pneumatic tube", "found"]


def test_a_negative_adjustment_can_be_typed_in_place(hospital: Rx) -> None:
    before = hospital.stock("--location", "MAIN-STORE")[("MAIN-STORE", "ON2411A")]

    ran = hospital("adjust", "MAIN-STORE", "98765-401-02", "ON2411A", "-5", "--reason", "broken")

    assert ran.code == 0, ran.err
    assert hospital.stock("--location", "MAIN-STORE")[("MAIN-STORE", "ON2411A")] == before - 5


def test_adjusting_a_controlled_substance_needs_a_second_user_who_is_a_manager(
    hospital: Rx,
) -> None:
    for name, role in (("tester", "admin"), ("boss", "manager")):
        added = hospital("users", "add", name, "--role", role, "--password", f"{name}-secret1")
        assert added.code == 0, added.err
    before = hospital.stock("--location", "MAIN-STORE")[("MAIN-STORE", "MS2409")]
    adjust = ("adjust", "MAIN-STORE", "98765-0210-1", "MS2409", "-2", "--reason", "broken")

    alone = hospital(*adjust)
    wrong = hospital(*adjust, "--approved-by", "boss", "--approver-password", "not-it-at-all")
    approved = hospital(*adjust, "--approved-by", "boss", "--approver-password", "boss-secret1")

    assert alone.code == 1
    assert "a second user must approve" in alone.message
    assert "controlled substance" in alone.message
    assert wrong.code == 1
    assert approved.code == 0, approved.err
    assert hospital.stock("--location", "MAIN-STORE")[("MAIN-STORE", "MS2409")] == before - 2


# --- errors --------------------------------------------------------------------------------


def test_a_bad_import_exits_1_printing_the_row_and_field_and_writes_nothing(
    hospital: Rx, tmp_path: Path
) -> None:
    lines = (EXAMPLES / "stock.csv").read_text().splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("ICU-ADC1-P02,"))
    lines[row] = lines[row].rsplit(",", 1)[0] + ",-15"
    bad = tmp_path / "stock.csv"
    bad.write_text("\n".join(lines) + "\n")
    before = hospital.stock()

    ran = hospital("import", "stock", str(bad))

    assert ran.code == 1
    assert "nothing written" in ran.message
    assert f"stock.csv, row {row}, field quantity: must not be negative" in ran.message
    assert "Traceback" not in ran.err
    assert hospital.stock() == before


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["stock", "--no-such-option"], id="unknown-option"),
        pytest.param(["receive", "MAIN-STORE"], id="missing-argument"),
        pytest.param(["ledger"], id="bad-parameter"),
    ],
)
def test_a_usage_error_exits_2_with_a_message_not_a_traceback(rx: Rx, args: list[str]) -> None:
    ran = rx(*args)

    assert ran.code == 2
    assert ran.message


# --- the FDA NDC Directory -----------------------------------------------------------------


def test_after_importing_the_fda_ndc_directory_a_real_ndc_can_be_scanned(rx: Rx) -> None:
    products = shared_data("fda-ndc", "ndc_product_hospital_subset.tsv.gz")
    packages = shared_data("fda-ndc", "ndc_package_hospital_subset.tsv.gz")

    imported = rx("import", "ndc-directory", str(products), str(packages), "--json")
    scanned = rx("scan", datamatrix(NDC.parse("0409-4888-10").gtin14(), serial="X1"), "--json")

    assert imported.code == 0, imported.err  # the subset's extra NDC11 column is accepted
    (result,) = imported.json()
    assert result["kind"] == "ndc-directory"
    assert result["written"] > 10_000
    assert scanned.code == 0, scanned.err
    found = scanned.json()
    assert found["ndc"] == "0409-4888-10"
    assert found["product"]["labeler"] == "Hospira, Inc."
    assert found["product"]["package_size"] == 25


def test_the_first_command_on_a_new_database_file_creates_its_schema(
    rx: Rx, tmp_path: Path
) -> None:
    rx.db = tmp_path / "new.db"  # a file that does not exist yet

    imported = rx("import", "items", str(EXAMPLES / "items.csv"))
    listed = rx("stock", "--json")

    assert imported.code == 0, imported.err
    assert listed.code == 0, listed.err
    assert listed.json() == []
    with make_engine(f"sqlite:///{rx.db}").connect() as conn:
        revisions = frozenset(MigrationContext.configure(conn).get_current_heads())
        items = conn.execute(select(func.count()).select_from(tables.item)).scalar_one()
    assert revisions == head_revisions()
    assert items == 3  # examples/items.csv: a header and three items
