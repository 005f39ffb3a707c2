"""The daily screens over HTTP: the dashboard's key figures (the same as ``GET /api/kpi``, each
with its definition) and its labelled charts; the audit trail in words a compliance officer
reads, and its CSV and Excel exports; the order file's Excel twin, guarded against formulas;
plotly.js compressed, cached and revalidated.

Its own hospital (the example one, priced, reorder points at the storeroom), where a technician
receives lot ON2611Z of ondansetron into MAIN-STORE through the ledger, and the ondansetron
item is renamed to start with ``=`` (a formula a spreadsheet would run).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from openpyxl import load_workbook
from sqlalchemy import Engine, update
from tests.conftest import post, priced_storeroom

from rxsupply.adapters import tables
from rxsupply.entrypoints.app import create_app
from rxsupply.services import ledger

from .harness import TestClient, build_hospital, client_for, csrf_of, serving

FORMULA_NAME = '=HYPERLINK("http://x.example","ondansetron")'


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = build_hospital(tmp_path_factory.mktemp("daily") / "rx.db")
    priced_storeroom(engine, {"ONDA4INJ": (400, 600), "MORPH2INJ": (100, 120)})
    post(
        engine,
        ledger.Receive(
            user="tech",
            product="98765-401-02",
            lot="ON2611Z",
            expiry=date(2028, 6, 30),
            packages=2,
            location="MAIN-STORE",
        ),
    )
    with engine.begin() as conn:
        conn.execute(
            update(tables.item).where(tables.item.c.code == "ONDA4INJ").values(name=FORMULA_NAME)
        )
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def app(engine: Engine) -> FastAPI:
    return create_app(engine)


@pytest.fixture(scope="module")
def manager(app: FastAPI) -> Iterator[TestClient]:
    with client_for(app, "manager") as client:
        yield client


@pytest.fixture(scope="module")
def auditor(app: FastAPI) -> Iterator[TestClient]:
    with client_for(app, "auditor") as client:
        yield client


def figure(html: str, name: str) -> str:
    found = re.search(rf'data-figure="{name}">([^<]*)<', html)
    assert found, f"no data-figure={name} on the page"
    return found.group(1)


def plotted(html: str, div_id: str) -> tuple[list[dict[str, Any]], dict[str, Any], dict[str, Any]]:
    """The data, layout and config plotly draws in ``div_id``, read back from the chart's JSON
    data block on the page."""
    start = html.index(f'<script type="application/json" data-chart-for="{div_id}">')
    chart, _ = json.JSONDecoder().raw_decode(html, html.index("{", start))
    return chart["figure"]["data"], chart["figure"]["layout"], chart["config"]


# --- the dashboard -------------------------------------------------------------------------


def test_the_dashboard_shows_the_same_figures_as_the_json_endpoint(manager: TestClient) -> None:
    html = manager.get("/").text

    api = manager.get("/api/kpi", headers={"accept": "application/json"}).json()

    assert figure(html, "value") == f"${float(api['turns']['on_hand_value']):,.2f}"
    assert figure(html, "zero") == str(api["stock_outs"]["count"])
    assert figure(html, "stockout-days") == f"{api['stockout_days']['stockout_days']:,}"
    share = api["contract"]["share_on_contract"]
    assert figure(html, "contract") == ("—" if share is None else f"{100 * share:.4g}%")
    for name, text in api["definitions"].items():
        assert f'<dd data-definition="{name}">{text}</dd>' in html.replace("&#39;", "'")


def test_every_bar_of_the_dashboards_charts_carries_its_label(manager: TestClient) -> None:
    html = manager.get("/").text

    for div_id in ("chart-value", "chart-class"):
        data, layout, config = plotted(html, div_id)
        bars = [trace for trace in data if trace["type"] == "bar"]
        assert bars, div_id
        for bar in bars:
            assert len(bar["text"]) == len(bar["x"]) == len(bar["y"]) > 0
            assert all(re.fullmatch(r"\$[\d,]+", label) for label in bar["text"])
            assert bar["textposition"] == "outside" and bar["cliponaxis"] is False
        assert layout["autosize"] is True and layout["yaxis"]["automargin"] is True
        assert layout["xaxis"]["range"][1] > max(bars[0]["x"])  # room for the labels
        assert config["responsive"] is True


def test_value_bars_are_labelled_with_the_value_of_each_location(manager: TestClient) -> None:
    html = manager.get("/").text
    api = manager.get("/api/kpi", headers={"accept": "application/json"}).json()

    data, _, _ = plotted(html, "chart-value")

    assert data[0]["y"] == [r["location"] for r in api["value_by_location"]]
    assert data[0]["text"] == [f"${float(r['value']):,.0f}" for r in api["value_by_location"]]


# --- the audit trail -----------------------------------------------------------------------


def test_the_audit_trail_names_ndc_lot_and_locations_never_internal_ids(
    auditor: TestClient,
) -> None:
    html = auditor.get("/audit?action=receipt").text

    line = re.search(r'<tr data-ndc="([^"]+)" data-lot="([^"]+)" data-location="([^"]+)">', html)
    assert line is not None
    assert line.groups() == ("98765-401-02", "ON2611Z", "MAIN-STORE")
    assert "Main pharmacy storeroom" in html or "MAIN-STORE" in html
    assert "exp 06/30/2028" in html
    assert "tech" in html
    for internal in ("product_id", "lot_id", "location_id", "&#34;"):
        assert internal not in html


def test_the_audit_export_as_excel_has_typed_cells_under_a_bold_frozen_header(
    auditor: TestClient,
) -> None:
    answer = auditor.get("/audit.xlsx?action=receipt")

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    assert header[:6] == ["When", "User", "Approved by", "Action", "What", "NDC"]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert isinstance(row["When"], datetime)
    assert (row["User"], row["Action"], row["NDC"], row["Lot"]) == (
        "tech",
        "receipt",
        "98765-401-02",
        "ON2611Z",
    )
    assert isinstance(row["Expiry"], datetime)  # a date cell (openpyxl reads dates as datetimes)
    assert row["Expiry"].date() == date(2028, 6, 30)
    assert sheet.cell(row=2, column=header.index("Expiry") + 1).number_format == "mm/dd/yyyy"
    before, after = row["On hand before"], row["On hand after"]
    assert isinstance(before, int) and isinstance(after, int)
    assert (row["Location"], after - before) == ("MAIN-STORE", 50)  # 2 trays of 25 vials
    widths = {k: d.width for k, d in sheet.column_dimensions.items()}
    assert widths["A"] >= 16 and widths["G"] >= len("ondansetron")  # When; Product


def test_the_audit_export_as_csv_has_the_same_rows(auditor: TestClient) -> None:
    sheet = load_workbook(io.BytesIO(auditor.get("/audit.xlsx").content)).active
    assert sheet is not None

    rows = list(csv.reader(io.StringIO(auditor.get("/audit.csv").text)))

    assert rows[0] == [c.value for c in sheet[1]]
    assert len(rows) == sheet.max_row
    assert all(not r[0].startswith(("=", "+", "-", "@")) for r in rows[1:])


# --- the order file's Excel twin -------------------------------------------------------------


@pytest.fixture(scope="module")
def order(manager: TestClient) -> str:
    made = manager.post("/orders/suggest", data={"csrf_token": csrf_of(manager, "/orders")})
    assert made.status_code == 303, made.text
    return str(made.headers["location"].rsplit("/", 1)[1])


def test_the_order_file_as_excel_has_the_csv_columns_typed_and_no_formula(
    manager: TestClient, order: str
) -> None:
    text = manager.get(f"/orders/{order}/order.csv").text
    book = manager.get(f"/orders/{order}/order.xlsx")

    rows = list(csv.reader(io.StringIO(text)))
    sheet = load_workbook(io.BytesIO(book.content)).active
    assert sheet is not None
    cells = [[c.value for c in r] for r in sheet.iter_rows()]
    assert cells[0] == rows[0]
    assert len(cells) == len(rows) > 1
    header = cells[0]
    onda = next(r for r in cells[1:] if r[header.index("item")] == "ONDA4INJ")
    assert onda[header.index("description")] == "'" + FORMULA_NAME  # never run as a formula
    assert isinstance(onda[header.index("packages")], int)
    price = sheet.cell(row=cells.index(onda) + 1, column=header.index("package_price") + 1)
    assert isinstance(price.value, int | float) and price.number_format == "#,##0.00"
    assert next(r for r in rows if r[4] == "ONDA4INJ")[5] == "'" + FORMULA_NAME


# --- static files over HTTP --------------------------------------------------------------------


@pytest.fixture(scope="module")
def live(app: FastAPI) -> Iterator[str]:
    with serving(app) as url:
        yield url


def test_plotly_is_sent_compressed_cached_for_a_year_and_revalidated(
    manager: TestClient, live: str
) -> None:
    src = re.search(
        r'<script src="(/static/plotly\.min\.js\?v=[0-9a-f]{12})"', manager.get("/").text
    )
    assert src is not None

    with httpx.Client(base_url=live) as http:
        zipped = http.get(src[1], headers={"accept-encoding": "gzip"})
        plain = http.get("/static/plotly.min.js", headers={"accept-encoding": "identity"})
        again = http.get(
            src[1], headers={"accept-encoding": "gzip", "if-none-match": zipped.headers["etag"]}
        )
        raw = http.get(src[1], headers={"accept-encoding": "gzip"}, extensions={})

    assert zipped.status_code == 200
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "accept-encoding" in zipped.headers["vary"].lower()
    assert zipped.num_bytes_downloaded < len(plain.content) / 2  # 4.8 MB sent as about 1.5
    assert zipped.content == plain.content
    assert gzip.decompress(gzip.compress(plain.content)) == zipped.content
    assert "content-encoding" not in plain.headers
    assert plain.headers["cache-control"] == "no-cache"  # unversioned: revalidate
    assert again.status_code == 304 and again.content == b""
    assert raw.headers["etag"] == zipped.headers["etag"] != plain.headers["etag"]
