"""Uploads through the API go through the same bounded CSV readers as ``rxsupply import``: a
header of 100,000 columns or a 2 MB value is refused at once with a short 422 naming the file
and where, an old Mac file is read, and nothing is written."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from tests.shortage_samples import yearly_2025

from rxsupply.domain.users import Role

from .harness import Hospital, QuickHasher, open_hospital, problem


@pytest.fixture
def pharmacy(hospital: Engine) -> Iterator[Hospital]:
    with open_hospital(hospital, QuickHasher()) as opened:
        yield opened


def test_a_shortage_file_of_100000_columns_is_refused_naming_the_header(
    pharmacy: Hospital,
) -> None:
    buyer = pharmacy.token(Role.BUYER)
    data = (",".join(f"c{i}" for i in range(100_000)) + "\n1\n").encode()

    refused = pharmacy.api.request(
        "POST", "/api/shortages/import", token=buyer, files={"file": ("ds.csv", data, "text/csv")}
    )
    listed = pharmacy.api.get("/api/shortages", token=buyer)

    body = problem(refused, 422)
    assert [(e["file"], e["row"], e["field"]) for e in body["errors"]] == [
        ("ds.csv", 0, "(header)")
    ]
    assert len(refused.text) < 2_000
    assert listed.json()["data"] == []


def test_a_shortage_file_with_old_mac_line_ends_is_read(pharmacy: Hospital) -> None:
    buyer = pharmacy.token(Role.BUYER)
    data = b"\r".join(yearly_2025().splitlines()) + b"\r"

    done = pharmacy.api.request(
        "POST", "/api/shortages/import", token=buyer, files={"file": ("ds.csv", data, "text/csv")}
    )

    assert done.status_code == 200, done.text
    assert done.json()["items_matched"] == {"ndc": 1, "name_strength_form": 1, "name": 1}


def test_an_alternatives_file_with_a_2_mb_value_is_refused_in_a_short_problem(
    pharmacy: Hospital,
) -> None:
    manager = pharmacy.token(Role.MANAGER)
    data = b"item_code,alternative_code,note,ratio\nMORPH2INJ,APAP325TAB," + b"n" * 2_000_000
    data += b",\n"

    refused = pharmacy.api.request(
        "POST",
        "/api/therapeutic-alternatives/import",
        token=manager,
        files={"file": ("alternatives.csv", data, "text/csv")},
    )
    listed = pharmacy.api.get("/api/therapeutic-alternatives", token=manager)

    body = problem(refused, 422)
    assert [(e["file"], e["row"], e["field"]) for e in body["errors"]] == [
        ("alternatives.csv", 1, "(row)")
    ]
    assert len(refused.text) < 2_000
    assert listed.json()["data"] == []
