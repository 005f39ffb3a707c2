"""Transfers and a storeroom's floor for the role walk: each call gets one in the state its
route needs (a requested transfer is picked or cancelled, a picked one shipped, a shipped one
received; a fresh lot on the floor is put away)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import Engine
from tests.conftest import CLOCK, post

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.location import Location, LocationKind
from rxsupply.services import ledger, transfers

from .harness import Hospital

WALK_BIN = "STORE-WALK"


def requested_transfer(engine: Engine) -> str:
    with SqlUnitOfWork(engine) as uow:
        done = transfers.request_transfer(
            uow,
            from_location="MAIN-STORE",
            to_location="OR-SAT",
            quantity=1,
            item="ONDA4INJ",  # the walk quarantines the acetaminophen lot
            user="tests",
            clock=CLOCK,
        )
    return done.number


def picked_transfer(engine: Engine) -> str:
    number = requested_transfer(engine)
    with SqlUnitOfWork(engine) as uow:
        transfers.pick_transfer(uow, number=number, user="tests", clock=CLOCK)
    return number


def shipped_transfer(engine: Engine) -> str:
    number = picked_transfer(engine)
    with SqlUnitOfWork(engine) as uow:
        transfers.ship_transfer(uow, number=number, user="tests", clock=CLOCK)
    return number


def floor_lot(hospital: Hospital) -> dict[str, Any]:
    """A fresh lot received onto the storeroom's floor, and the bin it goes into."""
    with SqlUnitOfWork(hospital.engine) as uow:
        if uow.locations.get(WALK_BIN) is None:
            uow.locations.save_many(
                [Location(WALK_BIN, "walk bin", LocationKind.POCKET, "MAIN-STORE")], {}
            )
            uow.commit()
    lot = f"P{uuid.uuid4().hex[:10]}"
    post(
        hospital.engine,
        ledger.Receive(
            user="tests",
            product="98765-401-02",
            lot=lot,
            expiry=date(2030, 1, 31),
            quantity=1,
            location="MAIN-STORE",
        ),
    )
    return {"lot": lot, "to_bin": WALK_BIN}
