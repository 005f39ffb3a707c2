"""A unit of work: one database transaction and the repositories that share it."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from types import TracebackType
from typing import Self, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from rxsupply.adapters.demand_history import SqlDemandHistory
from rxsupply.adapters.repositories import (
    SqlAlternatives,
    SqlAudit,
    SqlCases,
    SqlConservation,
    SqlControlled,
    SqlCounts,
    SqlDiscrepancies,
    SqlDscsaDocuments,
    SqlInterfaceMessages,
    SqlItems,
    SqlLedger,
    SqlLocations,
    SqlLots,
    SqlOrders,
    SqlPackages,
    SqlPartners,
    SqlPlanningJobs,
    SqlPrices,
    SqlProducts,
    SqlPurchases,
    SqlRecalls,
    SqlRecommendations,
    SqlReconciliation,
    SqlRecordChain,
    SqlRecordRetention,
    SqlRefillRuns,
    SqlReturns,
    SqlSeriesClasses,
    SqlShipping,
    SqlShortages,
    SqlStockLevels,
    SqlSupplyOutlook,
    SqlTrace,
    SqlTransfers,
    SqlUsers,
    SqlVerifications,
)
from rxsupply.adapters.repositories.expiry_risk import SqlExpiryRisk
from rxsupply.adapters.repositories.ledger_chain import SqlLedgerChain, forget, seal

T = TypeVar("T")
# serialization failure, deadlock detected, and a unique key another writer took a moment
# before (the same serial scanned at two docks, one file imported twice at once): the retry
# reads what the other committed and answers as if it had come second
_RETRY_SQLSTATES = {"40001", "40P01", "23505"}


class SqlUnitOfWork:
    """``with SqlUnitOfWork(engine) as uow: ...; uow.commit()``; leaving without commit rolls
    back, so an error anywhere leaves the database as it was."""

    connection: Connection

    def __init__(self, engine: Engine, *, readonly: bool = False, snapshot: bool = False) -> None:
        """``snapshot`` (read-only work that reads in many statements, like the ledger
        chain's check on a live database): every statement sees the database as it was at the
        first (PostgreSQL: a read-only REPEATABLE READ transaction; a SQLite read transaction
        is one snapshot already)."""
        self.engine = engine
        self.readonly = readonly or snapshot
        self.snapshot = snapshot
        self.committing = False  # set once COMMIT is sent: a failure after it is ambiguous
        self.demand = SqlDemandHistory(engine)  # reads in its own snapshot, entered or not

    def __enter__(self) -> Self:
        self.connection = self.engine.connect().execution_options(rxsupply_write=not self.readonly)
        if self.snapshot and self.connection.dialect.name == "postgresql":
            self.connection = self.connection.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        self._tx = self.connection.begin()
        conn = self.connection
        forget(conn)
        self.ledger_chain = SqlLedgerChain(conn)
        self.locations = SqlLocations(conn)
        self.products = SqlProducts(conn)
        self.items = SqlItems(conn)
        self.lots = SqlLots(conn)
        self.ledger = SqlLedger(conn)
        self.packages = SqlPackages(conn)
        self.purchases = SqlPurchases(conn)
        self.users = SqlUsers(conn)
        self.audit = SqlAudit(conn)
        self.stock_levels = SqlStockLevels(conn)
        self.recommendations = SqlRecommendations(conn)
        self.series_classes = SqlSeriesClasses(conn)
        self.planning_jobs = SqlPlanningJobs(conn)
        self.discrepancies = SqlDiscrepancies(conn)
        self.interface_messages = SqlInterfaceMessages(conn)
        self.prices = SqlPrices(conn)
        self.orders = SqlOrders(conn)
        self.refill_runs = SqlRefillRuns(conn)
        self.shipping = SqlShipping(conn)
        self.transfers = SqlTransfers(conn)
        self.counts = SqlCounts(conn)
        self.controlled = SqlControlled(conn)
        self.outlook = SqlSupplyOutlook(conn)
        self.expiry_risk = SqlExpiryRisk(conn)
        self.shortages = SqlShortages(conn)
        self.conservation = SqlConservation(conn)
        self.alternatives = SqlAlternatives(conn)
        self.recalls = SqlRecalls(conn)
        self.returns = SqlReturns(conn)
        self.partners = SqlPartners(conn)
        self.records = SqlRecordChain(conn)
        self.reconciliation = SqlReconciliation(conn)
        self.dscsa_documents = SqlDscsaDocuments(conn)
        self.record_retention = SqlRecordRetention(conn)
        self.suspect_cases = SqlCases(conn)
        self.verifications = SqlVerifications(conn)
        self.trace = SqlTrace(conn)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            forget(self.connection)
            if self._tx.is_active:
                self._tx.rollback()
        finally:
            self.connection.close()

    def commit(self) -> None:
        """Chain the ledger rows it wrote (:func:`seal`), commit this transaction; the unit of
        work goes on in a fresh one."""
        seal(self.connection)
        self.committing = True
        self._tx.commit()
        self.committing = False
        self._tx = self.connection.begin()

    def rollback(self) -> None:
        """Undo this transaction; the unit of work goes on in a fresh one (a use case that
        refused a batch may still record why)."""
        forget(self.connection)
        self._tx.rollback()
        self._tx = self.connection.begin()


def is_retryable(exc: BaseException) -> bool:
    if isinstance(exc, DBAPIError):
        code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
        return code in _RETRY_SQLSTATES
    return False


def lost_before_commit(exc: BaseException, uow: SqlUnitOfWork) -> bool:
    """Whether the unit of work lost its database connection before it sent COMMIT: nothing
    of it was written, so it can run again on a new connection. (Lost during COMMIT, whether
    it was written is unknown: that is not retried.)"""
    return isinstance(exc, DBAPIError) and exc.connection_invalidated and not uow.committing


def retried(
    work: Callable[[], T],
    *,
    attempts: int = 5,
    again: Callable[[DBAPIError], bool] = is_retryable,
) -> T:
    """Run ``work``, and again after a jittered back-off (so two transactions that deadlocked
    do not meet again in step) while it fails with an error ``again`` accepts: by default a
    deadlock or a serialization failure."""
    for attempt in range(attempts):
        try:
            return work()
        except DBAPIError as exc:
            if attempt == attempts - 1 or not again(exc):
                raise
            time.sleep(random.uniform(0.01, 0.03) * 2**attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def run_with_retry(engine: Engine, work: Callable[[SqlUnitOfWork], T], *, attempts: int = 5) -> T:
    """Run ``work`` in a fresh unit of work, retrying on deadlock or serialization failure,
    and when the connection was lost before COMMIT."""
    current: list[SqlUnitOfWork] = []

    def once() -> T:
        current[:] = [SqlUnitOfWork(engine)]
        with current[0] as uow:
            return work(uow)

    return retried(
        once,
        attempts=attempts,
        again=lambda exc: is_retryable(exc) or lost_before_commit(exc, current[0]),
    )
