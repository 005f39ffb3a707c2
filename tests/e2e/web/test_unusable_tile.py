"""The dashboard's "Unusable stock" tile over HTTP: units, value and where, the same totals as
``GET /api/stock/unusable``; and an item whose only stock is unusable counts as at zero.

Its own hospital (the example one, with morphine lot MS2409 recalled and ondansetron lot
ON2502B dated the day before the pinned clock), so the shared web hospital keeps its stock
usable for the other page tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi import FastAPI
from sqlalchemy import select, update
from tests.conftest import NOW

from rxsupply.adapters import tables
from rxsupply.entrypoints.app import create_app

from .harness import TestClient, build_hospital, client_for


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    engine = build_hospital(tmp_path_factory.mktemp("unusable") / "rx.db")
    lot = tables.lot
    with engine.begin() as conn:
        conn.execute(
            update(lot)
            .where(lot.c.lot_number == "MS2409")
            .values(status="recalled", status_reason="FDA recall", status_by="pharmacist")
        )
        conn.execute(
            update(lot).where(lot.c.lot_number == "ON2502B").values(expiry=date(2026, 11, 19))
        )
        places = dict(conn.execute(select(tables.location.c.code, tables.location.c.id)).all())
        items = dict(conn.execute(select(tables.item.c.code, tables.item.c.id)).all())
        for place, code, top in (
            ("MAIN-STORE", "MORPH2INJ", 100),  # stocked, its only lot recalled: at zero
            ("MAIN-STORE", "ONDA4INJ", 50),  # stocked and usable
            ("ED-ADC1-P01", "APAP325TAB", 10),  # stocked, none there: at zero
            ("ICU-ADC1-P03", "ONDA4INJ", 0),  # none there, but do-not-stock (max 0)
        ):
            conn.execute(
                tables.stock_level.insert().values(
                    location_id=places[place],
                    item_id=items[code],
                    min_level=0,
                    max_level=top,
                    updated_at=NOW,
                    updated_by="tests",
                )
            )
    yield create_app(engine)
    engine.dispose()


@pytest.fixture(scope="module")
def manager(app: FastAPI) -> Iterator[TestClient]:
    with client_for(app, "manager") as client:
        yield client


def figure(html: str, name: str) -> str:
    found = re.search(rf'data-figure="{name}">([^<]*)<', html)
    assert found, f"no data-figure={name} on the page"
    return found.group(1)


def test_the_unusable_stock_tile_shows_its_units_and_value(manager: TestClient) -> None:
    html = manager.get("/").text

    assert figure(html, "unusable") == "220"  # 60 + 15 recalled morphine, 100 + 45 expired
    assert figure(html, "unusable-value") == "$363.05"
    assert re.search(r'<div class="card warn">\s*<h2>Unusable stock</h2>', html)


def test_the_tile_says_where_the_unusable_stock_is_and_why(manager: TestClient) -> None:
    html = manager.get("/").text

    where = re.findall(
        r'<li data-location="([^"]+)">.*?</a>\s*([\d,]+) units, (\$[\d,.]+) '
        r'<span class="sub">([^<]*)</span>',
        html,
        flags=re.S,
    )
    assert where == [
        ("MAIN-STORE", "160", "$276.20", "recalled, expired"),
        ("ICU-ADC1", "15", "$46.80", "recalled"),
        ("ED-ADC1", "45", "$40.05", "expired"),
    ]


def test_the_tile_and_the_json_endpoint_show_the_same_totals(manager: TestClient) -> None:
    html = manager.get("/").text

    totals = manager.get("/api/stock/unusable", headers={"accept": "application/json"}).json()[
        "totals"
    ]

    assert figure(html, "unusable") == f"{totals['units']:,}"
    assert figure(html, "unusable-value") == f"${totals['value']}"


def test_items_at_zero_are_stocked_item_locations_without_usable_stock_vital_first(
    manager: TestClient,
) -> None:
    html = manager.get("/").text

    assert figure(html, "zero") == "2"
    assert re.findall(r'<li data-item="([^"]+)" data-location="([^"]+)"', html) == [
        ("MORPH2INJ", "MAIN-STORE"),  # vital first, though "acetaminophen" sorts before it
        ("APAP325TAB", "ED-ADC1-P01"),
    ]
    assert '<a href="/items/MORPH2INJ">morphine 2 mg/mL 1 mL syringe</a>' in html


def test_the_other_tiles_keep_their_figures(manager: TestClient) -> None:
    html = manager.get("/").text

    # every unit on hand, usable or not: 280 x 0.75 + 145 x 0.89 + 75 x 3.12 + 2,370 x 0.041
    assert figure(html, "value") == "$670.22"
    for name in ("turns", "days", "expiring"):
        assert figure(html, name)


def test_an_item_page_says_which_of_its_lots_is_recalled(manager: TestClient) -> None:
    html = manager.get("/items/MORPH2INJ").text

    rows = re.findall(r"<td>(MS2409)<br><span class=\"sub\">([^<]*)</span></td>", html)

    assert rows and {status for _, status in rows} == {"recalled"}
