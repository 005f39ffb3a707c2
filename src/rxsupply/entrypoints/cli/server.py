"""``rxsupply serve``: the web UI and REST API (who may use them: ``accounts``)."""

from __future__ import annotations

import threading
import time
from typing import Annotated

import typer

from rxsupply.entrypoints.cli.context import app, database_url, engine, err, state


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker threads per process.")] = 40,
    processes: Annotated[
        int,
        typer.Option(
            min=1, max=64, help="Server processes (use the machine's cores on PostgreSQL)."
        ),
    ] = 1,
) -> None:
    """Serve the web UI and the REST API (OpenAPI at /docs)."""
    import anyio.to_thread
    import uvicorn

    from rxsupply.entrypoints.app import create_app
    from rxsupply.entrypoints.kpi import warm_up
    from rxsupply.entrypoints.serving import server_config

    if processes > 1:
        from rxsupply.entrypoints.processes import serve_processes

        url = database_url(state.db)
        engine()  # migrate once before the processes start
        err.print(f"rxsupply on http://{host}:{port}  ({processes} processes; API docs at /docs)")
        serve_processes(url, host=host, port=port, processes=processes, threads=workers)
        return

    async def more_threads() -> None:
        anyio.to_thread.current_default_thread_limiter().total_tokens = workers

    web = create_app(engine())
    web.router.on_startup.append(more_threads)
    server = uvicorn.Server(server_config(web, host=host, port=port))

    def warm_up_once_serving() -> None:
        """The first dashboard after a start as fast as the next: computed beside the server
        once it answers (a dashboard asked for before then computes its own figures)."""
        while not server.started and not server.should_exit:
            time.sleep(0.1)
        warm_up(engine())

    threading.Thread(target=warm_up_once_serving, name="warm-up", daemon=True).start()
    err.print(f"rxsupply on http://{host}:{port}  (API docs at /docs)")
    server.run()
