"""The planning pages over HTTP (Starlette's TestClient): the ABC/XYZ classes, the PAR review
and its decisions, the planning button and an item's forecast; who may do what, CSRF, and the
message shown after a decision.

Proposals are written straight through ``services.levels.propose`` (``tests.e2e.proposals``)
into the worker's hospital; each test that decides one proposes its own first.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine
from tests.conftest import NOW
from tests.e2e.proposals import (
    APAP_ED,
    MORPHINE_ICU,
    ONDANSETRON_ICU,
    explanation,
    ids_of,
    propose_examples,
)

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.clock import FixedClock
from rxsupply.domain.levels import Recommendation
from rxsupply.entrypoints.app import create_app
from rxsupply.services import levels

from .harness import (
    TestClient,
    alert,
    build_hospital,
    client_for,
    csrf_of,
    stock_level,
)

Proposed = dict[tuple[str, str], int]


@pytest.fixture(scope="module")
def manager(web_app: FastAPI) -> Iterator[TestClient]:
    with client_for(web_app, "manager") as client:
        yield client


@pytest.fixture(scope="module")
def tech(web_app: FastAPI) -> Iterator[TestClient]:
    with client_for(web_app, "tech") as client:
        yield client


@pytest.fixture
def proposed(web_engine: Engine) -> Proposed:
    return propose_examples(web_engine)


def flash(html: str) -> str:
    found = re.search(r'id="flash">(.*?)</div>', html, re.S)
    return " ".join(found[1].split()) if found else ""


def rows_of(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-recommendation="(\d+)"', html)]


def decide(
    client: TestClient, rec: int, decision: str = "accept", back: str = "/levels"
) -> tuple[int, str, str]:
    """Post a decision as the PAR review's form does; the status, where it went and the page
    shown there."""
    answer = client.post(
        f"/levels/{rec}/{decision}",
        data={"csrf_token": csrf_of(client, "/levels"), "back": back},
    )
    target = answer.headers.get("location", "")
    shown = client.get(target).text if answer.status_code == 303 else answer.text
    return answer.status_code, target, shown


# --- the PAR review ----------------------------------------------------------------------


def test_a_manager_sees_each_pending_recommendation_with_accept_and_reject_forms(
    manager: TestClient, proposed: Proposed
) -> None:
    html = manager.get("/levels").text

    for rec in proposed.values():
        assert rec in rows_of(html)
        assert f'action="/levels/{rec}/accept"' in html
        assert f'action="/levels/{rec}/reject"' in html
    assert 'name="csrf_token"' in html
    assert 'action="/planning/run"' in html
    assert "5 / 25</span>" in html and "<strong data-recommended>6 / 30</strong>" in html
    assert "95% fill rate" in html


def test_a_technician_sees_the_pending_recommendations_without_any_buttons(
    tech: TestClient, proposed: Proposed
) -> None:
    answer = tech.get("/levels")

    assert answer.status_code == 200
    assert set(proposed.values()) <= set(rows_of(answer.text))
    assert "/accept" not in answer.text
    assert "/reject" not in answer.text
    assert "/planning/run" not in answer.text


def test_a_do_not_stock_proposal_is_marked_and_says_why(
    manager: TestClient, web_engine: Engine
) -> None:
    location_id, item_id = ids_of(web_engine).key(*APAP_ED)
    dead = json.loads(explanation(*APAP_ED)) | {"lifecycle": "dead", "do_not_stock": True}
    out = Recommendation(
        location_id=location_id,
        item_id=item_id,
        min_level=0,
        max_level=0,
        current_min=None,
        current_max=None,
        explanation=json.dumps(dead),
    )
    with SqlUnitOfWork(web_engine) as uow:
        levels.propose(uow, recommendations=[out], classes=[], user="tests", clock=FixedClock(NOW))

    html = manager.get("/levels", params={"location": APAP_ED[1]}).text

    assert "<strong data-recommended>0 / 0</strong>" in html
    assert "data-do-not-stock>do not stock</span>" in html
    assert "no recent use and not vital: do not stock" in html


def test_the_review_filters_by_location_and_item(manager: TestClient, proposed: Proposed) -> None:
    at_ed = manager.get("/levels", params={"location": "ED-ADC1-P02"}).text
    morphine = manager.get("/levels", params={"item": "MORPH2INJ"}).text
    nothing = manager.get("/levels", params={"location": "NO-SUCH-POCKET"}).text

    assert rows_of(at_ed) == [proposed[APAP_ED]]
    assert rows_of(morphine) == [proposed[MORPHINE_ICU]]
    assert rows_of(nothing) == []
    assert "No pending recommendations match." in nothing


def test_accepting_redirects_back_says_what_changed_once_and_sets_the_levels(
    manager: TestClient, proposed: Proposed, web_engine: Engine
) -> None:
    rec = proposed[ONDANSETRON_ICU]
    back = "/levels?location=ICU-ADC1-P01"

    status, target, shown = decide(manager, rec, back=back)
    again = manager.get(target).text

    assert (status, target) == (303, back)
    assert flash(shown) == (
        "Accepted: ondansetron 4 mg/2 mL injection vial at ICU-ADC1-P01 is now "
        "min 6 / max 30 (was min 5 / max 25)."
    )
    assert rec not in rows_of(shown)
    assert flash(again) == ""  # shown once
    assert stock_level(web_engine, item="ONDA4INJ", location="ICU-ADC1-P01") == (6, 30)


def test_rejecting_keeps_the_levels_and_says_so(
    manager: TestClient, proposed: Proposed, web_engine: Engine
) -> None:
    status, _, shown = decide(manager, proposed[ONDANSETRON_ICU], "reject")

    assert status == 303
    assert flash(shown).startswith("Rejected: ondansetron 4 mg/2 mL injection vial at ICU-ADC1")
    assert "stays at min 5 / max 25 (proposed min 6 / max 30)" in flash(shown)
    assert stock_level(web_engine, item="ONDA4INJ", location="ICU-ADC1-P01") == (5, 25)


def test_a_decision_already_taken_is_explained_and_changes_nothing(
    manager: TestClient, proposed: Proposed, web_engine: Engine
) -> None:
    rec = proposed[ONDANSETRON_ICU]
    decide(manager, rec, "reject")

    status, _, shown = decide(manager, rec, "accept")  # a second tab, still showing it

    assert status == 303
    assert f"Nothing changed: recommendation {rec} is already rejected" in alert(shown)
    assert stock_level(web_engine, item="ONDA4INJ", location="ICU-ADC1-P01") == (5, 25)


def test_a_decision_posted_without_the_csrf_token_is_refused_and_changes_nothing(
    manager: TestClient, proposed: Proposed, web_engine: Engine
) -> None:
    rec = proposed[ONDANSETRON_ICU]

    answer = manager.post(f"/levels/{rec}/accept", data={"back": "/levels"})

    assert answer.status_code == 403
    assert "CSRF" in alert(answer.text)
    assert stock_level(web_engine, item="ONDA4INJ", location="ICU-ADC1-P01") == (5, 25)
    assert rec in rows_of(manager.get("/levels").text)


@pytest.mark.parametrize("decision", ["accept", "reject"])
def test_a_technician_may_not_decide_even_with_the_csrf_token(
    tech: TestClient, proposed: Proposed, web_engine: Engine, decision: str
) -> None:
    rec = proposed[ONDANSETRON_ICU]

    answer = tech.post(f"/levels/{rec}/{decision}", data={"csrf_token": csrf_of(tech, "/levels")})

    assert answer.status_code == 403
    assert alert(answer.text) == "Your role (technician) may not set PAR levels."
    assert stock_level(web_engine, item="ONDA4INJ", location="ICU-ADC1-P01") == (5, 25)


@pytest.mark.parametrize("back", ["//evil.example/levels", "https://evil.example/", "/audit"])
def test_a_decision_only_ever_returns_to_a_planning_page(
    manager: TestClient, web_engine: Engine, back: str
) -> None:
    rec = propose_examples(web_engine, only=(APAP_ED,))[APAP_ED]

    status, target, _ = decide(manager, rec, "reject", back=back)

    assert (status, target) == (303, "/levels")


# --- running planning --------------------------------------------------------------------


def test_the_planning_button_starts_a_run_whose_page_follows_it_to_its_summary(
    manager: TestClient,
) -> None:
    answer = manager.post(
        "/planning/run", data={"csrf_token": csrf_of(manager, "/classes"), "back": "/classes"}
    )

    assert answer.status_code == 303
    follow = answer.headers["location"]
    assert re.fullmatch(r"/planning/jobs/\d+\?back=%2Fclasses", follow), follow
    first = manager.get(follow).text
    assert "<progress" in first
    deadline = time.monotonic() + 60
    shown = first
    while 'data-status="running"' in shown and time.monotonic() < deadline:
        assert '<meta http-equiv="refresh" content="1">' in shown  # the page follows the run
        time.sleep(0.2)
        shown = manager.get(follow).text
    assert 'data-status="done"' in shown, shown
    assert '<meta http-equiv="refresh"' not in shown
    message = re.search(r"data-message>([^<]*)<", shown)
    assert message is not None
    assert re.fullmatch(
        r"Planning done in [\d.,]+ s: [\d,]+ item-locations classified, [\d,]+ changed levels "
        r"proposed for review\.",
        message.group(1),
    ), message.group(1)
    assert 'href="/classes" data-back' in shown


def test_a_technician_may_not_run_planning(tech: TestClient) -> None:
    answer = tech.post("/planning/run", data={"csrf_token": csrf_of(tech, "/levels")})

    assert answer.status_code == 403
    assert alert(answer.text) == "Your role (technician) may not set PAR levels."


def test_the_planning_button_needs_the_csrf_token(manager: TestClient) -> None:
    answer = manager.post("/planning/run", data={"back": "/levels"})

    assert answer.status_code == 403
    assert "CSRF" in alert(answer.text)


# --- classes -----------------------------------------------------------------------------


def test_the_classes_page_shows_both_charts_the_demand_classes_and_the_table(
    manager: TestClient, proposed: Proposed
) -> None:
    html = manager.get("/classes").text

    assert 'id="chart-abcxyz"' in html
    assert 'id="chart-pareto"' in html
    assert re.search(r'data-class="smooth">\d+<', html)
    assert 'href="/items/ONDA4INJ"' in html
    assert 'id="no-classes"' not in html


def test_the_classes_table_filters_by_class_and_search(
    manager: TestClient, proposed: Proposed
) -> None:
    html = manager.get("/classes", params={"abc": "C", "demand_class": "lumpy"}).text

    table = html[html.index('<table id="classes">') :]
    assert re.findall(r'href="/items/([^"]+)"', table) == ["APAP325TAB"]
    assert '<option value="lumpy" selected>' in html


@pytest.fixture(scope="module")
def unplanned(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    engine = build_hospital(Path(tmp_path_factory.mktemp("unplanned")) / "rx.db")
    yield create_app(engine)
    engine.dispose()


@pytest.mark.parametrize(("username", "button"), [("manager", True), ("tech", False)])
def test_before_any_planning_run_the_pages_say_how_to_run_it(
    unplanned: FastAPI, username: str, button: bool
) -> None:
    with client_for(unplanned, username) as client:
        classes = client.get("/classes").text
        review = client.get("/levels").text
        item = client.get("/items/ONDA4INJ").text

    assert 'id="no-classes"' in classes
    assert "rxsupply plan --propose" in classes
    assert ('action="/planning/run"' in classes) is button
    assert "chart-abcxyz" not in classes
    assert "No planning run yet" in review and "rxsupply plan --propose" in review
    assert "No planning run has forecast this item yet" in item


# --- an item's forecast ------------------------------------------------------------------


def test_an_item_page_shows_the_forecast_chart_and_each_locations_method_and_class(
    manager: TestClient, proposed: Proposed
) -> None:
    html = manager.get("/items/ONDA4INJ").text

    assert 'id="chart-forecast"' in html
    assert 'id="chart-usage"' in html  # the two-year chart stays
    assert re.search(r'data-figure="forecast">4\.70 VIAL a day<', html)
    rows = re.findall(r'<tr data-location="([^"]+)">(.*?)</tr>', html, re.S)
    cells = {loc: " ".join(re.sub(r"<[^>]+>", " ", row).split()) for loc, row in rows}
    assert cells["ICU-ADC1-P01"] == ("ICU-ADC1-P01 AX smooth active ses poisson 3.20 6 / 30 5 / 25")
    assert cells["ED-ADC1-P01"].endswith("3 / 20 not set")
    assert f'href="/levels?item={quote("ONDA4INJ")}"' in html
