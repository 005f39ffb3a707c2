"""Refill runs made for a call: the example hospital's ICU ondansetron pocket (ICU-ADC1-P01,
capacity 40) set to min 40 / max 40 and kept below it, so a run always has a line to fill."""

from __future__ import annotations

import uuid

from sqlalchemy import Engine
from tests.conftest import CLOCK, post

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.levels import StockLevel
from rxsupply.domain.refilling import RunStatus
from rxsupply.services import ledger, refilling

POCKET, CABINET, TRAY_NDC, LOT = "ICU-ADC1-P01", "ICU-ADC1", "98765-401-02", "ON2411A"


def room_for_a_run(engine: Engine) -> None:
    """Close every open run (completing the ones with units confirmed), set the pocket's min at
    its capacity and, when it is full, take a vial out: the next run has a line for it."""
    with SqlUnitOfWork(engine) as uow:
        for run in refilling.list_refill_runs(uow, status=RunStatus.OPEN):
            refilling.complete_refill_run(uow, run=run.number, user="tests", clock=CLOCK)
        pocket, item = uow.locations.get(POCKET), uow.items.get("ONDA4INJ")
        assert pocket is not None and pocket.id and item is not None and item.id
        uow.stock_levels.save(StockLevel(pocket.id, item.id, 40, 40), now=CLOCK.now(), user="tests")
        full = uow.ledger.pocket_units([pocket.id], lock=False)[pocket.id] >= 40
        uow.commit()
    if not full:
        return
    post(
        engine,
        ledger.Dispense(
            user="tests",
            location=CABINET,
            item="ONDA4INJ",
            quantity=1,
            external_id=ExternalId("tests", uuid.uuid4().hex),
        ),
    )


def open_refill_run(engine: Engine) -> str:
    """A new open run of the ICU cabinet; its number."""
    room_for_a_run(engine)
    with SqlUnitOfWork(engine) as uow:
        run = refilling.start_refill_run(uow, user="tests", clock=CLOCK, cabinets=[CABINET])
    return run.number
