"""SQL repositories behind the protocols in :mod:`rxsupply.services.ports`.

One module per aggregate (:mod:`.locations`, :mod:`.products`, :mod:`.items`, :mod:`.lots`,
:mod:`.ledger`, :mod:`.packages`, :mod:`.purchases`, :mod:`.users`, :mod:`.audit`,
:mod:`.stock_levels`, :mod:`.recommendations`, :mod:`.series_classes`,
:mod:`.planning_jobs`, :mod:`.discrepancies`, :mod:`.counts` and :mod:`.count_plan`,
:mod:`.controlled`, :mod:`.shortages`, :mod:`.conservation`, :mod:`.alternatives`,
:mod:`.recalls`, :mod:`.returns` and :mod:`.return_batches`) and the bulk SQL they share
(:mod:`.bulk_sql`); every name is re-exported here.
"""

from rxsupply.adapters.repositories.alternatives import SqlAlternatives
from rxsupply.adapters.repositories.audit import SqlAudit
from rxsupply.adapters.repositories.bulk_sql import (
    CHUNK,
    among,
    array_of,
    built,
    chunks,
    insert_many,
    insert_rows,
    unnest_rows,
    upsert,
)
from rxsupply.adapters.repositories.conservation import SqlConservation
from rxsupply.adapters.repositories.controlled import SqlControlled
from rxsupply.adapters.repositories.counts import SqlCounts
from rxsupply.adapters.repositories.discrepancies import SqlDiscrepancies, SqlInterfaceMessages
from rxsupply.adapters.repositories.dscsa_documents import SqlDscsaDocuments
from rxsupply.adapters.repositories.items import SqlItems
from rxsupply.adapters.repositories.ledger import SqlLedger
from rxsupply.adapters.repositories.locations import SqlLocations
from rxsupply.adapters.repositories.lots import SqlLots
from rxsupply.adapters.repositories.orders import SqlOrders
from rxsupply.adapters.repositories.outlook import SqlSupplyOutlook
from rxsupply.adapters.repositories.packages import SqlPackages
from rxsupply.adapters.repositories.partners import SqlPartners
from rxsupply.adapters.repositories.planning_jobs import SqlPlanningJobs
from rxsupply.adapters.repositories.prices import SqlPrices
from rxsupply.adapters.repositories.products import SqlProducts, product_from_row
from rxsupply.adapters.repositories.purchases import SqlPurchases
from rxsupply.adapters.repositories.recalls import SqlRecalls
from rxsupply.adapters.repositories.recommendations import SqlRecommendations
from rxsupply.adapters.repositories.reconciliation import SqlReconciliation
from rxsupply.adapters.repositories.record_retention import SqlRecordRetention
from rxsupply.adapters.repositories.records import SqlRecordChain
from rxsupply.adapters.repositories.refill_runs import SqlRefillRuns
from rxsupply.adapters.repositories.return_batches import SqlReturns
from rxsupply.adapters.repositories.series_classes import SqlSeriesClasses
from rxsupply.adapters.repositories.shipping import SqlShipping
from rxsupply.adapters.repositories.shortages import SqlShortages
from rxsupply.adapters.repositories.stock_levels import SqlStockLevels
from rxsupply.adapters.repositories.suspect_cases import SqlCases
from rxsupply.adapters.repositories.trace import SqlTrace
from rxsupply.adapters.repositories.transfers import SqlTransfers
from rxsupply.adapters.repositories.users import SqlUsers
from rxsupply.adapters.repositories.verifications import SqlVerifications

__all__ = [
    "CHUNK",
    "SqlAlternatives",
    "SqlAudit",
    "SqlCases",
    "SqlConservation",
    "SqlControlled",
    "SqlCounts",
    "SqlDiscrepancies",
    "SqlDscsaDocuments",
    "SqlInterfaceMessages",
    "SqlItems",
    "SqlLedger",
    "SqlLocations",
    "SqlLots",
    "SqlOrders",
    "SqlPackages",
    "SqlPartners",
    "SqlPlanningJobs",
    "SqlPrices",
    "SqlProducts",
    "SqlPurchases",
    "SqlRecalls",
    "SqlRecommendations",
    "SqlReconciliation",
    "SqlRecordChain",
    "SqlRecordRetention",
    "SqlRefillRuns",
    "SqlReturns",
    "SqlSeriesClasses",
    "SqlShipping",
    "SqlShortages",
    "SqlStockLevels",
    "SqlSupplyOutlook",
    "SqlTrace",
    "SqlTransfers",
    "SqlUsers",
    "SqlVerifications",
    "among",
    "array_of",
    "built",
    "chunks",
    "insert_many",
    "insert_rows",
    "product_from_row",
    "unnest_rows",
    "upsert",
]
