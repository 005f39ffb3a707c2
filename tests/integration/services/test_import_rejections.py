"""Bad files: every import rejects the whole file, says where and why, and writes nothing.

Each test starts from the files under examples/, breaks one thing, and imports the result the way
the CLI does (``read_csv_table`` with the kind's columns, then ``imports.import_*`` inside a
``SqlUnitOfWork``). It checks that :class:`ImportRejected` is raised, that its errors name the
data row (1 = the first line after the header, 0 = the file or its header) and the field, that
the reason says what is wrong, and that the database is exactly as it was (:func:`snapshot`).
Every test runs on SQLite and on PostgreSQL (the ``engine`` fixture).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from tests.conftest import CLOCK, EXAMPLES, NOW, TESTER, load_examples

from rxsupply.adapters import tables
from rxsupply.adapters.csv_files import read_csv_table
from rxsupply.adapters.tables import metadata
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.ndc import NDC, gs1_check_digit
from rxsupply.errors import ImportRejected
from rxsupply.services import imports

KINDS = ("items", "locations", "stock", "dispenses", "purchases")
# What has to be in the database before a file of each kind can be imported.
NEEDS = {
    "items": (),
    "locations": ("items",),
    "stock": ("items", "locations"),
    "dispenses": ("items", "locations", "stock"),
    "purchases": ("items",),
}


# --- helpers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """Everything an import could change: rows per table, on-hand units (in total and per
    location), the number of movements, and the content of every row of every table."""

    row_counts: dict[str, int]
    on_hand_units: int
    on_hand_by_location: dict[str, int]
    movements: int
    contents: dict[str, list[str]]


def snapshot(engine: Engine) -> Snapshot:
    oh, loc = tables.on_hand, tables.location
    with engine.connect() as conn:
        row_counts = {
            t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for t in metadata.sorted_tables
        }
        units = conn.execute(select(func.coalesce(func.sum(oh.c.quantity), 0))).scalar_one()
        by_location = {
            code: int(total)
            for code, total in conn.execute(
                select(loc.c.code, func.sum(oh.c.quantity))
                .join(loc, loc.c.id == oh.c.location_id)
                .group_by(loc.c.code)
            )
        }
        movements = conn.execute(select(func.count()).select_from(tables.movement)).scalar_one()
        contents = {
            t.name: sorted(repr(tuple(row)) for row in conn.execute(select(t)))
            for t in metadata.sorted_tables
        }
    return Snapshot(row_counts, int(units), by_location, int(movements), contents)


def hospital_ready_for(engine: Engine, kind: str) -> None:
    """Load the example files a file of ``kind`` depends on (not ``kind`` itself)."""
    if NEEDS[kind]:
        load_examples(engine, *NEEDS[kind])


def import_file(engine: Engine, kind: str, path: Path, *, cap: int = 100) -> imports.ImportResult:
    """Import ``path`` as the CLI does (``rxsupply import KIND PATH``)."""
    required, optional = imports.COLUMNS[kind]
    table = read_csv_table(path, required=required, optional=optional)
    with SqlUnitOfWork(engine) as uow:
        if kind == "items":
            return imports.import_items(uow, table, now=NOW, user=TESTER, cap=cap)
        if kind == "locations":
            return imports.import_locations(uow, table, now=NOW, user=TESTER, cap=cap)
        if kind == "stock":
            return imports.import_stock(uow, table, clock=CLOCK, user=TESTER, cap=cap)
        if kind == "dispenses":
            return imports.import_dispenses(uow, table, clock=CLOCK, user=TESTER, cap=cap)
        return imports.import_purchases(uow, table, now=NOW, user=TESTER, cap=cap)


def rejection(engine: Engine, kind: str, path: Path, *, cap: int = 100) -> ImportRejected:
    """Import ``path``, which must be rejected; return the rejection."""
    with pytest.raises(ImportRejected) as caught:
        import_file(engine, kind, path, cap=cap)
    return caught.value


def where(rejected: ImportRejected) -> list[tuple[int, str]]:
    """(row, field) of each listed error, in order."""
    return [(e.row, e.field) for e in rejected.errors]


def example_lines(kind: str) -> list[str]:
    return (EXAMPLES / f"{kind}.csv").read_text(encoding="utf-8").splitlines()


def write_csv(tmp_path: Path, kind: str, lines: list[str]) -> Path:
    path = tmp_path / f"{kind}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@dataclass(frozen=True)
class BadFile:
    path: Path
    row: int  # the data row that was broken (the header is row 0)


def break_example(tmp_path: Path, kind: str, old: str, new: str) -> BadFile:
    """examples/KIND.csv with ``old`` replaced by ``new`` on the one line that holds it."""
    lines = example_lines(kind)
    hits = [i for i, line in enumerate(lines) if old in line]
    assert len(hits) == 1, f"{old!r} should be on exactly one line of examples/{kind}.csv"
    lines[hits[0]] = lines[hits[0]].replace(old, new)
    return BadFile(write_csv(tmp_path, kind, lines), row=hits[0])


def wrong_check_digit(gtin: str) -> str:
    right = int(gs1_check_digit(gtin[:13]))
    return gtin[:13] + str((right + 1) % 10)


# --- the header ----------------------------------------------------------------------------


def test_a_stock_file_without_the_quantity_column_is_rejected_naming_the_column(
    engine: Engine, tmp_path: Path
) -> None:
    hospital_ready_for(engine, "stock")
    lines = example_lines("stock")
    lines[0] = lines[0].replace("quantity", "qty")
    path = write_csv(tmp_path, "stock", lines)
    before = snapshot(engine)

    rejected = rejection(engine, "stock", path)

    assert [(e.file, e.row, e.field) for e in rejected.errors] == [("stock.csv", 0, "quantity")]
    assert "missing column" in rejected.errors[0].reason
    assert "qty" in rejected.errors[0].reason  # shows the header it found
    assert snapshot(engine) == before


def test_a_purchases_file_with_an_unknown_column_is_rejected_naming_the_column(
    engine: Engine, tmp_path: Path
) -> None:
    hospital_ready_for(engine, "purchases")
    lines = example_lines("purchases")
    lines = [lines[0] + ",discount"] + [line + ",0.50" for line in lines[1:]]
    path = write_csv(tmp_path, "purchases", lines)
    before = snapshot(engine)

    rejected = rejection(engine, "purchases", path)

    assert where(rejected) == [(0, "discount")]
    assert "unknown column" in rejected.errors[0].reason
    assert "unit_price" in rejected.errors[0].reason  # lists the columns it expects
    assert snapshot(engine) == before


def test_a_dispenses_file_with_neither_an_item_nor_an_ndc_column_is_rejected(
    engine: Engine, tmp_path: Path
) -> None:
    hospital_ready_for(engine, "dispenses")
    lines = [
        ",".join(line.split(",")[:2] + line.split(",")[3:]) for line in example_lines("dispenses")
    ]
    assert lines[0] == "transaction_id,timestamp,location,quantity,kind"
    path = write_csv(tmp_path, "dispenses", lines)
    before = snapshot(engine)

    rejected = rejection(engine, "dispenses", path)

    assert where(rejected) == [(0, "item")]
    assert "item or an ndc column" in rejected.errors[0].reason
    assert snapshot(engine) == before


def test_a_column_named_twice_in_the_header_is_rejected_under_its_own_name(
    engine: Engine, tmp_path: Path
) -> None:
    hospital_ready_for(engine, "locations")
    lines = example_lines("locations")
    lines[0] = lines[0].replace(",unit", ",code")
    path = write_csv(tmp_path, "locations", lines)
    before = snapshot(engine)

    rejected = rejection(engine, "locations", path)

    assert where(rejected) == [(0, "code")]
    assert snapshot(engine) == before


# --- NDCs and GTINs ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "old", "new"),
    [
        ("stock", "MAIN-STORE,98765-402-10", "MAIN-STORE,12-34-5"),
        ("purchases", "INV-88790,98765-402-10", "INV-88790,12-34-5"),
        ("items", "98765-402-10,Ondansetron", "12-34-5,Ondansetron"),
    ],
)
def test_an_ndc_that_is_not_4_4_2_5_3_2_or_5_4_1_is_rejected_on_its_row(
    engine: Engine, tmp_path: Path, kind: str, old: str, new: str
) -> None:
    hospital_ready_for(engine, kind)
    bad = break_example(tmp_path, kind, old, new)
    before = snapshot(engine)

    rejected = rejection(engine, kind, bad.path)

    assert where(rejected) == [(bad.row, "ndc")]
    assert "4-4-2, 5-3-2, 5-4-1" in rejected.errors[0].reason
    assert snapshot(engine) == before


def test_a_gtin_with_a_wrong_check_digit_in_the_ndc_column_is_rejected_naming_the_digit(
    engine: Engine, tmp_path: Path
) -> None:
    hospital_ready_for(engine, "stock")
    gtin = NDC.parse("98765-0210-1").gtin14()
    bad = break_example(
        tmp_path, "stock", "ICU-ADC1-P02,98765-0210-1", f"ICU-ADC1-P02,{wrong_check_digit(gtin)}"
    )
    before = snapshot(engine)

    rejected = rejection(engine, "stock", bad.path)

    assert where(rejected) == [(bad.row, "ndc")]
    assert "check digit" in rejected.errors[0].reason
    assert f"should be {gtin[-1]}" in rejected.errors[0].reason
    assert snapshot(engine) == before


def test_a_gtin_with_the_right_check_digit_in_the_ndc_column_is_accepted(
    engine: Engine, tmp_path: Path
) -> None:
    hospital_ready_for(engine, "stock")
    gtin = NDC.parse("98765-0210-1").gtin14()
    good = break_example(tmp_path, "stock", "ICU-ADC1-P02,98765-0210-1", f"ICU-ADC1-P02,{gtin}")

    result = import_file(engine, "stock", good.path)

    assert result.written == len(example_lines("stock")) - 1
    assert snapshot(engine).on_hand_by_location["ICU-ADC1-P02"] == 15


# --- dates and timestamps ------------------------------------------------------------------


def test_an_expiry_that_is_not_a_calendar_day_is_rejected(engine: Engine, tmp_path: Path) -> None:
    hospital_ready_for(engine, "stock")
    bad = break_example(tmp_path, "stock", "ON2502B,2027-09-30,45", "ON2502B,2027-02-30,45")
    before = snapshot(engine)

    rejected = rejection(engine, "stock", bad.path)

    assert where(rejected) == [(bad.row, "expiry")]
    assert "not a date" in rejected.errors[0].reason
    assert "2027-02-30" in rejected.errors[0].reason
    assert snapshot(engine) == before


def test_a_dispense_timestamp_of_yesterday_is_rejected_asking_for_iso_8601(
    engine: Engine, tmp_path: Path
) -> None:
    hospital_ready_for(engine, "dispenses")
    bad = break_example(
        tmp_path, "dispenses", "ICU1-000003,2026-11-02T09:05:00-05:00", "ICU1-000003,yesterday"
    )
    before = snapshot(engine)

    rejected = rejection(engine, "dispenses", bad.path)

    assert where(rejected) == [(bad.row, "timestamp")]
    assert "ISO 8601" in rejected.errors[0].reason
    assert "yesterday" in rejected.errors[0].reason
    assert snapshot(engine) == before


def test_an_invoice_date_that_is_not_a_date_is_rejected(engine: Engine, tmp_path: Path) -> None:
    hospital_ready_for(engine, "purchases")
    bad = break_example(tmp_path, "purchases", "2026-10-19", "2026-13-19")
    before = snapshot(engine)

    rejected = rejection(engine, "purchases", bad.path)

    assert where(rejected) == [(bad.row, "invoice_date")]
    assert "not a date" in rejected.errors[0].reason
    assert snapshot(engine) == before


# --- quantities ----------------------------------------------------------------------------


STOCK_ROW = "ON2411A,2027-03-31,{q}"
DISPENSE_ROW = "APAP325TAB,ED-ADC1,{q},"


@pytest.mark.parametrize(
    ("kind", "old", "new", "reason"),
    [
        pytest.param(
            "stock",
            STOCK_ROW.format(q=30),
            STOCK_ROW.format(q=-30),
            "must not be negative",
            id="stock-negative",
        ),
        pytest.param(
            "stock",
            STOCK_ROW.format(q=30),
            STOCK_ROW.format(q=0),
            "must be more than zero",
            id="stock-zero",
        ),
        pytest.param(
            "stock",
            STOCK_ROW.format(q=30),
            STOCK_ROW.format(q=2.5),
            "whole dispense units",
            id="stock-2.5",
        ),
        pytest.param(
            "dispenses",
            DISPENSE_ROW.format(q=2),
            DISPENSE_ROW.format(q=-2),
            "must not be negative",
            id="dispense-negative",
        ),
        pytest.param(
            "dispenses",
            DISPENSE_ROW.format(q=2),
            DISPENSE_ROW.format(q=0),
            "must be more than zero",
            id="dispense-zero",
        ),
        pytest.param(
            "dispenses",
            DISPENSE_ROW.format(q=2),
            DISPENSE_ROW.format(q=2.5),
            "whole dispense units",
            id="dispense-2.5",
        ),
    ],
)
def test_a_quantity_that_is_not_a_positive_whole_number_is_rejected(
    engine: Engine, tmp_path: Path, kind: str, old: str, new: str, reason: str
) -> None:
    hospital_ready_for(engine, kind)
    bad = break_example(tmp_path, kind, old, new)
    before = snapshot(engine)

    rejected = rejection(engine, kind, bad.path)

    assert where(rejected) == [(bad.row, "quantity")]
    assert reason in rejected.errors[0].reason
    assert snapshot(engine) == before


def test_a_purchase_of_zero_packages_is_rejected(engine: Engine, tmp_path: Path) -> None:
    hospital_ready_for(engine, "purchases")
    bad = break_example(
        tmp_path, "purchases", "INV-88412,98765-0210-1,6,", "INV-88412,98765-0210-1,0,"
    )
    before = snapshot(engine)

    rejected = rejection(engine, "purchases", bad.path)

    assert where(rejected) == [(bad.row, "packages")]
    assert "more than zero" in rejected.errors[0].reason
    assert snapshot(engine) == before


def test_a_quantity_of_infinity_is_rejected_as_a_row_error(engine: Engine, tmp_path: Path) -> None:
    hospital_ready_for(engine, "stock")
    bad = break_example(tmp_path, "stock", "ON2411A,2027-03-31,30", "ON2411A,2027-03-31,Infinity")
    before = snapshot(engine)

    rejected = rejection(engine, "stock", bad.path)

    assert where(rejected) == [(bad.row, "quantity")]
    assert "not a whole number" in rejected.errors[0].reason
    assert snapshot(engine) == before


def test_a_dispense_quantity_written_as_a_superscript_digit_is_rejected_as_a_row_error(
    engine: Engine, tmp_path: Path
) -> None:
    hospital_ready_for(engine, "dispenses")
    bad = break_example(tmp_path, "dispenses", "APAP325TAB,ED-ADC1,2,", "APAP325TAB,ED-ADC1,²,")
    before = snapshot(engine)

    rejected = rejection(engine, "dispenses", bad.path)

    assert where(rejected) == [(bad.row, "quantity")]
    assert snapshot(engine) == before


# --- references to things that do not exist ------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "old", "code"),
    [
        ("stock", "ICU-ADC1-P02,", "ICU-ADC9-P02"),
        ("dispenses", "ONDA4INJ,ED-ADC1,1,", "ED-ADC9"),
    ],
)
def test_an_unknown_location_is_rejected_naming_the_code(
    engine: Engine, tmp_path: Path, kind: str, old: str, code: str
) -> None:
    hospital_ready_for(engine, kind)
    bad = break_example(tmp_path, kind, old, old.replace("ADC1", "ADC9"))
    before = snapshot(engine)

    rejected = rejection(engine, kind, bad.path)

    assert where(rejected) == [(bad.row, "location")]
    assert rejected.errors[0].reason == f"unknown location {code!r}"
    assert snapshot(engine) == before


@pytest.mark.parametrize(
    ("kind", "old", "new"),
    [
        (
            "dispenses",
            "ICU1-000003,2026-11-02T09:05:00-05:00,APAP325TAB",
            "ICU1-000003,2026-11-02T09:05:00-05:00,IBU200TAB",
        ),
        ("locations", "40,ONDA4INJ,", "40,IBU200TAB,"),
    ],
)
def test_an_unknown_item_is_rejected_naming_the_code(
    engine: Engine, tmp_path: Path, kind: str, old: str, new: str
) -> None:
    hospital_ready_for(engine, kind)
    bad = break_example(tmp_path, kind, old, new)
    before = snapshot(engine)

    rejected = rejection(engine, kind, bad.path)

    assert where(rejected) == [(bad.row, "item")]
    assert "unknown item 'IBU200TAB'" in rejected.errors[0].reason
    assert snapshot(engine) == before


def test_a_stock_row_for_an_ndc_nobody_defined_is_rejected(engine: Engine, tmp_path: Path) -> None:
    hospital_ready_for(engine, "stock")
    bad = break_example(tmp_path, "stock", "MAIN-STORE,98765-0210-1", "MAIN-STORE,11111-2222-3")
    before = snapshot(engine)

    rejected = rejection(engine, "stock", bad.path)

    assert where(rejected) == [(bad.row, "ndc")]
    assert "unknown NDC 11111-2222-3" in rejected.errors[0].reason
    assert snapshot(engine) == before


def test_an_items_row_defining_an_unknown_ndc_without_package_size_is_rejected(
    engine: Engine, tmp_path: Path
) -> None:
    lines = [*example_lines("items"), "IBU200TAB,ibuprofen 200 mg tablet,essential,11111-2222-3"]
    lines[-1] += "," * (lines[0].count(",") - lines[-1].count(","))
    path = write_csv(tmp_path, "items", lines)
    before = snapshot(engine)

    rejected = rejection(engine, "items", path)

    assert where(rejected) == [(len(lines) - 1, "package_size")]
    assert "11111-2222-3 is not in the database" in rejected.errors[0].reason
    assert "package_size" in rejected.errors[0].reason
    assert snapshot(engine) == before


# --- duplicates ----------------------------------------------------------------------------


def test_a_transaction_id_repeated_in_a_dispenses_file_is_rejected_pointing_at_the_first(
    engine: Engine, tmp_path: Path
) -> None:
    hospital_ready_for(engine, "dispenses")
    first = next(i for i, line in enumerate(example_lines("dispenses")) if "ED1-000001," in line)
    bad = break_example(tmp_path, "dispenses", "ED1-000002,", "ED1-000001,")
    before = snapshot(engine)

    rejected = rejection(engine, "dispenses", bad.path)

    assert where(rejected) == [(bad.row, "transaction_id")]
    assert rejected.errors[0].reason == f"duplicate of row {first}"
    assert snapshot(engine) == before


# --- the file as a whole -------------------------------------------------------------------


def test_a_file_with_latin_1_bytes_is_rejected_naming_the_line(
    engine: Engine, tmp_path: Path
) -> None:
    hospital_ready_for(engine, "locations")
    lines = example_lines("locations")
    line = next(i for i, text in enumerate(lines) if text.startswith("OR-SAT,"))
    lines[line] = lines[line].replace("OR satellite pharmacy", "OR satellite Café")
    path = tmp_path / "locations.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("latin-1"))
    before = snapshot(engine)

    rejected = rejection(engine, "locations", path)

    assert where(rejected) == [(line, "(encoding)")]
    assert f"on line {line + 1} is not UTF-8" in rejected.errors[0].reason
    assert "0xe9" in rejected.errors[0].reason
    assert snapshot(engine) == before


@pytest.mark.parametrize("kind", KINDS)
def test_an_empty_file_is_rejected_as_empty(engine: Engine, tmp_path: Path, kind: str) -> None:
    hospital_ready_for(engine, kind)
    path = tmp_path / f"{kind}.csv"
    path.write_bytes(b"")
    before = snapshot(engine)

    rejected = rejection(engine, kind, path)

    assert [(e.file, e.row, e.field) for e in rejected.errors] == [(f"{kind}.csv", 0, "(file)")]
    assert "empty" in rejected.errors[0].reason
    assert snapshot(engine) == before


@pytest.mark.parametrize("kind", KINDS)
def test_a_file_with_only_a_header_is_rejected_as_having_no_rows(
    engine: Engine, tmp_path: Path, kind: str
) -> None:
    hospital_ready_for(engine, kind)
    path = write_csv(tmp_path, kind, example_lines(kind)[:1])
    before = snapshot(engine)

    rejected = rejection(engine, kind, path)

    assert where(rejected) == [(0, "(file)")]
    assert "no data rows" in rejected.errors[0].reason
    assert snapshot(engine) == before


def test_a_row_with_more_fields_than_the_header_is_rejected_naming_the_row(
    engine: Engine, tmp_path: Path
) -> None:
    hospital_ready_for(engine, "stock")
    bad = break_example(tmp_path, "stock", "MS2409,2027-01-31,60", "MS2409,2027-01-31,60,extra")
    before = snapshot(engine)

    rejected = rejection(engine, "stock", bad.path)

    assert [e.row for e in rejected.errors] == [bad.row]
    assert snapshot(engine) == before


def test_blank_lines_at_the_end_of_a_file_are_ignored(engine: Engine, tmp_path: Path) -> None:
    hospital_ready_for(engine, "stock")
    path = write_csv(tmp_path, "stock", [*example_lines("stock"), "", ""])

    result = import_file(engine, "stock", path)

    assert result.rows == len(example_lines("stock")) - 1


# --- rules that need the whole file or the database ----------------------------------------


def test_a_location_tree_with_a_loop_and_a_pocket_under_a_facility_is_rejected(
    engine: Engine, tmp_path: Path
) -> None:
    hospital_ready_for(engine, "locations")
    lines = [
        *example_lines("locations"),
        "LOOP-A,Loop A,storeroom,LOOP-B,,,",
        "LOOP-B,Loop B,storeroom,LOOP-A,,,",
        "MAIN-P01,Pocket on the hospital,pocket,MAIN,10,,",
    ]
    loop_a, loop_b, pocket = len(lines) - 3, len(lines) - 2, len(lines) - 1
    path = write_csv(tmp_path, "locations", lines)
    before = snapshot(engine)

    rejected = rejection(engine, "locations", path)

    reasons: dict[tuple[int, str], list[str]] = {}
    for e in rejected.errors:
        reasons.setdefault((e.row, e.field), []).append(e.reason)
    assert set(reasons) == {(loop_a, "parent"), (loop_b, "parent"), (pocket, "parent")}
    assert "the tree loops back to 'LOOP-A'" in reasons[(loop_a, "parent")]
    assert "the tree loops back to 'LOOP-B'" in reasons[(loop_b, "parent")]
    assert reasons[(pocket, "parent")] == [
        "a pocket cannot sit under a facility; allowed parents: adc, satellite, storeroom"
    ]
    assert snapshot(engine) == before


# --- one bad row, many bad rows ------------------------------------------------------------


def test_one_bad_row_among_hundreds_of_good_stock_rows_writes_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    hospital_ready_for(engine, "stock")
    header = example_lines("stock")[0]
    good = [f"MAIN-STORE,98765-401-02,LOT{n:04},2027-03-31,{n + 1}" for n in range(400)]
    lines = [header, *good[:250], "MAIN-STORE,98765-401-02,LOTBAD,2027-03-31,many", *good[250:]]
    path = write_csv(tmp_path, "stock", lines)
    before = snapshot(engine)

    rejected = rejection(engine, "stock", path)

    assert where(rejected) == [(251, "quantity")]
    assert rejected.total == 1
    assert snapshot(engine) == before


def test_one_bad_row_at_the_end_of_hundreds_of_good_dispenses_writes_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    hospital_ready_for(engine, "dispenses")
    header = example_lines("dispenses")[0]
    good = [
        f"BULK-{n:04},2026-11-02T{8 + n // 60:02}:{n % 60:02}:00-05:00,APAP325TAB,MAIN-STORE,1,"
        "dispense"
        for n in range(300)
    ]
    lines = [header, *good, "BULK-9999,2026-11-02T20:00:00-05:00,APAP325TAB,NOWHERE,1,dispense"]
    path = write_csv(tmp_path, "dispenses", lines)
    before = snapshot(engine)

    rejected = rejection(engine, "dispenses", path)

    assert where(rejected) == [(301, "location")]
    assert snapshot(engine) == before


@pytest.mark.parametrize(
    ("kind", "bad_row"),
    [
        ("stock", "MAIN-STORE,98765-401-02,LOT{n},2027-03-31,x"),
        ("dispenses", "BAD-{n},2026-11-02T08:00:00-05:00,APAP325TAB,MAIN-STORE,x,dispense"),
    ],
)
def test_many_bad_rows_list_the_first_hundred_and_count_them_all(
    engine: Engine, tmp_path: Path, kind: str, bad_row: str
) -> None:
    hospital_ready_for(engine, kind)
    lines = [example_lines(kind)[0], *(bad_row.format(n=n) for n in range(250))]
    path = write_csv(tmp_path, kind, lines)
    before = snapshot(engine)

    rejected = rejection(engine, kind, path, cap=100)

    assert rejected.total == 250
    assert where(rejected) == [(row, "quantity") for row in range(1, 101)]
    assert "250 error(s) (showing 100)" in str(rejected)
    assert snapshot(engine) == before


def test_the_error_total_of_a_stock_file_counts_only_its_bad_rows_past_the_cap(
    engine: Engine, tmp_path: Path
) -> None:
    hospital_ready_for(engine, "stock")
    bad = [f"MAIN-STORE,98765-401-02,BAD{n},2027-03-31,x" for n in range(150)]
    good = [f"MAIN-STORE,98765-401-02,GOOD{n},2027-03-31,1" for n in range(100)]
    path = write_csv(tmp_path, "stock", [example_lines("stock")[0], *bad, *good])

    rejected = rejection(engine, "stock", path, cap=100)

    assert (rejected.total, len(rejected.errors)) == (150, 100)


def test_the_error_total_of_a_dispenses_file_counts_only_its_bad_rows_past_the_cap(
    engine: Engine, tmp_path: Path
) -> None:
    hospital_ready_for(engine, "dispenses")
    row = "{id},2026-11-02T08:00:00-05:00,APAP325TAB,MAIN-STORE,{q},dispense"
    bad = [row.format(id=f"BAD-{n}", q="x") for n in range(150)]
    good = [row.format(id=f"GOOD-{n}", q="1") for n in range(100)]
    path = write_csv(tmp_path, "dispenses", [example_lines("dispenses")[0], *bad, *good])

    rejected = rejection(engine, "dispenses", path, cap=100)

    assert (rejected.total, len(rejected.errors)) == (150, 100)


def test_a_smaller_cap_lists_fewer_errors_but_still_counts_them_all(
    engine: Engine, tmp_path: Path
) -> None:
    hospital_ready_for(engine, "purchases")
    header = example_lines("purchases")[0]
    lines = [
        header,
        *(f"2026-10-05,Example Wholesale Drug Co,INV-{n},98765-401-02,1,free" for n in range(30)),
    ]
    path = write_csv(tmp_path, "purchases", lines)
    before = snapshot(engine)

    rejected = rejection(engine, "purchases", path, cap=5)

    assert rejected.total == 30
    assert where(rejected) == [(row, "unit_price") for row in range(1, 6)]
    assert snapshot(engine) == before


# --- the same good file twice --------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_importing_the_same_good_file_twice_changes_nothing_the_second_time(
    engine: Engine, kind: str
) -> None:
    hospital_ready_for(engine, kind)
    import_file(engine, kind, EXAMPLES / f"{kind}.csv")
    after_first = snapshot(engine)

    import_file(engine, kind, EXAMPLES / f"{kind}.csv")

    assert snapshot(engine) == after_first
