"""Read models: stock on hand, unusable stock, the ledger of an item, and the ledger check.

The CLI, the API and the web pages all call these, so every face shows the same numbers.

One module per read model (:mod:`.stock`, :mod:`.ledger`, :mod:`.catalogue`, :mod:`.audit`,
:mod:`.dashboard`, :mod:`.unusable`) and the filters they share (:mod:`.filters`); every name is
re-exported here.
"""

from rxsupply.adapters.queries.audit import audit_rows
from rxsupply.adapters.queries.catalogue import item_rows, location_rows, product_rows
from rxsupply.adapters.queries.dashboard import (
    USAGE_KINDS,
    daily_usage,
    items_at_zero,
    on_hand_value,
    summary,
    turns,
    usage_value,
    value_by_location,
)
from rxsupply.adapters.queries.filters import product_filter, subtree_ids
from rxsupply.adapters.queries.ledger import check_rows, ledger_rows
from rxsupply.adapters.queries.stock import StockFilter, stock_rows
from rxsupply.adapters.queries.unusable import (
    WHY,
    unusable_rows,
    unusable_totals,
    usable_line,
)

__all__ = [
    "USAGE_KINDS",
    "WHY",
    "StockFilter",
    "audit_rows",
    "check_rows",
    "daily_usage",
    "item_rows",
    "items_at_zero",
    "ledger_rows",
    "location_rows",
    "on_hand_value",
    "product_filter",
    "product_rows",
    "stock_rows",
    "subtree_ids",
    "summary",
    "turns",
    "unusable_rows",
    "unusable_totals",
    "usable_line",
    "usage_value",
    "value_by_location",
]
