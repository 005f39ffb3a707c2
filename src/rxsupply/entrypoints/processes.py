"""Several server processes on one port, for PostgreSQL deployments.

Each process opens its own listening socket with ``SO_REUSEPORT``, so the kernel spreads new
connections evenly across them (one shared socket, as in ``uvicorn --workers``, lets a busy
process keep accepting most of the long-lived keep-alive connections of integrations).
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import signal
import socket
from types import FrameType

import anyio.to_thread
import uvicorn

from rxsupply.adapters.database import make_engine
from rxsupply.entrypoints.app import create_app
from rxsupply.entrypoints.kpi import warm_up
from rxsupply.entrypoints.serving import server_config


def _listen(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    return sock


def _serve_one(url: str, host: str, port: int, threads: int) -> None:
    engine = make_engine(url)
    app = create_app(engine)
    warm_up(engine)  # the first dashboard after a start as fast as the next

    async def more_threads() -> None:
        anyio.to_thread.current_default_thread_limiter().total_tokens = threads

    app.router.on_startup.append(more_threads)
    server = uvicorn.Server(server_config(app))
    server.run(sockets=[_listen(host, port)])


def serve_processes(url: str, *, host: str, port: int, processes: int, threads: int) -> None:
    """Run ``processes`` servers until interrupted or terminated; stop them all when one
    stops."""

    def _stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _stop)
    context = multiprocessing.get_context("spawn")
    children = [
        context.Process(target=_serve_one, args=(url, host, port, threads), daemon=True)
        for _ in range(processes)
    ]
    for child in children:
        child.start()
    try:
        multiprocessing.connection.wait([c.sentinel for c in children])
    except KeyboardInterrupt:
        pass
    finally:
        for child in children:
            child.terminate()
        for child in children:
            child.join(timeout=10)
