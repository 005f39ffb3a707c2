"""The therapeutic alternatives table on each database: a row added, replaced by the same pair
again, listed and removed, each change audited; the example files imported on the example
hospital and on the demo's formulary, the same file again changing nothing; a file with an
unknown item code (or another bad row) refused naming the file, row, field and reason, with
nothing written."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from tests.conftest import CLOCK, EXAMPLES, TESTER

from rxsupply.adapters import tables
from rxsupply.adapters.csv_files import read_csv_table
from rxsupply.adapters.demo_catalogue import demo_items
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.product import Item
from rxsupply.errors import ImportRejected, InvalidValue, NotFound, UnknownItem
from rxsupply.services.imports import ImportResult
from rxsupply.services.therapeutic_alternatives import (
    THERAPEUTIC_COLUMNS,
    add_therapeutic_alternative,
    import_therapeutic_alternatives,
    list_therapeutic_alternatives,
    remove_therapeutic_alternative,
)

HEADER = "item_code,alternative_code,note,ratio"


def imported(engine: Engine, path: Path) -> ImportResult:
    required, optional = THERAPEUTIC_COLUMNS
    table = read_csv_table(path, required=required, optional=optional)
    with SqlUnitOfWork(engine) as uow:
        return import_therapeutic_alternatives(uow, table, user=TESTER, clock=CLOCK)


def count(engine: Engine, table: object) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def add(engine: Engine, note: str, ratio: str | None = None) -> None:
    with SqlUnitOfWork(engine) as uow:
        add_therapeutic_alternative(
            uow,
            item="MORPH2INJ",
            alternative="APAP325TAB",
            note=note,
            ratio=ratio,
            user=TESTER,
            clock=CLOCK,
        )


def test_a_row_is_added_replaced_listed_and_removed_with_each_change_audited(
    hospital: Engine,
) -> None:
    audits = count(hospital, tables.audit)

    add(hospital, "first note")
    add(hospital, "acetaminophen 1 g PO for mild pain", "0.5")
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        listed = list_therapeutic_alternatives(uow, item="MORPH2INJ")
        none = list_therapeutic_alternatives(uow, item="ONDA4INJ")
    with SqlUnitOfWork(hospital) as uow:
        removed = remove_therapeutic_alternative(
            uow, item="MORPH2INJ", alternative="APAP325TAB", user=TESTER, clock=CLOCK
        )
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        after = list_therapeutic_alternatives(uow)

    (row,) = listed
    assert (row.item, row.alternative, row.note, row.ratio, row.added_by) == (
        "MORPH2INJ",
        "APAP325TAB",
        "acetaminophen 1 g PO for mild pain",
        Decimal("0.5"),
        TESTER,
    )
    assert row.alternative_name == "acetaminophen 325 mg tablet unit dose"
    assert none == []
    assert removed.note == row.note
    assert after == []
    assert count(hospital, tables.audit) == audits + 3


@pytest.mark.parametrize(
    ("item", "alternative", "note", "ratio", "refused"),
    [
        ("MORPH2INJ", "NOPE", "a note", None, UnknownItem),
        ("MORPH2INJ", "MORPH2INJ", "a note", None, InvalidValue),
        ("MORPH2INJ", "APAP325TAB", "  ", None, InvalidValue),
        ("MORPH2INJ", "APAP325TAB", "a note", "-1", InvalidValue),
        ("MORPH2INJ", "APAP325TAB", "a note", "0.123456", InvalidValue),
    ],
)
def test_a_bad_row_is_refused_and_nothing_is_written(
    hospital: Engine,
    item: str,
    alternative: str,
    note: str,
    ratio: str | None,
    refused: type[Exception],
) -> None:
    with pytest.raises(refused), SqlUnitOfWork(hospital) as uow:
        add_therapeutic_alternative(
            uow,
            item=item,
            alternative=alternative,
            note=note,
            ratio=ratio,
            user=TESTER,
            clock=CLOCK,
        )

    assert count(hospital, tables.therapeutic_alternative) == 0


def test_removing_a_row_that_is_not_there_names_the_pair(hospital: Engine) -> None:
    with pytest.raises(NotFound) as refused, SqlUnitOfWork(hospital) as uow:
        remove_therapeutic_alternative(
            uow, item="MORPH2INJ", alternative="APAP325TAB", user=TESTER, clock=CLOCK
        )

    assert "MORPH2INJ -> APAP325TAB" in str(refused.value)


def test_the_example_file_imports_on_the_example_hospital_once(hospital: Engine) -> None:
    first = imported(hospital, EXAMPLES / "therapeutic-alternatives.csv")
    again = imported(hospital, EXAMPLES / "therapeutic-alternatives.csv")

    assert (first.rows, first.written) == (1, 1)
    assert (again.written, again.skipped) == (0, {"unchanged": 1})
    assert count(hospital, tables.therapeutic_alternative) == 1


def test_the_demo_file_imports_on_the_demo_formulary(sqlite_engine: Engine) -> None:
    with SqlUnitOfWork(sqlite_engine) as uow:
        uow.items.save_many([Item(code=i.code, name=i.name) for i in demo_items()])
        uow.commit()

    done = imported(sqlite_engine, EXAMPLES / "therapeutic-alternatives-demo.csv")
    with SqlUnitOfWork(sqlite_engine, readonly=True) as uow:
        morphine = list_therapeutic_alternatives(uow, item="ITM-00001")

    assert done.written == done.rows >= 12
    assert [(r.alternative_name, r.ratio) for r in morphine] == [
        ("hydromorphone 1 mg/mL 1 mL carpuject", Decimal("0.15")),
        ("fentanyl 50 mcg/mL 2 mL inj vial", Decimal("10")),
    ]


def test_a_file_with_an_unknown_item_code_names_file_row_and_field_and_writes_nothing(
    hospital: Engine, tmp_path: Path
) -> None:
    bad = tmp_path / "alternatives.csv"
    bad.write_text(
        "\n".join(
            [
                HEADER,
                "MORPH2INJ,APAP325TAB,acetaminophen for mild pain,",
                "ONDA4INJ,GRAN1INJ,ondansetron 4 mg ~ granisetron 1 mg,0.25",
                "APAP325TAB,APAP325TAB,itself,",
                "ONDA4INJ,MORPH2INJ,,abc",
                "MORPH2INJ,APAP325TAB,the same pair again,",
            ]
        )
        + "\n",
        encoding="utf-8",
    )

    with pytest.raises(ImportRejected) as refused:
        imported(hospital, bad)

    found = [(e.file, e.row, e.field, e.reason) for e in refused.value.errors]
    assert found[0] == (
        "alternatives.csv",
        2,
        "alternative_code",
        "no item has the code 'GRAN1INJ'",
    )
    assert [(row, column) for _, row, column, _ in found] == [
        (2, "alternative_code"),
        (3, "alternative_code"),
        (4, "note"),
        (4, "ratio"),
        (5, "alternative_code"),
    ]
    assert "GRAN1INJ" in str(refused.value) and "alternatives.csv" in str(refused.value)
    assert count(hospital, tables.therapeutic_alternative) == 0
