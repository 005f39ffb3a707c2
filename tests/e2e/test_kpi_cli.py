"""``rxsupply kpi``: the key figures on the command line, the same as ``GET /api/kpi`` (one
function), and ``kpi refresh`` folding the ledger into the daily summaries without changing a
figure. The example files imported through the CLI: 2,410 units ($545.70) in MAIN-STORE, 195
($75.45) in ICU-ADC1 and 265 ($49.07) in ED-ADC1, all received on the tests' day."""

from __future__ import annotations

import pytest
from tests.conftest import EXAMPLES
from tests.e2e.cli_runner import Rx

KINDS = ("items", "locations", "stock", "prices", "purchases")


@pytest.fixture
def hospital(rx: Rx) -> Rx:
    for kind in KINDS:
        ran = rx("import", kind, str(EXAMPLES / f"{kind}.csv"))
        assert ran.code == 0, ran.err
    return rx


def test_kpi_show_json_gives_each_figure_with_its_definition(hospital: Rx) -> None:
    ran = hospital("kpi", "show", "--json")

    assert ran.code == 0, ran.err
    found = ran.json()
    assert found["today"] == "2026-11-20"
    assert [(r["location"], r["value"]) for r in found["value_by_location"]] == [
        ("MAIN-STORE", "545.70"),
        ("ICU-ADC1", "75.45"),
        ("ED-ADC1", "49.07"),
    ]
    assert found["turns"]["on_hand_value"] == "670.22"
    assert found["turns"]["issues_value"] == "0.00"  # nothing dispensed yet
    assert found["contract"]["spend"] == "545.70"  # the compliance report's examples
    assert found["contract"]["share_on_contract"] == 0.0
    assert set(found["definitions"]) >= {"turns", "days_on_hand", "stock_outs", "vend_to_fill"}


def test_kpi_refresh_folds_the_ledger_and_the_figures_stay_the_same(hospital: Rx) -> None:
    before = hospital("kpi", "show", "--json").json()

    folded = hospital("kpi", "refresh")
    after = hospital("kpi", "show", "--json").json()
    again = hospital("kpi", "refresh")

    assert folded.code == 0 and "folded" in folded.out
    assert after == before
    assert "folded 0 movements" in again.out


def test_kpi_show_prints_the_figures_and_how_they_are_computed(hospital: Rx) -> None:
    ran = hospital("kpi", "show")

    assert ran.code == 0, ran.err
    assert "on-hand value        $670.22" in ran.out
    assert "How these are computed:" in ran.out
    assert "turns: Cost of issues over the last 365 days" in " ".join(ran.out.split())


def test_kpi_show_on_a_past_day_values_the_stock_held_that_day(hospital: Rx) -> None:
    """Everything was received on the tests' day (11/20/2026): the day before, the hospital
    held nothing, so its on-hand and average values are zero, not today's $670.22."""
    ran = hospital("kpi", "show", "--on", "2026-11-19", "--json")

    assert ran.code == 0, ran.err
    turns = ran.json()["turns"]
    assert (turns["last_day"], turns["on_hand_value"], turns["average_value"]) == (
        "2026-11-19",
        "0.00",
        "0.00",
    )


def test_kpi_show_on_a_day_after_today_is_refused(hospital: Rx) -> None:
    ran = hospital("kpi", "show", "--on", "2030-01-01")

    assert ran.code == 1
    assert "2030-01-01 is after today (2026-11-20): no figures yet" in ran.message
