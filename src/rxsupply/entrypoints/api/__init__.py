"""The REST API under ``/api``: JSON endpoints on the same service and query functions as the
CLI, documented at ``/docs``. :func:`rxsupply.entrypoints.app.create_app` includes
:data:`ROUTERS`, in this order."""

from rxsupply.entrypoints.api import (
    cabinet,
    corrections,
    counts,
    expiry,
    health,
    kpi,
    movements,
    picking,
    planning_routes,
    pricing,
    purchasing,
    reading,
    refills,
    return_batches,
    returns,
    shipping,
    shortage_actions,
    shortage_alternatives,
    shortage_board,
    shortages,
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
    refills.router,
    shipping.router,
    transfers.router,
    counts.router,
    kpi.router,
    shortage_board.router,
    expiry.router,
    shortages.router,
    shortage_actions.router,
    shortage_alternatives.router,
    returns.router,
    return_batches.router,
)

__all__ = ["ROUTERS"]
