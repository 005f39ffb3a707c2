"""Reading the FDA shortage files as the FDA publishes them: the yearly record files and the
database's export, told apart by the header; a changed header refused naming the file and the
columns."""

from __future__ import annotations

import pytest
from tests.shortage_samples import (
    EXPORT_HEADER,
    MORPHINE,
    ONDANSETRON,
    YEARLY_HEADER,
    export_2025,
    yearly,
    yearly_2025,
)

from rxsupply.adapters.fda_shortages import read_shortage_bytes
from rxsupply.errors import ImportRejected


def test_a_yearly_file_with_a_bom_is_read_into_the_feed_columns() -> None:
    feed = read_shortage_bytes("Drugshortages_2025.csv", yearly_2025())

    table = feed.table
    assert (feed.format, table.name, table.rows) == ("yearly", "Drugshortages_2025.csv", 4)
    assert table.get("generic_name")[0] == "Ondansetron Injection"
    assert table.get("presentation")[1] == (
        "Morphine Sulfate, Injection, 2 mg/1 mL (NDC 11111-222-33)"
    )
    assert table.get("update_date")[2] == "2/1/25"
    assert table.get("initial_posting_date") == ["", "", "", ""]
    assert (list(feed.rows), list(feed.lines)) == ([1, 2, 3, 4], [2, 3, 4, 5])


def test_a_yearly_file_with_the_older_contact_info_column_is_read_too() -> None:
    header = YEARLY_HEADER.replace("company_name,", "company_name,contact_info,")
    row = ONDANSETRON.replace("Example Labs,", "Example Labs,800-555-0100,")

    feed = read_shortage_bytes("Drugshortages_2019.csv", yearly(row, header=header))

    assert feed.table.get("company_name") == ["Example Labs"]


def test_the_export_reads_cp1252_headers_blank_newline_cells_and_rows_that_go_on() -> None:
    feed = read_shortage_bytes("FDA_DrugShortage_export_20250615.csv", export_2025())

    table = feed.table
    assert (feed.format, table.rows) == ("export", 2)
    assert table.get("related_info") == ["Supply restored in May 2025.", ""]
    assert table.get("availability") == ["", ""]
    assert table.get("initial_posting_date") == ["9/16/2024", "3/3/2025"]
    assert list(feed.rows) == [1, 3]  # the second row went on with the first record


def test_a_record_spanning_lines_keeps_the_line_it_begins_on() -> None:
    spanning = MORPHINE.replace("2 mg/1 mL", "2 mg/1 mL\r\nsingle dose")

    feed = read_shortage_bytes("f.csv", yearly(spanning, ONDANSETRON))

    assert list(feed.lines) == [2, 4]
    assert "2 mg/1 mL single dose" in feed.table.get("presentation")[0]


def test_a_yearly_record_written_one_column_to_the_right_is_read_back() -> None:
    header = YEARLY_HEADER.replace("company_name,", "company_name,contact_info,")
    shifted = '9554,,Etomidate Injection,"Caplin Steriles, Ltd.","2 mg/mL (NDC 25021-674-20)",'
    shifted += "New,10/5/22,Available,,,,Anesthesiology,Current,,"

    feed = read_shortage_bytes("Drugshortages_2022.csv", yearly(shifted, header=header))

    assert feed.table.get("generic_name") == ["Etomidate Injection"]
    assert feed.table.get("company_name") == ["Caplin Steriles, Ltd."]
    assert list(feed.shifted) == [1]


def test_a_header_missing_a_column_is_refused_naming_the_file_and_the_column() -> None:
    header = YEARLY_HEADER.replace(",status", ",state")

    with pytest.raises(ImportRejected) as refused:
        read_shortage_bytes("Drugshortages_2026.csv", yearly(header=header))

    said = str(refused.value)
    assert "nothing written" in said
    assert "Drugshortages_2026.csv (line 1), field status: missing column of the yearly" in said
    assert "Drugshortages_2026.csv (line 1), field state: unknown column" in said


def test_an_export_with_an_unknown_column_is_refused() -> None:
    header = EXPORT_HEADER + ",\xa0Shortage Duration"

    with pytest.raises(ImportRejected) as refused:
        read_shortage_bytes("export.csv", (header + "\n").encode("cp1252"))

    assert [(e.field, e.reason[:33]) for e in refused.value.errors] == [
        ("shortage duration", "unknown column for the FDA databa")
    ]


def test_a_file_of_another_kind_is_refused_saying_what_a_shortage_file_has() -> None:
    with pytest.raises(ImportRejected) as refused:
        read_shortage_bytes("items.csv", b"item_code,item_name,ndc\nA,B,C\n")

    assert "not an FDA drug shortage file" in str(refused.value)
    assert "item_code, item_name, ndc" in str(refused.value)


def test_an_empty_file_and_a_header_alone_are_refused() -> None:
    with pytest.raises(ImportRejected, match="the file is empty"):
        read_shortage_bytes("empty.csv", b"  \n")
    with pytest.raises(ImportRejected, match="no rows"):
        read_shortage_bytes("header.csv", yearly())


def test_a_row_with_a_wrong_number_of_fields_is_refused_with_its_line() -> None:
    with pytest.raises(ImportRejected) as refused:
        read_shortage_bytes("f.csv", yearly(ONDANSETRON, "5,Too,Short"))

    (error,) = refused.value.errors
    assert (error.row, error.line, error.field) == (2, 3, "(row)")
    assert "has 3 fields, the header has 14" in error.reason


def test_a_header_of_100000_columns_is_refused_at_once() -> None:
    data = (",".join(f"c{i}" for i in range(100_000)) + "\n1\n").encode()

    with pytest.raises(ImportRejected) as caught:
        read_shortage_bytes("shortages.csv", data)

    (error,) = caught.value.errors
    assert (error.row, error.field) == (0, "(header)")
    assert error.reason == "100,000 columns; at most 200"


def test_a_value_continued_over_300000_lines_is_refused_past_64_kib_in_linear_time() -> None:
    columns = YEARLY_HEADER.split(",")
    continuation = ",,,x" + "," * (len(columns) - 4)  # only the presentation goes on
    first = yearly(ONDANSETRON).decode("utf-8").splitlines()[1]
    data = "\n".join([YEARLY_HEADER, first, *[continuation] * 300_000]) + "\n"

    with pytest.raises(ImportRejected) as caught:
        read_shortage_bytes("shortages.csv", data.encode())

    (error,) = caught.value.errors
    assert (error.row, error.field) == (1, "presentation")
    assert "longer than 65,536 characters" in error.reason


def test_a_value_continued_over_a_few_lines_is_joined_with_spaces() -> None:
    columns = YEARLY_HEADER.split(",")
    first = yearly(ONDANSETRON).decode("utf-8").splitlines()[1]
    more = [",,,more" + "," * (len(columns) - 4), ",,,still more" + "," * (len(columns) - 4)]
    data = "\n".join([YEARLY_HEADER, first, *more]) + "\n"

    feed = read_shortage_bytes("shortages.csv", data.encode())

    (presentation,) = feed.table.get("presentation")
    assert presentation.endswith(" more still more")
