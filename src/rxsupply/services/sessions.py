"""Web sessions: start one for a signed-in user, check it is still live, end it.

The session key travels in a signed cookie (the signing is the web's business,
``rxsupply.entrypoints.http.security``); only its SHA-256 is stored, so a copy of the
database cannot be turned into sessions. Ending a session revokes its row: the cookie, and any
copy of it, stops working. Signing in itself is :func:`rxsupply.services.sign_in.sign_in`.
"""

from __future__ import annotations

import secrets

from rxsupply.domain.clock import Clock
from rxsupply.domain.users import User
from rxsupply.errors import AuthenticationFailed, NotFound
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.users import token_digest


def start_session(uow: UnitOfWork, *, user: User, clock: Clock) -> str:
    """A new session of ``user`` (signed in already); its key, for the cookie."""
    if user.id is None:
        raise NotFound("user", user.username)
    key = secrets.token_urlsafe(32)
    uow.users.add_session(token_digest(key), user.id, clock.now())
    uow.commit()
    return key


def check_session(uow: UnitOfWork, *, key: str, user_id: int) -> User:
    """The user of a live session: refused once it was ended (signed out) or when its user is
    gone or disabled."""
    if not uow.users.session_active(token_digest(key)):
        raise AuthenticationFailed("you signed out of this session; sign in again")
    stored = uow.users.get_by_id(user_id)
    if stored is None or not stored.user.active:
        raise AuthenticationFailed("the account is disabled; sign in again")
    return stored.user


def end_session(uow: UnitOfWork, *, key: str) -> None:
    """Sign a session out: its key works no more."""
    uow.users.revoke_session(token_digest(key))
    uow.commit()
