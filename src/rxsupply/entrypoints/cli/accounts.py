"""``rxsupply users ...``: who may use the web UI and the API: accounts, lockouts, passwords
and API tokens."""

from __future__ import annotations

from typing import Annotated

import typer

from rxsupply.adapters.passwords import Argon2Hasher
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.config import load_settings
from rxsupply.domain.users import Permission, Role
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.context import app, emit, engine, out
from rxsupply.entrypoints.http.accounts import token_row, user_row
from rxsupply.services import passwords, users

users_app = typer.Typer(
    help="People and integrations who use the web UI and API.", no_args_is_help=True
)
app.add_typer(users_app, name="users")

Days = Annotated[
    int | None,
    typer.Option(min=1, max=3650, help="Days the token works (RXSUPPLY_TOKEN_DAYS, 90)."),
]


def _issue(username: str, name: str, days: int | None) -> users.IssuedToken:
    with SqlUnitOfWork(engine()) as uow:
        return users.issue_token(
            uow,
            username=username,
            name=name,
            now=context.now(),
            by=context.user(Permission.MANAGE_USERS),
            days=days or load_settings().token_days,
        )


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
    days: Days = None,
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
        issued = _issue(user.username, token, days)
        out.print(f"API token {issued.name}: {issued.token}")


@users_app.command("list")
def users_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
) -> None:
    """List users (a locked one shows when it was locked)."""
    with SqlUnitOfWork(engine(), readonly=True) as uow:
        rows = [user_row(u) for u in uow.users.all()]
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


@users_app.command("unlock")
def users_unlock(username: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Lift a lockout (too many failed sign-ins): the user may sign in again."""
    with SqlUnitOfWork(engine()) as uow:
        users.unlock(
            uow, username=username, now=context.now(), by=context.user(Permission.MANAGE_USERS)
        )
    out.print(f"unlocked {username}")


@users_app.command("passwd")
def users_passwd(
    username: Annotated[str, typer.Argument(help="Login name.")],
    password: Annotated[
        str | None, typer.Option(help="The new password (prompted when left out).")
    ] = None,
    current: Annotated[
        str | None,
        typer.Option(help="Your current password, changing your own (prompted when left out)."),
    ] = None,
    revoke_tokens: Annotated[
        bool, typer.Option("--revoke-tokens", help="Also revoke all the user's API tokens.")
    ] = False,
) -> None:
    """Change a password: your own (with your current one) or, as an admin, anyone's. The
    user's web sessions end; API tokens stay unless --revoke-tokens."""
    actor = context.user()
    with SqlUnitOfWork(engine(), readonly=True) as uow:
        stored = uow.users.get(username)
    own = stored is not None and stored.user.username == actor
    if not own:
        actor = context.user(Permission.MANAGE_USERS)
    old = (current or typer.prompt("current password", hide_input=True)) if own else ""
    secret = password or typer.prompt("new password", hide_input=True, confirmation_prompt=True)
    with SqlUnitOfWork(engine()) as uow:
        if own:
            passwords.change_password(
                uow,
                Argon2Hasher(),
                username=actor,
                current_password=old,
                new_password=secret,
                now=context.now(),
                revoke_tokens=revoke_tokens,
            )
        else:
            passwords.reset_password(
                uow,
                Argon2Hasher(),
                username=username,
                new_password=secret,
                now=context.now(),
                by=actor,
                revoke_tokens=revoke_tokens,
            )
    out.print(f"password of {username} changed; its web sessions ended")


@users_app.command("token")
def users_token(
    username: Annotated[str, typer.Argument(help="Login name.")],
    name: Annotated[str, typer.Option(help="What the token is for.")] = "integration",
    days: Days = None,
) -> None:
    """Issue an API token for a user (printed once; only its hash is stored)."""
    out.print(_issue(username, name, days).token)


@users_app.command("tokens")
def users_tokens(
    username: Annotated[str, typer.Argument(help="Login name.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
) -> None:
    """A user's API tokens: id, name, created, expires, last used, state (never the secret)."""
    context.user(Permission.MANAGE_USERS)
    now = context.now()
    with SqlUnitOfWork(engine(), readonly=True) as uow:
        rows = [token_row(t, now) for t in users.list_tokens(uow, username=username)]
    emit(rows, as_json=as_json, title=f"API tokens of {username}")


@users_app.command("revoke-token")
def users_revoke_token(
    token_id: Annotated[int, typer.Argument(help="The token's id (rxsupply users tokens).")],
) -> None:
    """Revoke one API token: refused from now on."""
    with SqlUnitOfWork(engine()) as uow:
        found = users.revoke_token(
            uow, token_id=token_id, now=context.now(), by=context.user(Permission.MANAGE_USERS)
        )
    out.print(f"revoked token {token_id} ({found.name}) of {found.username}")
