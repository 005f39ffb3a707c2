"""The demand history port on the database: the demand matrix read from the ledger
(:mod:`.matrix`), its movements summed per local day in SQL (:mod:`.days`), and the stock on
hand that may not be handed out (:mod:`.unusable`)."""

from rxsupply.adapters.demand_history.matrix import SqlDemandHistory, ledger_demand

__all__ = ["SqlDemandHistory", "ledger_demand"]
