"""Every route, for every role: the app lets in exactly whom the permission each route needs
allows.

What each route needs is written out by hand below (:data:`NEEDS`), from what each
:class:`~rxsupply.domain.users.Permission` means in ``domain/users.py``: ``view`` to read
inventory, ``receive``, ``transfer``, ``dispense``, ``adjust`` and ``return_to_vendor`` to write
those movements, ``quarantine`` to block stock and ``release`` to put it back into use,
``set_levels`` to decide proposed levels (and to run the planning that proposes them),
``view_audit`` for the audit trail, ``manage_users`` for accounts; a few routes are public.
The app's routes (JSON endpoints and web pages alike, read from the app that ``create_app``
builds) must be exactly the table's rows, so a route added later fails until it has a row.
``app.routes`` is a tree since FastAPI 0.137 (an included router is one entry);
``fastapi.routing.iter_route_contexts`` flattens it into one entry per endpoint.

For each route, method and role, the test calls the route with that role's API token: a role
the permission allows must get through (for ``/api`` a 2xx answer, so the bodies below must
stay valid), any other role must get 403, and a caller without credentials 401 (a page may send
a browser to ``/login`` instead). Each route also records its permission in the OpenAPI spec
(``openapi_extra["x-permission"]``, which the web's 403 page reads): it must be the table's.
FastAPI's own docs routes and the static files are left out of the walk; they are checked to be
public.

All of it runs on one SQLite database and one app per module (the writes are small and the
example stock is large enough for every role's receipt, transfer and dispense); a handful of
routes are walked again on PostgreSQL.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from sqlalchemy import Engine
from tests.conftest import (
    CLOCK,
    NOW,
    POSTGRES_URL,
    authorize_wholesalers,
    load_examples,
    migrated_sqlite,
    post,
)
from tests.e2e.proposals import fresh_recommendation
from tests.e2e.refill_state import LOT as REFILL_LOT
from tests.e2e.refill_state import POCKET, TRAY_NDC, open_refill_run, room_for_a_run
from tests.epcis_samples import read, sha256, shipment
from tests.shortage_samples import yearly_2025
from tests.x12_samples import invoice, ship_notice

from rxsupply.adapters.database import migrate, postgres_schema
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.counting import UNPOSTED
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.levels import StockLevel
from rxsupply.domain.purchasing import OrderLine, OrderStatus, PurchaseOrder
from rxsupply.domain.recall import RecallClass, RecallEntry
from rxsupply.domain.status import StockStatus
from rxsupply.domain.users import Permission, Role, allowed
from rxsupply.entrypoints.app import create_app, public_paths
from rxsupply.entrypoints.http.problems import PROBLEM
from rxsupply.errors import InvalidValue
from rxsupply.services import (
    count_posting,
    counts,
    ledger,
    purchasing,
    recalls,
    receiving,
    shortages,
    therapeutic_alternatives,
    users,
)
from rxsupply.services.discrepancies import list_discrepancies
from rxsupply.services.dscsa.importing import import_epcis

from .case_values import case_body, illegitimate_case, open_case
from .dscsa_values import open_exception, reconciled_order
from .harness import (
    GTIN,
    ITEM,
    LOCATION,
    LOT,
    NDC_TEXT,
    PASSWORD,
    STOREROOM,
    Hospital,
    datamatrix,
    open_hospital,
    problem,
)
from .logistics_values import floor_lot, picked_transfer, requested_transfer, shipped_transfer
from .return_values import (
    destruction_body,
    fresh_listing,
    memo_body,
    open_batch,
    returnable_lot,
    shipped_batch,
    with_policy,
)

PUBLIC: Literal["public"] = "public"
NEEDS: dict[str, Permission | Literal["public"]] = {
    # health, and the sign-in form
    "GET /health": PUBLIC,
    "GET /api/health": PUBLIC,
    "GET /login": PUBLIC,
    "POST /login": PUBLIC,
    # reading inventory (JSON)
    "GET /api/me": Permission.VIEW,
    "GET /api/items": Permission.VIEW,
    "GET /api/items/{code}": Permission.VIEW,
    "GET /api/items/{code}/forecast": Permission.VIEW,
    "GET /api/products": Permission.VIEW,
    "GET /api/locations": Permission.VIEW,
    "GET /api/locations/{code}": Permission.VIEW,
    "GET /api/stock": Permission.VIEW,
    "GET /api/stock/unusable": Permission.VIEW,
    "GET /api/ledger": Permission.VIEW,
    "GET /api/check": Permission.RUN_CHECKS,  # reads the whole ledger: managers, one at a time
    "POST /api/scan": Permission.VIEW,  # identifies a package, writes nothing
    "GET /api/classes": Permission.VIEW,
    "GET /api/classes/matrix": Permission.VIEW,
    "GET /api/recommendations": Permission.VIEW,
    "GET /api/audit": Permission.VIEW_AUDIT,
    # writing the ledger (JSON)
    "POST /api/receipts": Permission.RECEIVE,
    "POST /api/transfers": Permission.TRANSFER,
    "POST /api/dispenses": Permission.DISPENSE,
    "POST /api/adjustments": Permission.ADJUST,
    "POST /api/receipts/scan": Permission.RECEIVE,
    "POST /api/returns": Permission.RETURN_TO_VENDOR,
    "POST /api/quarantines": Permission.QUARANTINE,
    "POST /api/opened-packages": Permission.TRANSFER,
    "GET /api/expiry/pulls": Permission.VIEW,
    "POST /api/expiry/sweep": Permission.TRANSFER,
    "POST /api/releases": Permission.RELEASE,
    "GET /api/picklist": Permission.VIEW,
    # proposed levels and the planning that proposes them (JSON)
    "GET /api/recommendations/summary": Permission.VIEW,
    "POST /api/recommendations/batch/accept": Permission.SET_LEVELS,
    "POST /api/recommendations/batch/reject": Permission.SET_LEVELS,
    "POST /api/recommendations/{recommendation_id}/accept": Permission.SET_LEVELS,
    "POST /api/recommendations/{recommendation_id}/reject": Permission.SET_LEVELS,
    "POST /api/planning/run": Permission.SET_LEVELS,
    "POST /api/planning/jobs": Permission.SET_LEVELS,
    "GET /api/planning/jobs/{job_id}": Permission.VIEW,
    # the cabinet interface (JSON)
    "GET /api/adc/discrepancies": Permission.VIEW,
    "POST /api/adc/discrepancies/{discrepancy_id}/resolve": Permission.ADJUST,
    "GET /api/adc/messages": Permission.VIEW,
    # prices and contracts (JSON)
    "GET /api/prices/best": Permission.VIEW,
    "GET /api/prices/compliance": Permission.VIEW,
    "POST /api/prices/preferences": Permission.PURCHASE,
    "GET /api/kpi": Permission.VIEW,
    # purchase orders (JSON)
    "GET /api/orders": Permission.VIEW,
    "POST /api/orders/suggest": Permission.PURCHASE,
    "GET /api/orders/{number}": Permission.VIEW,
    "POST /api/orders/{number}/dea": Permission.PURCHASE,
    "POST /api/orders/{number}/lines": Permission.PURCHASE,
    "POST /api/orders/{number}/lines/{line}": Permission.PURCHASE,
    "POST /api/orders/{number}/approve": Permission.PURCHASE,
    "POST /api/orders/{number}/cancel": Permission.PURCHASE,
    "POST /api/orders/{number}/receipts": Permission.RECEIVE,
    "POST /api/orders/{number}/close": Permission.PURCHASE,
    "GET /api/orders/{number}/discrepancies": Permission.VIEW,
    # refill runs (JSON)
    "GET /api/refills": Permission.VIEW,
    "POST /api/refills": Permission.TRANSFER,
    "GET /api/refills/{number}": Permission.VIEW,
    "POST /api/refills/{number}/scans": Permission.TRANSFER,
    "POST /api/refills/{number}/complete": Permission.TRANSFER,
    "POST /api/refills/{number}/cancel": Permission.TRANSFER,
    "POST /api/orders/ship-notices": Permission.PURCHASE,
    "POST /api/orders/invoices": Permission.PURCHASE,
    "GET /api/orders/{number}/ship-notices": Permission.VIEW,
    "GET /api/orders/{number}/invoices": Permission.VIEW,
    # transfers with states, and putaway (JSON)
    "GET /api/transfers": Permission.VIEW,
    "POST /api/transfers/request": Permission.TRANSFER,
    "GET /api/transfers/{number}": Permission.VIEW,
    "POST /api/transfers/{number}/pick": Permission.TRANSFER,
    "POST /api/transfers/{number}/ship": Permission.TRANSFER,
    "POST /api/transfers/{number}/receive": Permission.TRANSFER,
    "POST /api/transfers/{number}/cancel": Permission.TRANSFER,
    "GET /api/putaway": Permission.VIEW,
    "POST /api/putaway": Permission.TRANSFER,
    # cycle counts and controlled substances (JSON)
    "GET /api/counts": Permission.VIEW,
    "GET /api/counts/due": Permission.VIEW,
    "POST /api/counts": Permission.COUNT,
    "GET /api/counts/{number}": Permission.VIEW,
    "POST /api/counts/{number}/counted": Permission.COUNT,
    "POST /api/counts/{number}/lines": Permission.COUNT,
    "POST /api/counts/{number}/submit": Permission.COUNT,
    "POST /api/counts/{number}/approve": Permission.ADJUST,
    "POST /api/counts/{number}/post": Permission.ADJUST,
    "POST /api/counts/{number}/cancel": Permission.COUNT,
    "GET /api/controlled/perpetual": Permission.VIEW,
    "GET /api/controlled/biennial": Permission.VIEW,
    # drug shortages: the feed (JSON)
    "GET /api/shortages": Permission.VIEW,
    "GET /api/shortages/{shortage_id}": Permission.VIEW,
    "POST /api/shortages": Permission.PURCHASE,
    "POST /api/shortages/import": Permission.IMPORT,
    "POST /api/shortages/{shortage_id}/resolve": Permission.PURCHASE,
    # drug shortages: the board, a shortage's impact, the stress test, sole-source risk
    "GET /api/shortage-board": Permission.VIEW,
    "GET /api/shortages/{shortage_id}/impact": Permission.VIEW,
    "GET /api/stress-test": Permission.VIEW,
    "GET /api/supply-risk": Permission.VIEW,
    "GET /api/shortages/{shortage_id}/bulletin": Permission.VIEW,
    "GET /api/shortage-summary": Permission.VIEW,
    # expiry
    "GET /api/expiry": Permission.VIEW,
    # recalls (JSON)
    "GET /api/recalls": Permission.VIEW,
    "POST /api/recalls": Permission.QUARANTINE,
    "GET /api/recalls/{recall_id}": Permission.VIEW,
    "GET /api/recalls/{recall_id}/units": Permission.VIEW,
    "POST /api/recalls/{recall_id}/quarantine": Permission.QUARANTINE,
    "GET /api/recalls/{recall_id}/dispensed": Permission.VIEW,
    "POST /api/recalls/{recall_id}/close": Permission.QUARANTINE,
    "GET /api/expiry/risk": Permission.VIEW,
    "POST /api/expiry/risk/transfers": Permission.TRANSFER,
    # trading partners' authorization (JSON)
    "GET /api/trading-partners": Permission.VIEW,
    "GET /api/dscsa/trace": Permission.VIEW,
    "GET /api/dscsa/trace/package": Permission.VIEW,
    "GET /dscsa/trace": Permission.VIEW,
    "GET /api/trading-partners/{partner}": Permission.VIEW,
    "POST /api/trading-partners/{partner}/authorizations": Permission.PURCHASE,
    "PUT /api/trading-partners/{partner}/edi-id": Permission.PURCHASE,
    # DSCSA transaction records: EPCIS documents imported, listed, shown (JSON)
    "POST /api/dscsa/documents": Permission.RECEIVE,
    "GET /api/dscsa/documents": Permission.VIEW,
    "GET /api/dscsa/documents/{document_id}": Permission.VIEW,
    # DSCSA records: the chains verified, a purge past the six-year retention (JSON)
    "GET /api/dscsa/ledger": Permission.VIEW_AUDIT,
    "POST /api/dscsa/purge": Permission.PURGE_RECORDS,
    # suspect and illegitimate product cases (JSON)
    "GET /api/dscsa/cases": Permission.VIEW,
    "POST /api/dscsa/cases": Permission.QUARANTINE,
    "GET /api/dscsa/cases/{case}": Permission.VIEW,
    "POST /api/dscsa/cases/{case}/steps": Permission.QUARANTINE,
    "POST /api/dscsa/cases/{case}/disposition": Permission.RELEASE,
    "GET /api/dscsa/cases/{case}/form3911": Permission.VIEW,
    # DSCSA: product identifier verification (JSON)
    "POST /api/dscsa/verifications": Permission.QUARANTINE,
    "GET /api/dscsa/verifications": Permission.VIEW,
    # DSCSA: reconciliation at receipt and its exceptions
    "GET /api/dscsa/reconciliation/{order}": Permission.VIEW,
    "POST /api/dscsa/reconciliation/{order}": Permission.RECEIVE,
    "GET /api/dscsa/exceptions": Permission.VIEW,
    "GET /api/dscsa/exceptions/{exception_id}": Permission.VIEW,
    "POST /api/dscsa/exceptions/{exception_id}/steps": Permission.RECEIVE,
    "GET /dscsa/orders/{order}": Permission.VIEW,
    "POST /dscsa/orders/{order}/reconcile": Permission.RECEIVE,
    "GET /dscsa/exceptions": Permission.VIEW,
    "POST /dscsa/exceptions/{exception_id}/steps": Permission.RECEIVE,
    # returns: policies, classification, the RCRA list, batches, memos, destructions (JSON)
    "GET /api/returns/classify": Permission.VIEW,
    "GET /api/return-policies": Permission.VIEW,
    "PUT /api/return-policies/{labeler}": Permission.RETURN_TO_VENDOR,
    "DELETE /api/return-policies/{labeler}": Permission.RETURN_TO_VENDOR,
    "POST /api/returns/storage": Permission.RETURN_TO_VENDOR,
    "GET /api/hazardous-drugs": Permission.VIEW,
    "POST /api/hazardous-drugs": Permission.RETURN_TO_VENDOR,
    "PATCH /api/hazardous-drugs/{listing_id}": Permission.RETURN_TO_VENDOR,
    "DELETE /api/hazardous-drugs/{listing_id}": Permission.RETURN_TO_VENDOR,
    "GET /api/returns/batches": Permission.VIEW,
    "POST /api/returns/batches": Permission.RETURN_TO_VENDOR,
    "GET /api/returns/batches/{number}": Permission.VIEW,
    "GET /api/returns/batches/{number}/manifest": Permission.VIEW,
    "PUT /api/returns/batches/{number}/form-222": Permission.RETURN_TO_VENDOR,
    "POST /api/returns/batches/{number}/ship": Permission.RETURN_TO_VENDOR,
    "POST /api/returns/batches/{number}/memos": Permission.RETURN_TO_VENDOR,
    "GET /api/returns/batches/{number}/reconciliation": Permission.VIEW,
    "GET /api/returns/aging": Permission.VIEW,
    "GET /api/returns/destructions": Permission.VIEW,
    "POST /api/returns/destructions": Permission.RETURN_TO_VENDOR,
    # drug shortages: conservation and review (JSON)
    "GET /api/shortages/{shortage_id}/reallocation": Permission.VIEW,
    "POST /api/shortages/{shortage_id}/reallocation": Permission.TRANSFER,
    "POST /api/shortages/{shortage_id}/par-reductions": Permission.SET_LEVELS,
    "POST /api/shortages/{shortage_id}/restrictions": Permission.SET_LEVELS,
    "POST /api/shortages/{shortage_id}/limits": Permission.SET_LEVELS,
    "GET /api/shortages/{shortage_id}/actions": Permission.VIEW,
    "POST /api/shortages/{shortage_id}/revert": Permission.SET_LEVELS,
    "GET /api/shortages/{shortage_id}/review": Permission.VIEW,
    # drug shortages: alternatives and the therapeutic alternatives table (JSON)
    "GET /api/shortages/{shortage_id}/alternatives": Permission.VIEW,
    "GET /api/therapeutic-alternatives": Permission.VIEW,
    "POST /api/therapeutic-alternatives": Permission.PURCHASE,
    "DELETE /api/therapeutic-alternatives": Permission.PURCHASE,
    "POST /api/therapeutic-alternatives/import": Permission.IMPORT,
    # accounts (JSON)
    "GET /api/users": Permission.MANAGE_USERS,
    "POST /api/users": Permission.MANAGE_USERS,
    "POST /api/users/{username}/unlock": Permission.MANAGE_USERS,
    "POST /api/users/{username}/password": Permission.MANAGE_USERS,
    "GET /api/users/{username}/tokens": Permission.MANAGE_USERS,
    "POST /api/users/{username}/tokens": Permission.MANAGE_USERS,
    "DELETE /api/tokens/{token_id}": Permission.MANAGE_USERS,
    "POST /api/me/password": Permission.VIEW,  # anyone changes their own password
    "GET /api/me/tokens": Permission.VIEW,
    # pages: your own account
    "GET /account": Permission.VIEW,
    "POST /account/password": Permission.VIEW,
    "POST /account/tokens/{token_id}/revoke": Permission.VIEW,
    "GET /users": Permission.MANAGE_USERS,
    "POST /users/{username}/unlock": Permission.MANAGE_USERS,
    "POST /users/{username}/disable": Permission.MANAGE_USERS,
    "POST /users/{username}/enable": Permission.MANAGE_USERS,
    # pages: reading
    "POST /logout": Permission.VIEW,  # any signed-in user ends their own session
    "GET /": Permission.VIEW,
    "GET /stock": Permission.VIEW,
    "GET /items/{code}": Permission.VIEW,
    "GET /locations": Permission.VIEW,
    "GET /locations/{code}": Permission.VIEW,
    "GET /ledger": Permission.VIEW,
    "GET /classes": Permission.VIEW,
    "GET /levels": Permission.VIEW,
    "GET /audit": Permission.VIEW_AUDIT,
    "GET /audit.csv": Permission.VIEW_AUDIT,
    "GET /audit.xlsx": Permission.VIEW_AUDIT,
    # pages: forms that write the ledger
    "GET /receive": Permission.RECEIVE,
    "POST /receive": Permission.RECEIVE,
    "GET /transfer": Permission.TRANSFER,
    "POST /transfer": Permission.TRANSFER,
    "GET /adjust": Permission.ADJUST,
    "POST /adjust": Permission.ADJUST,
    # pages: proposed levels and planning
    "POST /levels/batch/accept": Permission.SET_LEVELS,
    "POST /levels/batch/reject": Permission.SET_LEVELS,
    "POST /levels/{recommendation_id}/accept": Permission.SET_LEVELS,
    "POST /levels/{recommendation_id}/reject": Permission.SET_LEVELS,
    "POST /planning/run": Permission.SET_LEVELS,
    "GET /planning/jobs/{job_id}": Permission.VIEW,
    # pages: the cabinet interface
    "GET /adc": Permission.VIEW,
    "POST /adc/discrepancies/{discrepancy_id}/resolve": Permission.ADJUST,
    # pages: purchase orders
    "GET /orders": Permission.VIEW,
    "POST /orders/suggest": Permission.PURCHASE,
    "GET /orders/{number}": Permission.VIEW,
    "POST /orders/{number}/dea": Permission.PURCHASE,
    "POST /orders/{number}/lines/{line}": Permission.PURCHASE,
    "POST /orders/{number}/approve": Permission.PURCHASE,
    "POST /orders/{number}/cancel": Permission.PURCHASE,
    "POST /orders/{number}/receive": Permission.RECEIVE,
    "POST /orders/{number}/close": Permission.PURCHASE,
    "GET /orders/{number}/order.csv": Permission.VIEW,
    "GET /orders/{number}/order.xlsx": Permission.VIEW,
    "GET /orders/{number}/order.850": Permission.VIEW,
    # pages: refill runs
    "GET /refills": Permission.VIEW,
    "POST /refills": Permission.TRANSFER,
    "GET /refills/{number}": Permission.VIEW,
    "POST /refills/{number}/scan": Permission.TRANSFER,
    "POST /refills/{number}/complete": Permission.TRANSFER,
    "POST /refills/{number}/cancel": Permission.TRANSFER,
    # pages: transfers
    "GET /transfers": Permission.VIEW,
    "POST /transfers": Permission.TRANSFER,
    "GET /transfers/{number}": Permission.VIEW,
    "POST /transfers/{number}/pick": Permission.TRANSFER,
    "POST /transfers/{number}/ship": Permission.TRANSFER,
    "POST /transfers/{number}/receive": Permission.TRANSFER,
    "POST /transfers/{number}/cancel": Permission.TRANSFER,
    # pages: cycle counts and the biennial inventory
    "GET /counts": Permission.VIEW,
    "POST /counts": Permission.COUNT,
    "GET /counts/{number}": Permission.VIEW,
    "POST /counts/{number}/enter": Permission.COUNT,
    "POST /counts/{number}/lines": Permission.COUNT,
    "POST /counts/{number}/approve": Permission.ADJUST,
    "POST /counts/{number}/post": Permission.ADJUST,
    "POST /counts/{number}/cancel": Permission.COUNT,
    "GET /controlled/biennial": Permission.VIEW,
    "GET /controlled/biennial.csv": Permission.VIEW,
    # pages: drug shortages
    "GET /shortages": Permission.VIEW,
    "GET /shortages.csv": Permission.VIEW,
    "GET /shortages.xlsx": Permission.VIEW,
    "POST /shortages": Permission.PURCHASE,
    "POST /shortages/import": Permission.IMPORT,
    "GET /shortages/{shortage_id}": Permission.VIEW,
    "POST /shortages/{shortage_id}/resolve": Permission.PURCHASE,
    "GET /stress-test": Permission.VIEW,
    "GET /shortages/weekly": Permission.VIEW,
    "GET /expiry": Permission.VIEW,
    "GET /expiry/sweep": Permission.VIEW,
    "POST /expiry/sweep": Permission.TRANSFER,
    "GET /recalls": Permission.VIEW,
    "POST /recalls": Permission.QUARANTINE,
    "GET /recalls/{recall_id}": Permission.VIEW,
    "GET /recalls/{recall_id}/dispensed.csv": Permission.VIEW,
    "POST /recalls/{recall_id}/quarantine": Permission.QUARANTINE,
    "POST /recalls/{recall_id}/close": Permission.QUARANTINE,
    "GET /expiry/risk": Permission.VIEW,
    "POST /expiry/risk/transfers": Permission.TRANSFER,
    "GET /partners": Permission.VIEW,
    "POST /partners": Permission.PURCHASE,
    "GET /dscsa/documents": Permission.VIEW,
    "GET /dscsa/documents/{document_id}": Permission.VIEW,
    # pages: DSCSA
    "GET /dscsa": Permission.VIEW,
    "GET /dscsa/ledger": Permission.VIEW_AUDIT,
    "GET /dscsa/cases": Permission.VIEW,
    "POST /dscsa/cases": Permission.QUARANTINE,
    "GET /dscsa/cases/{case}": Permission.VIEW,
    "POST /dscsa/cases/{case}/steps": Permission.QUARANTINE,
    "POST /dscsa/cases/{case}/disposition": Permission.RELEASE,
    "GET /dscsa/cases/{case}/form3911": Permission.VIEW,
    "GET /dscsa/verify": Permission.VIEW,
    "POST /dscsa/verify": Permission.QUARANTINE,
    # pages: returns
    "GET /returns": Permission.VIEW,
    "POST /returns/batches": Permission.RETURN_TO_VENDOR,
    "GET /returns/batches/{number}": Permission.VIEW,
    "GET /returns/batches/{number}/manifest.csv": Permission.VIEW,
    "GET /returns/batches/{number}/manifest.html": Permission.VIEW,
    "POST /returns/batches/{number}/form-222": Permission.RETURN_TO_VENDOR,
    "POST /returns/batches/{number}/ship": Permission.RETURN_TO_VENDOR,
    "POST /returns/batches/{number}/memo": Permission.RETURN_TO_VENDOR,
    "POST /returns/policies": Permission.RETURN_TO_VENDOR,
    "GET /returns/waste": Permission.VIEW,
    "POST /returns/waste": Permission.RETURN_TO_VENDOR,
    "POST /returns/waste/{listing_id}": Permission.RETURN_TO_VENDOR,
    "POST /shortages/{shortage_id}/reallocation": Permission.TRANSFER,
    "POST /shortages/{shortage_id}/par-reductions": Permission.SET_LEVELS,
    "POST /shortages/{shortage_id}/restrictions": Permission.SET_LEVELS,
    "POST /shortages/{shortage_id}/limits": Permission.SET_LEVELS,
    "POST /shortages/{shortage_id}/revert": Permission.SET_LEVELS,
    "GET /shortages/weekly.md": Permission.VIEW,
    "GET /shortages/{shortage_id}/bulletin": Permission.VIEW,
    "GET /shortages/{shortage_id}/bulletin.md": Permission.VIEW,
}
"""What each route (``METHOD /path``) needs: a permission, or nobody signed in at all."""

DOCS = ("/docs", "/openapi.json")
"""The API docs page and its OpenAPI description: public by design, they carry no x-permission."""
STATIC = "/static"
PUBLIC_PATHS = ("/health", "/api/health", "/login")
"""With the docs and the static files, all that may answer without a user."""
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LOGIN_REDIRECTS = frozenset({303, 307})


def throwaway_token(engine: Engine) -> str:
    """A new API token of the admin's, for each call: a role allowed to revoke one does."""
    with SqlUnitOfWork(engine) as uow:
        return str(
            users.issue_token(uow, username="admin", name="to revoke", now=NOW, by="tests").id
        )


def pending_recommendation(hospital: Hospital) -> str:
    """A new pending recommendation for each call: a role allowed to decide one decides it."""
    return str(fresh_recommendation(hospital.engine))


PATH_VALUES: dict[str, str | Callable[[Hospital], str]] = {
    "items": ITEM,
    "locations": LOCATION,
    "products": NDC_TEXT,
    "users": "admin",
    "tokens": lambda hospital: throwaway_token(hospital.engine),
    "recommendations": pending_recommendation,
    "levels": pending_recommendation,
    "jobs": lambda hospital: str(finished_job(hospital.engine)),
    "discrepancies": lambda hospital: str(open_discrepancy(hospital.engine)),
    "orders": lambda hospital: draft_order(hospital.engine),
    "lines": "1",
    "refills": lambda hospital: open_refill_run(hospital.engine),
    "transfers": lambda hospital: requested_transfer(hospital.engine),
    "counts": lambda hospital: counted_count(hospital.engine),
    "shortages": lambda hospital: current_shortage(hospital.engine),
    "recalls": lambda hospital: open_recall(hospital.engine),
    "return-policies": lambda hospital: with_policy(hospital.engine),
    "hazardous-drugs": lambda hospital: fresh_listing(hospital.engine),
    "waste": lambda hospital: fresh_listing(hospital.engine),
    "batches": lambda hospital: open_batch(hospital.engine),
    "trading-partners": lambda hospital: a_wholesaler(hospital.engine),
    "documents": lambda hospital: a_document(hospital.engine),
    "cases": lambda hospital: open_case(hospital.engine),
}
"""A real example code for ``{param}``, chosen by the path segment before it (or made for the
call, where a route uses it up)."""

MORPHINE, APAP = "98765-0210-1", "98765-3250-01"


def fresh_lot(hospital: Hospital) -> dict[str, Any]:
    """A new morphine lot for each quarantine call (a lot is blocked once; a block only
    hardens)."""
    lot = f"Q{uuid.uuid4().hex[:10]}"
    post(
        hospital.engine,
        ledger.Receive(
            user="tests",
            product=MORPHINE,
            lot=lot,
            expiry=date(2030, 1, 31),
            quantity=1,
            location=STOREROOM,
        ),
    )
    return {"product": MORPHINE, "lot": lot, "reason": "the walk"}


def blocked_for_release(hospital: Hospital) -> dict[str, Any]:
    """The acetaminophen lot quarantined (unless it is), so a release has something to do."""
    with contextlib.suppress(InvalidValue):  # already quarantined: a call was refused
        post(
            hospital.engine,
            ledger.SetStatus(
                user="tests",
                product=APAP,
                lot="AP2406",
                status=StockStatus.QUARANTINED,
                reason="held for the walk",
            ),
        )
    return {"product": APAP, "lot": "AP2406", "reason": "released by the walk"}


def current_shortage(engine: Engine) -> str:
    """The storeroom's manual shortage of ondansetron, current (reopened if a call resolved
    it), so each call may resolve it again."""
    with SqlUnitOfWork(engine) as uow:
        found = shortages.add_shortage(uow, item=ITEM, reason="the walk", user="tests", clock=CLOCK)
    return str(found.id)


def a_wholesaler(engine: Engine) -> str:
    """The example wholesaler's id (added when the walk has not made it yet)."""
    with SqlUnitOfWork(engine) as uow:
        found = uow.prices.partner("Example Wholesale Drug Co", kind="wholesaler")
        uow.commit()
    authorize_wholesalers(engine)
    return str(found)


def a_document(engine: Engine) -> str:
    """A new EPCIS shipment recorded as a transaction record (its own serial each time)."""
    data = shipment(serials=[uuid.uuid4().hex[:12]])
    with SqlUnitOfWork(engine) as uow:
        found = import_epcis(
            uow,
            document=read(data),
            file_name="walk.xml",
            sha256=sha256(data),
            facility=None,
            order=None,
            user="tests",
            clock=CLOCK,
        )
    return str(found.id)


def open_recall(engine: Engine) -> str:
    """A new open recall of a lot never received, so each call may quarantine (nothing to
    block) and close it."""
    with SqlUnitOfWork(engine) as uow:
        found = recalls.enter_recall(
            uow,
            number=f"WALK-{uuid.uuid4().hex[:10]}",
            recall_class=RecallClass.III,
            reason="the walk",
            initiated=CLOCK.today(),
            entries=[RecallEntry(APAP, ("NEVER-RECEIVED",))],
            user="tests",
            clock=CLOCK,
        )
    return str(found.id)


def par_to_reduce(hospital: Hospital) -> dict[str, Any]:
    """Levels of ondansetron in the ICU pocket (10/40, set again for each call), so each call
    may reduce them."""
    with SqlUnitOfWork(hospital.engine) as uow:
        pocket, item = uow.locations.get("ICU-ADC1-P01"), uow.items.get(ITEM)
        assert pocket is not None and item is not None
        level = StockLevel(pocket.id or 0, item.id or 0, min_level=10, max_level=40)
        uow.stock_levels.save(level, now=NOW, user="tests")
        uow.commit()
    return {"item": ITEM, "location": "ICU-ADC1-P01", "max": 20, "min": 5}


def finished_job(engine: Engine) -> int:
    """A planning job that has run (recorded straight, without running planning)."""
    with SqlUnitOfWork(engine) as uow:
        job = uow.planning_jobs.start(user="tests", now=NOW)
        uow.planning_jobs.finish(job, status="done", message="done", now=NOW)
        uow.commit()
    return job


def draft_order(engine: Engine) -> str:
    """A new draft order of one Schedule II line with its DEA Form 222 number: it can be
    approved, cancelled and given its number again."""
    with SqlUnitOfWork(engine) as uow:
        morphine = uow.items.get("MORPH2INJ")
        store = uow.locations.get("MAIN-STORE")
        assert morphine is not None and store is not None
        partner = uow.prices.partner("Example Wholesale Drug Co", kind="wholesaler")
        order_id = uow.orders.add(
            PurchaseOrder(
                number="",
                wholesaler="Example Wholesale Drug Co",
                status=OrderStatus.DRAFT,
                created_at=NOW,
                created_by="tests",
                lines=[
                    OrderLine(
                        line_number=1,
                        product_id=morphine.product_ids[0],
                        ndc="98765-0210-1",
                        item_code="MORPH2INJ",
                        item_name="morphine",
                        package_size=10,
                        packages=1,
                        package_price=Decimal("31.20"),
                        dea_form_number="261234567",
                    )
                ],
            ),
            partner_id=partner,
            location_id=store.id or 0,
        )
        uow.commit()
    authorize_wholesalers(engine)
    return f"PO{order_id:06d}"


def open_discrepancy(engine: Engine) -> int:
    """A new open discrepancy: a cabinet's report of more acetaminophen than the ED pocket
    holds (a pocket no other call takes from)."""
    post(
        engine,
        ledger.Dispense(
            user="tests",
            location="ED-ADC1-P02",
            item="APAP325TAB",
            quantity=5000,
            reported=True,
            external_id=ExternalId("tests", uuid.uuid4().hex),
        ),
    )
    with SqlUnitOfWork(engine, readonly=True) as uow:
        (newest,), _ = list_discrepancies(uow, limit=1)
    assert newest.id is not None
    return newest.id


def refill_body(hospital: Hospital) -> dict[str, Any]:
    """Room for a new run of every cabinet (the open ones closed, a pocket below its min)."""
    room_for_a_run(hospital.engine)
    return {"cabinets": []}


def no_job_running(hospital: Hospital) -> dict[str, Any]:
    """Wait for the background planning job an earlier call started (one runs at a time)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with SqlUnitOfWork(hospital.engine, readonly=True) as uow:
            if uow.planning_jobs.running(now=NOW, stale_after=timedelta(days=3650)) is None:
                return {}
        time.sleep(0.1)
    raise AssertionError("a planning job ran for a minute")


BODIES: dict[str, Callable[[Hospital], dict[str, Any]]] = {
    "/api/dscsa/purge": lambda _: {"before": "2000-01-01"},
    "/api/dscsa/cases": lambda hospital: case_body(hospital.engine),
    "/api/dscsa/cases/{case}/steps": lambda _: {"kind": "step", "note": "the walk"},
    "/api/dscsa/cases/{case}/disposition": lambda _: {"disposition": "cleared", "note": "walk"},
    "/api/recalls": lambda _: {
        "number": f"WALK-{uuid.uuid4().hex[:10]}",
        "class": "II",
        "reason": "the walk",
        "ndcs": [{"ndc": APAP, "lots": ["NEVER-RECEIVED"]}],
    },
    "/api/recalls/{recall_id}/close": lambda _: {"disposition": "none_on_hand"},
    "/api/trading-partners/{partner}/authorizations": lambda _: {
        "kind": "state_wholesale_license",
        "number": f"WALK-{uuid.uuid4().hex[:8]}",
        "state": "PA",
        "expires": "2027-12-31",
    },
    # the sender of the example X12 documents: the walk's ship notices and invoices still pass
    "/api/trading-partners/{partner}/edi-id": lambda _: {"edi_id": "EXAMPLEWHOLESAL"},
    "/api/dscsa/verifications": lambda _: {
        "gtin": "00398765401027",
        "serial": f"WALK{uuid.uuid4().hex[:8]}",
        "lot": "WALK1",
        "expiry": "280331",
    },
    "/api/return-policies/{labeler}": lambda _: {"months_before": 6, "months_after": 12},
    "/api/dscsa/exceptions/{exception_id}/steps": lambda _: {
        "step": "seller_contacted",
        "note": "the walk",
    },
    "/api/returns/storage": lambda _: {"product": "98765-402-10", "storage": "room"},
    "/api/hazardous-drugs": lambda _: {"ingredient": f"walk {uuid.uuid4().hex}", "code": "U998"},
    "/api/hazardous-drugs/{listing_id}": lambda _: {"note": "walked"},
    "/api/returns/batches": lambda hospital: {"lots": [returnable_lot(hospital.engine)]},
    "/api/returns/batches/{number}/form-222": lambda _: {"line": 1, "form_222": "CSOS-123456"},
    "/api/returns/batches/{number}/memos": memo_body,
    "/api/returns/destructions": destruction_body,
    "/api/orders/{number}/dea": lambda _: {"line": 1, "number": "261234567"},
    "/api/orders/{number}/lines": lambda _: {
        "product": "98765-3250-01",
        "packages": 1,
        "package_price": "4.10",
    },
    "/api/orders/{number}/cancel": lambda _: {"reason": "the walk"},
    "/api/orders/{number}/lines/{line}": lambda _: {"packages": 2},
    "/api/prices/preferences": lambda _: {"item": "ONDA4INJ", "product": "98765-402-10"},
    "/api/refills": lambda hospital: refill_body(hospital),
    "/api/refills/{number}/scans": lambda _: {
        "pocket": POCKET,
        "product": TRAY_NDC,
        "lot": REFILL_LOT,
        "units": 1,
    },
    "/api/transfers/request": lambda _: {
        "from_location": STOREROOM,
        "to_location": "OR-SAT",
        "item": ITEM,
        "quantity": 1,
    },
    "/api/transfers/{number}/cancel": lambda _: {"reason": "the walk"},
    "/api/expiry/risk/transfers": lambda _: {
        "product": TRAY_NDC,
        "lot": "ON2411A",
        "from_location": STOREROOM,
        "to_location": "OR-SAT",
        "units": 1,
    },
    "/api/shortages": lambda _: {"item": "APAP325TAB", "reason": "wholesaler backorder"},
    "/api/shortages/{shortage_id}/reallocation": lambda _: {"item": ITEM, "floor": 40},
    "/api/shortages/{shortage_id}/par-reductions": lambda hospital: par_to_reduce(hospital),
    "/api/shortages/{shortage_id}/restrictions": lambda _: {
        "item": ITEM,
        "text": "ICU only",
        "areas": ["ICU"],
    },
    "/api/shortages/{shortage_id}/limits": lambda _: {
        "item": ITEM,
        "location": "OR-SAT",
        "per_day": 1000,
    },
    "/api/therapeutic-alternatives": lambda _: {
        "item": "ONDA4INJ",
        "alternative": "MORPH2INJ",
        "note": "the walk",
        "ratio": "0.5",
    },
    "/api/putaway": floor_lot,
    "/api/orders/{number}/receipts": lambda _: {
        "product": "98765-0210-1",
        "lot": f"R{uuid.uuid4().hex[:10]}",
        "expiry": "2030-01-31",
        "packages": 1,
    },
    "/api/orders/ship-notices": lambda hospital: {
        "x12": ship_notice(
            sent_order(hospital.engine),
            [("98765021001", "L1", "20300131", 1)],
            shipment=f"S{uuid.uuid4().hex[:12]}",
        )
    },
    "/api/orders/invoices": lambda hospital: {
        "x12": invoice(
            sent_order(hospital.engine),
            [("98765021001", 1, "31.20")],
            number=f"I{uuid.uuid4().hex[:12]}",
        )
    },
    "/api/adc/discrepancies/{discrepancy_id}/resolve": lambda _: {"resolution": "counted"},
    "/api/counts": lambda hospital: {
        "location": STOREROOM,
        "items": [free_counted_stock(hospital.engine)],
    },
    "/api/counts/{number}/counted": lambda _: {"counted": {}},
    "/api/counts/{number}/lines": lambda _: {
        "location": STOREROOM,
        "product": APAP,
        "lot": f"F{uuid.uuid4().hex[:10]}",
        "expiry": "2030-01-31",
        "counted": 0,
    },
    "/api/counts/{number}/post": lambda _: {"reason": "miscount"},
    "/api/counts/{number}/cancel": lambda _: {"reason": "recount"},
    "/adc/discrepancies/{discrepancy_id}/resolve": lambda _: {"resolution": "counted"},
    "/api/planning/jobs": no_job_running,
    "/api/scan": lambda _: {"data": datamatrix()},
    "/api/receipts/scan": lambda _: {"data": datamatrix(serial=f"W{uuid.uuid4().hex[:12]}")},
    "/api/returns": lambda _: {
        "location": STOREROOM,
        "product": NDC_TEXT,
        "lot": LOT,
        "quantity": 1,
    },
    "/api/quarantines": fresh_lot,
    "/api/opened-packages": lambda _: {
        "location": STOREROOM,
        "product": NDC_TEXT,
        "lot": LOT,
        "units": 1,
    },
    "/api/releases": blocked_for_release,
    "/api/receipts": lambda _: {
        "location": STOREROOM,
        "product": GTIN,
        "lot": "ON3001A",
        "expiry": "2030-01-31",
        "quantity": 1,
    },
    "/api/transfers": lambda _: {
        "from_location": STOREROOM,
        "to_location": LOCATION,
        "item": ITEM,
        "quantity": 1,
    },
    "/api/dispenses": lambda _: {"location": LOCATION, "item": ITEM, "quantity": 1},
    "/api/adjustments": lambda _: {
        "location": STOREROOM,
        "product": NDC_TEXT,
        "lot": LOT,
        "quantity": 1,
        "reason": "found in the returns bin",
    },
    "/api/users": lambda _: {
        "username": f"new-{uuid.uuid4().hex[:8]}",
        "role": Role.TECHNICIAN.value,
        "password": PASSWORD,
    },
    "/api/users/{username}/password": lambda _: {"new_password": PASSWORD},
    "/api/users/{username}/tokens": lambda _: {"name": "roles walk", "days": 7},
    "/api/me/password": lambda _: {"current_password": PASSWORD, "new_password": PASSWORD},
}
"""A minimal valid JSON body for each write; a write without one here gets ``{}``."""

UPLOADS: dict[str, Callable[[Hospital], dict[str, tuple[str, bytes, str]]]] = {
    "/api/shortages/import": lambda _: {
        "file": ("Drugshortages_2025.csv", yearly_2025(), "text/csv")
    },
    "/shortages/import": lambda _: {"file": ("Drugshortages_2025.csv", yearly_2025(), "text/csv")},
    "/api/therapeutic-alternatives/import": lambda _: {
        "file": (
            "therapeutic-alternatives.csv",
            b"item_code,alternative_code,note,ratio\nMORPH2INJ,APAP325TAB,the walk,\n",
            "text/csv",
        )
    },
}
"""The writes that take a file (a multipart upload) instead of a JSON body."""


@dataclass(frozen=True, slots=True)
class Endpoint:
    path: str
    method: str
    permission: str | None  # what the route needs: a Permission value or "public"

    def __str__(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/")

    @property
    def is_public(self) -> bool:
        return self.permission == PUBLIC


def needed(key: str) -> Endpoint:
    """A row of :data:`NEEDS` as the endpoint the walk calls."""
    method, path = key.split(" ", 1)
    return Endpoint(path, method, str(NEEDS[key]))


TABLE = [needed(key) for key in sorted(NEEDS, key=lambda k: (k.split(" ", 1)[1], k))]


@dataclass(frozen=True, slots=True)
class RouteTable:
    endpoints: list[Endpoint]  # as the app declares them (openapi_extra["x-permission"])
    docs: list[str]
    mounts: list[str]  # routes without methods (the static files)


def route_table(app: FastAPI) -> RouteTable:
    endpoints: list[Endpoint] = []
    docs: list[str] = []
    mounts: list[str] = []
    for route in iter_route_contexts(app.routes):
        path, methods = route.path, route.methods
        assert path is not None, f"a route without a path: {route.original_route!r}"
        if path in DOCS:
            docs.append(path)
            continue
        if not methods:
            mounts.append(path)
            continue
        extra: Any = getattr(route, "openapi_extra", None) or {}
        for method in sorted(methods - {"HEAD", "OPTIONS"}):
            endpoints.append(Endpoint(path, method, extra.get("x-permission")))
    endpoints.sort(key=lambda e: (e.path, e.method))
    return RouteTable(endpoints, sorted(docs), sorted(mounts))


def collected_routes() -> RouteTable:
    """The routes as the test run is collected: an app on a throwaway database."""
    with tempfile.TemporaryDirectory() as tmp:
        engine = migrated_sqlite(Path(tmp) / "routes.db")
        try:
            return route_table(create_app(engine))
        finally:
            engine.dispose()


ROUTES = collected_routes()
ON_POSTGRES = {
    "GET /api/stock",
    "GET /api/audit",
    "POST /api/dispenses",
    "POST /api/users",
    "POST /api/recommendations/{recommendation_id}/accept",
}
"""The handful walked again on PostgreSQL: a read, the audit, a ledger write, a user write, a
decision on proposed levels."""


def is_allowed_public(path: str) -> bool:
    return (
        path in PUBLIC_PATHS
        or path == "/openapi.json"
        or path.startswith("/docs")
        or path == STATIC
        or path.startswith(STATIC + "/")
    )


def by_role(endpoints: list[Endpoint]) -> list[Any]:
    return [
        pytest.param(endpoint, role, id=f"{endpoint} as {role.value}")
        for endpoint in endpoints
        for role in Role
    ]


def anonymous(endpoints: list[Endpoint]) -> list[Any]:
    return [pytest.param(endpoint, id=f"{endpoint} anonymous") for endpoint in endpoints]


def url_of(endpoint: Endpoint, hospital: Hospital) -> str:
    parts = endpoint.path.split("/")
    for i, part in enumerate(parts):
        if part.startswith("{") and part.endswith("}"):
            owner = parts[i - 1]
            value = ENDPOINT_VALUES.get(endpoint.path) or PATH_VALUES.get(owner)
            if value is None:
                pytest.fail(f"{endpoint}: no example value for {part}; add one to PATH_VALUES")
            parts[i] = value if isinstance(value, str) else value(hospital)
    url = "/".join(parts)
    # a batch the walk decides takes nothing: the other walks' fresh proposals stay pending
    made = METHOD_QUERIES.get(str(endpoint))
    return url + QUERIES.get(endpoint.path, "") + (made(hospital) if made else "")


ENDPOINT_VALUES: dict[str, Callable[[Hospital], str]] = {
    "/api/dscsa/cases/{case}/form3911": lambda hospital: illegitimate_case(hospital.engine),
    "/dscsa/cases/{case}/form3911": lambda hospital: illegitimate_case(hospital.engine),
    "/api/orders/{number}/receipts": lambda hospital: sent_order(hospital.engine),
    "/api/orders/{number}/close": lambda hospital: received_order(hospital.engine),
    "/api/transfers/{number}/ship": lambda hospital: picked_transfer(hospital.engine),
    "/api/transfers/{number}/receive": lambda hospital: shipped_transfer(hospital.engine),
    "/transfers/{number}/ship": lambda hospital: picked_transfer(hospital.engine),
    "/transfers/{number}/receive": lambda hospital: shipped_transfer(hospital.engine),
    "/api/counts/{number}/approve": lambda hospital: submitted_count(hospital.engine),
    "/api/counts/{number}/post": lambda hospital: submitted_count(hospital.engine),
    "/api/returns/batches/{number}/form-222": lambda hospital: open_batch(
        hospital.engine, "98765-0210-1"
    ),
    "/api/returns/batches/{number}/memos": lambda hospital: shipped_batch(hospital.engine),
    "/api/dscsa/reconciliation/{order}": lambda hospital: reconciled_order(hospital.engine),
    "/api/dscsa/exceptions/{exception_id}": lambda hospital: open_exception(hospital.engine),
    "/api/dscsa/exceptions/{exception_id}/steps": lambda h: open_exception(h.engine),
    "/dscsa/orders/{order}": lambda hospital: reconciled_order(hospital.engine),
    "/dscsa/orders/{order}/reconcile": lambda hospital: reconciled_order(hospital.engine),
    "/dscsa/exceptions/{exception_id}/steps": lambda hospital: open_exception(hospital.engine),
}
"""A value for one endpoint's parameter where the path's owner would give the wrong kind (an
order must have been sent before it is received, and received before it is closed)."""


def sent_order(engine: Engine) -> str:
    number = draft_order(engine)
    with SqlUnitOfWork(engine) as uow:
        purchasing.approve_order(uow, order=number, user="tests", clock=CLOCK)
    return number


def received_order(engine: Engine) -> str:
    number = sent_order(engine)
    with SqlUnitOfWork(engine) as uow:
        receiving.receive_against_order(
            uow,
            order=number,
            product="98765-0210-1",
            lot=f"R{uuid.uuid4().hex[:10]}",
            expiry=date(2030, 1, 31),
            packages=1,
            user="tests",
            clock=CLOCK,
        )
    return number


def free_counted_stock(engine: Engine) -> str:
    """The storeroom's acetaminophen, every count of it not posted cancelled first (one count
    at a time of the same stock)."""
    with SqlUnitOfWork(engine) as uow:
        held = [c.number for s in UNPOSTED for c in counts.list_counts(uow, status=s)]
    for number in held:
        with SqlUnitOfWork(engine) as uow:
            count_posting.cancel_count(
                uow, count=number, reason="next call", user="tests", clock=CLOCK, manager=True
            )
    return "APAP325TAB"


def counted_count(engine: Engine) -> str:
    """A new count of the storeroom's acetaminophen, every line counted as recorded (a count
    is submitted once)."""
    item = free_counted_stock(engine)
    with SqlUnitOfWork(engine) as uow:
        found = counts.start_count(uow, location=STOREROOM, items=[item], user="tests", clock=CLOCK)
        counts.enter_counts(
            uow,
            count=found.number,
            counted={ln.id or 0: ln.expected for ln in found.lines},
            user="tests",
            clock=CLOCK,
        )
    return found.number


def submitted_count(engine: Engine) -> str:
    """A new count submitted without a variance: it may be approved (by anyone but its
    counter) and posted."""
    number = counted_count(engine)
    with SqlUnitOfWork(engine) as uow:
        counts.submit_count(uow, count=number, user="tests", clock=CLOCK)
    return number


def therapeutic_pair(hospital: Hospital) -> str:
    """A row of the therapeutic alternatives table (added unless it is there), so each call
    may remove it."""
    with SqlUnitOfWork(hospital.engine) as uow:
        therapeutic_alternatives.add_therapeutic_alternative(
            uow,
            item="MORPH2INJ",
            alternative="ONDA4INJ",
            note="the walk",
            user="tests",
            clock=CLOCK,
        )
    return "?item=MORPH2INJ&alternative=ONDA4INJ"


METHOD_QUERIES: dict[str, Callable[[Hospital], str]] = {
    "DELETE /api/therapeutic-alternatives": therapeutic_pair,
}
"""The query of one method of a path, made for the call (a removal needs a row to remove)."""

QUERIES = {
    "/api/shortages/{shortage_id}/reallocation": f"?item={ITEM}",
    "/api/controlled/perpetual": "?location=MAIN-STORE",
    "/api/stress-test": "?supplier=Example%20Labs&days=30",
    "/api/dscsa/trace": "?lot=ON2411A",
    "/api/dscsa/trace/package": "?lot=ON2411A&format=epcis",
    "/dscsa/trace": "?lot=ON2411A",
    "/api/recommendations/batch/accept": "?search=no-such-item-anywhere",
    "/api/recommendations/batch/reject": "?search=no-such-item-anywhere",
}


RAW_BODIES: dict[str, Callable[[Hospital], bytes]] = {
    "/api/dscsa/documents": lambda _: shipment(serials=[uuid.uuid4().hex[:12]]),
}
"""The raw request body of an upload sent as is (an EPCIS document), made for each call."""


def call(hospital: Hospital, endpoint: Endpoint, token: str | None) -> httpx.Response:
    raw = RAW_BODIES.get(endpoint.path)
    if raw is not None and endpoint.method in WRITES:
        url = url_of(endpoint, hospital)
        return hospital.api.request(endpoint.method, url, token=token, content=raw(hospital))
    upload = UPLOADS.get(endpoint.path)
    if upload is not None:
        url = url_of(endpoint, hospital)
        return hospital.api.request(endpoint.method, url, token=token, files=upload(hospital))
    make = BODIES.get(endpoint.path)
    body = (make(hospital) if make else {}) if endpoint.method in WRITES else None
    return hospital.api.request(endpoint.method, url_of(endpoint, hospital), token=token, json=body)


def check_role(hospital: Hospital, endpoint: Endpoint, role: Role) -> None:
    assert endpoint.permission is not None
    token = hospital.token(role)

    response = call(hospital, endpoint, token)

    permitted = endpoint.is_public or allowed(role, Permission(endpoint.permission))
    said = f"{endpoint} as {role.value} ({endpoint.permission}): {response.status_code}"
    if not permitted:
        assert response.status_code == 403, f"{said}, expected 403; {response.text[:300]}"
        kind = response.headers.get("content-type", "")
        if endpoint.is_api:
            assert kind.startswith(PROBLEM), f"{said}: a 403 as {kind}, not problem+json"
            problem(response, 403)
        else:  # a page may show a browser its error page instead
            assert kind.startswith((PROBLEM, "text/html")), f"{said}: a 403 as {kind}"
    elif endpoint.is_api:
        assert 200 <= response.status_code < 300, f"{said}, expected 2xx; {response.text[:300]}"
    else:
        assert response.status_code not in (401, 403), f"{said}, expected to be let in"
        assert response.status_code < 500, f"{said}; {response.text[:300]}"


def check_anonymous(hospital: Hospital, endpoint: Endpoint) -> None:
    response = call(hospital, endpoint, None)

    said = f"{endpoint} without a user ({endpoint.permission}): {response.status_code}"
    if endpoint.is_public:
        assert response.status_code not in (401, 403), f"{said}; a public route turned me away"
        assert response.status_code < 500, f"{said}; {response.text[:300]}"
    elif not endpoint.is_api and response.status_code in LOGIN_REDIRECTS:
        assert response.headers["location"].startswith("/login"), f"{said} to {response.headers}"
    else:
        assert response.status_code == 401, f"{said}, expected 401; {response.text[:300]}"
        problem(response, 401)


def start(engine: Engine) -> Iterator[Hospital]:
    load_examples(engine, "items", "locations", "stock")
    with open_hospital(engine) as hospital:
        for role in Role:
            hospital.token(role)
        yield hospital


@pytest.fixture(scope="module")
def sqlite_hospital(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hospital]:
    engine = migrated_sqlite(tmp_path_factory.mktemp("roles") / "rx.db")
    yield from start(engine)
    engine.dispose()


@pytest.fixture(scope="module")
def pg_hospital() -> Iterator[Hospital]:
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL tests need RXSUPPLY_TEST_POSTGRES_URL")
    with postgres_schema(POSTGRES_URL, f"rx_test_{uuid.uuid4().hex[:12]}") as engine:
        migrate(engine)
        yield from start(engine)


# --- the route table ---------------------------------------------------------------------


def test_the_apps_routes_are_exactly_the_rows_of_the_table(sqlite_hospital: Hospital) -> None:
    table = route_table(sqlite_hospital.app)

    found = {str(e) for e in table.endpoints}

    assert table == ROUTES  # the app built for collection is the app under test
    assert sorted(found - NEEDS.keys()) == [], "routes without a row in NEEDS: add one"
    assert sorted(NEEDS.keys() - found) == [], "rows of NEEDS that are no route of the app"
    assert table.docs == sorted(DOCS)


def test_each_route_declares_in_the_openapi_spec_the_permission_of_its_row(
    sqlite_hospital: Hospital,
) -> None:
    endpoints = route_table(sqlite_hospital.app).endpoints

    declared = {str(e): e.permission for e in endpoints}

    assert declared == {key: str(need) for key, need in NEEDS.items()}


def test_only_health_login_docs_and_static_files_are_public() -> None:
    public = sorted(key for key, need in NEEDS.items() if need == PUBLIC)

    assert [p for p in public if not is_allowed_public(p.split(" ", 1)[1])] == []
    assert public == ["GET /api/health", "GET /health", "GET /login", "POST /login"]


def test_public_paths_names_every_public_route(sqlite_hospital: Hospital) -> None:
    named = public_paths(sqlite_hospital.app)

    assert named == {e.path for e in TABLE if e.is_public}


def test_the_docs_and_the_openapi_description_answer_without_a_user(
    sqlite_hospital: Hospital,
) -> None:
    answers = {path: sqlite_hospital.api.get(path).status_code for path in DOCS}

    assert answers == dict.fromkeys(DOCS, 200)


def test_static_files_are_the_only_mount_and_answer_without_a_user(
    sqlite_hospital: Hospital,
) -> None:
    mounts = route_table(sqlite_hospital.app).mounts

    missing = sqlite_hospital.api.get(f"{STATIC}/no-such-file.css")

    assert set(mounts) <= {STATIC}, f"mounts the role test does not know: {mounts}"
    if mounts:
        assert missing.status_code == 404, missing.status_code


# --- every route, every role -------------------------------------------------------------


@pytest.mark.parametrize(("endpoint", "role"), by_role(TABLE))
def test_each_role_gets_exactly_what_the_permission_table_allows(
    sqlite_hospital: Hospital, endpoint: Endpoint, role: Role
) -> None:
    check_role(sqlite_hospital, endpoint, role)


@pytest.mark.parametrize("endpoint", anonymous(TABLE))
def test_a_caller_without_credentials_gets_only_the_public_routes(
    sqlite_hospital: Hospital, endpoint: Endpoint
) -> None:
    check_anonymous(sqlite_hospital, endpoint)


def test_an_unknown_token_is_a_401_problem(sqlite_hospital: Hospital) -> None:
    response = sqlite_hospital.api.get("/api/items", token="rxs_not-a-token")

    body = problem(response, 401)

    assert response.headers["www-authenticate"] == "Bearer"
    assert "token" in body["detail"]


# --- a handful again on PostgreSQL -------------------------------------------------------

PG_ENDPOINTS = [e for e in TABLE if str(e) in ON_POSTGRES]


@pytest.mark.postgres
@pytest.mark.parametrize(("endpoint", "role"), by_role(PG_ENDPOINTS))
def test_on_postgresql_each_role_gets_what_the_table_allows(
    pg_hospital: Hospital, endpoint: Endpoint, role: Role
) -> None:
    check_role(pg_hospital, endpoint, role)


@pytest.mark.postgres
@pytest.mark.parametrize("endpoint", anonymous(PG_ENDPOINTS))
def test_on_postgresql_a_caller_without_credentials_is_turned_away(
    pg_hospital: Hospital, endpoint: Endpoint
) -> None:
    check_anonymous(pg_hospital, endpoint)


def test_the_postgresql_handful_are_routes_of_the_app() -> None:
    walked = {str(e) for e in PG_ENDPOINTS}

    assert walked == ON_POSTGRES
