"""The planning endpoints over HTTP, on SQLite and PostgreSQL: classes and their matrix,
recommendations and their decisions, an item's forecast, and a planning run.

Each test gets the example hospital with a planning run's results written straight through
``services.levels.propose`` (``tests.e2e.proposals``: classes of five pockets, three pending
recommendations, ondansetron at ICU-ADC1-P01 set to 5 / 25 beforehand), except the test that
runs the planning job itself on the example dispenses.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from tests.conftest import NOW, load_examples, post
from tests.e2e.proposals import (
    APAP_ED,
    CLASSES,
    MORPHINE_ICU,
    ONDANSETRON_ICU,
    ids_of,
    propose_examples,
)

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.clock import FixedClock
from rxsupply.domain.levels import StockLevel
from rxsupply.domain.ndc import gtin14_from_ndc_digits
from rxsupply.domain.users import Role
from rxsupply.entrypoints import clock
from rxsupply.services import ledger, levels

from .harness import Hospital, QuickHasher, open_hospital, problem

Proposed = dict[tuple[str, str], int]


@pytest.fixture
def pharmacy(hospital: Engine) -> Iterator[Hospital]:
    with open_hospital(hospital, QuickHasher()) as opened:
        yield opened


@pytest.fixture
def proposed(pharmacy: Hospital) -> Proposed:
    return propose_examples(pharmacy.engine)


def get(pharmacy: Hospital, path: str, role: Role = Role.TECHNICIAN, **params: Any) -> Any:
    response = pharmacy.api.get(path, token=pharmacy.token(role), params=params)
    assert response.status_code == 200, response.text
    return response.json()


def levels_at(pharmacy: Hospital, item: str, location: str) -> tuple[Any, Any]:
    series = get(pharmacy, f"/api/items/{item}/forecast")["series"]
    found = [s for s in series if s["location"] == location]
    assert len(found) == 1, series
    return found[0]["current_min"], found[0]["current_max"]


# --- classes -----------------------------------------------------------------------------


def test_classes_come_highest_annual_value_first_and_filter_by_class(
    pharmacy: Hospital, proposed: Proposed
) -> None:
    everything = get(pharmacy, "/api/classes")
    a_class = get(pharmacy, "/api/classes", abc="A", xyz="Z")
    lumpy = get(pharmacy, "/api/classes", demand_class="lumpy", lifecycle="sporadic")
    searched = get(pharmacy, "/api/classes", search="ondansetron", location="ED-ADC1-P01")

    assert [(r["item"], r["location"]) for r in everything["data"]] == sorted(
        CLASSES, key=lambda k: -CLASSES[k]["annual_value"]
    )
    assert everything["next_offset"] is None
    assert [(r["item"], r["location"]) for r in a_class["data"]] == [MORPHINE_ICU]
    assert [(r["item"], r["location"]) for r in lumpy["data"]] == [("APAP325TAB", "ICU-ADC1-P03")]
    assert [(r["item"], r["location"]) for r in searched["data"]] == [("ONDA4INJ", "ED-ADC1-P01")]
    first = everything["data"][0]
    assert {k: first[k] for k in ("abc", "xyz", "method", "min_level", "max_level")} == {
        "abc": "A",
        "xyz": "X",
        "method": "ses",
        "min_level": 6,
        "max_level": 30,
    }


def test_classes_come_in_pages_that_say_where_the_next_one_starts(
    pharmacy: Hospital, proposed: Proposed
) -> None:
    everything = get(pharmacy, "/api/classes")["data"]

    first = get(pharmacy, "/api/classes", limit=3)
    second = get(pharmacy, "/api/classes", limit=3, offset=3)

    assert (first["limit"], first["offset"], first["next_offset"]) == (3, 0, 3)
    assert (second["offset"], second["next_offset"]) == (3, None)
    assert first["data"] + second["data"] == everything


def test_the_matrix_counts_item_locations_and_value_per_abc_xyz_cell(
    pharmacy: Hospital, proposed: Proposed
) -> None:
    matrix = get(pharmacy, "/api/classes/matrix")

    cells = {(c["abc"], c["xyz"]): (c["count"], c["annual_value"]) for c in matrix["cells"]}
    assert cells == {
        ("A", "X"): (1, 876.0),
        ("A", "Y"): (1, 410.6),
        ("A", "Z"): (1, 683.3),
        ("C", "X"): (1, 359.2),
        ("C", "Z"): (1, 29.9),
    }
    assert matrix["demand_classes"] == {"smooth": 3, "intermittent": 1, "lumpy": 1}
    assert matrix["run_at"].startswith("2026-11-20T15:00")


def test_without_a_planning_run_the_classes_are_empty_not_an_error(pharmacy: Hospital) -> None:
    matrix = get(pharmacy, "/api/classes/matrix")
    classes = get(pharmacy, "/api/classes")

    assert matrix == {"run_at": None, "cells": [], "demand_classes": {}}
    assert classes["data"] == []


# --- recommendations ---------------------------------------------------------------------


def test_pending_recommendations_say_what_changes_and_why(
    pharmacy: Hospital, proposed: Proposed
) -> None:
    body = get(pharmacy, "/api/recommendations")

    rows = {(r["item"], r["location"]): r for r in body["data"]}
    assert set(rows) == {ONDANSETRON_ICU, MORPHINE_ICU, APAP_ED}
    onda = rows[ONDANSETRON_ICU]
    assert onda["id"] == proposed[ONDANSETRON_ICU]
    assert onda["status"] == "pending"
    assert (onda["current_min"], onda["current_max"], onda["min_level"], onda["max_level"]) == (
        5,
        25,
        6,
        30,
    )
    assert onda["explanation"]["method"] == "ses"
    assert onda["explanation"]["target"] == 0.95
    assert onda["why"].startswith("AX, smooth, active: 3.20 a day (SD 1.60) over 2 days")
    assert "95% fill rate" in onda["why"]
    assert "capped" in rows[APAP_ED]["why"]
    assert rows[MORPHINE_ICU]["current_min"] is None


def test_recommendations_filter_by_location_item_and_status(
    pharmacy: Hospital, proposed: Proposed
) -> None:
    at_ed = get(pharmacy, "/api/recommendations", location="ED-ADC1-P02")
    morphine = get(pharmacy, "/api/recommendations", item="MORPH2INJ")
    accepted = get(pharmacy, "/api/recommendations", status="accepted")
    every = get(pharmacy, "/api/recommendations", status="all", limit=1)

    assert [r["id"] for r in at_ed["data"]] == [proposed[APAP_ED]]
    assert [r["id"] for r in morphine["data"]] == [proposed[MORPHINE_ICU]]
    assert accepted["data"] == []
    assert (len(every["data"]), every["next_offset"]) == (1, 1)


def test_an_unknown_status_is_a_422_problem_naming_status(pharmacy: Hospital) -> None:
    response = pharmacy.api.get(
        "/api/recommendations",
        token=pharmacy.token(Role.TECHNICIAN),
        params={"status": "maybe"},
    )

    body = problem(response, 422)
    assert [e["field"] for e in body["errors"]] == ["query.status"]


def test_accepting_sets_the_levels_and_writes_an_audit_entry(
    pharmacy: Hospital, proposed: Proposed
) -> None:
    rec = proposed[ONDANSETRON_ICU]
    assert levels_at(pharmacy, *ONDANSETRON_ICU) == (5, 25)

    response = pharmacy.api.post(
        f"/api/recommendations/{rec}/accept", token=pharmacy.token(Role.MANAGER)
    )

    assert response.status_code == 200, response.text
    decided = response.json()
    assert (decided["id"], decided["status"], decided["decided_by"]) == (rec, "accepted", "manager")
    assert (decided["min_level"], decided["max_level"]) == (6, 30)
    assert decided["decided_at"] is not None
    assert levels_at(pharmacy, *ONDANSETRON_ICU) == (6, 30)
    pending = get(pharmacy, "/api/recommendations")["data"]
    assert rec not in [r["id"] for r in pending]
    entries = get(pharmacy, "/api/audit", Role.ADMIN, action="accept-levels")["data"]
    assert [(e["user"], e["entity"]) for e in entries] == [("manager", "stock_level")]
    before, after = json.loads(entries[0]["before"]), json.loads(entries[0]["after"])
    assert (before["min_level"], before["max_level"]) == (5, 25)
    assert (after["min_level"], after["max_level"], after["recommendation"]) == (6, 30, rec)


def test_rejecting_keeps_the_levels_and_is_audited(pharmacy: Hospital, proposed: Proposed) -> None:
    rec = proposed[ONDANSETRON_ICU]

    response = pharmacy.api.post(
        f"/api/recommendations/{rec}/reject", token=pharmacy.token(Role.ADMIN)
    )

    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["decided_by"]) == ("rejected", "admin")
    assert levels_at(pharmacy, *ONDANSETRON_ICU) == (5, 25)
    entries = get(pharmacy, "/api/audit", Role.ADMIN, action="reject-levels")["data"]
    assert [e["user"] for e in entries] == ["admin"]


def test_accepting_a_new_item_location_sets_its_first_levels(
    pharmacy: Hospital, proposed: Proposed
) -> None:
    assert levels_at(pharmacy, *MORPHINE_ICU) == (None, None)

    response = pharmacy.api.post(
        f"/api/recommendations/{proposed[MORPHINE_ICU]}/accept",
        token=pharmacy.token(Role.MANAGER),
    )

    assert response.status_code == 200, response.text
    assert levels_at(pharmacy, *MORPHINE_ICU) == (2, 10)


def test_deciding_twice_is_a_409_problem_and_changes_nothing(
    pharmacy: Hospital, proposed: Proposed
) -> None:
    rec = proposed[ONDANSETRON_ICU]
    token = pharmacy.token(Role.MANAGER)
    first = pharmacy.api.post(f"/api/recommendations/{rec}/accept", token=token)
    assert first.status_code == 200, first.text

    again = pharmacy.api.post(f"/api/recommendations/{rec}/accept", token=token)
    reject = pharmacy.api.post(f"/api/recommendations/{rec}/reject", token=token)

    body = problem(again, 409)
    assert body["type"].endswith("/already-decided")
    assert f"recommendation {rec} is already accepted" in body["detail"]
    assert "already accepted" in problem(reject, 409)["detail"]
    assert levels_at(pharmacy, *ONDANSETRON_ICU) == (6, 30)
    entries = get(pharmacy, "/api/audit", Role.ADMIN, user="manager")["data"]
    assert [e["action"] for e in entries] == ["accept-levels"]


def test_a_recommendation_superseded_by_a_later_run_cannot_be_accepted(
    pharmacy: Hospital, proposed: Proposed
) -> None:
    propose_examples(pharmacy.engine, only=(ONDANSETRON_ICU,))

    response = pharmacy.api.post(
        f"/api/recommendations/{proposed[ONDANSETRON_ICU]}/accept",
        token=pharmacy.token(Role.MANAGER),
    )

    assert "already superseded" in problem(response, 409)["detail"]
    assert levels_at(pharmacy, *ONDANSETRON_ICU) == (5, 25)


def test_an_unknown_recommendation_is_a_404_problem(pharmacy: Hospital) -> None:
    response = pharmacy.api.post(
        "/api/recommendations/987654/accept", token=pharmacy.token(Role.MANAGER)
    )

    body = problem(response, 404)
    assert body["type"].endswith("/not-found")
    assert "987654" in body["detail"]


@pytest.mark.parametrize("decision", ["accept", "reject"])
def test_a_technician_may_not_decide_and_nothing_changes(
    pharmacy: Hospital, proposed: Proposed, decision: str
) -> None:
    rec = proposed[ONDANSETRON_ICU]

    response = pharmacy.api.post(
        f"/api/recommendations/{rec}/{decision}", token=pharmacy.token(Role.TECHNICIAN)
    )

    body = problem(response, 403)
    assert "technician" in body["detail"]
    assert "set_levels" in body["detail"]
    assert levels_at(pharmacy, *ONDANSETRON_ICU) == (5, 25)
    assert rec in [r["id"] for r in get(pharmacy, "/api/recommendations")["data"]]


# --- forecasts ---------------------------------------------------------------------------


def test_an_items_forecast_has_180_days_of_use_28_days_ahead_and_each_location(
    pharmacy: Hospital, proposed: Proposed
) -> None:
    body = get(pharmacy, "/api/items/ONDA4INJ/forecast")

    assert (body["history_days"], body["horizon_days"]) == (180, 28)
    assert len(body["usage"]) == 180
    assert len(body["forecast"]) == 28
    days = [d["day"] for d in body["usage"]] + [d["day"] for d in body["forecast"]]
    assert days == sorted(days) and len(set(days)) == 208  # one run of days, no gap
    assert body["forecast_per_day"] == pytest.approx(3.2 + 1.5)
    assert {d["units"] for d in body["forecast"]} == {body["forecast_per_day"]}
    by_location = {s["location"]: s for s in body["series"]}
    assert set(by_location) == {"ICU-ADC1-P01", "ED-ADC1-P01"}
    icu = by_location["ICU-ADC1-P01"]
    assert (icu["abc"], icu["xyz"], icu["demand_class"], icu["method"]) == (
        "A",
        "X",
        "smooth",
        "ses",
    )
    assert (icu["planned_min"], icu["planned_max"]) == (6, 30)
    assert (icu["current_min"], icu["current_max"]) == (5, 25)
    assert by_location["ED-ADC1-P01"]["current_min"] is None


def test_an_items_forecast_before_any_planning_run_has_its_use_and_no_forecast(
    pharmacy: Hospital,
) -> None:
    body = get(pharmacy, "/api/items/MORPH2INJ/forecast")

    assert len(body["usage"]) == 180
    assert (body["forecast"], body["forecast_per_day"], body["series"]) == ([], None, [])


def test_the_forecast_of_an_unknown_item_is_a_404_problem(pharmacy: Hospital) -> None:
    response = pharmacy.api.get("/api/items/NOPE/forecast", token=pharmacy.token(Role.ADMIN))

    assert "NOPE" in problem(response, 404)["detail"]


# --- running the planning job ------------------------------------------------------------


def test_a_manager_runs_planning_on_the_ledger_and_its_proposals_wait_for_review(
    pharmacy: Hospital, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_examples(pharmacy.engine, "dispenses")  # November 2026
    monkeypatch.setattr(clock, "now", lambda: NOW)

    response = pharmacy.api.post("/api/planning/run", token=pharmacy.token(Role.MANAGER))

    assert response.status_code == 200, response.text
    summary = response.json()
    assert set(summary) == {"series", "proposed", "seconds"}
    assert summary["series"] >= 4  # the pockets that dispensed in examples/dispenses.csv
    pending = get(pharmacy, "/api/recommendations", limit=1000)["data"]
    assert len(pending) == summary["proposed"] > 0
    matrix = get(pharmacy, "/api/classes/matrix")
    assert sum(c["count"] for c in matrix["cells"]) == summary["series"]
    entries = get(pharmacy, "/api/audit", Role.ADMIN, action="propose-levels")["data"]
    assert [e["user"] for e in entries] == ["manager"]


def test_planning_proposes_taking_dead_items_out_unless_asked_to_keep_them(
    pharmacy: Hospital, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_examples(pharmacy.engine, "dispenses")  # November 2026
    # acetaminophen stocked at the storeroom, with levels, more than the dead days ago and
    # never used since (a series seen for less than the dead days cannot be shown dead)
    began = NOW - timedelta(days=200)
    post(
        pharmacy.engine,
        ledger.Receive(
            user="tests",
            product="98765-3250-01",
            lot="OLD200",
            expiry=date(2030, 1, 31),
            quantity=10,
            location="MAIN-STORE",
            occurred_at=began,
        ),
        clock=FixedClock(began),
    )
    store_id, apap_id = ids_of(pharmacy.engine).key("APAP325TAB", "MAIN-STORE")
    with SqlUnitOfWork(pharmacy.engine) as uow:
        stocked = StockLevel(location_id=store_id, item_id=apap_id, min_level=5, max_level=20)
        levels.set_stock_level(uow, level=stocked, user="tests", clock=FixedClock(NOW))
    monkeypatch.setattr(clock, "now", lambda: NOW)
    manager = pharmacy.token(Role.MANAGER)

    pharmacy.api.post("/api/planning/run", token=manager)
    removed = [
        r for r in get(pharmacy, "/api/recommendations", limit=1000)["data"] if r["max_level"] == 0
    ]
    response = pharmacy.api.post("/api/planning/run?keep_dead=true", token=manager)
    kept = get(pharmacy, "/api/recommendations", limit=1000)["data"]

    assert response.status_code == 200, response.text
    assert [(r["item"], r["location"]) for r in removed] == [("APAP325TAB", "MAIN-STORE")]
    assert all(r["explanation"]["do_not_stock"] for r in removed)
    assert all("do not stock" in r["why"] for r in removed)
    assert all(r["max_level"] >= 1 for r in kept)


def test_a_planning_job_runs_in_the_background_and_reports_its_progress_and_summary(
    pharmacy: Hospital, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_examples(pharmacy.engine, "dispenses")  # November 2026
    monkeypatch.setattr(clock, "now", lambda: NOW)
    manager = pharmacy.token(Role.MANAGER)

    started = pharmacy.api.post("/api/planning/jobs", token=manager)

    assert started.status_code == 202, started.text
    job = started.json()
    assert (job["status"], job["started_by"]) in {("running", "manager"), ("done", "manager")}
    seen = [job]
    deadline = time.monotonic() + 60
    while seen[-1]["status"] == "running" and time.monotonic() < deadline:
        time.sleep(0.05)
        seen.append(get(pharmacy, f"/api/planning/jobs/{job['id']}"))
    done = seen[-1]
    assert done["status"] == "done", done
    assert done["progress"] == 1.0
    progress = [s["progress"] for s in seen]
    assert progress == sorted(progress)  # never goes back
    assert done["proposed"] == len(get(pharmacy, "/api/recommendations", limit=1000)["data"])
    assert done["message"].startswith("Planning done in ")
    entries = get(pharmacy, "/api/audit", Role.ADMIN, action="start-planning")["data"]
    assert [(e["user"], e["key"]) for e in entries] == [("manager", str(job["id"]))]


def test_a_second_planning_job_while_one_runs_is_a_409_naming_it(pharmacy: Hospital) -> None:
    with SqlUnitOfWork(pharmacy.engine) as uow:  # a run under way (started just now)
        running = uow.planning_jobs.start(user="ana", now=clock.current().now())
        uow.commit()

    response = pharmacy.api.post("/api/planning/jobs", token=pharmacy.token(Role.MANAGER))

    body = problem(response, 409)
    assert f"planning job {running} (started by ana) is still running" in body["detail"]


def test_a_technician_may_not_run_planning(pharmacy: Hospital) -> None:
    response = pharmacy.api.post("/api/planning/run", token=pharmacy.token(Role.TECHNICIAN))

    problem(response, 403)
    assert get(pharmacy, "/api/classes/matrix")["cells"] == []


# --- batches -------------------------------------------------------------------------------


def test_a_batchs_summary_adds_up_its_proposals_by_hand(
    pharmacy: Hospital, proposed: Proposed
) -> None:
    # ICU-ADC1 holds two proposals: ondansetron (5 / 25 -> 6 / 30, 3.2 a day, 2 days of
    # protection, 0.50 a unit): stock (5+1+25)/2 - 6.4 = 9.1 units -> 12.1, so 4.55 -> 6.05;
    # morphine (none -> 2 / 10, 0.6 a day, 2.00 a unit): 0 -> (13/2 - 1.2) x 2 = 10.60
    body = get(pharmacy, "/api/recommendations/summary", cabinet="ICU-ADC1")

    total = body["total"]
    assert body["filter"] == {"cabinet": "ICU-ADC1"}
    assert total["proposals"] == 2
    assert total["value_now"] == pytest.approx(4.55)
    assert total["value_new"] == pytest.approx(6.05 + 10.60)
    assert total["value_change"] == pytest.approx(6.05 + 10.60 - 4.55)
    # refills a year: 365 x 3.2 / 20 = 58.4 now; 365 x 3.2 / 24 + 365 x 0.6 / 8 = 76.04
    assert total["trips_now"] == pytest.approx(58.4)
    assert total["trips_new"] == pytest.approx(48.67 + 27.38, abs=0.02)
    # stock-out days a year: 365 x 0.01 now; 365 x (0.002 + 0.004) proposed
    assert total["stockout_days_now"] == pytest.approx(3.65)
    assert total["stockout_days_new"] == pytest.approx(2.19)
    assert set(body["by_cabinet"]) == {"ICU-ADC1"}
    assert body["by_class"]["A"]["proposals"] == 2
    assert body["by_kind"]["pocket"]["proposals"] == 2


def test_batches_filter_by_cabinet_item_name_class_and_kind(
    pharmacy: Hospital, proposed: Proposed
) -> None:
    def count(**params: Any) -> int:
        return int(get(pharmacy, "/api/recommendations/summary", **params)["total"]["proposals"])

    assert count() == 3
    assert count(search="morph") == 1
    assert count(search="ONDANSETRON") == 1
    assert count(abc="C") == 1
    assert count(kind="pocket") == 3
    assert count(kind="storeroom") == 0
    assert count(cabinet="ICU-ADC1-P02") == 1  # a pocket's own code
    listed = get(pharmacy, "/api/recommendations", cabinet="ICU-ADC1", abc="A")["data"]
    assert {(r["item"], r["location"]) for r in listed} == {ONDANSETRON_ICU, MORPHINE_ICU}


def test_a_batchs_location_is_read_in_any_case_and_takes_everything_below_it(
    pharmacy: Hospital, proposed: Proposed
) -> None:
    def located(cabinet: str) -> set[tuple[str, str]]:
        rows = get(pharmacy, "/api/recommendations", cabinet=cabinet)["data"]
        return {(r["item"], r["location"]) for r in rows}

    def count(cabinet: str) -> int:
        summary = get(pharmacy, "/api/recommendations/summary", cabinet=cabinet)
        return int(summary["total"]["proposals"])

    assert located("icu-adc1") == {ONDANSETRON_ICU, MORPHINE_ICU}  # a cabinet: its pockets
    assert located("Icu-Adc1-P02") == {MORPHINE_ICU}  # a pocket: itself
    assert located("main") == set(proposed)  # the facility: its cabinets' pockets
    assert located("SYS") == set(proposed)  # the system: its facilities'
    assert located("MAIN-STORE") == set()  # a storeroom beside the cabinets: none of theirs
    assert (count("icu-adc1"), count("ed-adc1"), count("Main"), count("sys")) == (2, 1, 3, 3)


def test_a_batchs_item_is_an_ndc_typed_with_spaces_or_a_scanned_gtin(
    pharmacy: Hospital, proposed: Proposed
) -> None:
    # morphine's one product is NDC 98765-0210-1: GTIN-14 0 03 9876502101 + check digit
    gtin = gtin14_from_ndc_digits("9876502101")

    def items(search: str) -> set[str]:
        rows = get(pharmacy, "/api/recommendations", search=search)["data"]
        return {r["item"] for r in rows}

    assert items("98765 0210 1") == {"MORPH2INJ"}
    assert items(" 98765 - 0210 - 1 ") == {"MORPH2INJ"}
    assert items(gtin) == {"MORPH2INJ"}  # as a scanner types it
    assert items(gtin[2:]) == {"MORPH2INJ"}  # its UPC-A (12 digits)
    assert items(gtin[:-1] + str((int(gtin[-1]) + 1) % 10)) == set()  # another GTIN
    assert items("98765") == {"ONDA4INJ", "MORPH2INJ", "APAP325TAB"}  # the labeler, as before
    summary = get(pharmacy, "/api/recommendations/summary", search=gtin)
    assert summary["total"]["proposals"] == 1


def test_a_batchs_class_and_kind_are_read_in_any_case_and_an_unknown_kind_is_refused(
    pharmacy: Hospital, proposed: Proposed
) -> None:
    def count(**params: Any) -> int:
        return int(get(pharmacy, "/api/recommendations/summary", **params)["total"]["proposals"])

    assert (count(abc="a"), count(kind="POCKET")) == (2, 3)
    for path in ("/api/recommendations/summary", "/api/recommendations"):
        refused = pharmacy.api.get(
            path, token=pharmacy.token(Role.TECHNICIAN), params={"kind": "adc"}
        )
        body = problem(refused, 422)
        assert body["detail"] == "kind 'adc': must be pocket, storeroom or satellite"
    accepted = pharmacy.api.post(
        "/api/recommendations/batch/accept?kind=foo&expected=0", token=pharmacy.token(Role.MANAGER)
    )
    assert "must be pocket, storeroom or satellite" in problem(accepted, 422)["detail"]
    assert get(pharmacy, "/api/audit", Role.ADMIN, action="accept-levels-batch")["data"] == []
    assert len(get(pharmacy, "/api/recommendations")["data"]) == 3


def test_accepting_a_batch_sets_its_levels_with_one_audit_entry_holding_its_summary(
    pharmacy: Hospital, proposed: Proposed
) -> None:
    response = pharmacy.api.post(
        "/api/recommendations/batch/accept?cabinet=ICU-ADC1&expected=2",
        token=pharmacy.token(Role.MANAGER),
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["decision"], body["decided"], body["skipped"]) == ("accepted", 2, 0)
    assert levels_at(pharmacy, *ONDANSETRON_ICU) == (6, 30)
    assert levels_at(pharmacy, *MORPHINE_ICU) == (2, 10)
    pending = get(pharmacy, "/api/recommendations")["data"]
    assert [(r["item"], r["location"]) for r in pending] == [APAP_ED]
    batch = get(pharmacy, "/api/audit", Role.ADMIN, action="accept-levels-batch")["data"]
    assert len(batch) == 1 and batch[0]["user"] == "manager"
    after = json.loads(batch[0]["after"])
    assert after["filter"] == {"cabinet": "ICU-ADC1"}
    assert after["decided"] == 2
    assert after["summary"]["total"]["value_new"] == pytest.approx(16.65)
    each = get(pharmacy, "/api/audit", Role.ADMIN, action="accept-levels")["data"]
    assert len(each) == 2
    assert {json.loads(e["after"])["batch"] for e in each} == {batch[0]["key"]}


def test_a_batch_that_changed_since_its_review_is_refused_whole(
    pharmacy: Hospital, proposed: Proposed
) -> None:
    response = pharmacy.api.post(
        "/api/recommendations/batch/reject?expected=2",  # three match
        token=pharmacy.token(Role.MANAGER),
    )

    body = problem(response, 409)
    assert "3 proposals match now, 2 were reviewed" in body["detail"]
    assert len(get(pharmacy, "/api/recommendations")["data"]) == 3
    assert get(pharmacy, "/api/audit", Role.ADMIN, action="reject-levels-batch")["data"] == []


def test_a_technician_may_not_decide_a_batch(pharmacy: Hospital, proposed: Proposed) -> None:
    response = pharmacy.api.post(
        "/api/recommendations/batch/accept", token=pharmacy.token(Role.TECHNICIAN)
    )

    problem(response, 403)
    assert len(get(pharmacy, "/api/recommendations")["data"]) == 3
