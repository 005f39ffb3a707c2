"""Posting one ledger command from a request, and the second user who approves one: what the
API's write endpoints and the web's forms both do."""

from __future__ import annotations

from sqlalchemy import Engine

from rxsupply.adapters.passwords import Argon2Hasher
from rxsupply.adapters.unit_of_work import SqlUnitOfWork, run_with_retry
from rxsupply.config import load_settings
from rxsupply.domain.limits import Approval
from rxsupply.entrypoints import clock
from rxsupply.errors import InvalidValue
from rxsupply.services import ledger, sign_in


def post_command(engine: Engine, command: ledger.Command) -> ledger.Posted:
    """Post one command now (retried on a deadlock) with the clock and the settings' limits;
    its error is raised."""
    limits = load_settings().limits()
    return run_with_retry(
        engine,
        lambda uow: ledger.post_one(uow, command, clock=clock.current(), limits=limits),
    )


def approval_of(engine: Engine, username: str | None, password: str | None) -> Approval | None:
    """The second user who approves a command, signed in with their own password; None when
    none is named."""
    if not username or not username.strip():
        return None
    if not password:
        raise InvalidValue("approver_password", "the second user types their own password")
    with SqlUnitOfWork(engine) as uow:  # a wrong password is recorded and counted
        return sign_in.approve(
            uow,
            Argon2Hasher(),
            username=username,
            password=password,
            clock=clock.current(),
            limits=load_settings().sign_in_limits(),
        )
