"""DSCSA transaction records over HTTP: a buyer uploads an EPCIS shipment as the raw body (201;
the same bytes again 200, nothing written), anyone who reads lists and shows it, a compliance
officer may not upload; a body past the size cap is 413, a billion-laughs, an external-entity
and a truncated document are 422 with their reason, and nothing is written for any of them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func, select
from tests.epcis_samples import SELLER, shipment
from tests.unit.adapters.test_epcis_hostile import EXTERNAL, LAUGHS

from rxsupply.adapters import tables
from rxsupply.domain.users import Role
from rxsupply.entrypoints.api import dscsa_import
from rxsupply.entrypoints.http.security import COOKIE

from .harness import Hospital, QuickHasher, open_hospital, problem

DSCSA_TABLES = (
    tables.dscsa_document,
    tables.dscsa_package,
    tables.dscsa_event,
    tables.dscsa_record,
)
PATH = "/api/dscsa/documents"


@pytest.fixture
def pharmacy(hospital: Engine) -> Iterator[Hospital]:
    with open_hospital(hospital, QuickHasher()) as opened:
        yield opened


def rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return sum(conn.scalar(select(func.count()).select_from(t)) or 0 for t in DSCSA_TABLES)


def test_a_buyer_uploads_a_shipment_once_and_anyone_who_reads_sees_it(pharmacy: Hospital) -> None:
    buyer, auditor = pharmacy.token(Role.BUYER), pharmacy.token(Role.COMPLIANCE)
    data = shipment(loose=["S9"])

    first = pharmacy.api.request(
        "POST", PATH, token=buyer, content=data, params={"file_name": "asn-1.xml"}
    )
    again = pharmacy.api.request("POST", PATH, token=buyer, content=data)
    not_an_auditor = pharmacy.api.request("POST", PATH, token=auditor, content=data)
    listed = pharmacy.api.get(PATH, token=auditor).json()["data"]
    shown = pharmacy.api.get(f"{PATH}/{first.json()['id']}", token=auditor).json()

    assert first.status_code == 201, first.text
    assert first.json()["file_name"] == "asn-1.xml" and first.json()["package_count"] == 4
    assert again.status_code == 200 and again.json()["already_imported"] is True
    problem(not_an_auditor, 403)
    assert [d["id"] for d in listed] == [first.json()["id"]]
    assert shown["transaction"]["seller"]["name"] == SELLER
    assert shown["packages"]["count"] == 4 and shown["imported_by"] == "buyer"


def test_a_shipment_sent_with_a_form_content_type_is_read_as_the_raw_body(
    pharmacy: Hospital,
) -> None:
    """curl --data-binary sends application/x-www-form-urlencoded unless told otherwise: the
    app-wide form check read the body as a form first, and the upload's read of the stream
    was a 500 (Stream consumed)."""
    buyer = pharmacy.token(Role.BUYER)
    headers = {"content-type": "application/x-www-form-urlencoded"}

    answer = pharmacy.api.request("POST", PATH, token=buyer, content=shipment(), headers=headers)

    assert answer.status_code == 201, answer.text
    assert answer.json()["package_count"] == 3


def sign_in(pharmacy: Hospital, role: Role) -> str:
    """A session cookie for ``role``'s user on the client (as the web UI has); its CSRF
    token."""
    cookie, csrf = pharmacy.app.state.sessions.issue(pharmacy.user(role))
    pharmacy.api.cookies.set(COOKIE, cookie)
    return str(csrf)


@pytest.mark.parametrize(
    "kind", ["application/xml", "application/x-www-form-urlencoded", "application/octet-stream"]
)
def test_a_session_uploads_a_shipment_as_the_body_with_its_csrf_token_in_the_header(
    pharmacy: Hospital, kind: str
) -> None:
    csrf = sign_in(pharmacy, Role.BUYER)
    headers = {"content-type": kind, "X-CSRF-Token": csrf}

    answer = pharmacy.api.request("POST", PATH, content=shipment(), headers=headers)

    assert answer.status_code == 201, answer.text
    assert answer.json()["package_count"] == 3
    shown = pharmacy.api.get(f"{PATH}/{answer.json()['id']}").json()
    assert shown["imported_by"] == "buyer"


@pytest.mark.parametrize(
    ("kind", "body"),
    [
        ("application/xml", None),
        ("application/x-www-form-urlencoded", None),
        ("application/x-www-form-urlencoded", "csrf"),
    ],
    ids=["xml", "curl's default form type", "a body that reads as the token's form"],
)
def test_a_session_upload_without_the_csrf_header_is_refused_and_its_body_is_not_read_as_a_form(
    pharmacy: Hospital, kind: str, body: str | None
) -> None:
    """The CSRF check parsed the body as a form: a 403 telling to reload a page for an XML
    body, and a body that parsed as a form holding the token passed it and then broke the
    upload's read of the stream (a 500, Stream consumed)."""
    csrf = sign_in(pharmacy, Role.BUYER)
    content = f"csrf_token={csrf}".encode() if body else shipment()

    refused = pharmacy.api.request("POST", PATH, content=content, headers={"content-type": kind})

    detail = problem(refused, 403)["detail"]
    assert "X-CSRF-Token header" in detail and "GET /api/me" in detail
    assert rows(pharmacy.engine) == 0


def test_a_multipart_form_upload_is_refused_saying_to_send_the_document_as_the_body(
    pharmacy: Hospital,
) -> None:
    """A form upload was spooled as the document: 'not well-formed XML' at line 1; with the
    CSRF token as a form field (the web forms' way), the check consumed the body and the
    upload's read was a 500 (Stream consumed)."""
    csrf = sign_in(pharmacy, Role.BUYER)
    upload = {"file": ("asn.xml", shipment(), "application/xml")}

    with_header = pharmacy.api.request("POST", PATH, files=upload, headers={"X-CSRF-Token": csrf})
    as_a_field = pharmacy.api.request(
        "POST", PATH, files={"csrf_token": ("", csrf.encode(), "text/plain"), **upload}
    )

    body = problem(with_header, 422)
    assert "multipart form" in body["detail"] and "--data-binary" in body["detail"]
    assert "X-CSRF-Token header" in problem(as_a_field, 403)["detail"]
    assert rows(pharmacy.engine) == 0


def test_an_unknown_document_is_a_404(pharmacy: Hospital) -> None:
    problem(pharmacy.api.get(f"{PATH}/999", token=pharmacy.token(Role.TECHNICIAN)), 404)


def test_a_body_past_the_size_cap_is_a_413_and_nothing_written(
    pharmacy: Hospital, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dscsa_import, "MAX_UPLOAD", 4096)
    data = shipment(serials=[f"S{n}" for n in range(200)])

    refused = pharmacy.api.request("POST", PATH, token=pharmacy.token(Role.BUYER), content=data)

    body = problem(refused, 413)
    assert body["rule"] == "size" and "larger than the 4,096-byte cap" in body["detail"]
    assert rows(pharmacy.engine) == 0


@pytest.mark.parametrize(
    ("content", "rule", "reason"),
    [
        (LAUGHS, "unsafe", "DTDs and entities are refused"),
        (EXTERNAL, "unsafe", "DTDs and entities are refused"),
        (shipment()[:-200], "xml", "not well-formed XML"),
        (shipment(ship=False), None, "no shipping event"),
    ],
    ids=["billion laughs", "external entity", "cut short", "ships nothing"],
)
def test_a_refused_document_is_a_422_with_its_reason_and_nothing_written(
    pharmacy: Hospital, content: bytes, rule: str | None, reason: str
) -> None:
    refused = pharmacy.api.request(
        "POST",
        PATH,
        token=pharmacy.token(Role.TECHNICIAN),
        content=content,
        params={"file_name": "hostile.xml"},
    )

    body = problem(refused, 422)
    assert reason in body["detail"] and body.get("rule") == rule
    assert rows(pharmacy.engine) == 0
