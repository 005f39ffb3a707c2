"""What services need from the outside, and what adapters may know of services.

- :mod:`.storage`: the unit of work and its repositories (``rxsupply.adapters`` implements
  them on SQLAlchemy), the records they pass (lots, status changes, audit entries...) and the
  demand history planning reads.
- :mod:`.tables`: a file's rows as text columns and the row errors of an import (the CSV and
  MIMIC readers fill them, the import services read them).
- :mod:`.catalogue`: the demo hospital's catalogue (read from the package's data files).

Adapters import these and nothing else of services (an import-linter contract).
"""

from rxsupply.services.ports.catalogue import (
    DemoItem,
    DemoProduct,
)
from rxsupply.services.ports.storage import (
    AuditEntry,
    AuditRepository,
    DemandHistory,
    ItemRepository,
    LedgerRepository,
    LocationRepository,
    LotRecord,
    LotRepository,
    PackageRepository,
    ProductKey,
    ProductRepository,
    PurchaseLine,
    PurchaseRepository,
    RecommendationRepository,
    RepackagedLot,
    SeriesClassRepository,
    StatusChange,
    StockLevelRepository,
    StoredUser,
    TokenInfo,
    TokenUse,
    UnitOfWork,
    UserRepository,
    book_for,
)
from rxsupply.services.ports.tables import (
    Errors,
    Table,
    require_columns,
)

__all__ = [
    "AuditEntry",
    "AuditRepository",
    "DemandHistory",
    "DemoItem",
    "DemoProduct",
    "Errors",
    "ItemRepository",
    "LedgerRepository",
    "LocationRepository",
    "LotRecord",
    "LotRepository",
    "PackageRepository",
    "ProductKey",
    "ProductRepository",
    "PurchaseLine",
    "PurchaseRepository",
    "RecommendationRepository",
    "RepackagedLot",
    "SeriesClassRepository",
    "StatusChange",
    "StockLevelRepository",
    "StoredUser",
    "Table",
    "TokenInfo",
    "TokenUse",
    "UnitOfWork",
    "UserRepository",
    "book_for",
    "require_columns",
]
