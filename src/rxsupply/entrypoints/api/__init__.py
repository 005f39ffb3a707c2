"""The REST API under ``/api``: JSON endpoints on the same service and query functions as the
CLI, documented at ``/docs``. :func:`rxsupply.entrypoints.app.create_app` includes
:data:`ROUTERS`, in this order, and lets the bodies of :data:`UPLOADS` past the body cap."""

from rxsupply.adapters import x12_inbound
from rxsupply.entrypoints.api import (
    cabinet,
    corrections,
    counts,
    dscsa_cases,
    dscsa_import,
    dscsa_ledger,
    dscsa_reconcile,
    dscsa_trace,
    dscsa_verify,
    expiry,
    expiry_risk,
    expiry_sweep,
    health,
    kpi,
    movements,
    picking,
    planning_routes,
    pricing,
    purchasing,
    reading,
    recalls,
    refills,
    return_batches,
    returns,
    shipping,
    shortage_actions,
    shortage_alternatives,
    shortage_board,
    shortages,
    trading_partners,
    transfers,
    users,
)

ROUTERS = (
    reading.router,
    movements.router,
    corrections.router,
    picking.router,
    users.router,
    health.router,
    planning_routes.router,
    cabinet.router,
    pricing.router,
    purchasing.router,
    trading_partners.router,
    dscsa_import.router,
    dscsa_cases.router,
    dscsa_reconcile.router,
    dscsa_trace.router,
    refills.router,
    shipping.router,
    transfers.router,
    counts.router,
    kpi.router,
    shortage_board.router,
    expiry_risk.router,
    expiry.router,
    expiry_sweep.router,
    recalls.router,
    shortages.router,
    shortage_actions.router,
    shortage_alternatives.router,
    returns.router,
    return_batches.router,
    dscsa_ledger.router,
    dscsa_verify.router,
)

ENVELOPE = 1024 * 1024
"""Room for what wraps a file in its body (multipart headers, JSON escapes)."""

UPLOADS: dict[str, int] = {
    "/api/dscsa/documents": dscsa_import.MAX_UPLOAD,
    "/api/shortages/import": shortages.MAX_UPLOAD + ENVELOPE,
    "/api/therapeutic-alternatives/import": shortage_alternatives.MAX_UPLOAD + ENVELOPE,
    "/api/orders/ship-notices": 2 * x12_inbound.MAX_BYTES + ENVELOPE,
    "/api/orders/invoices": 2 * x12_inbound.MAX_BYTES + ENVELOPE,
}
"""The routes that take files, and the request body each may send (their own code caps the
file itself): every other body is capped at ``RXSUPPLY_MAX_BODY_BYTES``."""

__all__ = ["ROUTERS", "UPLOADS"]
