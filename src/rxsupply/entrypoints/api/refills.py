"""JSON endpoints of the refill run: start one from the pick list, read it, confirm a package
scanned at its pocket, complete or cancel it. The same use cases as ``rxsupply refills``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from rxsupply.adapters.gs1 import parse_scan
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.refilling import RunStatus
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.api.dependencies import Limit
from rxsupply.entrypoints.http.bounded import Code, Line, Lot, Units
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller, guarded
from rxsupply.errors import InvalidValue
from rxsupply.services import refilling

router = APIRouter(prefix="/api/refills")
Technician = Annotated[Caller, Depends(REQUIRES[Permission.TRANSFER])]


@router.get("", **guarded(Permission.VIEW))
def get_runs(
    engine: EngineDep, status: RunStatus | None = None, limit: Limit = 100
) -> dict[str, Any]:
    """Refill runs, newest first (without their lines)."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        runs = refilling.list_refill_runs(uow, status=status, limit=limit)
    return {"data": [r.as_dict(lines=False) for r in runs]}


class StartIn(BaseModel):
    cabinets: list[str] = Field(
        default_factory=list, description="The route's cabinets in order; empty for all."
    )
    route: Line = Field("", description="The route's name (else its cabinets).")


@router.post("", status_code=201, **guarded(Permission.TRANSFER))
def post_run(body: StartIn, engine: EngineDep, who: Technician) -> dict[str, Any]:
    """Save the pick list of the pockets at or below their min as an open run (409 when a
    cabinet is on an open run already, or nothing needs a refill)."""
    with SqlUnitOfWork(engine) as uow:
        run = refilling.start_refill_run(
            uow,
            user=who.user.username,
            clock=clock.current(),
            cabinets=body.cabinets,
            route=body.route,
        )
    return run.as_dict()


@router.get("/{number}", **guarded(Permission.VIEW))
def get_run(number: str, engine: EngineDep) -> dict[str, Any]:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return refilling.get_refill_run(uow, number, clock=clock.current()).as_dict()


class ScanIn(BaseModel):
    pocket: Code = Field(description="The pocket the package goes into.")
    scan: str | None = Field(None, description="The package's GS1 barcode data; or product+lot.")
    product: Code | None = Field(None, description="NDC (any form) or GTIN, without scan.")
    lot: Lot | None = Field(None, description="Lot, without scan.")
    units: Units | None = Field(None, description="Units put in from an opened package.")


@router.post("/{number}/scans", **guarded(Permission.TRANSFER))
def post_scan(number: str, body: ScanIn, engine: EngineDep, who: Technician) -> dict[str, Any]:
    """Confirm one package at its pocket: a ledger refill of its units (never more than the
    line has left). 422 for a package of another product or lot, nothing written."""
    now = clock.current()
    if body.scan is not None:
        found = parse_scan(body.scan, today=now.today())
        product, lot = found.gtin, found.lot or ""
    elif body.product and body.lot:
        product, lot = body.product, body.lot
    else:
        raise InvalidValue("scan", "give scan, or product and lot")
    with SqlUnitOfWork(engine) as uow:
        run, line, posted = refilling.confirm_refill(
            uow,
            run=number,
            pocket=body.pocket,
            product=product,
            lot=lot,
            units=body.units,
            user=who.user.username,
            clock=now,
        )
    return {"run": run.as_dict(lines=False), "line": line.as_dict(), "duplicate": posted.duplicate}


@router.post("/{number}/complete", **guarded(Permission.TRANSFER))
def post_complete(number: str, engine: EngineDep, who: Technician) -> dict[str, Any]:
    with SqlUnitOfWork(engine) as uow:
        done = refilling.complete_refill_run(
            uow, run=number, user=who.user.username, clock=clock.current()
        )
    return done.as_dict()


@router.post("/{number}/cancel", **guarded(Permission.TRANSFER))
def post_cancel(number: str, engine: EngineDep, who: Technician) -> dict[str, Any]:
    with SqlUnitOfWork(engine) as uow:
        done = refilling.cancel_refill_run(
            uow, run=number, user=who.user.username, clock=clock.current()
        )
    return done.as_dict()
