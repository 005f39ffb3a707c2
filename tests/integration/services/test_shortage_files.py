"""All nine FDA shortage files of ``../shared/data/fda-shortages`` import, one after the other
into one database (oldest first, the two exports last), each with its records, shortages and
NDCs; the exports carry the same records as the yearly files of their time, so the 2019 export
after everything else changes nothing."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import Engine
from tests.conftest import CLOCK, TESTER

from rxsupply.adapters.fda_shortages import read_shortage_file
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.services.shortage_feed import FeedResult, import_shortage_feed

FILES = {
    # file: (records, distinct shortages, distinct NDCs extracted)
    "Drugshortages_2019.csv": (2232, 365, 2363),
    "Drugshortages_2020.csv": (2877, 453, 3025),
    "Drugshortages_2021.csv": (2051, 365, 2161),
    "Drugshortages_2022.csv": (2394, 415, 2519),
    "Drugshortages_2023.csv": (1960, 282, 1936),
    "Drugshortages_2024.csv": (1890, 223, 1867),
    "Drugshortages_2025_partial.csv": (1991, 241, 1974),
    "FDA_DrugShortage_export_20191003.csv": (2232, 365, 2363),
    "FDA_DrugShortage_export_20240615.csv": (1930, 238, 1902),
}


def yearly_rows(path: Path) -> int:
    """The data rows of a yearly file, counted by the csv module (a quoted value may span
    lines)."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        return sum(1 for _ in csv.reader(f)) - 1


def test_all_nine_files_import_with_their_records_shortages_and_ndcs(
    shared: Path, sqlite_engine: Engine
) -> None:
    folder = shared / "fda-shortages"
    results: dict[str, FeedResult] = {}

    for name in FILES:
        feed = read_shortage_file(folder / name)
        with SqlUnitOfWork(sqlite_engine) as uow:
            results[name] = import_shortage_feed(uow, feed, user=TESTER, clock=CLOCK)

    found = {n: (r.records, r.shortages, r.ndcs) for n, r in results.items()}
    assert found == FILES
    for name in FILES:
        if name.startswith("Drugshortages_"):
            assert results[name].records == yearly_rows(folder / name), name
    assert results["Drugshortages_2022.csv"].shifted == [2394]
    assert results["FDA_DrugShortage_export_20191003.csv"].import_id is None  # nothing new
    assert results["Drugshortages_2019.csv"].events["new"] == 365
    with SqlUnitOfWork(sqlite_engine, readonly=True) as uow:
        listed = uow.shortages.listed(status=None, limit=10_000)
    assert len(listed) == len({s.key for s in listed})


def test_the_export_and_the_yearly_file_of_2019_hold_the_same_records(shared: Path) -> None:
    folder = shared / "fda-shortages"

    yearly = read_shortage_file(folder / "Drugshortages_2019.csv").table
    export = read_shortage_file(folder / "FDA_DrugShortage_export_20191003.csv").table

    same = ("generic_name", "company_name", "presentation", "status")
    assert [yearly.get(c) for c in same] == [export.get(c) for c in same]
    travasol = export.get("presentation")[31]  # a presentation the export spreads on 3 rows
    assert "(NDC 0338-0644-04)" in travasol and "(NDC 0338-0644-06)" in travasol
