"""Every page over HTTP (Starlette's TestClient): who may see it, what it shows, and the forms'
guards (CSRF, the one-time token that makes a resubmit post nothing, bad input shown in place,
nothing posted on an error)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from .harness import (
    LOGIN_TOKEN,
    ONDANSETRON_TRAY,
    PASSWORD,
    USERS,
    TestClient,
    alert,
    client_for,
    csrf_of,
    form_of,
    movement_count,
    on_hand,
    scan,
)

NEXT_YEAR = date(2027, 12, 31)
"""An expiry a year after the tests' clock (``NOW``, 11/20/2026): a lot still good."""
PAGES = [
    "/",
    "/stock",
    "/stock?q=ondansetron",
    "/stock?q=98765-0401-02",
    "/stock?q=9876540102&location=MAIN-STORE",
    "/items/ONDA4INJ",
    "/locations",
    "/locations/ICU-ADC1",
    "/locations/MAIN-STORE",
    "/ledger",
    "/ledger?item=ONDA4INJ&location=MAIN-STORE",
    "/receive",
    "/transfer",
    "/adjust",
    "/classes",
    "/classes?abc=A&demand_class=smooth&q=ondansetron",
    "/levels",
    "/levels?location=ICU-ADC1-P01&item=ONDA4INJ",
    "/partners",
    "/dscsa",
    "/dscsa/verify",
    "/dscsa/trace",
    "/dscsa/trace?lot=ON2411A",
]


@pytest.fixture(scope="module")
def manager(web_app: FastAPI) -> Iterator[TestClient]:
    with client_for(web_app, "manager") as client:
        yield client


@pytest.fixture(scope="module")
def tech(web_app: FastAPI) -> Iterator[TestClient]:
    with client_for(web_app, "tech") as client:
        yield client


@pytest.mark.parametrize("path", [*PAGES, "/audit", "/items/NOPE"])
def test_an_anonymous_page_request_is_sent_to_the_login_page(web_app: FastAPI, path: str) -> None:
    client = client_for(web_app)

    answer = client.get(path)

    assert answer.status_code == 303
    assert answer.headers["location"] == f"/login?next={quote(path, safe='')}"


def test_the_api_still_answers_anonymous_callers_with_a_problem_not_a_redirect(
    web_app: FastAPI,
) -> None:
    client = client_for(web_app)

    api = client.get("/api/stock")
    json_page = client.get("/stock", headers={"accept": "application/json"})

    assert api.status_code == 401
    assert api.headers["content-type"] == "application/problem+json"
    assert json_page.status_code == 401


@pytest.mark.parametrize("path", PAGES)
def test_each_page_renders_for_a_manager_with_their_name_and_role(
    manager: TestClient, path: str
) -> None:
    answer = manager.get(path)

    assert answer.status_code == 200, alert(answer.text)
    assert "Morgan Manager, PharmD" in answer.text
    assert ">manager</span>" in answer.text
    assert not alert(answer.text)


def test_pages_load_scripts_only_from_this_server(manager: TestClient) -> None:
    html = manager.get("/").text
    plotly = manager.get("/static/plotly.min.js")

    assert [
        re.sub(r"\?v=[0-9a-f]{12}$", "", s) for s in re.findall(r'<script src="([^"]+)"', html)
    ] == [
        "/static/plotly.min.js",
        "/static/rxsupply.js",
    ]
    assert plotly.status_code == 200
    assert "javascript" in plotly.headers["content-type"]
    assert len(plotly.content) > 1_000_000


def test_static_files_are_public_and_unknown_ones_are_not_found(web_app: FastAPI) -> None:
    client = client_for(web_app)

    assert client.get("/static/rxsupply.css").status_code == 200
    assert client.get("/static/nothing.css").status_code == 404
    assert client.get("/static/..%2Fpages.py").status_code == 404


def test_the_dashboard_shows_value_by_location_and_lots_expiring_within_90_days(
    manager: TestClient,
) -> None:
    html = manager.get("/").text

    assert "Inventory value by location" in html
    assert 'id="chart-value"' in html
    assert "MAIN-STORE" in html
    assert "MS2409" in html  # morphine, expires 01/31/2027: 72 days after the tests' clock


def test_the_audit_trail_is_refused_to_a_technician_with_a_friendly_page(
    tech: TestClient,
) -> None:
    answer = tech.get("/audit")

    assert answer.status_code == 403
    assert "Your role (technician) may not view the audit trail." in alert(answer.text)
    assert 'href="/audit"' not in answer.text  # not offered in the navigation either


def test_a_technician_may_not_open_the_adjust_page(tech: TestClient) -> None:
    answer = tech.get("/adjust")

    assert answer.status_code == 403
    assert "Your role (technician) may not adjust stock." in alert(answer.text)


def test_the_audit_trail_shows_for_compliance(web_app: FastAPI) -> None:
    with client_for(web_app, "auditor") as auditor:
        answer = auditor.get("/audit?action=add_user")

    assert answer.status_code == 200
    assert "add user" in answer.text


def test_a_wrong_password_shows_an_error_and_sets_no_session(web_app: FastAPI) -> None:
    client = client_for(web_app)
    token = LOGIN_TOKEN.search(client.get("/login").text)
    assert token is not None

    answer = client.post(
        "/login",
        data={"username": "manager", "password": "not-the-password", "login_token": token[1]},
    )

    assert answer.status_code == 401
    assert "Wrong username or password" in alert(answer.text)
    assert "rxsupply_session" not in answer.cookies


def test_a_login_form_without_its_token_is_refused(web_app: FastAPI) -> None:
    client = client_for(web_app)

    answer = client.post("/login", data={"username": "manager", "password": PASSWORD})

    assert answer.status_code == 400
    assert "expired" in alert(answer.text)


def test_signing_in_never_redirects_to_another_site(web_app: FastAPI) -> None:
    client = client_for(web_app)
    token = LOGIN_TOKEN.search(client.get("/login").text)
    assert token is not None

    answer = client.post(
        "/login",
        data={
            "username": "manager",
            "password": PASSWORD,
            "login_token": token[1],
            "next": "//evil.example/steal",
        },
    )

    assert answer.status_code == 303
    assert answer.headers["location"] == "/"


def test_a_receipt_posted_without_the_csrf_token_is_refused_and_nothing_posted(
    manager: TestClient, web_engine: Engine
) -> None:
    before = movement_count(web_engine)

    answer = manager.post(
        "/receive",
        data={
            "location": "MAIN-STORE",
            "scan": scan(lot="CSRF1", expiry=NEXT_YEAR, serial="C1"),
            "quantity": "25",
            "token": "x" * 24,
        },
    )

    assert answer.status_code == 403
    assert "CSRF" in alert(answer.text)
    assert movement_count(web_engine) == before


def test_logout_needs_the_csrf_token_and_then_ends_the_session(web_app: FastAPI) -> None:
    with client_for(web_app, "manager") as client:
        refused = client.post("/logout")
        token = csrf_of(client, "/")

        done = client.post("/logout", data={"csrf_token": token})
        after = client.get("/")

    assert refused.status_code == 403
    assert done.status_code == 303
    assert done.headers["location"] == "/login?signed_out=1"
    assert after.status_code == 303
    assert after.headers["location"].startswith("/login")


def test_a_scan_then_the_quantity_posts_one_receipt_and_a_resubmit_posts_nothing(
    manager: TestClient, web_engine: Engine
) -> None:
    data = scan(lot="HTTP1", expiry=NEXT_YEAR, serial="H1")
    csrf = csrf_of(manager, "/receive")
    identified = manager.post(
        "/receive", data={"csrf_token": csrf, "location": "MAIN-STORE", "scan": data}
    )
    token = re.search(r'name="token" value="([^"]+)"', identified.text)
    assert token is not None
    before = movement_count(web_engine)
    confirm = {
        "csrf_token": csrf,
        "location": "MAIN-STORE",
        "scan": data.replace("\x1d", "<GS>"),
        "token": token[1],
        "quantity": "25",
    }

    posted = manager.post("/receive", data=confirm)
    again = manager.post("/receive", data=confirm)

    assert 'value="25"' in identified.text  # one package of 25 vials
    assert "HTTP1" in identified.text and "H1" in identified.text
    assert posted.status_code == 200, alert(posted.text)
    assert "Received 25 VIAL" in posted.text
    assert "Already posted" in again.text
    assert movement_count(web_engine) == before + 1
    assert on_hand(web_engine, location="MAIN-STORE", ndc=ONDANSETRON_TRAY, lot="HTTP1") == 25


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (scan(lot="B1", expiry=NEXT_YEAR, serial="B1", wrong_check_digit=True), "check digit"),
        (scan(lot="OLD1", expiry=date(2020, 1, 31), serial="O1"), "expired on 01/31/2020"),
        (scan("12345-678-90", lot="U1", expiry=NEXT_YEAR, serial="U1"), "unknown product"),
        ("0100398765401027", "missing (17) expiry"),
    ],
    ids=["bad-check-digit", "expired-lot", "unknown-product", "missing-ais"],
)
def test_a_bad_scan_is_explained_in_place_and_nothing_posted(
    manager: TestClient, web_engine: Engine, data: str, reason: str
) -> None:
    before = movement_count(web_engine)

    answer = manager.post(
        "/receive",
        data={"csrf_token": csrf_of(manager, "/receive"), "location": "MAIN-STORE", "scan": data},
    )

    assert answer.status_code == 422
    assert reason in alert(answer.text)
    assert 'id="scan"' in answer.text  # the scan field is back, ready for the next package
    assert movement_count(web_engine) == before


def test_a_refill_moves_stock_into_the_cabinet_pocket(
    manager: TestClient, web_engine: Engine
) -> None:
    before = on_hand(web_engine, location="ICU-ADC1-P02", ndc="98765-0210-1")
    form = form_of(manager, "/transfer") | {
        "from_location": "MAIN-STORE",
        "to_location": "ICU-ADC1",
        "what": "MORPH2INJ",
        "quantity": "3",
        "refill": "1",
    }

    answer = manager.post("/transfer", data=form)
    again = manager.post("/transfer", data=form)

    assert answer.status_code == 200, alert(answer.text)
    assert "Refilled 3" in answer.text
    assert "already posted" in again.text
    assert on_hand(web_engine, location="ICU-ADC1-P02", ndc="98765-0210-1") == before + 3


def test_a_transfer_of_more_than_is_on_hand_is_refused_in_place(
    manager: TestClient, web_engine: Engine
) -> None:
    before = movement_count(web_engine)

    answer = manager.post(
        "/transfer",
        data=form_of(manager, "/transfer")
        | {
            "from_location": "OR-SAT",
            "to_location": "MAIN-STORE",
            "what": "98765-3250-01",
            "quantity": "1,000",
        },
    )

    assert answer.status_code == 422
    assert "Nothing moved." in alert(answer.text)
    assert "on hand" in alert(answer.text)
    assert movement_count(web_engine) == before


def test_a_transfer_without_the_pages_one_time_token_is_refused_and_nothing_moved(
    manager: TestClient, web_engine: Engine
) -> None:
    before = movement_count(web_engine)

    answer = manager.post(
        "/transfer",
        data={
            "csrf_token": csrf_of(manager, "/transfer"),
            "from_location": "MAIN-STORE",
            "to_location": "OR-SAT",
            "what": "98765-3250-01",
            "quantity": "1",
        },
    )

    assert answer.status_code == 422
    assert "the form expired" in alert(answer.text)
    assert movement_count(web_engine) == before


def test_an_adjustment_needs_a_reason_and_then_changes_the_lot(
    manager: TestClient, web_engine: Engine
) -> None:
    form = form_of(manager, "/adjust") | {
        "location": "MAIN-STORE",
        "product": "9876540210",
        "lot": "ON2502B",
        "quantity": "+2",
        "reason": "",
    }
    before = on_hand(web_engine, location="MAIN-STORE", ndc="98765-402-10", lot="ON2502B")

    refused = manager.post("/adjust", data=form)
    done = manager.post("/adjust", data=form | {"reason": "found in the returns bin"})

    assert refused.status_code == 422
    assert "reason" in alert(refused.text)
    assert done.status_code == 200, alert(done.text)
    assert on_hand(web_engine, location="MAIN-STORE", ndc="98765-402-10", lot="ON2502B") == (
        before + 2
    )


def test_the_stock_search_reads_a_scanned_barcode_and_marks_its_lot(manager: TestClient) -> None:
    data = scan(lot="ON2411A", expiry=date(2027, 3, 31), serial="S9")

    answer = manager.get("/stock", params={"q": data})

    assert 'id="scanned"' in answer.text
    assert "98765-401-02" in answer.text
    assert '<tr class="match">' in answer.text


def test_the_stock_search_explains_an_unreadable_scan_in_place(manager: TestClient) -> None:
    data = scan(lot="ON2411A", expiry=date(2027, 3, 31), serial="S9", wrong_check_digit=True)

    answer = manager.get("/stock", params={"q": data})

    assert "Could not read the scan" in alert(answer.text)
    assert "check digit" in alert(answer.text)


def test_an_unknown_item_page_is_a_404_page(manager: TestClient) -> None:
    answer = manager.get("/items/NOPE")

    assert answer.status_code == 404
    assert "unknown item" in alert(answer.text)


def test_every_role_sees_only_the_links_it_may_use(web_app: FastAPI) -> None:
    expected = {
        "manager": {"Receive", "Transfer", "Adjust"},
        "tech": {"Receive", "Transfer"},
        "auditor": {"Audit"},
        "admin": {"Receive", "Transfer", "Adjust", "Audit"},
    }
    everyone = {"Dashboard", "Stock", "Locations", "Ledger", "ABC/XYZ", "PAR review"}
    everyone |= {
        "Refills",
        "Transfers",
        "Counts",
        "Shortages",
        "Expiry",
        "Recalls",
        "Returns",
        "Partners",
        "DSCSA",
    }
    for username in USERS:
        with client_for(web_app, username) as client:
            html = client.get("/").text
        menu = re.search(r'<nav aria-label="Main">(.*?)</nav>', html, re.S)
        assert menu is not None
        nav = set(re.findall(r">([^<]+)</a>", menu[1]))
        assert everyone <= nav, username
        assert nav - everyone == expected[username], username


def test_the_receiving_location_is_remembered_for_the_next_visit(manager: TestClient) -> None:
    manager.post(
        "/receive",
        data={
            "csrf_token": csrf_of(manager, "/receive"),
            "location": "OR-SAT",
            "scan": scan(lot="MEM1", expiry=NEXT_YEAR, serial="M1"),
        },
    )

    page = manager.get("/receive").text

    assert '<option value="OR-SAT" selected>' in page
