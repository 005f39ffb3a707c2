"""Example values for the suspect product case routes in the role walk: a fresh lot received
for each case (a lot is made suspect once), an open case and an illegitimate one."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import Engine
from tests.conftest import CLOCK, post

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.suspect_case import CaseSource, SuspectReason
from rxsupply.services import ledger
from rxsupply.services.dscsa import cases

MORPHINE = "98765-0210-1"
WHO = "admin"  # the role walk's admin: the database has users, so a case names one


def fresh_lot(engine: Engine) -> str:
    """A new morphine lot in the storeroom, as ``NDC:LOT``."""
    lot = f"SC{uuid.uuid4().hex[:10]}"
    post(
        engine,
        ledger.Receive(
            user=WHO,
            product=MORPHINE,
            lot=lot,
            expiry=date(2030, 1, 31),
            quantity=1,
            location="MAIN-STORE",
        ),
    )
    return f"{MORPHINE}:{lot}"


def open_case(engine: Engine) -> str:
    """A new open case on a fresh lot: each call may add a step, clear or decide it."""
    subject = fresh_lot(engine)
    with SqlUnitOfWork(engine) as uow:
        found = cases.open_case(
            uow,
            serials=[],
            lots=[subject],
            reason=SuspectReason.DIVERTED,
            source=CaseSource.VISUAL_INSPECTION,
            user=WHO,
            clock=CLOCK,
        )
    return found.number


def illegitimate_case(engine: Engine) -> str:
    """A new case determined illegitimate: it has a Form 3911 draft."""
    number = open_case(engine)
    with SqlUnitOfWork(engine) as uow:
        cases.declare_illegitimate(uow, case=number, note="the walk", user=WHO, clock=CLOCK)
    return number


def case_body(engine: Engine) -> dict[str, Any]:
    return {"lots": [fresh_lot(engine)], "reason": "stolen", "source": "fda_notice"}
