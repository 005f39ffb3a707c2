"""``rxsupply serve`` and ``rxsupply users ...``: the web UI and REST API, and who may use them."""

from __future__ import annotations

from typing import Annotated

import typer

from rxsupply.adapters.passwords import Argon2Hasher
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.users import Permission, Role
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.context import app, database_url, emit, engine, err, out, state
from rxsupply.services import users


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
    warm_up(engine())  # the first dashboard after a start as fast as the next
    web.router.on_startup.append(more_threads)
    err.print(f"rxsupply on http://{host}:{port}  (API docs at /docs)")
    uvicorn.Server(server_config(web, host=host, port=port)).run()


users_app = typer.Typer(
    help="People and integrations who use the web UI and API.", no_args_is_help=True
)
app.add_typer(users_app, name="users")


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[Role, typer.Option(help="admin, manager, buyer, technician or compliance.")],
    name: Annotated[str, typer.Option(help="Display name.")] = "",
    password: Annotated[
        str | None, typer.Option(help="Password (prompted when left out; at least 10 characters).")
    ] = None,
    token: Annotated[
        str | None, typer.Option(help="Also issue an API token with this name (printed once).")
    ] = None,
) -> None:
    """Add a user."""
    secret = password or typer.prompt("password", hide_input=True, confirmation_prompt=True)
    with SqlUnitOfWork(engine()) as uow:
        user = users.add_user(
            uow,
            Argon2Hasher(),
            username=username,
            display_name=name,
            role=role,
            password=secret,
            now=context.now(),
            by=context.user(Permission.MANAGE_USERS),
        )
    out.print(f"added {user.username} ({user.role.value})")
    if token:
        with SqlUnitOfWork(engine()) as uow:
            issued = users.issue_token(
                uow,
                username=user.username,
                name=token,
                now=context.now(),
                by=context.user(Permission.MANAGE_USERS),
            )
        out.print(f"API token {issued.name}: {issued.token}")


@users_app.command("list")
def users_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
) -> None:
    """List users."""
    with SqlUnitOfWork(engine(), readonly=True) as uow:
        rows = [
            {
                "username": u.username,
                "display_name": u.display_name,
                "role": u.role.value,
                "active": u.active,
            }
            for u in uow.users.all()
        ]
    emit(rows, as_json=as_json, title="Users")


@users_app.command("disable")
def users_disable(username: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Disable a user: sessions and API tokens stop working at once."""
    with SqlUnitOfWork(engine()) as uow:
        users.set_active(
            uow,
            username=username,
            active=False,
            now=context.now(),
            by=context.user(Permission.MANAGE_USERS),
        )
    out.print(f"disabled {username}")


@users_app.command("token")
def users_token(
    username: Annotated[str, typer.Argument(help="Login name.")],
    name: Annotated[str, typer.Option(help="What the token is for.")] = "integration",
) -> None:
    """Issue an API token for a user (printed once; only its hash is stored)."""
    with SqlUnitOfWork(engine()) as uow:
        issued = users.issue_token(
            uow,
            username=username,
            name=name,
            now=context.now(),
            by=context.user(Permission.MANAGE_USERS),
        )
    out.print(issued.token)
