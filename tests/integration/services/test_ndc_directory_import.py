"""The complete FDA NDC Directory imports into the ledger's product catalogue."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, select
from tests.conftest import NOW, TESTER, shared_data

from rxsupply.adapters import tables
from rxsupply.adapters.csv_files import read_csv_table
from rxsupply.adapters.fda_ndc import as_products, read_ndc_directory
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.services import imports


def _import_directory(engine: Engine, product: Path, package: Path) -> imports.ImportResult:
    directory = read_ndc_directory(product, package)
    with SqlUnitOfWork(engine) as uow:
        return imports.import_products(
            uow,
            as_products(directory),
            source="fda",
            file=package.name,
            rows=directory.counts.packages_read,
            skipped=dict(directory.skipped),
            now=NOW,
            user=TESTER,
        )


def _products(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(tables.product)).scalar_one())


def test_the_full_2019_directory_imports_every_package_or_counts_why_not(
    sqlite_engine: Engine,
) -> None:
    product = shared_data("fda-ndc", "product_full_20190429.txt.gz")
    package = shared_data("fda-ndc", "package_full_20190429.txt.gz")

    first = _import_directory(sqlite_engine, product, package)

    assert first.rows == 243_960
    assert first.written + sum(first.skipped.values()) == first.rows
    assert first.written == _products(sqlite_engine) == 243_929
    # imported again, it adds nothing: the hospital subset's test below runs it twice


def test_an_ndc_already_defined_by_the_item_master_is_enriched_not_duplicated(
    engine: Engine, tmp_path: Path
) -> None:
    items = tmp_path / "items.csv"
    items.write_text(
        "item_code,item_name,ndc,package_size,dispense_unit,package_cost\n"
        "NS10,sodium chloride 0.9% 10 mL vial,0409-4888-10,25,VIAL,9.50\n"
    )
    with SqlUnitOfWork(engine) as uow:
        imports.import_items(
            uow,
            read_csv_table(
                items, required=imports.ITEM_COLUMNS[0], optional=imports.ITEM_COLUMNS[1]
            ),
            now=NOW,
            user=TESTER,
        )

    subset = (
        shared_data("fda-ndc", "ndc_product_hospital_subset.tsv.gz"),
        shared_data("fda-ndc", "ndc_package_hospital_subset.tsv.gz"),
    )
    first = _import_directory(engine, *subset)
    products = _products(engine)
    second = _import_directory(engine, *subset)

    assert first.written > 1_000
    assert second.written == 0
    assert second.skipped["already known, nothing to add"] == second.rows == first.rows
    assert _products(engine) == products

    p = tables.product
    with engine.connect() as conn:
        rows = conn.execute(
            select(p.c.name, p.c.labeler, p.c.package_cost, p.c.source).where(
                p.c.ndc == "0409-4888-10"
            )
        ).all()
    assert len(rows) == 1
    name, labeler, cost, source = rows[0]
    assert name == "sodium chloride 0.9% 10 mL vial"
    assert labeler == "Hospira, Inc."
    assert str(cost) == "9.5000"
    assert source == "item-file"
