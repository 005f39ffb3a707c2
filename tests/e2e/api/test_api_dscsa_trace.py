"""A trace over HTTP (today 2026-11-20): a technician traces a serial and a lot, downloads the
response package as JSON, EPCIS 1.2 (read back by our reader) and printable HTML; a bad request
is a 422 naming the field, an unknown serial a 404."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from tests.integration.services.test_dscsa_trace import GTIN, build_hospital, ship_document

from rxsupply.adapters.epcis import read_epcis
from rxsupply.domain.users import Role

from .harness import Hospital, QuickHasher, open_hospital, problem


@pytest.fixture
def pharmacy(hospital: Engine) -> Iterator[Hospital]:
    build_hospital(hospital)
    ship_document(hospital, ["S1", "S2", "S3"])
    with open_hospital(hospital, QuickHasher()) as opened:
        yield opened


def test_a_technician_traces_a_serial_and_a_lot(pharmacy: Hospital) -> None:
    tech = pharmacy.token(Role.TECHNICIAN)

    serial = pharmacy.api.get("/api/dscsa/trace", token=tech, params={"serial": f"{GTIN}:S2"})
    lot = pharmacy.api.get(
        "/api/dscsa/trace", token=tech, params={"lot": "TR100", "ndc": "98765-402-10"}
    )

    assert serial.status_code == 200, serial.text
    assert serial.json()["package"]["identifier"] == f"01{GTIN}21S2"
    assert [d["location"] for d in serial.json()["dispenses"]] == ["OR-SAT"]
    assert lot.status_code == 200, lot.text
    assert [m["kind"] for m in lot.json()["moves"]] == ["refill", "transfer"]
    assert lot.json()["dispensed_units"] == 15
    assert lot.json()["query"] == {"lot": "TR100", "ndc": "98765-402-10"}


def test_the_response_package_downloads_in_each_format(pharmacy: Hospital) -> None:
    tech = pharmacy.token(Role.TECHNICIAN)

    def get(fmt: str) -> tuple[str, str, bytes]:
        response = pharmacy.api.get(
            "/api/dscsa/trace/package",
            token=tech,
            params={"serial": f"01{GTIN}21S2", "format": fmt},
        )
        assert response.status_code == 200, response.text
        return (
            response.headers["content-type"],
            response.headers["content-disposition"],
            response.content,
        )

    as_json, epcis, page = get("json"), get("epcis"), get("html")

    assert as_json[0] == "application/json"
    assert as_json[1].startswith(f'attachment; filename="trace-01{GTIN}21S2-')
    assert epcis[0].startswith("application/xml") and epcis[1].endswith('.xml"')
    document = read_epcis(io.BytesIO(epcis[2]))
    assert [(e.biz_step, e.identifiers) for e in document.events] == [
        ("receiving", (f"01{GTIN}21S2",)),
        ("dispensing", (f"01{GTIN}21S2",)),
    ]
    assert page[0].startswith("text/html") and page[1].startswith("inline")
    assert b"DSCSA trace: serial" in page[2]


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({}, 422, "trace"),
        ({"serial": "S1", "lot": "TR100"}, 422, "trace"),
        ({"serial": "S1", "ndc": "98765-402-10"}, 422, "ndc"),
        ({"serial": "NOPE"}, 404, None),
        ({"lot": "TR100", "format": "pdf"}, 422, None),
    ],
)
def test_a_bad_request_is_refused_with_the_reason(
    pharmacy: Hospital, params: dict[str, str], status: int, field: str | None
) -> None:
    tech = pharmacy.token(Role.TECHNICIAN)
    path = "/api/dscsa/trace/package" if "format" in params else "/api/dscsa/trace"

    body = problem(pharmacy.api.get(path, token=tech, params=params), status)

    if field is not None:
        assert field in body["detail"]
