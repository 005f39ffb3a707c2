"""The suspect product case pages over HTTP, on an example hospital of their own: a technician
opens a case on acetaminophen lot AP2406 (submitted twice, opened once) and sees it suspect;
the technician may not clear it or mark it illegitimate; the manager marks it illegitimate, the
24-hour clock and the Form 3911 link appear, the printable draft names the lot; FDA's incident
number stops the clock. A second case is cleared and its lot is available again."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from rxsupply.entrypoints.app import create_app

from .harness import build_hospital, client_for, csrf_of, form_of


@pytest.fixture(scope="module")
def case_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    engine: Engine = build_hospital(tmp_path_factory.mktemp("case-pages") / "rx.db")
    yield create_app(engine)
    engine.dispose()


def by_testid(html: str, name: str) -> str:
    found = re.search(rf'data-testid="{name}"[^>]*>(.*?)</', html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", found[1]).split()) if found else ""


def subject_statuses(html: str) -> set[str]:
    table = html.split('id="case-subjects"', 1)[1].split("</table>", 1)[0]
    found = re.findall(r"data-status>(.*?)</td>", table, re.S)
    return {re.sub(r"<[^>]+>", "", s).strip() for s in found}


def test_a_case_opened_by_a_technician_and_determined_illegitimate_by_the_manager(
    case_app: FastAPI,
) -> None:
    opening = {
        "reason": "counterfeit",
        "source": "visual_inspection",
        "lots": "98765-3250-01:AP2406\n",
        "note": "misspelt label",
    }
    with client_for(case_app, "tech") as tech:
        form = form_of(tech, "/dscsa/cases") | opening
        first = tech.post("/dscsa/cases", data=form)
        again = tech.post("/dscsa/cases", data=form)
        where = first.headers["location"]
        page = tech.get(where).text
        refused = tech.post(
            where + "/disposition",
            data={"csrf_token": csrf_of(tech, where), "disposition": "illegitimate", "note": "x"},
        )
    with client_for(case_app, "manager") as manager:
        decided = manager.post(
            where + "/disposition",
            data={
                "csrf_token": csrf_of(manager, where),
                "disposition": "illegitimate",
                "note": "the manufacturer never made this lot",
            },
        )
        determined = manager.get(where).text
        draft = manager.get(where + "/form3911")
        notified = manager.post(
            where + "/steps",
            data=form_of(manager, where)
            | {
                "kind": "fda_notified",
                "incident": "IN-555",
                "notified_at": "2026-11-20T10:00",
            },
        )
        after = manager.get(where).text
        listed = manager.get("/dscsa/cases").text

    assert (
        first.status_code == 303
        and again.headers["location"] == where == "/dscsa/cases/SC-2026-0001"
    )
    assert by_testid(page, "case-status") == "open"
    assert subject_statuses(page) == {"suspect"}
    assert refused.status_code == 403
    assert decided.status_code == 303
    assert by_testid(determined, "case-status") == "illegitimate"
    assert 'data-testid="fda-clock" data-state="running"' in determined
    assert "left" in by_testid(determined, "fda-clock-text")
    assert 'data-testid="form3911-link"' in determined
    assert all(
        f'<th scope="col">{column}</th>' in determined
        for column in ("Partner", "Type", "Authorization", "Why listed")
    )
    assert draft.status_code == 200 and "FDA Form 3911" in draft.text
    assert by_testid(draft.text, "form3911-lot") == "AP2406"
    assert by_testid(draft.text, "form3911-category") == "counterfeit"
    assert notified.status_code == 303
    assert 'data-state="notified"' in after and "IN-555" in after
    assert by_testid(determined, "fda-due") == (
        "Due 2026-11-21 10:00 EST (America/New_York; 2026-11-21 15:00 UTC)."
    )
    assert "FDA notified 2026-11-20 10:00 EST (2026-11-20 15:00 UTC)" in by_testid(after, "fda-due")
    assert listed.count(">SC-2026-0001</a>") == 1


def test_a_cleared_case_makes_its_lot_available_again(case_app: FastAPI) -> None:
    with client_for(case_app, "manager") as manager:
        form = form_of(manager, "/dscsa/cases") | {
            "reason": "diverted",
            "source": "trading_partner_notice",
            "lots": "98765-401-02:ON2411A",
        }
        where = manager.post("/dscsa/cases", data=form).headers["location"]
        blocked = manager.get(where).text
        cleared = manager.post(
            where + "/disposition",
            data={
                "csrf_token": csrf_of(manager, where),
                "disposition": "cleared",
                "note": "the partner withdrew its notice",
            },
        )
        after = manager.get(where).text
        no_form = manager.get(where + "/form3911")

    assert subject_statuses(blocked) == {"suspect"}
    assert cleared.status_code == 303
    assert by_testid(after, "case-status") == "cleared"
    assert subject_statuses(after) == {"available"}
    assert "fda-clock" not in after
    assert no_form.status_code == 409


def test_a_bad_subject_is_refused_with_the_reason_and_nothing_opened(case_app: FastAPI) -> None:
    with client_for(case_app, "tech") as tech:
        form = form_of(tech, "/dscsa/cases") | {
            "reason": "stolen",
            "source": "visual_inspection",
            "lots": "98765-3250-01:NO-SUCH-LOT",
        }
        refused = tech.post("/dscsa/cases", data=form)
        page = tech.get("/dscsa/cases").text

    assert refused.headers["location"] == "/dscsa/cases"
    assert "NO-SUCH-LOT" in page and "Not done" in page
