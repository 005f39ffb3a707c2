"""Receipts and dispenses that arrive together are written together.

An ADC interface or a dock of scanners posts many small movements at once. Each one alone
costs a transaction: a dozen statements, a lock query, a commit. The :class:`LedgerWriter`
of a server process keeps one batch in flight: requests that arrive while it runs wait for
the next batch, which takes them all (up to ``MAX_BATCH``) into one
:func:`rxsupply.services.ledger.post_many` transaction. Each request still gets its own
answer: its movements, its duplicate flag, or its own error (a stock-out fails that request,
not the batch), and its own audit entry. A lone request is written at once, as before.

When a batch fails as a whole (the database went away, an unexpected error), its requests
are posted again one by one, so one bad request cannot fail its neighbours.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

import anyio.to_thread
from sqlalchemy import Engine

from rxsupply.adapters.unit_of_work import run_with_retry
from rxsupply.entrypoints.clock import now
from rxsupply.errors import RxSupplyError
from rxsupply.services import ledger

MAX_BATCH = 200
log = logging.getLogger(__name__)

Outcome = ledger.Posted | RxSupplyError | BaseException


class LedgerWriter:
    """One per server process (``app.state.writer``); used from the event loop only."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._waiting: list[tuple[ledger.Command, asyncio.Future[ledger.Posted]]] = []
        self._running = False
        self.batches = 0  # for tests and the curious: batches written so far
        self.largest = 0

    async def post(self, command: ledger.Command) -> ledger.Posted:
        """Queue a command and wait for its outcome (raised when it is an error)."""
        future: asyncio.Future[ledger.Posted] = asyncio.get_running_loop().create_future()
        self._waiting.append((command, future))
        if not self._running:
            self._running = True
            asyncio.get_running_loop().create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            while self._waiting:
                batch = self._waiting[:MAX_BATCH]
                del self._waiting[:MAX_BATCH]
                self.batches += 1
                self.largest = max(self.largest, len(batch))
                outcomes = await anyio.to_thread.run_sync(self._write, [c for c, _ in batch])
                for (_, future), outcome in zip(batch, outcomes, strict=True):
                    if future.done():  # the client went away
                        continue
                    if isinstance(outcome, BaseException):
                        future.set_exception(outcome)
                    else:
                        future.set_result(outcome)
        finally:
            self._running = False

    def _write(self, commands: Sequence[ledger.Command]) -> list[Outcome]:
        try:
            return list(self._batch(commands))
        except Exception as exc:
            if len(commands) == 1:
                return [exc]
            log.warning(
                "a batch of %d movements failed (%s); posting one by one", len(commands), exc
            )
        out: list[Outcome] = []
        for command in commands:
            try:
                out.extend(self._batch([command]))
            except Exception as exc:
                out.append(exc)
        return out

    def _batch(self, commands: Sequence[ledger.Command]) -> list[ledger.Posted | RxSupplyError]:
        return run_with_retry(self._engine, lambda uow: ledger.post_many(uow, commands, now=now()))
