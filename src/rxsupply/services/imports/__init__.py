"""Importing the files a hospital pharmacy has: locations, items, opening stock, dispenses and
purchases.

Every import validates the whole file first and writes nothing when any row is bad; the error
lists row, field and reason for each problem (up to a cap). Rows already imported are skipped,
so importing the same file twice changes nothing.

One module per file kind (:mod:`.locations`, :mod:`.items`, :mod:`.stock`, :mod:`.dispenses`,
:mod:`.purchases`, :mod:`.products`), the columns of each (:mod:`.columns`) and what they share
(:mod:`.results`); every name is re-exported here.
"""

from rxsupply.services.imports.columns import (
    COLUMNS,
    DISPENSE_COLUMNS,
    ITEM_COLUMNS,
    LOCATION_COLUMNS,
    PURCHASE_COLUMNS,
    STOCK_COLUMNS,
)
from rxsupply.services.imports.dispenses import import_dispenses
from rxsupply.services.imports.items import import_items
from rxsupply.services.imports.locations import import_locations
from rxsupply.services.imports.products import import_products
from rxsupply.services.imports.purchases import import_purchases
from rxsupply.services.imports.results import ImportResult, Progress
from rxsupply.services.imports.stock import import_stock

__all__ = [
    "COLUMNS",
    "DISPENSE_COLUMNS",
    "ITEM_COLUMNS",
    "LOCATION_COLUMNS",
    "PURCHASE_COLUMNS",
    "STOCK_COLUMNS",
    "ImportResult",
    "Progress",
    "import_dispenses",
    "import_items",
    "import_locations",
    "import_products",
    "import_purchases",
    "import_stock",
]
