"""The count pages over HTTP: a technician starts a count from /counts, the entry form shows
no expected quantity, a found lot is added, counts are entered and submitted; the review shows
the variances; a manager approves and posts; a controlled count is refused without a witness."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from rxsupply.entrypoints.app import create_app

from .harness import PASSWORD, TestClient, build_hospital, client_for, csrf_of, on_hand


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    built = build_hospital(tmp_path_factory.mktemp("counts") / "rx.db")
    yield built
    built.dispose()


@pytest.fixture(scope="module")
def app(engine: Engine) -> FastAPI:
    return create_app(engine)


def flash(html: str) -> str:
    found = re.search(r'id="flash">(.*?)</div>', html, re.S)
    return " ".join(found[1].split()) if found else ""


def started(client: TestClient, location: str, item: str) -> str:
    done = client.post(
        "/counts",
        data={"csrf_token": csrf_of(client, "/counts"), "location": location, "item": item},
    )
    assert done.status_code == 303, done.text
    return str(done.headers["location"])


def fields(html: str) -> dict[str, str]:
    """The count form's inputs ``counted-<line id>`` by lot number."""
    rows = re.findall(r'data-line="(\d+)" data-lot="([^"]+)"', html)
    return {lot: f"counted-{line}" for line, lot in rows}


def test_a_cycle_count_from_start_to_posting(app: FastAPI, engine: Engine) -> None:
    with client_for(app, "tech") as tech, client_for(app, "manager") as manager:
        page = started(tech, "MAIN-STORE", "ONDA4INJ")
        sheet = tech.get(page).text
        added = tech.post(
            f"{page}/lines",
            data={
                "csrf_token": csrf_of(tech, page),
                "location": "MAIN-STORE",
                "ndc": "98765-402-10",
                "lot": "ON2612Q",
                "expiry": "2028-01-31",
                "counted": "3",
            },
        )
        names = fields(tech.get(page).text)
        submitted = tech.post(
            f"{page}/enter",
            data={
                "csrf_token": csrf_of(tech, page),
                names["ON2411A"]: "200",
                names["ON2502B"]: "100",
                names["ON2612Q"]: "3",
                "then": "submit",
            },
        )
        said = flash(tech.get(submitted.headers["location"]).text)
        review = manager.get(page).text
        early = manager.post(f"{page}/post", data={"csrf_token": csrf_of(manager, page)})
        assert early.status_code == 303
        early_said = flash(manager.get(page).text)
        manager.post(f"{page}/approve", data={"csrf_token": csrf_of(manager, page)})
        lines = re.findall(r'name="reason-(\d+)"', manager.get(page).text)
        reasons = dict.fromkeys((f"reason-{n}" for n in lines), "unrecorded-receipt")
        reasons[f"reason-{lines[0]}"] = "miscount"
        manager.post(f"{page}/post", data={"csrf_token": csrf_of(manager, page), **reasons})
        final = manager.get(page).text

    assert 'id="count-form"' in sheet and "data-expected" not in sheet
    assert ">250<" not in sheet  # the record is not shown to the counter
    assert added.status_code == 303
    assert said.startswith("Submitted: variance -47 units")
    assert 'data-expected="250"' in review and 'data-variance="-50"' in review
    assert 'id="approve-count"' in review
    assert "needs a manager&#39;s approval" in early_said
    assert len(lines) == 2  # the tray lot short by 50, the found lot
    assert 'id="count-status" data-figure="status">posted<' in final
    assert on_hand(engine, location="MAIN-STORE", ndc="98765-401-02", lot="ON2411A") == 200
    assert on_hand(engine, location="MAIN-STORE", ndc="98765-402-10", lot="ON2612Q") == 3


def test_a_controlled_count_is_refused_without_a_witness(app: FastAPI) -> None:
    with client_for(app, "tech") as tech:
        page = started(tech, "ICU-ADC1", "MORPH2INJ")
        html = tech.get(page).text
        names = fields(html)
        form = {"csrf_token": csrf_of(tech, page), names["MS2409"]: "15", "then": "submit"}
        alone = flash(tech.get(tech.post(f"{page}/enter", data=form).headers["location"]).text)
        witnessed = tech.post(
            f"{page}/enter", data={**form, "witness": "manager", "witness_password": PASSWORD}
        )
        after = tech.get(witnessed.headers["location"]).text

    assert 'id="witness"' in html and 'id="witness-password"' in html
    assert "it needs two people" in alone
    assert flash(after).startswith("Submitted")
    assert "witness manager" in after


def test_the_biennial_inventory_prints_and_downloads(app: FastAPI) -> None:
    with client_for(app, "auditor") as auditor:
        page = auditor.get("/controlled/biennial")
        csv_file = auditor.get("/controlled/biennial.csv", params={"date": "2026-11-20"})
        listing = auditor.get("/counts").text

    assert page.status_code == 200 and 'id="schedule-ii"' in page.text
    assert csv_file.text.splitlines()[0].startswith("date,registrant,schedule,location")
    assert 'id="start-count"' not in listing  # compliance reads, does not count
    assert 'href="/counts"' in listing


def test_a_counted_quantity_that_is_not_a_plain_number_is_refused_by_name(
    app: FastAPI, engine: Engine
) -> None:
    with client_for(app, "tech") as tech:
        page = started(tech, "ED-ADC1", "APAP325TAB")
        name = fields(tech.get(page).text)["AP2406"]
        said = {}
        for label, form in {
            "superscript": {name: "²"},
            "huge": {name: "9" * 400},
            "odd line": {"counted-²": "5"},
            "long line": {"counted-" + "9" * 40: "5"},
        }.items():
            done = tech.post(f"{page}/enter", data={"csrf_token": csrf_of(tech, page), **form})
            assert done.status_code == 303, (label, done.status_code)
            said[label] = flash(tech.get(done.headers["location"]).text)
        found_line = tech.post(
            f"{page}/lines",
            data={
                "csrf_token": csrf_of(tech, page),
                "location": "ED-ADC1-P02",
                "ndc": "98765-3250-01",
                "lot": "AP2799X",
                "expiry": "2028-01-31",
                "counted": "²",
            },
        )
        said["found line"] = flash(tech.get(found_line.headers["location"]).text)
        odd_page = tech.get("/counts/²")
        sheet = tech.get(page).text

    assert said["superscript"].startswith(f"Not done: {name} &#39;²&#39;: not a whole number")
    assert said["huge"].startswith(f"Not done: {name} ") and "more than" in said["huge"]
    assert said["odd line"].startswith("Not done: counted-² ")
    assert said["long line"].startswith("Not done: counted-999")
    assert said["found line"].startswith("Not added: counted &#39;²&#39;: not a whole number")
    assert odd_page.status_code == 404
    assert 'value=""' in sheet.split(f'name="{name}"')[1][:200]  # nothing saved
    assert "AP2799X" not in sheet


def test_a_count_is_cancelled_from_its_page_and_counted_again(app: FastAPI) -> None:
    with client_for(app, "tech") as tech, client_for(app, "manager") as manager:
        page = started(tech, "ED-ADC1", "ONDA4INJ")
        sheet = tech.get(page).text
        blank = tech.post(f"{page}/cancel", data={"csrf_token": csrf_of(tech, page), "reason": ""})
        blank_said = flash(tech.get(blank.headers["location"]).text)
        again = started(tech, "ED-ADC1", "ONDA4INJ")
        again_said = flash(tech.get(again).text)
        names = fields(tech.get(page).text)
        tech.post(
            f"{page}/enter",
            data={"csrf_token": csrf_of(tech, page), names["ON2502B"]: "45", "then": "submit"},
        )
        review = tech.get(page).text
        done = manager.post(
            f"{page}/cancel", data={"csrf_token": csrf_of(manager, page), "reason": "recount"}
        )
        said = flash(manager.get(done.headers["location"]).text)
        final = manager.get(page).text
        recount = started(tech, "ED-ADC1", "ONDA4INJ")
        tech.post(
            f"{recount}/cancel", data={"csrf_token": csrf_of(tech, recount), "reason": "late"}
        )
        blind_still = tech.get(recount).text

    assert 'id="cancel-count"' in sheet and 'id="cancel-reason"' in sheet
    assert blank_said.startswith("Not cancelled: reason: say why")
    assert page.split("/")[-1] in again_said  # the stock is held by the first count
    assert 'id="cancel-count"' not in review  # submitted: a manager's call
    assert said.startswith("Cancelled: nothing was posted")
    assert 'id="count-status" data-figure="status">cancelled<' in final
    assert 'id="cancel-count"' not in final
    assert recount != page
    assert ">cancelled<" in blind_still and 'id="count-form"' not in blind_still
    assert "data-expected" not in blind_still and ">45<" not in blind_still
