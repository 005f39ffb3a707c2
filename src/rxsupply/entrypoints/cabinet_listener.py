"""The cabinet interface's listener: HL7 v2 over MLLP (``rxsupply adc listen``).

Each connection is read message by message (MLLP blocks, python-hl7's asyncio streams); each
message is read by the profile (:mod:`rxsupply.adapters.hl7_cabinet`), posted by
:func:`rxsupply.services.cabinet.record_cabinet_message` in its own transaction on a worker
thread (the event loop keeps reading other cabinets' connections), and acknowledged on the
same connection before the next is read, so one cabinet's messages post in the order sent.
:class:`CabinetEndpoint` is the same answer for ``rxsupply adc post`` (a message file, no
socket) and the benchmark.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import hl7.mllp
from sqlalchemy import Engine

from rxsupply.adapters.hl7_cabinet import MAX_MESSAGE, ack, read_message
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.cabinet import (
    AckCode,
    CabinetAnswer,
    CabinetMessage,
    CabinetMessageRejected,
    ErrorCode,
    MessageProblem,
)
from rxsupply.domain.clock import Clock
from rxsupply.domain.limits import LedgerLimits
from rxsupply.services.cabinet import record_answer, record_cabinet_message

log = logging.getLogger("rxsupply.adc")
_mllp: Any = hl7.mllp  # python-hl7 has no type hints


@dataclass
class CabinetEndpoint:
    """Answers a cabinet's message text with its ACK text, posting it on the way; counts what
    it answered (the listener's status)."""

    engine: Engine
    clock: Callable[[], Clock]
    receiver: str
    limits: LedgerLimits | None = None
    counts: dict[str, int] = field(default_factory=lambda: {"AA": 0, "AE": 0, "AR": 0})
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def answer(self, text: str) -> tuple[CabinetAnswer, str]:
        """The answer to a message and its ACK."""
        clock = self.clock()
        try:
            message = read_message(text, zone=clock.zone)
        except CabinetMessageRejected as exc:
            answer = CabinetAnswer(
                ack=exc.ack,
                text=str(exc.problem),
                control_id=exc.control_id,
                sender=exc.sender,
                problem=exc.problem,
            )
            if exc.control_id:
                stub = CabinetMessage(
                    sender=exc.sender,
                    facility="",
                    control_id=exc.control_id,
                    message_type="",
                    version="",
                )
                with SqlUnitOfWork(self.engine) as uow:
                    record_answer(uow, stub, answer, clock=clock, receiver=self.receiver)
        else:
            try:
                with SqlUnitOfWork(self.engine) as uow:
                    answer = record_cabinet_message(
                        uow, message, clock=clock, receiver=self.receiver, limits=self.limits
                    )
            except Exception:  # never leave a cabinet without an answer
                log.exception("message %s from %s", message.control_id, message.sender)
                answer = CabinetAnswer(
                    ack=AckCode.ERROR,
                    text="internal error: nothing was posted; resend the message",
                    control_id=message.control_id,
                    sender=message.sender,
                    problem=MessageProblem(
                        ErrorCode.APPLICATION_ERROR, "", "internal error: nothing was posted"
                    ),
                )
        return answer, self.reply(answer, clock)

    def reply(self, answer: CabinetAnswer, clock: Clock) -> str:
        """The ACK of an answer, with the listener's own control id; counted."""
        self.counts[answer.ack.value] += 1
        now = clock.now()
        own = f"RX{now:%Y%m%d%H%M%S}{next(self._ids):06d}"
        return ack(answer, now=now, control_id=own)


async def serve(
    endpoint: CabinetEndpoint,
    *,
    host: str,
    port: int,
    workers: int = 1,
    ready: Callable[[int], None] | None = None,
) -> None:
    """Listen for MLLP connections until cancelled; ``ready`` is told the port bound."""
    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="adc")
    loop = asyncio.get_running_loop()

    async def connected(reader: Any, writer: Any) -> None:
        peer = writer.get_extra_info("peername")
        try:
            while True:
                try:
                    block: bytes = await reader.readblock()
                except asyncio.IncompleteReadError:
                    return  # the cabinet closed the connection
                except (ValueError, _mllp.InvalidBlockError) as exc:
                    log.warning("connection %s: %s", peer, exc)
                    writer.writeblock(_refusal(endpoint, str(exc)).encode())
                    await writer.drain()
                    return
                text = block.decode("utf-8", errors="replace")
                answer, reply = await loop.run_in_executor(pool, endpoint.answer, text)
                log.info(
                    "%s %s %s: %s", peer, answer.control_id, answer.ack.value, answer.text[:200]
                )
                writer.writeblock(reply.encode("utf-8"))
                await writer.drain()
        finally:
            writer.close()

    server = await _mllp.start_hl7_server(connected, host, port, limit=MAX_MESSAGE + 64)
    bound = server.sockets[0].getsockname()[1]
    if ready is not None:
        ready(int(bound))
    try:
        async with server:
            await server.serve_forever()
    finally:
        pool.shutdown(wait=True)


def _refusal(endpoint: CabinetEndpoint, reason: str) -> str:
    """The AR for a block that is not MLLP framing or is too long (its message unread)."""
    answer = CabinetAnswer(
        ack=AckCode.REJECT,
        text=reason[:200],
        problem=MessageProblem(ErrorCode.APPLICATION_ERROR, "", reason[:200]),
    )
    return endpoint.reply(answer, endpoint.clock())


async def send(messages: list[str], *, host: str, port: int, timeout: float = 30.0) -> list[str]:
    """Send messages over one MLLP connection, one at a time; their ACKs (what a cabinet
    does; ``rxsupply adc send`` and the tests)."""
    reader, writer = await asyncio.wait_for(
        _mllp.open_hl7_connection(host, port, limit=MAX_MESSAGE + 64), timeout
    )
    acks: list[str] = []
    try:
        for text in messages:
            writer.writeblock(text.encode("utf-8"))
            await writer.drain()
            block: bytes = await asyncio.wait_for(reader.readblock(), timeout)
            acks.append(block.decode("utf-8", errors="replace"))
    finally:
        writer.close()
    return acks
