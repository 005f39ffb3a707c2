"""JSON endpoints of returns: the classification of every lot (the same use case as
``rxsupply returns classify``), manufacturers' return policies, products' storage and the RCRA
list (``rxsupply returns policies | storage | waste``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.bounded import Code, Days, Line, Note, RecordId
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller, guarded
from rxsupply.services import returns

router = APIRouter(prefix="/api")
Returner = Annotated[Caller, Depends(REQUIRES[Permission.RETURN_TO_VENDOR])]


@router.get("/returns/classify", **guarded(Permission.VIEW))
def get_classify(
    engine: EngineDep,
    ndc: Annotated[str | None, Query(description="Only this product.")] = None,
    labeler: Annotated[str | None, Query(description="Only this labeler's lots.")] = None,
    returnability: Annotated[
        Literal["now", "later", "never"] | None, Query(description="Only these lots.")
    ] = None,
    stream: Annotated[
        Literal["creditable", "hazardous", "non_hazardous", "controlled"] | None,
        Query(description="Only lots of this waste stream."),
    ] = None,
) -> dict[str, Any]:
    """Every lot on hand under its labeler's policy (``lots``: each with returnability,
    returnable_from, reason, expected_credit, stream, ndc, lot, expiry, locations, quantity),
    and ``totals`` by returnability."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        rows = returns.classify_lots(
            uow,
            today=clock.current().today(),
            ndc=ndc,
            labeler=labeler,
            returnability=returnability,
            stream=stream,
        )
    return {
        "lots": [r.as_dict() for r in rows],
        "totals": returns.classification_totals(rows),
    }


@router.get("/return-policies", **guarded(Permission.VIEW))
def get_policies(engine: EngineDep) -> dict[str, Any]:
    """Every labeler's return goods policy."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return {"data": [p.as_dict() for p in returns.list_return_policies(uow)]}


class PolicyIn(BaseModel):
    months_before: Days = Field(description="Returnable from this many months before expiry.")
    months_after: Days = Field(description="Returnable until this many months after expiry.")
    partial: Line = Field("full_only", description="full_only, exact_count or min_fill.")
    min_fill: Line | None = Field(None, description="min_fill's share of a package (0.5).")
    excluded: list[str] = Field(
        default_factory=list, description="refrigerated, repackaged, controlled, hazardous."
    )
    credit_share: Line = Field("1", description="The credit, a share of WAC (0.9 or 90%).")
    note: Note = ""


@router.put("/return-policies/{labeler}", **guarded(Permission.RETURN_TO_VENDOR))
def put_policy(labeler: str, body: PolicyIn, engine: EngineDep, who: Returner) -> dict[str, Any]:
    """Add the labeler's policy, or replace it."""
    with SqlUnitOfWork(engine) as uow:
        policy = returns.set_return_policy(
            uow,
            labeler=labeler,
            months_before=body.months_before,
            months_after=body.months_after,
            partial=body.partial,
            min_fill=body.min_fill,
            excluded=",".join(body.excluded),
            credit_share=body.credit_share,
            note=body.note,
            user=who.user.username,
            clock=clock.current(),
        )
    return policy.as_dict()


@router.delete("/return-policies/{labeler}", **guarded(Permission.RETURN_TO_VENDOR))
def delete_policy(labeler: str, engine: EngineDep, who: Returner) -> dict[str, Any]:
    """Remove the labeler's policy (404 when it has none); answers the policy removed."""
    with SqlUnitOfWork(engine) as uow:
        gone = returns.remove_return_policy(
            uow, labeler=labeler, user=who.user.username, clock=clock.current()
        )
    return gone.as_dict()


class StorageIn(BaseModel):
    product: Code = Field(description="The product (an NDC or GTIN).")
    storage: Literal["room", "refrigerated", "frozen"]


@router.post("/returns/storage", **guarded(Permission.RETURN_TO_VENDOR))
def post_storage(body: StorageIn, engine: EngineDep, who: Returner) -> dict[str, str]:
    """Record how a product is stored (refrigerated and frozen are a category a policy may
    refuse)."""
    with SqlUnitOfWork(engine) as uow:
        return returns.set_product_storage(
            uow,
            product=body.product,
            storage=body.storage,
            user=who.user.username,
            clock=clock.current(),
        )


@router.get("/hazardous-drugs", **guarded(Permission.VIEW))
def get_listings(engine: EngineDep) -> dict[str, Any]:
    """The RCRA list (40 CFR 261.33 P- and U-listed drugs) the waste streams read."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return {"data": [r.as_dict() for r in returns.list_hazardous_listings(uow)]}


class ListingIn(BaseModel):
    ingredient: Line = Field(description="The active ingredient (warfarin).")
    code: Code = Field(description="Its 40 CFR 261.33 code (P001, U248).")
    note: Note = Field("", description="The condition or exemption, in words.")
    exempt_terms: Line = Field("", description="Words that exempt a product, ';' between.")


class ListingChange(BaseModel):
    ingredient: Line | None = None
    code: Code | None = None
    note: Note | None = None
    exempt_terms: Line | None = None


@router.post("/hazardous-drugs", status_code=201, **guarded(Permission.RETURN_TO_VENDOR))
def post_listing(body: ListingIn, engine: EngineDep, who: Returner) -> dict[str, Any]:
    """Add a row to the RCRA list."""
    with SqlUnitOfWork(engine) as uow:
        row = returns.add_hazardous_listing(
            uow, **body.model_dump(), user=who.user.username, clock=clock.current()
        )
    return row.as_dict()


@router.patch("/hazardous-drugs/{listing_id}", **guarded(Permission.RETURN_TO_VENDOR))
def patch_listing(
    listing_id: RecordId, body: ListingChange, engine: EngineDep, who: Returner
) -> dict[str, Any]:
    """Change a row of the RCRA list (what is not given is kept)."""
    with SqlUnitOfWork(engine) as uow:
        row = returns.change_hazardous_listing(
            uow,
            listing_id=listing_id,
            **body.model_dump(),
            user=who.user.username,
            clock=clock.current(),
        )
    return row.as_dict()


@router.delete("/hazardous-drugs/{listing_id}", **guarded(Permission.RETURN_TO_VENDOR))
def delete_listing(listing_id: RecordId, engine: EngineDep, who: Returner) -> dict[str, Any]:
    """Remove a row of the RCRA list; answers the row removed."""
    with SqlUnitOfWork(engine) as uow:
        row = returns.remove_hazardous_listing(
            uow, listing_id=listing_id, user=who.user.username, clock=clock.current()
        )
    return row.as_dict()
