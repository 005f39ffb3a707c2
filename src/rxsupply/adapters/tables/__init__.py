"""SQLAlchemy Core tables: the schema of the ledger and its reference data, one module per area.

Alembic migrations under ``rxsupply/adapters/migrations`` create exactly these tables; a test
checks the two agree. Import tables from here; a new area adds its module and its import below.
"""

from __future__ import annotations

from rxsupply.adapters.tables.alternatives import therapeutic_alternative
from rxsupply.adapters.tables.columns import NAMING, Money, UTCDateTime, metadata
from rxsupply.adapters.tables.conservation import shortage_action
from rxsupply.adapters.tables.counting import stock_count, stock_count_line
from rxsupply.adapters.tables.dscsa import (
    dscsa_chain_anchor,
    dscsa_document,
    dscsa_event,
    dscsa_package,
    dscsa_record,
)
from rxsupply.adapters.tables.dscsa_cases import dscsa_case, dscsa_case_step, dscsa_case_subject
from rxsupply.adapters.tables.dscsa_verification import dscsa_verification
from rxsupply.adapters.tables.kpi import kpi_product_day, kpi_stock_day
from rxsupply.adapters.tables.ledger import (
    external_ref,
    item,
    item_product,
    ledger_chain,
    location,
    location_path,
    lot,
    lot_source,
    movement,
    on_hand,
    product,
    product_case,
    serial_package,
    status_change,
)
from rxsupply.adapters.tables.logistics import transfer, transfer_line
from rxsupply.adapters.tables.partners import partner_authorization
from rxsupply.adapters.tables.recalls import recall, recall_entry
from rxsupply.adapters.tables.reconciliation import (
    dscsa_exception,
    dscsa_exception_step,
    receipt_scan,
)
from rxsupply.adapters.tables.refills import refill_line, refill_run
from rxsupply.adapters.tables.returns import (
    credit_memo_line,
    destruction,
    hazardous_listing,
    product_storage,
    return_batch,
    return_line,
    return_policy,
)
from rxsupply.adapters.tables.shipping import (
    ship_notice,
    ship_notice_line,
    supplier_invoice,
    supplier_invoice_line,
)
from rxsupply.adapters.tables.shortages import (
    shortage,
    shortage_event,
    shortage_import,
    shortage_match,
    shortage_ndc,
    shortage_presentation,
)
from rxsupply.adapters.tables.supply import (
    catalogue_price,
    contract,
    contract_price,
    purchase_line,
    purchase_order,
    purchase_order_line,
    receiving_discrepancy,
    trading_partner,
)
from rxsupply.adapters.tables.system import (
    api_token,
    app_session,
    app_setting,
    app_user,
    audit,
    interface_message,
    planning_job,
    recommendation,
    series_class,
    sign_in_attempt,
    stock_discrepancy,
    stock_level,
)

__all__ = [
    "NAMING",
    "Money",
    "UTCDateTime",
    "api_token",
    "app_session",
    "app_setting",
    "app_user",
    "audit",
    "catalogue_price",
    "contract",
    "contract_price",
    "credit_memo_line",
    "destruction",
    "dscsa_case",
    "dscsa_case_step",
    "dscsa_case_subject",
    "dscsa_chain_anchor",
    "dscsa_document",
    "dscsa_event",
    "dscsa_exception",
    "dscsa_exception_step",
    "dscsa_package",
    "dscsa_record",
    "dscsa_verification",
    "external_ref",
    "hazardous_listing",
    "interface_message",
    "item",
    "item_product",
    "kpi_product_day",
    "kpi_stock_day",
    "ledger_chain",
    "location",
    "location_path",
    "lot",
    "lot_source",
    "metadata",
    "movement",
    "on_hand",
    "partner_authorization",
    "planning_job",
    "product",
    "product_case",
    "product_storage",
    "purchase_line",
    "purchase_order",
    "purchase_order_line",
    "recall",
    "recall_entry",
    "receipt_scan",
    "receiving_discrepancy",
    "recommendation",
    "refill_line",
    "refill_run",
    "return_batch",
    "return_line",
    "return_policy",
    "serial_package",
    "series_class",
    "ship_notice",
    "ship_notice_line",
    "shortage",
    "shortage_action",
    "shortage_event",
    "shortage_import",
    "shortage_match",
    "shortage_ndc",
    "shortage_presentation",
    "sign_in_attempt",
    "status_change",
    "stock_count",
    "stock_count_line",
    "stock_discrepancy",
    "stock_level",
    "supplier_invoice",
    "supplier_invoice_line",
    "therapeutic_alternative",
    "trading_partner",
    "transfer",
    "transfer_line",
]
