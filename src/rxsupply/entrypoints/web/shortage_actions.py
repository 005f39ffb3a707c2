"""The shortage page's setting changes: a temporary PAR reduction, a restriction, an allocation
limit, and their reversal (the same use cases as ``rxsupply shortages reduce-par | restrict |
limit | revert``). Each form posts back to the shortage, which shows the outcome and its log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Form
from starlette.responses import Response

from rxsupply.domain.fields import parse_units
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.bounded import RecordId
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller
from rxsupply.entrypoints.web.planning import form_outcome
from rxsupply.entrypoints.web.rendering import page_route
from rxsupply.services import conservation
from rxsupply.services.ports.storage import UnitOfWork

router = APIRouter()
Setter = Annotated[Caller, Depends(REQUIRES[Permission.SET_LEVELS])]
FormText = Annotated[str, Form()]


def optional_units(text: str, field: str) -> int | None:
    """A whole number of units as typed, or None when left empty."""
    value = text.strip()[:40]
    return parse_units(value, field, allow_zero=True) if value else None


def _done(shortage_id: RecordId, engine: EngineDep, run: Callable[[UnitOfWork], str]) -> Response:
    return form_outcome(f"/shortages/{shortage_id}", engine, lambda uow: (run(uow), ""))


@router.post("/shortages/{shortage_id}/par-reductions", **page_route(Permission.SET_LEVELS))
def reduce_par_form(
    shortage_id: RecordId,
    who: Setter,
    engine: EngineDep,
    item: FormText = "",
    location: FormText = "",
    max_level: FormText = "",
    min_level: FormText = "",
    reason: FormText = "",
) -> Response:
    def run(uow: UnitOfWork) -> str:
        done = conservation.reduce_par(
            uow,
            shortage_id=shortage_id,
            item=item.strip(),
            location=location.strip(),
            max_level=parse_units(max_level[:40], "max_level", allow_zero=True),
            min_level=optional_units(min_level, "min_level"),
            reason=reason,
            user=who.user.username,
            clock=clock.current(),
        )
        return done.summary() + "."

    return _done(shortage_id, engine, run)


@router.post("/shortages/{shortage_id}/restrictions", **page_route(Permission.SET_LEVELS))
def restrict_form(
    shortage_id: RecordId,
    who: Setter,
    engine: EngineDep,
    item: FormText = "",
    text: FormText = "",
    areas: FormText = "",
    reason: FormText = "",
) -> Response:
    def run(uow: UnitOfWork) -> str:
        done = conservation.restrict_item(
            uow,
            shortage_id=shortage_id,
            item=item.strip(),
            text=text,
            areas=areas,
            reason=reason,
            user=who.user.username,
            clock=clock.current(),
        )
        return done.summary() + "."

    return _done(shortage_id, engine, run)


@router.post("/shortages/{shortage_id}/limits", **page_route(Permission.SET_LEVELS))
def limit_form(
    shortage_id: RecordId,
    who: Setter,
    engine: EngineDep,
    item: FormText = "",
    location: FormText = "",
    per_day: FormText = "",
    per_dispense: FormText = "",
    reason: FormText = "",
) -> Response:
    def run(uow: UnitOfWork) -> str:
        done = conservation.limit_allocation(
            uow,
            shortage_id=shortage_id,
            item=item.strip(),
            location=location.strip(),
            per_day=optional_units(per_day, "per_day"),
            per_dispense=optional_units(per_dispense, "per_dispense"),
            reason=reason,
            user=who.user.username,
            clock=clock.current(),
        )
        return done.summary() + "."

    return _done(shortage_id, engine, run)


@router.post("/shortages/{shortage_id}/revert", **page_route(Permission.SET_LEVELS))
def revert_form(
    shortage_id: RecordId, who: Setter, engine: EngineDep, reason: FormText = ""
) -> Response:
    def run(uow: UnitOfWork) -> str:
        done = conservation.revert_conservation(
            uow,
            shortage_id=shortage_id,
            reason=reason,
            user=who.user.username,
            clock=clock.current(),
        )
        return (
            f"{len(done.reversals)} setting(s) reverted; {len(done.kept)} reallocation(s) kept "
            "(the stock moved is used where it went)."
        )

    return _done(shortage_id, engine, run)
