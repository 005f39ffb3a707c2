"""The recall pages over HTTP, on an example hospital of their own (a recall blocks stock): a
recall entered on /recalls (submitted twice, recorded once), its screen listing acetaminophen
lot AP2406 in the storeroom and both cabinet pockets, "Quarantine all" blocking every unit,
the dispensed units listed; an ondansetron recall's closing refused while its units are usable,
and closed with a reason once they are blocked."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine
from tests.conftest import load_examples

from rxsupply.entrypoints.app import create_app
from rxsupply.entrypoints.web import recalls as web_recalls

from .harness import alert, build_hospital, client_for, csrf_of, form_of

ENTRY = {
    "number": "D-0123-2027",
    "recall_class": "I",
    "reason": "tablets out of specification",
    "firm": "Example Labs",
    "initiated": "2026-11-18",
    "ndcs": "98765-3250-01 AP2406\n",
}


@pytest.fixture(scope="module")
def recall_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    engine: Engine = build_hospital(tmp_path_factory.mktemp("recall-pages") / "rx.db")
    load_examples(engine, "dispenses")
    yield create_app(engine)
    engine.dispose()


def statuses(html: str) -> dict[str, str]:
    """Each unit line's location -> its status, from the recall screen."""
    table = html.split('id="recall-units-table"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'data-location="([^"]+)".*?data-status>(.*?)</td>', table, re.S)
    return {loc: re.sub(r"<[^>]+>", "", status).strip() for loc, status in rows}


def test_a_recall_entered_on_the_page_is_found_in_three_places_and_quarantined_at_once(
    recall_app: FastAPI,
) -> None:
    with client_for(recall_app, "manager") as buyer:
        form = form_of(buyer, "/recalls") | ENTRY
        first = buyer.post("/recalls", data=form)
        again = buyer.post("/recalls", data=form)
        screen = buyer.get(first.headers["location"])
        csrf = csrf_of(buyer, first.headers["location"])
        blocked = buyer.post(first.headers["location"] + "/quarantine", data={"csrf_token": csrf})
        after = buyer.get(first.headers["location"])
        listed = buyer.get("/recalls")

    assert first.status_code == 303 and again.headers["location"] == first.headers["location"]
    assert statuses(screen.text) == {
        "ED-ADC1-P02": "available",
        "ICU-ADC1-P03": "available",
        "MAIN-STORE": "available",
    }
    assert "class I: follow up each patient" in screen.text
    assert "ICU-ADC1-P03" in screen.text.split('id="recall-dispensed"', 1)[1]
    assert blocked.status_code == 303
    assert "1 lot(s), 2,366 unit(s) quarantined" in after.text
    assert set(statuses(after.text).values()) == {"recalled"}
    assert listed.text.count(">D-0123-2027</a>") == 1


def test_closing_with_units_on_hand_needs_a_reason_and_then_closes(recall_app: FastAPI) -> None:
    with client_for(recall_app, "auditor") as auditor:
        ondansetron = {"number": "R-2", "recall_class": "III", "ndcs": "98765-401-02 ON2411A"}
        form = form_of(auditor, "/recalls") | ENTRY | ondansetron
        where = auditor.post("/recalls", data=form).headers["location"]
        csrf = csrf_of(auditor, where)
        refused = auditor.post(
            where + "/close", data={"csrf_token": csrf, "disposition": "destroyed"}
        )
        shown = auditor.get(where)
        auditor.post(where + "/quarantine", data={"csrf_token": csrf})
        closed = auditor.post(
            where + "/close",
            data={"csrf_token": csrf, "disposition": "destroyed", "note": "awaiting pickup"},
        )
        final = auditor.get(where)

    assert refused.status_code == 303
    assert "Not closed" in alert(shown.text) and "usable" in alert(shown.text)
    assert closed.status_code == 303
    assert "closed by auditor" in final.text and 'id="close-recall"' not in final.text


def test_an_unreadable_ndc_line_is_refused_with_its_line_and_nothing_is_entered(
    recall_app: FastAPI,
) -> None:
    with client_for(recall_app, "tech") as tech:
        form = form_of(tech, "/recalls") | ENTRY | {"number": "R-3", "ndcs": "ok?\n"}
        tech.post("/recalls", data=form)
        page = tech.get("/recalls")

    assert "line 1" in alert(page.text)
    assert "R-3" not in page.text.split('id="recalls"', 1)[1]


def test_the_page_shows_the_latest_dispenses_says_how_many_and_the_csv_has_them_all(
    recall_app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(web_recalls, "SHOWN", 1)
    with client_for(recall_app, "manager") as manager:
        form = form_of(manager, "/recalls") | ENTRY | {"number": "R-4", "recall_class": "II"}
        where = manager.post("/recalls", data=form).headers["location"]
        page = manager.get(where).text
        sheet = manager.get(where + "/dispensed.csv")

    table = page.split('id="recall-dispensed"', 1)[1].split("</table>", 1)[0]
    assert "the latest 1 of 2" in table and table.count("<tr data-kind=") == 1
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith("text/csv")
    lines = sheet.text.strip().splitlines()
    assert lines[0].startswith("When,Kind,Location") and len(lines) == 3
    assert lines[1] > lines[2]  # the latest first (ISO times sort as text)


def test_a_lot_not_on_record_is_said_when_the_recall_is_entered(recall_app: FastAPI) -> None:
    with client_for(recall_app, "manager") as manager:
        typo = {"number": "R-5", "ndcs": "98765-3250-01 AP24O6\n"}
        form = form_of(manager, "/recalls") | ENTRY | typo
        where = manager.post("/recalls", data=form).headers["location"]
        page = manager.get(where).text

    assert "lot AP24O6 is not on record here; close to AP2406" in page
