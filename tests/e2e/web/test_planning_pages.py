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
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import lxml.html
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, func, select
from tests.conftest import NOW
from tests.e2e.proposals import (
    APAP_ED,
    MORPHINE_ICU,
    ONDANSETRON_ICU,
    PROPOSED,
    explanation,
    ids_of,
    pending,
    propose_examples,
)

from rxsupply.adapters import tables
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.clock import FixedClock
from rxsupply.domain.levels import ProposalFilter, Recommendation
from rxsupply.entrypoints.app import create_app
from rxsupply.entrypoints.http.planning import batch_summary
from rxsupply.entrypoints.web.rendering import days_of_supply
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
Propose = Callable[..., int]


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


@pytest.fixture
def propose_more(web_engine: Engine) -> Iterator[Propose]:
    """``propose_more(item, location, current=(min, max) | None, proposed=(min, max), **e)``
    proposes levels for one more item-location, its explanation the example ondansetron's with
    ``e`` over it; its id. Those still pending at the end are superseded, so the next test's
    batches are the examples' again (the hospital is the worker's, shared)."""
    made: set[tuple[int, int]] = set()
    ids = ids_of(web_engine)

    def propose(
        item: str,
        location: str,
        *,
        current: tuple[int, int] | None,
        proposed: tuple[int, int],
        **explained: object,
    ) -> int:
        location_id, item_id = ids.key(item, location)
        e = json.loads(explanation(*ONDANSETRON_ICU)) | {"location": location} | explained
        rec = Recommendation(
            location_id=location_id,
            item_id=item_id,
            min_level=proposed[0],
            max_level=proposed[1],
            current_min=current[0] if current else None,
            current_max=current[1] if current else None,
            explanation=json.dumps(e),
        )
        with SqlUnitOfWork(web_engine) as uow:
            levels.propose(
                uow, recommendations=[rec], classes=[], user="tests", clock=FixedClock(NOW)
            )
        made.add((location_id, item_id))
        return pending(web_engine)[(item, location)]

    yield propose
    with SqlUnitOfWork(web_engine) as uow:
        uow.recommendations.supersede_pending(made, now=NOW)
        uow.commit()


def texts(html: str, xpath: str) -> list[str]:
    """The text of each element ``xpath`` finds in the page, its white space collapsed."""
    return [" ".join(e.text_content().split()) for e in lxml.html.fromstring(html).xpath(xpath)]


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


def test_the_review_reads_a_location_in_any_case_and_takes_everything_below_it(
    manager: TestClient, proposed: Proposed
) -> None:
    cabinet = manager.get("/levels", params={"location": "icu-adc1"}).text
    facility = manager.get("/levels", params={"location": "main"}).text
    examples = set(proposed.values())

    assert examples & set(rows_of(cabinet)) == {
        proposed[ONDANSETRON_ICU],
        proposed[MORPHINE_ICU],
    }
    at = texts(cabinet, "//tr[@data-recommendation]/td[2]")
    assert at and all(code.startswith("ICU-ADC1-P") for code in at)
    assert texts(cabinet, "//*[@data-batch-count]") == [str(len(at))]
    assert examples <= set(rows_of(facility))  # the pockets of both cabinets
    assert 'name="location" value="main"' in facility  # the batch is the filter as typed


def test_the_review_takes_a_class_in_lower_case(manager: TestClient, proposed: Proposed) -> None:
    html = manager.get("/levels", params={"abc": "a", "kind": "Pocket"}).text

    assert set(proposed.values()) & set(rows_of(html)) == {
        proposed[ONDANSETRON_ICU],
        proposed[MORPHINE_ICU],
    }
    assert texts(html, "//*[@data-batch-class]") == [
        texts(html, "//*[@data-batch-total]")[0].replace("All", "Class A", 1)
    ]
    assert 'name="abc" value="A"' in html and 'name="kind" value="pocket"' in html


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"kind": "adc"}, "Kind 'adc': must be pocket, storeroom or satellite."),
        ({"abc": "d", "location": "ICU-ADC1"}, "Class 'D': must be A, B or C."),
    ],
)
def test_a_filter_the_review_refuses_is_said_and_no_batch_is_offered(
    manager: TestClient, proposed: Proposed, params: dict[str, str], said: str
) -> None:
    answer = manager.get("/levels", params=params)

    assert answer.status_code == 200
    assert texts(answer.text, "//*[@id='filter-refused']")[0].startswith(said)
    assert 'id="batch-summary"' not in answer.text
    assert "data-batch-accept" not in answer.text and "data-batch-reject" not in answer.text
    assert rows_of(answer.text) == []  # not the whole batch in its place
    assert "the filter above is refused" in answer.text


def test_a_batch_posted_with_a_kind_it_refuses_changes_nothing_and_says_why(
    manager: TestClient, proposed: Proposed, web_engine: Engine
) -> None:
    everything = manager.get("/levels").text
    count = texts(everything, "//*[@data-batch-count]")[0]

    def audited() -> int:
        with web_engine.connect() as conn:
            return int(
                conn.execute(
                    select(func.count()).where(tables.audit.c.action == "accept-levels-batch")
                ).scalar_one()
            )

    before = audited()
    # the web database is shared by the session's tests: what another set stays as it was
    morphine = stock_level(web_engine, item="MORPH2INJ", location="ICU-ADC1-P02")
    answer = manager.post(
        "/levels/batch/accept",
        data={
            "csrf_token": csrf_of(manager, "/levels"),
            "back": "/levels?kind=adc",
            "location": "",
            "item": "",
            "abc": "",
            "kind": "adc",
            "expected": count,  # the size of the unfiltered batch
        },
    )

    assert answer.status_code == 303
    assert answer.headers["location"] == "/levels?kind=adc"
    shown = manager.get(answer.headers["location"]).text
    assert texts(shown, "//*[@id='flash']") == [
        "Nothing changed: kind 'adc': must be pocket, storeroom or satellite."
    ]
    assert rows_of(manager.get("/levels").text) == rows_of(everything)
    assert stock_level(web_engine, item="MORPH2INJ", location="ICU-ADC1-P02") == morphine
    assert audited() == before


def test_days_of_supply_and_packs_are_shown_beside_the_current_level_and_the_proposed(
    manager: TestClient, proposed: Proposed, propose_more: Propose
) -> None:
    store = propose_more(
        "ONDA4INJ",
        "MAIN-STORE",
        current=(20, 60),
        proposed=(30, 90),
        mean_daily_demand=4.0,
        min_days_of_supply=7.5,
        max_days_of_supply=22.5,
        location_kind="storeroom",
        case_pack=10,
        min_packages=3.0,
        max_packages=9.0,
    )
    slow = propose_more(
        "MORPH2INJ",
        "OR-SAT",
        current=(10, 40),
        proposed=(1, 10),
        mean_daily_demand=0.002,
        min_days_of_supply=500.0,
        max_days_of_supply=5000.0,
        location_kind="satellite",
    )
    html = manager.get("/levels").text

    def shown(rec: int, attr: str) -> str:
        found = texts(html, f"//tr[@data-recommendation='{rec}']//*[@{attr}]")
        return found[0] if found else ""

    # ondansetron at ICU-ADC1-P01: 3.2 a day, 5 / 25 now, 6 / 30 proposed
    onda = proposed[ONDANSETRON_ICU]
    assert shown(onda, "data-days-now") == "1.6 / 7.8 days"
    assert shown(onda, "data-days-of-supply") == "1.9 / 9.4 days"  # the proposal's, as before
    assert shown(onda, "data-current") == "5 / 25"  # the levels themselves as before
    # acetaminophen at ED-ADC1-P02 has no levels yet: its proposal's days alone
    apap = proposed[APAP_ED]
    assert shown(apap, "data-days-of-supply") == "1.7 / 8.3 days"
    assert shown(apap, "data-days-now") == ""
    # a storeroom in cases of 10 at 4 a day: 20 / 60 now, 30 / 90 proposed
    assert shown(store, "data-days-now") == "5.0 / 15.0 days"
    assert shown(store, "data-days-of-supply") == "7.5 / 22.5 days"
    assert shown(store, "data-packages-now") == "2.0 / 6.0"
    assert shown(store, "data-packages") == "3.0 / 9.0 packs of 10"
    # 0.002 a day: 10 / 40 now are 5,000 and 20,000 days, the proposal's max 5,000
    assert shown(slow, "data-days-now") == "over 10 years"
    assert shown(slow, "data-days-of-supply") == "500.0 days / over 10 years"
    assert shown(slow, "data-packages") == ""  # a case of 1
    assert shown(onda, "data-packages") == ""  # a pocket


def test_days_of_supply_over_ten_years_are_said_in_words() -> None:
    assert days_of_supply(1.5625, 7.8125) == "1.6 / 7.8 days"
    assert days_of_supply(3650, 1234.56) == "3,650.0 / 1,234.6 days"
    assert days_of_supply(3650.01, 42_641_964.8) == "over 10 years"
    assert days_of_supply(12.0, 42_641_964.8) == "12.0 days / over 10 years"
    assert days_of_supply(2.5) == "2.5 days"
    assert days_of_supply(None, None) == "—"


def test_a_batch_over_more_than_12_locations_lists_them_all_below_its_main_rows(
    manager: TestClient, proposed: Proposed, propose_more: Propose, web_engine: Engine
) -> None:
    few = manager.get("/levels", params={"location": "ICU-ADC1"}).text
    places = [
        (item, location)
        for location in ("MAIN-STORE", "OR-SAT", "ICU-ADC1-P01", "ICU-ADC1-P03", "ED-ADC1-P01")
        for item in ("ONDA4INJ", "MORPH2INJ", "APAP325TAB")
        if (item, location) not in PROPOSED
    ][:13]
    for n, (item, location) in enumerate(places, start=1):
        propose_more(item, location, current=None, proposed=(1, 2), cabinet=f"CAB-{n:02d}")

    html = manager.get("/levels").text

    groups = sorted(batch_summary(web_engine, ProposalFilter())["by_cabinet"])
    assert {f"CAB-{n:02d}" for n in range(1, 14)} | {"ED-ADC1", "ICU-ADC1"} <= set(groups)
    assert texts(html, "//details[@id='batch-by-location']/summary") == [
        f"By location ({len(groups)})"
    ]
    listed = texts(html, "//details[@id='batch-by-location']//tr[@data-batch-cabinet]/th")
    assert listed == groups
    assert texts(html, "//table[@id='batch-table']//tr[@data-batch-cabinet]") == []
    assert texts(html, "//details[@id='batch-by-location'][@open]") == []  # folded
    # 12 groups or fewer stay among the main rows, as before
    assert texts(few, "//table[@id='batch-table']//tr[@data-batch-cabinet]/th") == ["ICU-ADC1"]
    assert 'id="batch-by-location"' not in few


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
