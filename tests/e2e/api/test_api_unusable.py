"""``GET /api/stock/unusable`` over HTTP, on SQLite and PostgreSQL: the stock that may not be
handed out today, where it is and why, with the totals the dashboard's tile shows.

The example hospital (``examples/``) with two of its lots made unusable by SQL, as a status
change and an old label would leave them: morphine lot MS2409 recalled (60 syringes in
MAIN-STORE, 15 in pocket ICU-ADC1-P02, $31.20 for 10) and ondansetron lot ON2502B expiring the
day before the tests' clock (100 vials in MAIN-STORE, 45 in pocket ED-ADC1-P01, $8.90 for 10).
The API's clock is pinned at ``NOW`` (11/20/2026, 10:00 in New York).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import Engine, update
from tests.conftest import NOW

from rxsupply.adapters import tables
from rxsupply.domain.users import Role
from rxsupply.entrypoints import clock

from .harness import Hospital, QuickHasher, open_hospital


def make_unusable(engine: Engine) -> None:
    """Recall morphine lot MS2409 and date ondansetron lot ON2502B the day before NOW."""
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


@pytest.fixture
def pharmacy(hospital: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Hospital]:
    monkeypatch.setattr(clock, "now", lambda: NOW)
    make_unusable(hospital)
    with open_hospital(hospital, QuickHasher()) as opened:
        yield opened


def test_unusable_stock_lists_each_line_with_its_value_and_why(pharmacy: Hospital) -> None:
    token = pharmacy.token(Role.TECHNICIAN)

    answer = pharmacy.api.get("/api/stock/unusable", token=token)

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [
        (r["location"], r["parent"], r["lot"], r["quantity"], r["value"], r["why"])
        for r in body["data"]
    ] == [
        ("ED-ADC1-P01", "ED-ADC1", "ON2502B", 45, "40.05", "expired"),
        ("ICU-ADC1-P02", "ICU-ADC1", "MS2409", 15, "46.80", "recalled"),
        ("MAIN-STORE", "MAIN", "MS2409", 60, "187.20", "recalled"),
        ("MAIN-STORE", "MAIN", "ON2502B", 100, "89.00", "expired"),
    ]
    assert body["next_offset"] is None


def test_the_totals_are_those_of_the_dashboard_tile(pharmacy: Hospital) -> None:
    token = pharmacy.token(Role.TECHNICIAN)

    totals = pharmacy.api.get("/api/stock/unusable", token=token).json()["totals"]

    assert totals["today"] == "2026-11-20"
    assert (totals["units"], totals["value"], totals["lines"]) == (220, "363.05", 4)
    assert [(r["location"], r["units"], r["value"], r["why"]) for r in totals["by_location"]] == [
        ("MAIN-STORE", 160, "276.20", ["recalled", "expired"]),
        ("ICU-ADC1", 15, "46.80", ["recalled"]),
        ("ED-ADC1", 45, "40.05", ["expired"]),
    ]


def test_unusable_stock_comes_in_pages_with_the_same_totals_on_each(pharmacy: Hospital) -> None:
    token = pharmacy.token(Role.TECHNICIAN)
    whole = pharmacy.api.get("/api/stock/unusable", token=token).json()

    first = pharmacy.api.get("/api/stock/unusable", token=token, params={"limit": 3}).json()
    second = pharmacy.api.get(
        "/api/stock/unusable", token=token, params={"limit": 3, "offset": 3}
    ).json()

    assert (first["next_offset"], second["next_offset"]) == (3, None)
    assert first["data"] + second["data"] == whole["data"]
    assert first["totals"] == second["totals"] == whole["totals"]


def test_a_lot_on_its_expiry_day_is_still_usable(
    pharmacy: Hospital, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW.replace(day=19))
    token = pharmacy.token(Role.TECHNICIAN)

    body = pharmacy.api.get("/api/stock/unusable", token=token).json()

    assert {r["lot"] for r in body["data"]} == {"MS2409"}
    assert body["totals"]["units"] == 75
