"""Users, passwords, API tokens and the secret that signs sessions."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from rxsupply.domain.limits import Approval
from rxsupply.domain.users import Permission, Role, User, check_password_strength
from rxsupply.errors import AuthenticationFailed, InvalidValue, NotFound, PermissionDenied
from rxsupply.services.audit import record
from rxsupply.services.ports import UnitOfWork


class PasswordHasher(Protocol):
    """argon2 in production (``rxsupply.adapters.passwords``)."""

    def hash(self, password: str) -> str: ...
    def verify(self, password_hash: str, password: str) -> bool: ...


@dataclass(frozen=True, slots=True)
class IssuedToken:
    name: str
    token: str  # shown once; only its SHA-256 is stored


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_user(
    uow: UnitOfWork,
    hasher: PasswordHasher,
    *,
    username: str,
    display_name: str,
    role: Role,
    password: str,
    now: datetime,
    by: str,
) -> User:
    check_password_strength(password)
    user = User(username=username.strip(), display_name=display_name.strip() or username, role=role)
    if uow.users.get(user.username) is not None:
        raise InvalidValue("username", "already taken", user.username)
    user.id = uow.users.add(user, hasher.hash(password), now)
    record(
        uow,
        user=by,
        action="add_user",
        entity="user",
        key=user.username,
        now=now,
        after={"role": role.value, "display_name": user.display_name},
    )
    uow.commit()
    return user


def set_active(uow: UnitOfWork, *, username: str, active: bool, now: datetime, by: str) -> None:
    stored = uow.users.get(username)
    if stored is None:
        raise NotFound("user", username)
    uow.users.set_active(username, active)
    record(
        uow,
        user=by,
        action="enable_user" if active else "disable_user",
        entity="user",
        key=username,
        now=now,
        before={"active": stored.user.active},
        after={"active": active},
    )
    uow.commit()


def authenticate(uow: UnitOfWork, hasher: PasswordHasher, *, username: str, password: str) -> User:
    stored = uow.users.get(username.strip())
    if (
        stored is None
        or not stored.user.active
        or not hasher.verify(stored.password_hash, password)
    ):
        raise AuthenticationFailed("wrong username or password, or the account is disabled")
    return stored.user


def issue_token(
    uow: UnitOfWork, *, username: str, name: str, now: datetime, by: str
) -> IssuedToken:
    stored = uow.users.get(username)
    if stored is None or stored.user.id is None:
        raise NotFound("user", username)
    token = "rxs_" + secrets.token_urlsafe(32)
    uow.users.add_token(stored.user.id, name, token_digest(token), now)
    record(
        uow,
        user=by,
        action="issue_token",
        entity="user",
        key=username,
        now=now,
        after={"token": name},
    )
    uow.commit()
    return IssuedToken(name, token)


def user_for_token(uow: UnitOfWork, token: str) -> User:
    return token_holder(uow.users.user_for_token(token_digest(token)))


def token_holder(user: User | None) -> User:
    """The user a token was issued to, unless the token is unknown, revoked or its user
    disabled."""
    if user is None or not user.active:
        raise AuthenticationFailed("unknown or revoked API token")
    return user


def session_secret(uow: UnitOfWork) -> str:
    """The key that signs session cookies: made once per database and kept in it."""
    value = uow.users.setting("session_secret")
    if value is None:
        uow.users.put_setting("session_secret", secrets.token_urlsafe(48))
        uow.commit()
        value = uow.users.setting("session_secret")
    assert value is not None
    return value


def acting_user(uow: UnitOfWork, username: str, needs: Permission | None = None) -> str:
    """The name a command-line write is recorded under. Once a database has users it must be
    one of them, active, and allowed what the command ``needs`` (a typo or a departed user is
    refused); a database without users yet (a new install, the demo being built) takes any
    well-formed name."""
    name = username.strip()
    User(username=name, display_name=name, role=Role.TECHNICIAN)  # checks the form
    known = uow.users.all()
    if not known:
        return name
    match = next((u for u in known if u.username == name), None)
    if match is None or not match.active:
        raise AuthenticationFailed(
            f"unknown or disabled user {name!r}: act as one of the users "
            "(rxsupply users list), with --user or RXSUPPLY_USER"
        )
    if needs is not None and not match.can(needs):
        raise PermissionDenied(f"{name} ({match.role.value}) may not {needs.value}")
    return name


def approve(uow: UnitOfWork, hasher: PasswordHasher, *, username: str, password: str) -> Approval:
    """A second user confirming a command with their own password (two-person rule); whether
    their role may approve is checked by the command. A wrong name or password refuses the
    command (403), it does not sign the caller out."""
    try:
        user = authenticate(uow, hasher, username=username, password=password)
    except AuthenticationFailed:
        raise PermissionDenied(
            f"the second user {username.strip()!r} could not be confirmed: wrong name or "
            "password, or the account is disabled"
        ) from None
    return Approval(user.username, user.role)
