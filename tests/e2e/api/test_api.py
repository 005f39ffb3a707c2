"""The REST API over HTTP, on SQLite and PostgreSQL: lists and filters, stock movements and
their errors as problem details, scans, the audit trail, and who may call.

Each test gets a fresh database holding the example hospital (``examples/``: items, locations,
opening stock) and the app from ``create_app``, called in-process through httpx (see
``harness``). Users are made on first use, one per role, named after the role; their
passwords are not hashed with argon2, as no test here signs in with a password
(``test_api_roles`` uses argon2). The API's clock is pinned at ``NOW`` (11/20/2026, 10:00 in
New York): picking takes only stock not expired on the facility's day, and the example lots
expire from 01/31/2027.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import Engine
from tests.conftest import NOW, TESTER

from rxsupply.adapters.csv_files import read_csv_table
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.users import Role
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.security import COOKIE, SESSION_HOURS
from rxsupply.services import imports, users

from .harness import (
    GTIN,
    ITEM,
    LOCATION,
    LOT,
    NDC_TEXT,
    PASSWORD,
    STOREROOM,
    Hospital,
    QuickHasher,
    datamatrix,
    open_hospital,
    problem,
)

STOCK_ROWS = 9
"""examples/stock.csv: nine lines, all of them below the facility MAIN."""
ICU_POCKETS = {"ICU-ADC1-P01", "ICU-ADC1-P02", "ICU-ADC1-P03"}


@pytest.fixture
def pharmacy(hospital: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Hospital]:
    monkeypatch.setattr(clock, "now", lambda: NOW)
    with open_hospital(hospital, QuickHasher()) as opened:
        yield opened


def rows(pharmacy: Hospital, path: str, **params: str | int) -> list[dict[str, Any]]:
    response = pharmacy.api.get(path, token=pharmacy.token(Role.ADMIN), params=params)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def stock(pharmacy: Hospital, **params: str | int) -> list[dict[str, Any]]:
    return rows(pharmacy, "/api/stock", limit=1000, **params)


def units(lines: list[dict[str, Any]]) -> int:
    return sum(int(line["quantity"]) for line in lines)


def sign_in(pharmacy: Hospital, role: Role) -> str:
    """Put a session cookie for ``role``'s user on the client; returns its CSRF token."""
    cookie, csrf = pharmacy.app.state.sessions.issue(pharmacy.user(role))
    pharmacy.api.cookies.set(COOKIE, cookie)
    return str(csrf)


def dispense(quantity: int = 1, **extra: Any) -> dict[str, Any]:
    return {"location": LOCATION, "item": ITEM, "quantity": quantity, **extra}


# --- public ------------------------------------------------------------------------------


def test_health_answers_without_a_user_and_names_the_database(pharmacy: Hospital) -> None:
    expected = {"status": "ok", "database": pharmacy.engine.dialect.name}

    answers = [pharmacy.api.get(path) for path in ("/health", "/api/health")]

    assert [a.status_code for a in answers] == [200, 200]
    assert [a.json() for a in answers] == [expected, expected]


def test_the_openapi_description_lists_the_api_routes_with_their_permission(
    pharmacy: Hospital,
) -> None:
    expected = {
        "/api/me": {"get"},
        "/api/items": {"get"},
        "/api/items/{code}": {"get"},
        "/api/products": {"get"},
        "/api/locations": {"get"},
        "/api/locations/{code}": {"get"},
        "/api/stock": {"get"},
        "/api/ledger": {"get"},
        "/api/check": {"get"},
        "/api/audit": {"get"},
        "/api/scan": {"post"},
        "/api/receipts": {"post"},
        "/api/receipts/scan": {"post"},
        "/api/transfers": {"get", "post"},  # the list, and the one-step transfer
        "/api/dispenses": {"post"},
        "/api/adjustments": {"post"},
        "/api/returns": {"post"},
        "/api/quarantines": {"post"},
        "/api/releases": {"post"},
        "/api/users": {"get", "post"},
        "/api/health": {"get"},
        "/api/classes": {"get"},
        "/api/classes/matrix": {"get"},
        "/api/recommendations": {"get"},
        "/api/recommendations/{recommendation_id}/accept": {"post"},
        "/api/recommendations/{recommendation_id}/reject": {"post"},
        "/api/items/{code}/forecast": {"get"},
        "/api/planning/run": {"post"},
    }

    spec = pharmacy.api.get("/openapi.json")
    docs = pharmacy.api.get("/docs")

    assert spec.status_code == 200
    paths = spec.json()["paths"]
    assert {p: set(ops) for p, ops in paths.items() if p in expected} == expected
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert "x-permission" in operation, f"{method.upper()} {path}"
    assert docs.status_code == 200
    assert docs.headers["content-type"].startswith("text/html")


# --- lists: pagination and filters -------------------------------------------------------


def test_items_come_in_pages_that_say_where_the_next_one_starts(pharmacy: Hospital) -> None:
    token = pharmacy.token(Role.TECHNICIAN)
    everything = rows(pharmacy, "/api/items", limit=1000)

    first = pharmacy.api.get("/api/items", token=token, params={"limit": 2}).json()
    second = pharmacy.api.get("/api/items", token=token, params={"limit": 2, "offset": 2}).json()

    assert (first["limit"], first["offset"], first["next_offset"]) == (2, 0, 2)
    assert (second["limit"], second["offset"], second["next_offset"]) == (2, 2, None)
    assert first["data"] + second["data"] == everything
    assert [item["code"] for item in everything] == ["APAP325TAB", "MORPH2INJ", ITEM]


def test_following_next_offset_through_the_stock_reaches_every_line_once(
    pharmacy: Hospital,
) -> None:
    token = pharmacy.token(Role.TECHNICIAN)
    everything = stock(pharmacy)
    pages: list[list[dict[str, Any]]] = []
    offset: int | None = 0

    while offset is not None:
        body = pharmacy.api.get(
            "/api/stock", token=token, params={"limit": 4, "offset": offset}
        ).json()
        pages.append(body["data"])
        offset = body["next_offset"]

    assert [len(p) for p in pages] == [4, 4, 1]
    assert [line for page in pages for line in page] == everything
    assert len(everything) == STOCK_ROWS


def test_a_page_size_outside_1_to_1000_is_a_422_problem_naming_limit(pharmacy: Hospital) -> None:
    token = pharmacy.token(Role.TECHNICIAN)

    responses = [
        pharmacy.api.get("/api/stock", token=token, params={"limit": limit}) for limit in (0, 1001)
    ]

    for response in responses:
        body = problem(response, 422)
        assert [e["field"] for e in body["errors"]] == ["query.limit"]


def test_key_figures_on_a_day_after_today_are_a_422_problem_naming_on(pharmacy: Hospital) -> None:
    token = pharmacy.token(Role.TECHNICIAN)
    later = (NOW.date() + timedelta(days=1)).isoformat()

    body = problem(pharmacy.api.get("/api/kpi", token=token, params={"on": later}), 422)
    answer = pharmacy.api.get("/api/kpi", token=token, params={"on": NOW.date().isoformat()})

    assert body["field"] == "on"
    assert "after today" in body["detail"]
    assert answer.status_code == 200 and answer.json()["today"] == NOW.date().isoformat()


def test_stock_at_a_cabinet_is_the_stock_in_its_pockets(pharmacy: Hospital) -> None:
    lines = stock(pharmacy, location=LOCATION)

    assert {line["location"] for line in lines} == ICU_POCKETS
    assert {line["parent"] for line in lines} == {LOCATION}
    assert units(lines) == 30 + 15 + 150


@pytest.mark.parametrize("place", ["MAIN", "SYS"])
def test_stock_at_a_facility_or_system_includes_its_cabinets_pockets(
    pharmacy: Hospital, place: str
) -> None:
    everything = stock(pharmacy)

    lines = stock(pharmacy, location=place)

    assert len(lines) == STOCK_ROWS
    assert units(lines) == units(everything)


def test_stock_is_found_by_ndc_and_by_part_of_an_ndc(pharmacy: Hospital) -> None:
    by_ndc = stock(pharmacy, ndc=NDC_TEXT)
    by_search = stock(pharmacy, search="98765-401")
    items = rows(pharmacy, "/api/items", search="98765-402-10")
    products = rows(pharmacy, "/api/products", search=GTIN)

    assert {(line["location"], line["lot"], line["quantity"]) for line in by_ndc} == {
        (STOREROOM, LOT, 250),
        ("ICU-ADC1-P01", LOT, 30),
    }
    assert by_search == by_ndc
    assert [item["code"] for item in items] == [ITEM]
    assert [product["ndc"] for product in products] == [NDC_TEXT]


def test_stock_is_found_by_an_ndc_written_as_in_the_item_file(pharmacy: Hospital) -> None:
    stored = stock(pharmacy, item="APAP325TAB")

    lines = stock(pharmacy, ndc="98765-3250-01")

    assert lines == stored
    assert units(lines) == 2000 + 150 + 220


def test_the_user_list_is_one_page_with_no_next_offset(pharmacy: Hospital) -> None:
    token = pharmacy.token(Role.ADMIN)

    body = pharmacy.api.get("/api/users", token=token).json()

    assert [u["username"] for u in body["data"]] == ["admin"]
    assert body["next_offset"] is None


def test_an_item_is_found_by_code_when_many_item_codes_contain_it(
    pharmacy: Hospital, tmp_path: Path
) -> None:
    more = tmp_path / "more_items.csv"
    lines = [
        f"{ITEM}-K{i:02d},aaa ondansetron kit {i:02d},98765-7{i:02d}-01,1,KIT" for i in range(60)
    ]
    more.write_text("item_code,item_name,ndc,package_size,dispense_unit\n" + "\n".join(lines))
    table = read_csv_table(more, required=imports.ITEM_COLUMNS[0], optional=imports.ITEM_COLUMNS[1])
    with SqlUnitOfWork(pharmacy.engine) as uow:
        imports.import_items(uow, table, now=NOW, user=TESTER)

    response = pharmacy.api.get(f"/api/items/{ITEM}", token=pharmacy.token(Role.TECHNICIAN))

    assert response.status_code == 200, response.text
    assert response.json()["code"] == ITEM


# --- writes ------------------------------------------------------------------------------


def test_a_receipt_by_gtin_shows_in_the_stock(pharmacy: Hospital) -> None:
    receipt = {
        "location": STOREROOM,
        "product": GTIN,
        "lot": "ON3001A",
        "expiry": "2030-01-31",
        "quantity": 25,
    }

    response = pharmacy.api.post(
        "/api/receipts", token=pharmacy.token(Role.TECHNICIAN), json=receipt
    )

    assert response.status_code == 201, response.text
    assert response.json()["duplicate"] is False
    assert [(m["kind"], m["quantity"]) for m in response.json()["movements"]] == [("receipt", 25)]
    received = [line for line in stock(pharmacy, location=STOREROOM) if line["lot"] == "ON3001A"]
    assert [(r["ndc"], r["expiry"], r["quantity"]) for r in received] == [
        (NDC_TEXT, "2030-01-31", 25)
    ]


def test_a_dispense_resent_with_its_external_id_is_recorded_once(pharmacy: Hospital) -> None:
    token = pharmacy.token(Role.TECHNICIAN)
    before = pharmacy.on_hand(location=LOCATION)
    sent = dispense(2, external_id="ICU1-009001")

    first = pharmacy.api.post("/api/dispenses", token=token, json=sent)
    again = pharmacy.api.post("/api/dispenses", token=token, json=sent)

    assert (first.status_code, first.json()["duplicate"]) == (201, False)
    assert (again.status_code, again.json()) == (201, {"duplicate": True, "movements": []})
    assert pharmacy.on_hand(location=LOCATION) == before - 2
    ledger = rows(pharmacy, "/api/ledger", item=ITEM)
    assert [m["external_id"] for m in ledger].count("txn:ICU1-009001") == 1
    checked = pharmacy.api.get("/api/check", token=pharmacy.token(Role.MANAGER)).json()
    assert (checked["ok"], checked["differences"], checked["chain"]["breaks"]) == (True, [], [])


def test_a_dispense_beyond_on_hand_is_a_409_problem_naming_the_location(
    pharmacy: Hospital,
) -> None:
    before = pharmacy.on_hand(location=LOCATION)

    response = pharmacy.api.post(
        "/api/dispenses", token=pharmacy.token(Role.TECHNICIAN), json=dispense(before + 1)
    )

    body = problem(response, 409)
    assert body["type"].endswith("/insufficient-stock")
    assert LOCATION in body["detail"]
    assert f"only {before} on hand" in body["detail"]
    assert pharmacy.on_hand(location=LOCATION) == before


def test_a_receipt_with_a_malformed_ndc_is_a_422_problem_naming_the_field(
    pharmacy: Hospital,
) -> None:
    receipt = {"location": STOREROOM, "product": "98765-401-0X", "lot": "X1", "quantity": 1}

    response = pharmacy.api.post(
        "/api/receipts", token=pharmacy.token(Role.TECHNICIAN), json=receipt
    )

    body = problem(response, 422)
    assert body["type"].endswith("/invalid-value")
    assert body["field"] == "ndc"
    assert "98765-401-0X" in body["detail"]


def test_a_dispense_at_an_unknown_location_is_a_404_problem(pharmacy: Hospital) -> None:
    sent = {"location": "NO-SUCH-ADC", "item": ITEM, "quantity": 1}

    response = pharmacy.api.post("/api/dispenses", token=pharmacy.token(Role.TECHNICIAN), json=sent)

    body = problem(response, 404)
    assert body["type"].endswith("/not-found")
    assert "NO-SUCH-ADC" in body["detail"]


def test_a_quantity_of_zero_is_a_422_problem_naming_quantity(pharmacy: Hospital) -> None:
    before = pharmacy.on_hand(location=LOCATION)

    response = pharmacy.api.post(
        "/api/dispenses", token=pharmacy.token(Role.TECHNICIAN), json=dispense(0)
    )

    body = problem(response, 422)
    assert body["type"].endswith("/invalid-request")
    assert [e["field"] for e in body["errors"]] == ["quantity"]
    assert pharmacy.on_hand(location=LOCATION) == before


def test_a_dispense_time_without_an_offset_is_not_replaced_by_the_time_of_the_request(
    pharmacy: Hospital,
) -> None:
    sent = dispense(1, external_id="ICU1-009002", occurred_at="2026-01-05T08:14:00")

    response = pharmacy.api.post("/api/dispenses", token=pharmacy.token(Role.TECHNICIAN), json=sent)

    if response.status_code != 422:
        recorded = [
            m for m in rows(pharmacy, "/api/ledger") if m["external_id"] == "txn:ICU1-009002"
        ]
        assert [m["occurred_at"][:10] for m in recorded] == ["2026-01-05"]


def test_a_cabinets_ledger_shows_the_dispenses_made_at_it(pharmacy: Hospital) -> None:
    pharmacy.api.post(
        "/api/dispenses",
        token=pharmacy.token(Role.TECHNICIAN),
        json=dispense(1, external_id="ICU1-009003"),
    )

    ledger = rows(pharmacy, "/api/ledger", location=LOCATION)

    assert (ledger[0]["kind"], ledger[0]["external_id"]) == ("dispense", "txn:ICU1-009003")
    assert {m["to_location"] for m in ledger if m["kind"] == "adjustment"} == {
        "ICU-ADC1-P01",
        "ICU-ADC1-P02",
        "ICU-ADC1-P03",
    }


# --- scans -------------------------------------------------------------------------------


def test_a_datamatrix_scan_identifies_product_lot_expiry_and_serial(pharmacy: Hospital) -> None:
    scan = {"data": datamatrix(expiry="300131", lot="ON3001A", serial="SN0001")}

    response = pharmacy.api.post("/api/scan", token=pharmacy.token(Role.COMPLIANCE), json=scan)

    assert response.status_code == 200, response.text
    found = response.json()
    assert {k: found[k] for k in ("gtin", "ndc", "lot", "expiry", "serial")} == {
        "gtin": GTIN,
        "ndc": NDC_TEXT,
        "lot": "ON3001A",
        "expiry": "2030-01-31",
        "serial": "SN0001",
    }
    assert found["product"]["name"] == "Ondansetron injection 4 mg/2 mL"


def test_a_scan_with_a_wrong_check_digit_is_a_422_naming_the_right_digit(
    pharmacy: Hospital,
) -> None:
    wrong = str((int(GTIN[-1]) + 1) % 10)
    scan = {"data": datamatrix(GTIN[:-1] + wrong)}

    response = pharmacy.api.post("/api/scan", token=pharmacy.token(Role.TECHNICIAN), json=scan)

    body = problem(response, 422)
    assert body["field"] == "gtin"
    assert "check digit" in body["detail"]
    assert f"is {wrong}" in body["detail"]
    assert f"should be {GTIN[-1]}" in body["detail"]


# --- the audit trail ---------------------------------------------------------------------

WRITES = [
    pytest.param(
        Role.TECHNICIAN,
        "/api/receipts",
        {
            "location": STOREROOM,
            "product": NDC_TEXT,
            "lot": "ON3001A",
            "expiry": "2030-01-31",
            "quantity": 25,
        },
        "receipt",
        {(STOREROOM, 0, 25)},
        id="receipt",
    ),
    pytest.param(
        Role.TECHNICIAN,
        "/api/transfers",
        {"from_location": STOREROOM, "to_location": LOCATION, "item": ITEM, "quantity": 5},
        "transfer",
        {(STOREROOM, 250, 245), ("ICU-ADC1-P01", 30, 35)},
        id="transfer",
    ),
    pytest.param(
        Role.TECHNICIAN,
        "/api/dispenses",
        dispense(2),
        "dispense",
        {("ICU-ADC1-P01", 30, 28)},
        id="dispense",
    ),
    pytest.param(
        Role.MANAGER,
        "/api/adjustments",
        {
            "location": STOREROOM,
            "product": NDC_TEXT,
            "lot": LOT,
            "quantity": -3,
            "reason": "vials broken in the storeroom",
        },
        "adjustment",
        {(STOREROOM, 250, 247)},
        id="adjustment",
    ),
]


@pytest.mark.parametrize(("role", "path", "body", "action", "lines"), WRITES)
def test_every_stock_write_is_audited_with_its_user_and_on_hand_before_and_after(
    pharmacy: Hospital,
    role: Role,
    path: str,
    body: dict[str, Any],
    action: str,
    lines: set[tuple[str, int, int]],
) -> None:
    posted = pharmacy.api.post(path, token=pharmacy.token(role), json=body)

    assert posted.status_code == 201, posted.text
    entries = rows(pharmacy, "/api/audit", user=role.value)
    assert [(e["action"], e["entity"]) for e in entries] == [(action, "stock")]
    before, after = json.loads(entries[0]["before"]), json.loads(entries[0]["after"])
    assert {(line["location"], line["before"]) for line in before} == {
        (place, was) for place, was, _ in lines
    }
    assert {(line["location"], line["before"], line["after"]) for line in after["lines"]} == lines


def test_adding_and_disabling_a_user_is_audited(pharmacy: Hospital) -> None:
    new = {"username": "night-tech", "role": "technician", "password": PASSWORD}

    added = pharmacy.api.post("/api/users", token=pharmacy.token(Role.ADMIN), json=new)
    with SqlUnitOfWork(pharmacy.engine) as uow:
        users.set_active(uow, username="night-tech", active=False, now=NOW, by="admin")

    assert added.status_code == 201, added.text
    assert added.json() == {
        "username": "night-tech",
        "display_name": "night-tech",
        "role": "technician",
        "active": True,
        "locked_at": None,
    }
    entries = [e for e in rows(pharmacy, "/api/audit", user="admin") if e["key"] == "night-tech"]
    assert [(e["action"], e["before"], e["after"]) for e in entries] == [
        ("disable_user", '{"active": true}', '{"active": false}'),
        ("add_user", None, '{"display_name": "night-tech", "role": "technician"}'),
    ]


def test_compliance_reads_the_audit_trail_and_a_technician_may_not(pharmacy: Hospital) -> None:
    pharmacy.api.post("/api/dispenses", token=pharmacy.token(Role.TECHNICIAN), json=dispense(1))

    read = pharmacy.api.get("/api/audit", token=pharmacy.token(Role.COMPLIANCE))
    denied = pharmacy.api.get("/api/audit", token=pharmacy.token(Role.TECHNICIAN))

    assert read.status_code == 200
    assert [e["action"] for e in read.json()["data"] if e["user"] == "technician"] == ["dispense"]
    body = problem(denied, 403)
    assert "technician" in body["detail"]
    assert "view_audit" in body["detail"]


# --- who is calling ----------------------------------------------------------------------


def test_a_disabled_users_token_stops_working_at_once(pharmacy: Hospital) -> None:
    token = pharmacy.token(Role.TECHNICIAN)
    assert pharmacy.api.get("/api/me", token=token).status_code == 200
    before = pharmacy.on_hand(location=LOCATION)

    with SqlUnitOfWork(pharmacy.engine) as uow:
        users.set_active(uow, username="technician", active=False, now=NOW, by="admin")

    problem(pharmacy.api.get("/api/me", token=token), 401)
    problem(pharmacy.api.post("/api/dispenses", token=token, json=dispense(1)), 401)
    assert pharmacy.on_hand(location=LOCATION) == before


def test_a_signed_out_session_cookie_stops_working_even_as_a_copy(pharmacy: Hospital) -> None:
    sign_in(pharmacy, Role.TECHNICIAN)
    copied = pharmacy.api.cookies.get(COOKIE)
    assert copied is not None
    assert pharmacy.api.get("/api/me").status_code == 200

    pharmacy.app.state.sessions.revoke(copied)

    problem(pharmacy.api.get("/api/me"), 401)


def test_a_session_cookie_reads_and_tells_its_csrf_token(pharmacy: Hospital) -> None:
    csrf = sign_in(pharmacy, Role.TECHNICIAN)

    me = pharmacy.api.get("/api/me")

    assert me.status_code == 200
    assert me.json() == {
        "username": "technician",
        "display_name": "Example technician",
        "role": "technician",
        "csrf_token": csrf,
    }


@pytest.mark.parametrize("sent", [None, "stale-token"], ids=["no CSRF header", "a wrong one"])
def test_a_session_cookie_cannot_post_without_its_csrf_token(
    pharmacy: Hospital, sent: str | None
) -> None:
    before = pharmacy.on_hand(location=LOCATION)
    sign_in(pharmacy, Role.TECHNICIAN)
    headers = {} if sent is None else {"X-CSRF-Token": sent}

    response = pharmacy.api.post("/api/dispenses", json=dispense(1), headers=headers)

    body = problem(response, 403)
    assert "CSRF" in body["detail"]
    assert pharmacy.on_hand(location=LOCATION) == before


def test_a_session_cookie_posts_with_its_csrf_token_in_the_header(pharmacy: Hospital) -> None:
    before = pharmacy.on_hand(location=LOCATION)
    csrf = sign_in(pharmacy, Role.TECHNICIAN)

    response = pharmacy.api.post("/api/dispenses", json=dispense(1), headers={"X-CSRF-Token": csrf})

    assert response.status_code == 201, response.text
    assert pharmacy.on_hand(location=LOCATION) == before - 1
    entries = rows(pharmacy, "/api/audit", action="dispense")
    assert [e["user"] for e in entries] == ["technician"]


def test_an_expired_session_cookie_is_a_401_problem(
    pharmacy: Hospital, monkeypatch: pytest.MonkeyPatch
) -> None:
    issued_at = int(time.time()) - SESSION_HOURS * 3600 - 60
    with monkeypatch.context() as clock:
        clock.setattr(TimestampSigner, "get_timestamp", lambda self: issued_at)
        csrf = sign_in(pharmacy, Role.TECHNICIAN)

    read = pharmacy.api.get("/api/me")
    write = pharmacy.api.post("/api/dispenses", json=dispense(1), headers={"X-CSRF-Token": csrf})

    assert "expired" in problem(read, 401)["detail"]
    problem(write, 401)


def test_a_tampered_session_cookie_is_a_401_problem(pharmacy: Hospital) -> None:
    sign_in(pharmacy, Role.ADMIN)
    cookie = pharmacy.api.cookies[COOKIE]
    pharmacy.api.cookies.set(COOKIE, cookie[:-4] + ("AAAA" if cookie[-4:] != "AAAA" else "BBBB"))

    response = pharmacy.api.get("/api/me")

    assert "invalid session" in problem(response, 401)["detail"]


def test_a_disabled_users_session_stops_working_at_once(pharmacy: Hospital) -> None:
    sign_in(pharmacy, Role.TECHNICIAN)
    assert pharmacy.api.get("/api/me").status_code == 200

    with SqlUnitOfWork(pharmacy.engine) as uow:
        users.set_active(uow, username="technician", active=False, now=NOW, by="admin")

    problem(pharmacy.api.get("/api/me"), 401)
