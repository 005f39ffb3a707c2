"""Receipts and dispenses that arrive together are written together.

An ADC interface or a dock of scanners posts many small movements at once. Each one alone
costs a transaction: a dozen statements, a lock query, a commit. The :class:`LedgerWriter`
of a server process keeps one batch in flight: requests that arrive while it runs wait for
the next batch, which takes them all (up to ``MAX_BATCH``) into one
:func:`rxsupply.services.ledger.post` transaction. Each request still gets its own
answer: its movements, its duplicate flag, or its own error (a stock-out fails that request,
not the batch), and its own audit entry. A lone request is written at once, as before.

API tokens are checked in the batch's own transaction, all of them in one query, so a
token revoked or a user disabled a moment before is refused as it would be one by one.

When a batch fails as a whole before its COMMIT is sent (the database went away, an
unexpected error), its requests are posted again one by one, so one bad request cannot fail
its neighbours. When the COMMIT itself fails, whether the batch was written is unknown: its
requests get the error (a client resends with its external id, which is never posted
twice) rather than being posted again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import replace

import anyio.to_thread
from sqlalchemy import Engine

from rxsupply.adapters.unit_of_work import SqlUnitOfWork, run_with_retry
from rxsupply.config import load_settings
from rxsupply.domain.limits import LedgerLimits
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.security import Deferred, ensure_allowed
from rxsupply.errors import RxSupplyError
from rxsupply.services import ledger, users

MAX_BATCH = 200
IN_FLIGHT = 1  # batches a process writes at once (2 measured slower: they split the queue)
log = logging.getLogger(__name__)

Outcome = ledger.Posted | RxSupplyError | BaseException
Request = tuple[ledger.Command, Deferred]


class LedgerWriter:
    """One per server process (``app.state.writer``); used from the event loop only."""

    def __init__(self, engine: Engine, limits: LedgerLimits | None = None) -> None:
        self._engine = engine
        self._limits = limits or load_settings().limits()
        self._waiting: list[tuple[Request, asyncio.Future[ledger.Posted]]] = []
        self._running = 0
        self._tasks: set[asyncio.Task[None]] = set()  # kept, so a running drain is not collected
        self.batches = 0  # for tests and the curious: batches written so far
        self.largest = 0

    async def post(self, command: ledger.Command, who: Deferred) -> ledger.Posted:
        """Queue a command of ``who`` and wait for its outcome (raised when it is an
        error); the command is posted under the caller's user name."""
        future: asyncio.Future[ledger.Posted] = asyncio.get_running_loop().create_future()
        self._waiting.append(((command, who), future))
        if self._running < IN_FLIGHT:
            self._running += 1
            task = asyncio.get_running_loop().create_task(self._drain())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return await future

    async def _drain(self) -> None:
        try:
            while self._waiting:
                batch = self._waiting[:MAX_BATCH]
                del self._waiting[:MAX_BATCH]
                self.batches += 1
                self.largest = max(self.largest, len(batch))
                try:
                    outcomes: list[Outcome] = await anyio.to_thread.run_sync(
                        self._write, [r for r, _ in batch]
                    )
                except BaseException as exc:  # cancelled at shutdown, or a bug: tell them all
                    outcomes = [exc] * len(batch)
                    if not isinstance(exc, Exception):
                        _answer(batch, outcomes)
                        raise
                _answer(batch, outcomes)
        finally:
            self._running -= 1

    def _write(self, requests: Sequence[Request]) -> list[Outcome]:
        tried: list[SqlUnitOfWork] = []
        try:
            return list(self._batch(requests, tried))
        except Exception as exc:
            if len(requests) == 1 or (tried and tried[-1].committing):
                return [exc] * len(requests)
            log.warning(
                "a batch of %d movements failed (%s); posting one by one", len(requests), exc
            )
        out: list[Outcome] = []
        for request in requests:
            try:
                out.extend(self._batch([request], []))
            except Exception as exc:
                out.append(exc)
        return out

    def _batch(self, requests: Sequence[Request], tried: list[SqlUnitOfWork]) -> list[Outcome]:
        """Post in a unit of work (retried on deadlock); ``tried`` receives each one used."""

        def work(uow: SqlUnitOfWork) -> list[Outcome]:
            tried.append(uow)
            return _post(uow, requests, self._limits)

        return run_with_retry(self._engine, work)


def _answer(
    batch: Sequence[tuple[Request, asyncio.Future[ledger.Posted]]], outcomes: Sequence[Outcome]
) -> None:
    """Resolve each waiting request with its outcome (an error is raised in the request)."""
    for n, (_, future) in enumerate(batch):
        if future.done():  # the client went away
            continue
        outcome = outcomes[n] if n < len(outcomes) else RuntimeError("no outcome for request")
        if isinstance(outcome, asyncio.CancelledError):
            future.cancel()
        elif isinstance(outcome, BaseException):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)


def _post(uow: SqlUnitOfWork, requests: Sequence[Request], limits: LedgerLimits) -> list[Outcome]:
    """Check the callers (tokens in one query), then post what they may post."""
    digests = {who.token_digest for _, who in requests if who.token_digest is not None}
    now = clock.now()
    holders = uow.users.users_for_tokens(digests, now) if digests else {}
    if holders:
        users.note_token_use(uow, holders, now=now)
    outcomes: list[Outcome | None] = [None] * len(requests)
    allowed: list[tuple[int, ledger.Command]] = []
    for n, (command, who) in enumerate(requests):
        try:
            user = who.user
            if who.token_digest is not None:
                user = users.token_holder(holders.get(who.token_digest))
            assert user is not None
            ensure_allowed(user, who.permission)
        except RxSupplyError as exc:
            outcomes[n] = exc
            continue
        allowed.append((n, replace(command, user=user.username)))
    if allowed:
        posted = ledger.post(uow, [c for _, c in allowed], clock=clock.current(), limits=limits)
        for (n, _), outcome in zip(allowed, posted, strict=True):
            outcomes[n] = outcome
    else:
        uow.rollback()
    done = [o for o in outcomes if o is not None]
    assert len(done) == len(requests)
    return done
