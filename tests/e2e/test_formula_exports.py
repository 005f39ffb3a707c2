"""Spreadsheet formula injection (OWASP "CSV injection") end to end: names that a spreadsheet
would run (``=HYPERLINK(...)``, ``+cmd|...``, ``@SUM(1)``) go in through ``rxsupply import`` and
come out of every CSV export of the command line quoted with ``'``, while numbers stay numbers
and each file keeps its columns."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from tests.conftest import EXAMPLES, priced_storeroom
from tests.e2e.cli_runner import Rx

from rxsupply.adapters.database import make_engine

LINK = '=HYPERLINK("http://x","y")'
COMMAND = "+cmd|' /C calc'!A0"
SUM = "@SUM(1)"
LOT = "-1+2"


def _quoted_csv(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


@pytest.fixture
def hostile(rx: Rx, tmp_path: Path) -> Rx:
    """The example hospital with ondansetron's item named LINK, its tray product COMMAND, its
    carton lot LOT and the morphine product SUM, imported through ``rxsupply import``."""
    items = (EXAMPLES / "items.csv").read_text(encoding="utf-8")
    items = items.replace("ondansetron 4 mg/2 mL injection vial", _quoted_csv(LINK))
    items = items.replace(
        "98765-401-02,Ondansetron injection 4 mg/2 mL", "98765-401-02," + _quoted_csv(COMMAND)
    )
    items = items.replace("Morphine sulfate injection 2 mg/mL", SUM)
    (tmp_path / "items.csv").write_text(items, encoding="utf-8")
    ran = rx("import", "items", str(tmp_path / "items.csv"))
    assert ran.code == 0, ran.err
    stock = (EXAMPLES / "stock.csv").read_text(encoding="utf-8").replace("ON2502B", LOT)
    (tmp_path / "stock.csv").write_text(stock, encoding="utf-8")
    assert rx("import", "locations", str(EXAMPLES / "locations.csv")).code == 0
    ran = rx("import", "stock", str(tmp_path / "stock.csv"))
    assert ran.code == 0, ran.err
    return rx


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_order_file_quotes_a_formula_item_name_and_keeps_numbers(
    hostile: Rx, tmp_path: Path
) -> None:
    engine = make_engine(f"sqlite:///{hostile.db}")
    priced_storeroom(engine, {"ONDA4INJ": (400, 600)})
    engine.dispose()
    (draft,) = hostile("orders", "suggest", "--json").json()["orders"]

    ran = hostile("orders", "approve", draft["number"], "--out-dir", str(tmp_path))

    assert ran.code == 0, ran.err
    text = (tmp_path / f"{draft['number']}.csv").read_text(encoding="utf-8")
    (line,) = rows_of(text)
    assert text.splitlines()[0] == (
        "po_number,line,ndc,ndc11,item,description,packages,package_price,contract,dea_form_number"
    )
    assert line["description"] == "'" + LINK
    assert int(line["packages"]) > 0 and float(line["package_price"]) > 0


def test_the_biennial_inventory_quotes_a_formula_product_name(hostile: Rx, tmp_path: Path) -> None:
    out = tmp_path / "biennial.csv"

    ran = hostile("controlled", "biennial", "--out", str(out))

    assert ran.code == 0, ran.err
    rows = rows_of(out.read_text(encoding="utf-8"))
    assert {r["name"] for r in rows} == {"'" + SUM}
    assert [int(r["units"]) for r in rows] == [15, 60]


def test_the_count_sheet_quotes_a_formula_lot_and_keeps_its_columns(
    hostile: Rx, tmp_path: Path
) -> None:
    count = hostile("counts", "start", "MAIN-STORE", "--item", "ONDA4INJ", "--json").json()
    out = tmp_path / "sheet.csv"

    ran = hostile("counts", "sheet", str(count["number"]), "--out", str(out))

    assert ran.code == 0, ran.err
    rows = rows_of(out.read_text(encoding="utf-8"))
    assert list(rows[0]) == ["id", "location", "item", "ndc", "lot", "expiry", "counted"]
    assert {r["item"] for r in rows} == {"ONDA4INJ"}
    assert {r["lot"] for r in rows} == {"ON2411A", "'" + LOT}
    assert all(r["id"].isdigit() for r in rows)


def test_the_return_manifest_quotes_a_formula_product_name(hostile: Rx) -> None:
    policy = ("--months-before", "6", "--months-after", "12")
    hostile("returns", "policies", "set", "Example Labs", *policy)
    made = hostile("returns", "batch", "create", "--all", "--json")
    assert made.code == 0, made.err

    ran = hostile("returns", "batch", "manifest", made.json()["number"])

    assert ran.code == 0, ran.err
    rows = rows_of(ran.out)
    products = {r["lot"]: r["product"] for r in rows}
    assert products["ON2411A"] == "'" + COMMAND
    assert all(int(r["quantity"]) > 0 for r in rows)


def test_a_plan_quotes_a_formula_series_and_simulate_reads_it_back(rx: Rx, tmp_path: Path) -> None:
    demand = tmp_path / "demand.csv"
    days = [f"2026-10-{d:02d}" for d in range(1, 29)]
    lines = ["series_id,date,quantity"]
    lines += [f"{_quoted_csv(LINK + '@MAIN')},{day},{(i % 3) + 1}" for i, day in enumerate(days)]
    lines += [f"plain@MAIN,{day},2" for day in days]
    demand.write_text("\n".join(lines) + "\n", encoding="utf-8")
    plan = tmp_path / "plan.csv"

    planned = rx("plan", "--demand", str(demand), "--out", str(plan))
    simulated = rx(
        "simulate", "--demand", str(demand), "--policy", str(plan), "--out", str(tmp_path / "s.csv")
    )

    assert planned.code == 0, planned.err
    rows = {r["series_id"]: r for r in rows_of(plan.read_text(encoding="utf-8"))}
    assert set(rows) == {"'" + LINK + "@MAIN", "plain@MAIN"}
    assert float(rows["plain@MAIN"]["max"]) >= 0
    assert simulated.code == 0, simulated.err
    simulated_ids = {r["series_id"] for r in rows_of((tmp_path / "s.csv").read_text())}
    assert simulated_ids == {"'" + LINK + "@MAIN", "plain@MAIN"}
