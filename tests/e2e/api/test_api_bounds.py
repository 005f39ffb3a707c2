"""Values past what a column or the calendar holds are refused with a 422 naming the field, on
SQLite and PostgreSQL, never a 500: list offsets past 2^63 or written with a superscript digit,
record ids past 2^63, a dispense in the last hour of year 9999 at -14:00, a receipt of 2^63-1
units (after which the ledger still checks and the next movement posts), a ship notice of 2^63-1
packages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from tests.conftest import priced_storeroom
from tests.x12_samples import ship_notice

from rxsupply.adapters import queries
from rxsupply.domain.users import Role
from rxsupply.entrypoints.app import create_app

from .harness import ITEM, LOCATION, NDC_TEXT, STOREROOM, Hospital, QuickHasher, open_hospital
from .harness import problem as problem_of

HUGE = 2**63 - 1
TRAY11 = "98765040102"


@pytest.fixture
def site(hospital: Engine) -> Iterator[Hospital]:
    priced_storeroom(hospital, {"ONDA4INJ": (400, 600)})
    with open_hospital(hospital, QuickHasher()) as opened:
        yield opened


@pytest.mark.parametrize("path", ["/api/products", "/api/stock", "/api/audit", "/api/items"])
@pytest.mark.parametrize("offset", [str(2**64), "²", "-1"], ids=["2^64", "superscript", "-1"])
def test_a_list_offset_out_of_range_is_a_422_naming_the_offset(
    site: Hospital, path: str, offset: str
) -> None:
    answer = site.api.get(path, token=site.token(Role.ADMIN), params={"offset": offset})

    assert problem_of(answer, 422)["field"] == "query.offset"


@pytest.mark.parametrize(
    ("method", "path", "field"),
    [
        ("GET", f"/api/recalls/{2**63}", "path.recall_id"),
        ("GET", f"/api/shortages/{HUGE}/impact", "path.shortage_id"),
        ("DELETE", f"/api/hazardous-drugs/{2**64}", "path.listing_id"),
        ("GET", f"/api/planning/jobs/{2**31}", "path.job_id"),
        ("GET", "/api/dscsa/documents/²", "path.document_id"),
    ],
)
def test_a_record_id_past_any_column_is_a_422_naming_it(
    site: Hospital, method: str, path: str, field: str
) -> None:
    answer = site.api.request(method, path, token=site.token(Role.ADMIN))

    assert problem_of(answer, 422)["field"] == field


@pytest.mark.parametrize(
    "occurred_at",
    ["9999-12-31T23:00:00-14:00", "9999-12-31T23:59:59", "0001-01-01T00:00:00+14:00"],
)
def test_a_dispense_at_the_ends_of_the_calendar_is_a_422_naming_occurred_at(
    site: Hospital, occurred_at: str
) -> None:
    answer = site.api.post(
        "/api/dispenses",
        token=site.token(Role.ADMIN),
        json={"location": LOCATION, "item": ITEM, "quantity": 1, "occurred_at": occurred_at},
    )

    body = problem_of(answer, 422)
    assert body["field"] == "occurred_at"
    assert "1900 to 2199" in body["reason"]


def test_a_receipt_of_2_63_minus_1_units_is_refused_and_the_ledger_still_checks(
    site: Hospital,
) -> None:
    admin = site.token(Role.ADMIN)
    receipt = {"location": STOREROOM, "product": NDC_TEXT, "lot": "BIG1", "expiry": "2030-01-31"}

    huge = site.api.post("/api/receipts", token=admin, json=receipt | {"quantity": HUGE})
    packages = site.api.post("/api/receipts", token=admin, json=receipt | {"packages": HUGE})
    after = site.api.post("/api/receipts", token=admin, json=receipt | {"quantity": 5})

    assert problem_of(huge, 422)["field"] == "quantity"
    assert problem_of(packages, 422)["field"] == "packages"
    assert after.status_code == 201, after.text
    with site.engine.connect() as conn:
        assert queries.check_rows(conn) == []


def test_a_ship_notice_of_2_63_minus_1_packages_is_refused_naming_packages(
    site: Hospital,
) -> None:
    buyer = site.token(Role.BUYER)
    (order,) = site.api.post("/api/orders/suggest", token=buyer).json()["orders"]
    site.api.post(f"/api/orders/{order['number']}/approve", token=buyer)
    text = ship_notice(order["number"], [(TRAY11, "ON2611X", "20280630", HUGE)])

    answer = site.api.post("/api/orders/ship-notices", token=buyer, json={"x12": text})
    listed = site.api.get(f"/api/orders/{order['number']}/ship-notices", token=buyer).json()

    assert problem_of(answer, 422)["field"] == "SN102"
    assert listed["data"] == []


def test_an_order_receipt_of_2_63_minus_1_packages_is_a_422(site: Hospital) -> None:
    buyer = site.token(Role.BUYER)
    (order,) = site.api.post("/api/orders/suggest", token=buyer).json()["orders"]
    site.api.post(f"/api/orders/{order['number']}/approve", token=buyer)

    answer = site.api.post(
        f"/api/orders/{order['number']}/receipts",
        token=site.token(Role.TECHNICIAN),
        json={"product": NDC_TEXT, "lot": "ON2699Q", "expiry": "2028-06-30", "packages": HUGE},
    )

    assert problem_of(answer, 422)["field"] == "packages"


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/items", {"search": "on\x00da"}, "query.search"),
        ("/api/stock", {"location": "MAIN\x1b[2J"}, "query.location"),
        ("/api/orders/PO%00-1", {}, "path.number"),
    ],
    ids=["NUL in a search", "escape in a code", "NUL in a path"],
)
def test_a_control_character_in_a_parameter_is_a_422_naming_it(
    site: Hospital, path: str, params: dict[str, str], field: str
) -> None:
    answer = site.api.get(path, token=site.token(Role.ADMIN), params=params)

    body = problem_of(answer, 422)
    assert body["field"] == field
    assert "control character" in body["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"product": NDC_TEXT + "\x00", "lot": "L1", "reason": "x"}, "product"),
        ({"product": NDC_TEXT, "lot": "L" * 41, "reason": "x"}, "lot"),
        ({"product": NDC_TEXT, "lot": "L1", "reason": "cracked\x00vial"}, "reason"),
    ],
    ids=["NUL in a code", "over-long lot", "NUL in a reason"],
)
def test_a_body_text_out_of_bounds_is_a_422_naming_the_field(
    site: Hospital, body: dict[str, str], field: str
) -> None:
    answer = site.api.post(
        "/api/quarantines", token=site.token(Role.ADMIN), json=body | {"location": STOREROOM}
    )

    assert problem_of(answer, 422)["field"] == field


def every_unbounded_integer(node: object, where: str = "") -> Iterator[str]:
    if isinstance(node, dict):
        if node.get("type") == "integer" and "maximum" not in node and where.count("/loc/") == 0:
            yield where
        for key, value in node.items():
            yield from every_unbounded_integer(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from every_unbounded_integer(value, f"{where}/{i}")


def test_every_integer_the_api_takes_has_a_maximum_in_the_openapi_document(
    sqlite_engine: Engine,
) -> None:
    document = create_app(sqlite_engine).openapi()

    assert list(every_unbounded_integer(document)) == []
