"""What the role walk needs to call the returns routes: a policy for Example Labs, fresh lots
returnable now, an open batch (of ondansetron, or of morphine for its Form 222 line), a
shipped batch, an RCRA row, and a destruction's body. Each call gets its own, so no call uses
up another's."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import Engine
from tests.conftest import CLOCK, post

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.services import ledger, returns

from .harness import PASSWORD, STOREROOM, Hospital

LABELER = "Example Labs"
ONDANSETRON, MORPHINE = "98765-401-02", "98765-0210-1"
PACKAGE = {ONDANSETRON: 25, MORPHINE: 10}
"""Units in a package: a fresh lot is a full package (a partial one is not returnable)."""


def with_policy(engine: Engine) -> str:
    """Example Labs' policy (set again for each call: a walk may have removed it)."""
    with SqlUnitOfWork(engine) as uow:
        returns.set_return_policy(
            uow, labeler=LABELER, months_before=6, months_after=12, user="tests", clock=CLOCK
        )
    return "Example%20Labs"


def returnable_lot(engine: Engine, ndc: str = ONDANSETRON) -> dict[str, str]:
    """A new full package in the storeroom, returnable now under the policy (it expires
    2027-01-31)."""
    with_policy(engine)
    lot = f"R{uuid.uuid4().hex[:10]}"
    post(
        engine,
        ledger.Receive(
            user="tests",
            product=ndc,
            lot=lot,
            expiry=date(2027, 1, 31),
            quantity=PACKAGE[ndc],
            location=STOREROOM,
        ),
    )
    return {"ndc": ndc, "lot": lot}


def open_batch(engine: Engine, ndc: str = ONDANSETRON) -> str:
    made = returnable_lot(engine, ndc)
    with SqlUnitOfWork(engine) as uow:
        batch = returns.create_return_batch(
            uow, lots=[(made["ndc"], made["lot"])], user="tests", clock=CLOCK
        )
    return batch.number


def shipped_batch(engine: Engine) -> str:
    number = open_batch(engine)
    with SqlUnitOfWork(engine) as uow:
        returns.ship_return_batch(uow, batch=number, user="tests", clock=CLOCK)
    return number


def fresh_listing(engine: Engine) -> str:
    with SqlUnitOfWork(engine) as uow:
        row = returns.add_hazardous_listing(
            uow, ingredient=f"walk {uuid.uuid4().hex[:8]}", code="U999", user="tests", clock=CLOCK
        )
    return str(row.id)


def destruction_body(hospital: Hospital) -> dict[str, Any]:
    """A morphine lot to destroy 1 unit of, witnessed by the technician and compliance
    officer (never the caller: only admins, managers and buyers may destroy)."""
    made = returnable_lot(hospital.engine, MORPHINE)
    return {
        "product": MORPHINE,
        "lot": made["lot"],
        "location": STOREROOM,
        "quantity": 1,
        "method": "incinerated",
        "witnesses": [
            {"username": "technician", "password": PASSWORD},
            {"username": "compliance", "password": PASSWORD},
        ],
    }


def memo_body(_: Hospital) -> dict[str, Any]:
    return {
        "memo_number": f"CM-{uuid.uuid4().hex[:6]}",
        "memo_date": "2026-11-20",
        "lines": [{"ndc": ONDANSETRON, "lot": "ANY", "quantity": 1, "credit": "1.00"}],
    }
