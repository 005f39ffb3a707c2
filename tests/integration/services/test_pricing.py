"""Prices and contracts on each database: the price file (validated whole, written once), each
item's best eligible price per dispense unit, and the contract compliance report on the
example invoices (examples/purchases.csv priced by examples/prices.csv)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from tests.conftest import EXAMPLES, NOW, TESTER, load_examples

from rxsupply.adapters import tables
from rxsupply.adapters.csv_files import read_csv_table
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.errors import ImportRejected, NotFound
from rxsupply.services.imports import ImportResult
from rxsupply.services.pricing import (
    PRICE_COLUMNS,
    best_prices,
    contract_compliance,
    import_prices,
)

HEADER = (EXAMPLES / "prices.csv").read_text(encoding="utf-8").splitlines()[0]


def import_file(engine: Engine, path: Path) -> ImportResult:
    table = read_csv_table(path, required=PRICE_COLUMNS[0], optional=PRICE_COLUMNS[1])
    with SqlUnitOfWork(engine) as uow:
        return import_prices(uow, table, now=NOW, user=TESTER)


def priced(engine: Engine) -> Engine:
    load_examples(engine, "items", "locations", "purchases")
    import_file(engine, EXAMPLES / "prices.csv")
    return engine


def rows(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        return tuple(  # type: ignore[return-value]
            int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for t in (tables.catalogue_price, tables.contract_price, tables.contract)
        )


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "prices.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def test_the_example_price_file_is_written_once(engine: Engine) -> None:
    load_examples(engine, "items")

    first = import_file(engine, EXAMPLES / "prices.csv")
    again = import_file(engine, EXAMPLES / "prices.csv")

    assert (first.written, again.written) == (8, 0)  # 5 catalogue prices, 3 contract prices
    assert again.skipped == {"unchanged": 8}
    assert rows(engine) == (5, 3, 1)


def test_a_new_price_for_the_same_key_replaces_the_old(engine: Engine, tmp_path: Path) -> None:
    load_examples(engine, "items")
    import_file(engine, EXAMPLES / "prices.csv")

    done = import_file(
        engine,
        write(tmp_path, "Example Wholesale Drug Co,primary,98765-0210-1,29.90,2026-10-01,,,,,,"),
    )

    assert done.written == 1
    assert rows(engine) == (5, 3, 1)
    with SqlUnitOfWork(engine, readonly=True) as uow:
        (morphine,) = best_prices(uow, on=date(2026, 11, 20), item="MORPH2INJ")
    assert morphine.best is not None and morphine.best.price == Decimal("29.90")


def test_the_best_price_of_an_unknown_item_is_refused_naming_the_item(engine: Engine) -> None:
    load_examples(engine, "items")
    import_file(engine, EXAMPLES / "prices.csv")

    with SqlUnitOfWork(engine, readonly=True) as uow, pytest.raises(NotFound) as unknown:
        best_prices(uow, on=date(2026, 11, 20), item="MORPH2IJN")

    assert "unknown item 'MORPH2IJN'" in str(unknown.value)


@pytest.mark.parametrize(
    ("line", "field", "reason"),
    [
        ("Example Wholesale Drug Co,,98765-0210-1,31.20,2026-13-01,,,,,,", "effective_date", ""),
        (
            "Example Wholesale Drug Co,,98765-0210-1,31.20,2026-10-01,C-1,,,,30.00,2026-09-30",
            "end_date",
            "before the effective date",
        ),
        ("Example Wholesale Drug Co,,98765-0210-1,31.20,2026-10-01,C-1,,,,,", "contract_price", ""),
        (
            "Example Wholesale Drug Co,,98765-0210-1,31.20,2026-10-01,,,,,,2027-01-31",
            "end_date",
            "",
        ),
        ("Example Wholesale Drug Co,,99999-999-99,31.20,2026-10-01,,,,,,", "ndc", ""),
        ("Example Wholesale Drug Co,,98765-0210-1,0,2026-10-01,,,,,,", "wac", "above zero"),
        ("Example Wholesale Drug Co,,98765-0210-1,-1,2026-10-01,,,,,,", "wac", "negative"),
        (
            "Example Wholesale Drug Co,tertiary,98765-0210-1,31.20,2026-10-01,,,,,,",
            "wholesaler_role",
            "",
        ),
        (",,98765-0210-1,31.20,2026-10-01,,,,,,", "wholesaler", "blank"),
    ],
)
def test_a_bad_row_rejects_the_file_naming_row_and_field_and_writes_nothing(
    engine: Engine, tmp_path: Path, line: str, field: str, reason: str
) -> None:
    load_examples(engine, "items")
    good = "Example Wholesale Drug Co,,98765-3250-01,4.10,2026-10-01,,,,,,"

    with pytest.raises(ImportRejected) as caught:
        import_file(engine, write(tmp_path, good, line))

    ((error),) = caught.value.errors
    assert (error.file, error.row, error.field) == ("prices.csv", 2, field)
    assert reason in error.reason
    assert rows(engine) == (0, 0, 0)


def test_two_rows_that_disagree_are_both_named(engine: Engine, tmp_path: Path) -> None:
    load_examples(engine, "items")

    with pytest.raises(ImportRejected) as caught:
        import_file(
            engine,
            write(
                tmp_path,
                "W,,98765-3250-01,4.10,2026-10-01,C-1,G,T1,,3.50,",
                "W,,98765-3250-01,4.20,2026-10-01,,,,,,",
                "W,,98765-0210-1,31.20,2026-10-01,C-1,G,T2,,30.00,",
            ),
        )

    assert [(e.row, e.field) for e in caught.value.errors] == [(2, "wac"), (3, "held_tier")]


def test_the_best_price_is_per_dispense_unit_and_only_of_the_tier_held(engine: Engine) -> None:
    priced(engine)

    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = {p.item: p for p in best_prices(uow, on=date(2026, 11, 20))}

    onda = found["ONDA4INJ"]
    assert onda.best is not None
    # the tray on contract (tier T2, held): $15.00 / 25 vials = $0.60 a vial; the T1 price of
    # $13.90 is not the hospital's tier; the 10-vial cartons cost $0.84 and $0.89 a vial
    assert (onda.best.ndc, onda.best.source, onda.best.unit_price) == (
        "98765-401-02",
        "contract",
        Decimal("0.6000"),
    )
    assert [str(o.unit_price) for o in onda.offers] == ["0.6000", "0.7500", "0.8400", "0.8900"]
    morphine = found["MORPH2INJ"]
    assert morphine.best is not None and morphine.best.source == "wac"


def test_before_a_price_is_effective_it_is_not_offered(engine: Engine) -> None:
    priced(engine)

    with SqlUnitOfWork(engine, readonly=True) as uow:
        (onda,) = best_prices(uow, on=date(2026, 10, 15), item="ONDA4INJ")

    assert "0.8400" not in [str(o.unit_price) for o in onda.offers]  # the backup's, from 11/01


def test_the_compliance_report_on_the_example_invoices(engine: Engine) -> None:
    priced(engine)

    with SqlUnitOfWork(engine, readonly=True) as uow:
        report = contract_compliance(uow, start=date(2026, 10, 1), end=date(2026, 11, 30))

    assert report.lines == 4
    assert report.spend == Decimal("545.70")
    assert report.contract_spend == 0
    assert report.share_on_contract == 0.0
    # trays at $0.75 a vial against $0.60 on contract (250 vials), acetaminophen at $4.10 a
    # pack against $3.50 (20 packs), cartons at $0.89 a vial against the tray's $0.60 (100)
    assert report.left_on_table == Decimal("37.50") + Decimal("12.00") + Decimal("29.00")
    reasons = {o.line.ndc: o.reason for o in report.off_contract}
    assert reasons["98765-402-10"] == (
        "no contract price for this product; 98765-401-02 is on contract GPO-2026-117"
    )
    assert reasons["98765-0210-1"] == "no contract price for this item on the day"


def test_a_line_bought_at_the_contract_price_is_on_contract(engine: Engine, tmp_path: Path) -> None:
    priced(engine)
    path = tmp_path / "purchases.csv"
    path.write_text(
        "invoice_date,wholesaler,invoice_number,ndc,packages,unit_price\n"
        "2026-11-10,Example Wholesale Drug Co,INV-90001,98765-401-02,4,15.00\n",
        encoding="utf-8",
    )
    load_examples_file(engine, path)

    with SqlUnitOfWork(engine, readonly=True) as uow:
        report = contract_compliance(uow, start=date(2026, 11, 10), end=date(2026, 11, 10))

    assert (report.spend, report.contract_spend, report.share_on_contract) == (
        Decimal("60.00"),
        Decimal("60.00"),
        1.0,
    )
    assert report.off_contract == []


def load_examples_file(engine: Engine, path: Path) -> None:
    from rxsupply.services import imports

    required, optional = imports.COLUMNS["purchases"]
    table = read_csv_table(path, required=required, optional=optional)
    with SqlUnitOfWork(engine) as uow:
        imports.import_purchases(uow, table, now=NOW, user=TESTER)


def test_older_invoices_imported_late_do_not_roll_a_product_s_cost_back(
    engine: Engine, tmp_path: Path
) -> None:
    load_examples(engine, "items", "locations")
    header = "invoice_date,wholesaler,invoice_number,ndc,packages,unit_price\n"
    newer, older = tmp_path / "newer.csv", tmp_path / "older.csv"
    newer.write_text(header + "2026-11-10,Example Wholesale Drug Co,INV-9,98765-401-02,2,17.00\n")
    older.write_text(header + "2026-09-01,Example Wholesale Drug Co,INV-1,98765-401-02,2,12.00\n")

    load_examples_file(engine, newer)
    load_examples_file(engine, older)

    with engine.connect() as conn:
        cost = conn.execute(
            select(tables.product.c.package_cost).where(tables.product.c.ndc == "98765-401-02")
        ).scalar_one()
        lines = conn.execute(select(func.count()).select_from(tables.purchase_line)).scalar_one()
    assert cost == Decimal("17.00")
    assert lines == 2
