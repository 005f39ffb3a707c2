"""Returns over HTTP on the example hospital (today 11/20/2026): a buyer sets Example Labs'
policy and reads the classification (the same contract keys as the CLI); a batch refuses to
ship its Schedule II line without a Form 222 number (409), ships once it has it, gives its
manifest as CSV and as a printable page, and its credit memo reconciles; a destruction with
one witness is refused (422); a technician only reads."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from rxsupply.domain.users import Role

from .harness import PASSWORD, Hospital, QuickHasher, open_hospital, problem

POLICY = {"months_before": 6, "months_after": 12, "credit_share": "90%"}


@pytest.fixture
def pharmacy(hospital: Engine) -> Iterator[Hospital]:
    with open_hospital(hospital, QuickHasher()) as opened:
        yield opened


def test_a_buyer_classifies_builds_ships_and_reconciles_a_return_batch(
    pharmacy: Hospital,
) -> None:
    buyer, tech = pharmacy.token(Role.BUYER), pharmacy.token(Role.TECHNICIAN)
    api = pharmacy.api
    assert (
        api.request("PUT", "/api/return-policies/Example Labs", token=tech, json=POLICY).status_code
        == 403
    )
    api.request("PUT", "/api/return-policies/Example Labs", token=buyer, json=POLICY)

    lots = api.get("/api/returns/classify", token=tech).json()["lots"]
    made = api.post("/api/returns/batches", token=buyer, json={"distributor": "Demo RD"}).json()
    number = made["number"]
    refused = api.post(f"/api/returns/batches/{number}/ship", token=buyer)
    api.request(
        "PUT",
        f"/api/returns/batches/{number}/form-222",
        token=buyer,
        json={"line": 1, "form_222": "261234567"},
    )
    shipped = api.post(f"/api/returns/batches/{number}/ship", token=buyer).json()
    csv_text = api.get(
        f"/api/returns/batches/{number}/manifest", token=tech, params={"stream": "controlled"}
    ).text
    page = api.get(f"/api/returns/batches/{number}/manifest", token=tech, params={"format": "html"})
    memo = api.post(
        f"/api/returns/batches/{number}/memos",
        token=buyer,
        json={
            "memo_number": "CM-9",
            "memo_date": "2026-11-20",
            "lines": [{"ndc": "98765-401-02", "lot": "ON2411A", "quantity": 250, "credit": "150"}],
        },
    ).json()
    aging = api.get("/api/returns/aging", token=tech).json()

    by_lot = {r["lot"]: r for r in lots}
    assert {"returnability", "returnable_from", "reason", "expected_credit"} <= set(
        by_lot["MS2409"]
    )
    assert by_lot["ON2502B"]["returnability"] == "later"
    assert [x["lot"] for x in made["lines"]] == ["MS2409", "ON2411A"]
    assert "Form 222" in problem(refused, 409)["detail"]
    assert shipped["status"] == "shipped"
    assert csv_text.splitlines()[1].split(",")[6] == "MS2409"
    assert page.headers["content-type"].startswith("text/html") and "ON2411A" in page.text
    states = {r["lot"]: (r["state"], r["difference"]) for r in memo["lines"]}
    # the storeroom's units only: 6 packages x 31.20 and 10 x 18.75, at 90%
    assert states == {"MS2409": ("not_credited", "-168.48"), "ON2411A": ("short_paid", "-18.75")}
    assert aging["buckets"][0] == {"bucket": "0-30", "batches": 1, "outstanding": "187.23"}


def test_a_destruction_with_one_witness_is_refused(hospital: Engine) -> None:
    with open_hospital(hospital) as pharmacy:  # argon2: the witness signs with a password
        buyer = pharmacy.token(Role.BUYER)
        pharmacy.token(Role.COMPLIANCE)
        refused, listed = _destroy_with_one_witness(pharmacy, buyer)

    assert "two witnesses" in problem(refused, 422)["detail"]
    assert listed == {"data": []}


def _destroy_with_one_witness(pharmacy: Hospital, buyer: str) -> tuple[httpx.Response, Any]:

    refused = pharmacy.api.post(
        "/api/returns/destructions",
        token=buyer,
        json={
            "product": "98765-0210-1",
            "lot": "MS2409",
            "location": "MAIN-STORE",
            "quantity": 1,
            "method": "incinerated",
            "witnesses": [{"username": "compliance", "password": PASSWORD}],
        },
    )

    return refused, pharmacy.api.get("/api/returns/destructions", token=buyer).json()


def test_an_empty_lot_list_and_a_memo_out_of_bounds_are_refused_not_a_server_error(
    pharmacy: Hospital,
) -> None:
    buyer = pharmacy.token(Role.BUYER)
    api = pharmacy.api
    api.request("PUT", "/api/return-policies/Example Labs", token=buyer, json=POLICY)
    empty = api.post("/api/returns/batches", token=buyer, json={"lots": []})
    made = api.post(
        "/api/returns/batches",
        token=buyer,
        json={"lots": [{"ndc": "98765-401-02", "lot": "ON2411A"}]},
    ).json()
    number = made["number"]
    api.post(f"/api/returns/batches/{number}/ship", token=buyer)

    def memo(**line: object) -> httpx.Response:
        row = {"ndc": "98765-401-02", "lot": "ON2411A", "quantity": 250, "credit": "1"} | line
        return api.post(
            f"/api/returns/batches/{number}/memos",
            token=buyer,
            json={"memo_number": "CM-1", "memo_date": "2026-11-20", "lines": [row]},
        )

    huge_units = memo(quantity=10**30)
    huge_credit = api.request(
        "POST",
        f"/api/returns/batches/{number}/memos",
        token=buyer,
        content=(
            b'{"memo_number": "CM-1", "memo_date": "2026-11-20", "lines": [{"ndc": '
            b'"98765-401-02", "lot": "ON2411A", "quantity": 1, "credit": 1e99999999}]}'
        ),
        headers={"content-type": "application/json"},
    )
    blank = memo(ndc=" ")
    gtin = memo(ndc="00398765999014")
    early = api.post(
        f"/api/returns/batches/{number}/memos",
        token=buyer,
        json={
            "memo_number": "CM-0",
            "memo_date": "2026-11-19",
            "lines": [{"ndc": "98765-401-02", "lot": "ON2411A", "quantity": 1, "credit": "1"}],
        },
    )

    assert "at least one lot" in problem(empty, 422)["detail"]
    for refused in (huge_units, huge_credit, blank, gtin, early):
        assert refused.status_code == 422, refused.text
    assert "no product on file" in problem(gtin, 422)["detail"]
    assert "before batch" in problem(early, 422)["detail"]
