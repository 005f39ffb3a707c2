"""The (required, optional) CSV columns of each file kind: :data:`COLUMNS` and one constant per
kind."""

from __future__ import annotations

LOCATION_COLUMNS = (["code", "name", "kind"], ["parent", "capacity", "item", "unit"])
ITEM_COLUMNS = (
    ["item_code", "item_name", "ndc"],
    [
        "criticality",
        "product_name",
        "generic_name",
        "labeler",
        "strength",
        "dosage_form",
        "route",
        "package_size",
        "dispense_unit",
        "package_description",
        "dea_schedule",
        "package_cost",
        "non_expiring",
        "case_gtin",
        "case_packages",
    ],
)
STOCK_COLUMNS = (["location", "ndc", "lot", "expiry", "quantity"], ["as_of", "external_id"])
DISPENSE_COLUMNS = (
    ["transaction_id", "timestamp", "location", "quantity"],
    ["item", "ndc", "kind", "user"],
)
PURCHASE_COLUMNS = (
    ["invoice_date", "wholesaler", "ndc", "packages", "unit_price"],
    ["invoice_number"],
)
COLUMNS: dict[str, tuple[list[str], list[str]]] = {
    "items": ITEM_COLUMNS,
    "locations": LOCATION_COLUMNS,
    "stock": STOCK_COLUMNS,
    "dispenses": DISPENSE_COLUMNS,
    "purchases": PURCHASE_COLUMNS,
}
"""(required, optional) columns of each CSV kind."""
