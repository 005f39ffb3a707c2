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
