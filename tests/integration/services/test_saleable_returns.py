"""Saleable returns carry their product identifiers and are verified before the batch ships
(example hospital, today 2026-11-20; Example Labs takes lots back from 6 months before their
expiry): a package that fails holds the batch with its reason, nothing moves, and the
verifications stay recorded."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from tests.conftest import CLOCK, TESTER, post

from rxsupply.adapters import tables
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.adapters.verification_responder import (
    make_server,
    read_commissioned,
    responder_url,
    serve_in_thread,
)
from rxsupply.adapters.verification_router import HttpVerificationRouter
from rxsupply.domain.return_batch import ReturnBatch
from rxsupply.domain.return_policy import PartialRule
from rxsupply.domain.status import StockStatus
from rxsupply.domain.verification import VerificationRequest, VerificationResponse
from rxsupply.domain.verification_check import answer_from_commissioned
from rxsupply.errors import ReturnRefused
from rxsupply.services import ledger, returns
from rxsupply.services.dscsa.verification import list_verifications
from rxsupply.services.returns.saleable import saleable_packages

TRAY_NDC = "98765-401-02"
TRAY = "00398765401027"
LOT, EXPIRY = "SR1", date(2027, 2, 28)


@pytest.fixture
def batch(hospital: Engine) -> ReturnBatch:
    with SqlUnitOfWork(hospital) as uow:
        returns.set_return_policy(
            uow,
            labeler="Example Labs",
            months_before=6,
            months_after=12,
            partial=PartialRule.FULL_ONLY,
            credit_share="90%",
            user=TESTER,
            clock=CLOCK,
        )
    for serial in ("S1", "S2"):
        post(
            hospital,
            ledger.Receive(
                user=TESTER,
                product=TRAY,
                lot=LOT,
                expiry=EXPIRY,
                packages=1,
                serial=serial,
                location="MAIN-STORE",
            ),
        )
    with SqlUnitOfWork(hospital) as uow:
        return returns.create_return_batch(
            uow, lots=[(TRAY_NDC, LOT)], distributor="Wholesaler", user=TESTER, clock=CLOCK
        )


def ship(engine: Engine, number: str, **kw: object) -> ReturnBatch:
    with SqlUnitOfWork(engine) as uow:
        return returns.ship_return_batch(uow, batch=number, user=TESTER, clock=CLOCK, **kw)  # type: ignore[arg-type]


def returned(engine: Engine, number: str) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                select(func.coalesce(func.sum(tables.movement.c.quantity), 0)).where(
                    tables.movement.c.kind == "return_to_vendor",
                    tables.movement.c.reference == number,
                )
            ).scalar_one()
        )


@pytest.fixture
def manufacturer(tmp_path: Path) -> Iterator[str]:
    """A responder that knows S1 only (S2 was never commissioned)."""
    serials = tmp_path / "commissioned.csv"
    serials.write_text(f"gtin,serial,lot,expiry\n{TRAY},S1,{LOT},270228\n", encoding="utf-8")
    commissioned = read_commissioned(serials)

    def answer(request: VerificationRequest) -> VerificationResponse:
        return answer_from_commissioned(request, commissioned, today=CLOCK.today())

    server = make_server(answer, port=0, today=CLOCK.today)
    serve_in_thread(server)
    yield responder_url(server)
    server.shutdown()
    server.server_close()


def test_a_saleable_line_carries_the_product_identifiers_of_its_packages(
    hospital: Engine, batch: ReturnBatch
) -> None:
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        found = saleable_packages(uow, batch, today=CLOCK.today())

    assert [x.as_dicts() for x in found] == [
        [
            {"gtin": TRAY, "serial": "S1", "lot": LOT, "expiry": "2027-02-28"},
            {"gtin": TRAY, "serial": "S2", "lot": LOT, "expiry": "2027-02-28"},
        ]
    ]


def test_a_batch_whose_packages_verify_ships_and_the_verifications_name_its_lines(
    hospital: Engine, batch: ReturnBatch
) -> None:
    shipped = ship(hospital, batch.number)

    assert shipped.status == "shipped"
    assert returned(hospital, batch.number) == 50
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        done = list_verifications(uow, reference=f"{batch.number}:")
    assert sorted((v.serial, v.verified, v.context, v.reference) for v in done) == [
        ("S1", True, "dscsaSaleableReturn", f"{batch.number}:1"),
        ("S2", True, "dscsaSaleableReturn", f"{batch.number}:1"),
    ]


def test_a_package_the_router_does_not_verify_holds_the_batch_with_its_reason(
    hospital: Engine, batch: ReturnBatch, manufacturer: str
) -> None:
    router = HttpVerificationRouter(manufacturer)

    with pytest.raises(ReturnRefused) as refused:
        ship(hospital, batch.number, router=router)

    assert f"batch {batch.number} held" in str(refused.value)
    assert "line 1 (98765-401-02 lot SR1) serial S2: router: No_match_GTIN_Serial" in str(
        refused.value
    )
    assert "serial S1" not in str(refused.value)
    assert returned(hospital, batch.number) == 0
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        assert returns.find_batch(uow, batch.number).status == "open"
        recorded = list_verifications(uow, reference=f"{batch.number}:1")
    assert sorted((v.serial, v.verified) for v in recorded) == [("S1", True), ("S2", False)]


def test_a_router_that_is_down_holds_the_batch_until_it_answers(
    hospital: Engine, batch: ReturnBatch
) -> None:
    down = make_server(lambda r: None, port=0, today=CLOCK.today)  # type: ignore[arg-type,return-value]
    url = responder_url(down)
    down.server_close()

    with pytest.raises(ReturnRefused, match="router unreachable"):
        ship(hospital, batch.number, router=HttpVerificationRouter(url, timeout=2))
    shipped = ship(hospital, batch.number)

    assert shipped.status == "shipped"


def test_a_non_saleable_line_is_not_verified(hospital: Engine, batch: ReturnBatch) -> None:
    post(
        hospital,
        ledger.SetStatus(
            user=TESTER, product=TRAY_NDC, lot=LOT, status=StockStatus.RECALLED, reason="FDA recall"
        ),
    )

    with SqlUnitOfWork(hospital, readonly=True) as uow:
        found = saleable_packages(uow, batch, today=CLOCK.today())

    assert found == []
