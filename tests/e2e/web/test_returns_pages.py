"""The returns pages over HTTP on an example hospital of their own (they ship stock): a manager
sets Example Labs' policy, builds a batch of the lot ticked on the workbench, ships it, enters
the credit memo and reads the reconciliation; the manifests as CSV and a printable page; the
RCRA list edited; a technician reads the workbench without its forms."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine
from tests.conftest import CLOCK, TESTER

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.limits import Approval
from rxsupply.domain.users import Role
from rxsupply.entrypoints.app import create_app
from rxsupply.services import returns

from .harness import alert, build_hospital, client_for, csrf_of


@pytest.fixture(scope="module")
def returns_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    engine: Engine = build_hospital(tmp_path_factory.mktemp("returns-pages") / "rx.db")
    yield create_app(engine)
    engine.dispose()


def test_a_manager_builds_ships_and_reconciles_a_batch_from_the_workbench(
    returns_app: FastAPI,
) -> None:
    with client_for(returns_app, "manager") as manager:
        csrf = csrf_of(manager, "/returns/waste")
        manager.post(
            "/returns/policies",
            data={
                "csrf_token": csrf,
                "labeler": "Example Labs",
                "months_before": "6",
                "months_after": "12",
                "credit_share": "90%",
            },
        )
        bench = manager.get("/returns", params={"returnability": "now"})
        made = manager.post(
            "/returns/batches",
            data={"csrf_token": csrf, "lot": "98765-401-02:ON2411A", "distributor": "Demo RD"},
        )
        batch_url = made.headers["location"]
        number = batch_url.rsplit("/", 1)[1]
        open_page = manager.get(batch_url).text
        shipped = manager.post(
            f"{batch_url}/ship", data={"csrf_token": csrf}, follow_redirects=True
        )
        csv_text = manager.get(f"{batch_url}/manifest.csv", params={"stream": "creditable"}).text
        printable = manager.get(f"{batch_url}/manifest.html").text
        memo = manager.post(
            f"{batch_url}/memo",
            data={
                "csrf_token": csrf,
                "memo_number": "CM-1",
                "memo_date": "2026-11-20",
                "ndc_1": "98765-401-02",
                "lot_1": "ON2411A",
                "quantity_1": "250",
                "credit_1": "150.00",
            },
            follow_redirects=True,
        )
        after = manager.get("/returns")
        shipped_page = manager.get(batch_url).text

    assert 'data-lot="ON2411A" data-returnability="now"' in bench.text
    ondansetron = bench.text.split('data-lot="ON2411A"')[1].split("</tr>")[0]
    # its status, package size, credited units (11 full packages, place by place) and basis
    assert '<td data-status="available">available</td>' in ondansetron
    assert '<td class="num">25</td>' in ondansetron and '<td class="num">275</td>' in ondansetron
    assert "package cost" in ondansetron and "30 in cabinet pockets" in ondansetron
    # the pick list: the storeroom's units; the cabinet pocket keeps its own
    assert '<span data-location="MAIN-STORE">MAIN-STORE: 250</span>' in open_page
    assert '<span data-location="MAIN-STORE">MAIN-STORE: 250</span>' in shipped_page
    assert 'data-location="ICU-ADC1-P01"' not in open_page + shipped_page
    assert 'data-lot="ON2502B"' not in bench.text  # returnable later: filtered out
    assert re.fullmatch(r"RB20\d{6}-\d{4}", number)
    assert "Shipped " + number in shipped.text
    assert csv_text.splitlines()[1].split(",")[6] == "ON2411A"
    assert (
        "Potentially creditable" in printable and "Nothing on this manifest is sewered" in printable
    )
    assert 'data-lot="ON2411A" data-state="short_paid"' in memo.text
    # the storeroom's 250 units (the cabinet pocket keeps its 30): 10 x 18.75 x 90% = 168.75
    assert "outstanding $18.75" in memo.text
    assert number in after.text and 'id="aging"' in after.text
    aging = after.text.split('id="aging"')[1].split("</table>")[0]
    assert "<td>Demo RD</td>" in aging


def test_a_batch_with_no_lot_ticked_is_refused_not_built_of_every_lot(
    returns_app: FastAPI,
) -> None:
    with client_for(returns_app, "manager") as manager:
        csrf = csrf_of(manager, "/returns")
        refused = manager.post(
            "/returns/batches", data={"csrf_token": csrf, "lot": ""}, follow_redirects=True
        )

    assert "Not done" in alert(refused.text) and "tick the lots" in alert(refused.text)


def test_a_lot_not_eligible_is_refused_with_why(returns_app: FastAPI) -> None:
    with client_for(returns_app, "manager") as manager:
        csrf = csrf_of(manager, "/returns")
        refused = manager.post(
            "/returns/batches",
            data={"csrf_token": csrf, "lot": "98765-3250-01:AP2406"},
            follow_redirects=True,
        )

    assert "Not done" in alert(refused.text)


def test_the_rcra_list_is_edited_on_its_page_and_a_technician_only_reads(
    returns_app: FastAPI,
) -> None:
    with client_for(returns_app, "admin") as admin:
        csrf = csrf_of(admin, "/returns/waste")
        added = admin.post(
            "/returns/waste",
            data={"csrf_token": csrf, "ingredient": "physostigmine", "code": "P204"},
            follow_redirects=True,
        )
        row = re.findall(r'<tr data-code="P204">.*?action="/returns/waste/(\d+)"', added.text, re.S)
        removed = admin.post(
            f"/returns/waste/{row[0]}",
            data={"csrf_token": csrf, "remove": "1"},
            follow_redirects=True,
        )
    with client_for(returns_app, "tech") as tech:
        bench = tech.get("/returns")
        waste = tech.get("/returns/waste")

    assert len(row) == 1
    assert "Added P204 physostigmine" in added.text
    assert "Removed P204 physostigmine" in removed.text and 'data-code="P204"' not in removed.text
    assert bench.status_code == 200 and 'id="build-batch"' in bench.text
    assert 'id="create-batch"' not in bench.text and 'id="add-listing"' not in waste.text
    assert 'data-code="P001"' in waste.text


def test_shipping_from_the_page_keeps_the_configured_ledger_limits(
    returns_app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RXSUPPLY_MAX_QUANTITY", "50")
    with client_for(returns_app, "manager") as manager:
        csrf = csrf_of(manager, "/returns/waste")
        manager.post(
            "/returns/policies",
            data={
                "csrf_token": csrf,
                "labeler": "Example Labs",
                "months_before": "6",
                "months_after": "12",
            },
        )
        made = manager.post(
            "/returns/batches", data={"csrf_token": csrf, "lot": "98765-0210-1:MS2409"}
        )
        batch_url = made.headers["location"]
        manager.post(
            f"{batch_url}/form-222",
            data={"csrf_token": csrf, "line": "1", "form_222": "CSOS-112233"},
        )
        refused = manager.post(
            f"{batch_url}/ship", data={"csrf_token": csrf}, follow_redirects=True
        )

    assert "Not done" in alert(refused.text)
    assert "RXSUPPLY_MAX_QUANTITY" in alert(refused.text)  # 60 storeroom units in one movement


def test_a_form_41_record_names_its_product_and_schedule(returns_app: FastAPI) -> None:
    with SqlUnitOfWork(returns_app.state.engine) as uow:
        returns.destroy_controlled(
            uow,
            product="98765-0210-1",
            lot="MS2409",
            location="ICU-ADC1-P02",
            quantity=1,
            method="incinerated",
            witnesses=[Approval("wanda", Role.MANAGER), Approval("carl", Role.COMPLIANCE)],
            user=TESTER,
            clock=CLOCK,
        )
    with client_for(returns_app, "tech") as tech:
        page = tech.get("/returns/waste").text

    record = page.split("F41-")[1].split("</tr>")[0]
    assert "<td>Morphine sulfate injection 2 mg/mL</td><td>CII</td>" in record
