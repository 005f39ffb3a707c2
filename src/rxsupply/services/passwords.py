"""Changing a password: the user themselves (with their current one) or an admin's reset.

A new password passes the password rule (:func:`rxsupply.domain.passwords.
check_password_strength`); the change ends the user's other web sessions (the one it was made
from, if any, stays signed in) and keeps their API tokens unless told to revoke them too. Both
are in the audit trail.
"""

from __future__ import annotations

from datetime import datetime

from rxsupply.domain.passwords import check_password_strength
from rxsupply.errors import InvalidValue, NotFound
from rxsupply.services.audit import record
from rxsupply.services.ports import StoredUser, UnitOfWork
from rxsupply.services.users import PasswordHasher, checked, token_digest, with_address


def _replace(
    uow: UnitOfWork,
    hasher: PasswordHasher,
    stored: StoredUser,
    *,
    new_password: str,
    now: datetime,
    by: str,
    action: str,
    keep_session: str | None,
    revoke_tokens: bool,
    address: str,
) -> None:
    user = stored.user
    assert user.id is not None
    check_password_strength(new_password, username=user.username)
    uow.users.set_password(user.id, hasher.hash(new_password), now)
    keep = None if keep_session is None else token_digest(keep_session)
    ended = uow.users.revoke_sessions(user.id, keep=keep)
    revoked = uow.users.revoke_tokens(user.id, now) if revoke_tokens else 0
    record(
        uow,
        user=by,
        action=action,
        entity="user",
        key=user.username,
        now=now,
        after=with_address({"sessions_ended": ended, "tokens_revoked": revoked}, address),
    )
    uow.commit()


def change_password(
    uow: UnitOfWork,
    hasher: PasswordHasher,
    *,
    username: str,
    current_password: str,
    new_password: str,
    now: datetime,
    keep_session: str | None = None,
    revoke_tokens: bool = False,
    address: str = "",
) -> None:
    """A user changing their own password; the current one must be right
    (:class:`InvalidValue` on ``current_password`` otherwise). ``keep_session``: the key of the
    session the change was made from, which stays signed in."""
    stored, right = checked(uow, hasher, username=username, password=current_password)
    if stored is None:
        raise NotFound("user", username)
    if not right:
        raise InvalidValue("current_password", "is not your current password")
    _replace(
        uow,
        hasher,
        stored,
        new_password=new_password,
        now=now,
        by=stored.user.username,
        action="change_password",
        keep_session=keep_session,
        revoke_tokens=revoke_tokens,
        address=address,
    )


def reset_password(
    uow: UnitOfWork,
    hasher: PasswordHasher,
    *,
    username: str,
    new_password: str,
    now: datetime,
    by: str,
    revoke_tokens: bool = False,
    address: str = "",
) -> None:
    """An admin setting someone's password (forgotten, or taken over): all their sessions
    end. The lockout, if any, stays until it is lifted on its own (``unlock``)."""
    stored = uow.users.get(username)
    if stored is None:
        raise NotFound("user", username)
    _replace(
        uow,
        hasher,
        stored,
        new_password=new_password,
        now=now,
        by=by,
        action="reset_password",
        keep_session=None,
        revoke_tokens=revoke_tokens,
        address=address,
    )
