"""Benchmark: the cabinet interface's MLLP listener, messages acknowledged and posted per second.

Builds the example hospital (``examples/*.csv``) in a fresh SQLite file (or ``--db`` a
PostgreSQL URL, whose tables it creates and then empties of nothing: use a scratch database),
starts ``rxsupply adc listen``'s server in this process on a free port, and sends ``--messages``
HL7 v2 ``RDS^O13`` messages (one transaction each, dispenses and patient returns of one vial in
turn, so the pocket neither empties nor overflows) over MLLP, one at a time per connection as
a cabinet does, from 1 and from ``--cabinets`` connections at once. Every message is read by
the profile, posted through the ledger in its own transaction (its external id claimed, its
movement, on-hand change and audit entry written) and recorded, then acknowledged.

The peer, measured in the same run on the same connections: python-hl7's own MLLP server
answering every message at once with ``Message.create_ack()`` and posting nothing (the
ceiling that the framing, the parsing and the network leave).

    .venv/bin/python bench/mllp.py [--messages 2000] [--cabinets 4] [--db URL --workers 4]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, cast

import hl7
import hl7.mllp

from rxsupply.adapters.csv_files import read_csv_table
from rxsupply.adapters.database import make_engine, migrate
from rxsupply.adapters.hl7_cabinet import read_ack
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.cabinet_listener import CabinetEndpoint, send, serve
from rxsupply.services import imports

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
MSH = "MSH|^~\\&|PYXIS|MAIN-ED|RXSUPPLY|MAIN|20261120090000-0500||RDS^O13^RDS_O13|{id}|P|2.5.1"
RXD = "RXD|1|ONDA4INJ^ondansetron 4 mg/2 mL^RXITEM||1|VIAL|||||rn.jones^Jones^Ann|||{pocket}^^^MAIN"
POCKETS = ("ED-ADC1-P01", "ICU-ADC1-P01")


def messages(run: str, count: int, cabinet: int) -> list[str]:
    pocket = POCKETS[cabinet % len(POCKETS)]
    out = []
    for n in range(count):
        segments = [MSH.format(id=f"{run}-{cabinet}-{n}"), RXD.format(pocket=pocket)]
        if n % 2:
            segments.append("ZRX|R")
        out.append("\r".join(segments) + "\r")
    return out


def example_hospital(url: str) -> Any:
    engine = make_engine(url)
    migrate(engine)
    now = clock.current()
    for kind in ("items", "locations", "stock"):
        required, optional = imports.COLUMNS[kind]
        table = read_csv_table(EXAMPLES / f"{kind}.csv", required=required, optional=optional)
        with SqlUnitOfWork(engine) as uow:
            if kind == "items":
                imports.import_items(uow, table, now=now.now(), user="bench")
            elif kind == "locations":
                imports.import_locations(uow, table, now=now.now(), user="bench")
            else:
                imports.import_stock(uow, table, clock=now, user="bench")
    return engine


class Background:
    """A server coroutine on its own event loop in a thread; the port it bound."""

    def __init__(self, start: Callable[[Callable[[int], None]], Awaitable[None]]) -> None:
        self.loop = asyncio.new_event_loop()
        self.port = 0
        bound = threading.Event()

        def ready(port: int) -> None:
            self.port = port
            bound.set()

        def run() -> None:
            asyncio.set_event_loop(self.loop)
            self.task: asyncio.Task[None] = self.loop.create_task(cast(Any, start(ready)))
            with contextlib.suppress(asyncio.CancelledError):
                self.loop.run_until_complete(self.task)

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        bound.wait(30)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.task.cancel)
        self.thread.join(30)


async def bare_server(ready: Callable[[int], None]) -> None:
    """python-hl7's MLLP server acknowledging every message at once, posting nothing."""

    async def connected(reader: Any, writer: Any) -> None:
        try:
            while True:
                try:
                    message = await reader.readmessage()
                except asyncio.IncompleteReadError:
                    return
                writer.writemessage(message.create_ack())
                await writer.drain()
        finally:
            writer.close()

    server = await cast(Any, hl7.mllp).start_hl7_server(connected, "127.0.0.1", 0)
    ready(server.sockets[0].getsockname()[1])
    async with server:
        await server.serve_forever()


def timed(port: int, run: str, count: int, cabinets: int) -> tuple[float, int]:
    """Seconds to send ``count`` messages from each of ``cabinets`` connections at once, and
    how many were acknowledged AA."""

    async def all_of() -> list[list[str]]:
        return await asyncio.gather(
            *(send(messages(run, count, c), host="127.0.0.1", port=port) for c in range(cabinets))
        )

    began = time.perf_counter()
    replies = asyncio.run(all_of())
    seconds = time.perf_counter() - began
    accepted = sum(1 for r in replies for a in r if read_ack(a)[0] == "AA")
    return seconds, accepted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--cabinets", type=int, default=4)
    parser.add_argument("--db", default=None, help="A database URL (default: a temp SQLite file)")
    parser.add_argument("--workers", type=int, default=1, help="Messages posted at once")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine = example_hospital(url)
        endpoint = CabinetEndpoint(engine=engine, clock=clock.current, receiver="bench")
        ours = Background(
            lambda ready: serve(
                endpoint, host="127.0.0.1", port=0, workers=args.workers, ready=ready
            )
        )
        peer = Background(bare_server)
        timed(ours.port, "warm", 20, 1)
        timed(peer.port, "warm", 20, 1)
        print(
            f"\n## MLLP listener, {engine.dialect.name}, {args.workers} worker(s), "
            f"{args.messages:,} messages a connection"
        )
        print("| connections | rxsupply (posted) msg/s | python-hl7 ACK only msg/s | ratio |")
        print("|---:|---:|---:|---:|")
        for cabinets in (1, args.cabinets):
            seconds, accepted = timed(ours.port, f"run{cabinets}", args.messages, cabinets)
            total = args.messages * cabinets
            assert accepted == total, f"only {accepted} of {total} accepted"
            peer_seconds, _ = timed(peer.port, f"peer{cabinets}", args.messages, cabinets)
            rate, peer_rate = total / seconds, total / peer_seconds
            print(f"| {cabinets} | {rate:,.0f} | {peer_rate:,.0f} | {rate / peer_rate:.2f}x |")
        ours.stop()
        peer.stop()
        engine.dispose()


if __name__ == "__main__":
    main()
