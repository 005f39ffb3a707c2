"""Users, passwords, API tokens and the secret that signs sessions.

Signing in with its limits and record is :mod:`rxsupply.services.sign_in`; changing a password
:mod:`rxsupply.services.passwords`."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from rxsupply.domain import usernames
from rxsupply.domain.users import Permission, Role, User, check_password_strength
from rxsupply.errors import (
    AlreadyExists,
    AuthenticationFailed,
    InvalidValue,
    NotFound,
    PermissionDenied,
)
from rxsupply.services.audit import record
from rxsupply.services.ports import StoredUser, TokenInfo, TokenUse, UnitOfWork

REFUSED = "wrong username or password, or the account is locked or disabled"
"""What every failed sign-in is told, whatever the reason: no one learns which names exist."""
TOKEN_DAYS = 90
"""How long a new API token works unless told otherwise (``RXSUPPLY_TOKEN_DAYS``)."""
TOKEN_USE_GRAIN = timedelta(minutes=5)
"""A token's last use is written at most this often (a read is not a write each time)."""


class PasswordHasher(Protocol):
    """argon2 in production (``rxsupply.adapters.passwords``)."""

    def hash(self, password: str) -> str: ...
    def verify(self, password_hash: str, password: str) -> bool: ...
    def dummy_hash(self) -> str:
        """A hash of no one's password, as costly to verify as a real one: what an unknown
        or disabled user's password is checked against, so they answer as slowly."""
        ...


@dataclass(frozen=True, slots=True)
class IssuedToken:
    name: str
    token: str  # shown once; only its SHA-256 is stored
    id: int = 0
    expires_at: datetime | None = None


def with_address(after: dict[str, object], address: str) -> dict[str, object]:
    """An audit entry's ``after``, with the client address the change came from when there
    is one (the API and the pages; the command line has none)."""
    return {**after, "address": address} if address else after


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
    name = usernames.normalised(username)
    check_password_strength(password, username=name)
    user = User(username=name, display_name=display_name.strip() or name, role=role)
    taken = uow.users.get(name)
    if taken is not None:
        raise AlreadyExists(
            "username",
            name,
            "already taken"
            if taken.user.username == name
            else f"looks like the existing user {taken.user.username!r}",
        )
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


def checked(
    uow: UnitOfWork, hasher: PasswordHasher, *, username: str, password: str
) -> tuple[StoredUser | None, bool]:
    """The user of this name (or its look-alike key) and whether the password is theirs:
    always exactly one password check, against the dummy hash when there is no such user, so
    an unknown name answers as slowly as a wrong password."""
    stored = uow.users.get(username.strip())
    known = stored.password_hash if stored is not None else hasher.dummy_hash()
    right = hasher.verify(known, password)
    return stored, right and stored is not None


def authenticate(uow: UnitOfWork, hasher: PasswordHasher, *, username: str, password: str) -> User:
    """The active, unlocked user this name and password belong to, else
    :class:`AuthenticationFailed` (:data:`REFUSED`). Records nothing: signing in through the
    faces is :func:`rxsupply.services.sign_in.sign_in`."""
    stored, right = checked(uow, hasher, username=username, password=password)
    if stored is None or not right or not stored.user.active or stored.locked_at is not None:
        raise AuthenticationFailed(REFUSED)
    return stored.user


def issue_token(
    uow: UnitOfWork,
    *,
    username: str,
    name: str,
    now: datetime,
    by: str,
    days: int = TOKEN_DAYS,
    address: str = "",
) -> IssuedToken:
    """A new API token for ``username`` working ``days`` days (1 to 3650: none works
    forever); ``address``: the client the request came from (in the audit entry), if any."""
    if not 1 <= days <= 3650:
        raise InvalidValue("days", "a token works 1 to 3650 days", days)
    if not name.strip() or len(name) > 100:
        raise InvalidValue("name", "1-100 characters", name)
    stored = uow.users.get(username)
    if stored is None or stored.user.id is None:
        raise NotFound("user", username)
    token = "rxs_" + secrets.token_urlsafe(32)
    expires = now + timedelta(days=days)
    token_id = uow.users.add_token(stored.user.id, name.strip(), token_digest(token), now, expires)
    record(
        uow,
        user=by,
        action="issue_token",
        entity="user",
        key=stored.user.username,
        now=now,
        after=with_address({"token": name.strip(), "id": token_id, "expires_at": expires}, address),
    )
    uow.commit()
    return IssuedToken(name.strip(), token, token_id, expires)


def list_tokens(uow: UnitOfWork, *, username: str) -> list[TokenInfo]:
    """A user's API tokens, revoked and expired ones too; never their secrets."""
    stored = uow.users.get(username)
    if stored is None or stored.user.id is None:
        raise NotFound("user", username)
    return uow.users.tokens(stored.user.id)


def revoke_token(
    uow: UnitOfWork,
    *,
    token_id: int,
    now: datetime,
    by: str,
    owner: str | None = None,
    address: str = "",
) -> TokenInfo:
    """Revoke one API token: it is refused from now on. With ``owner``, only a token of that
    user (someone revoking their own); another's is :class:`NotFound`, as an unknown id."""
    found = uow.users.token(token_id)
    if found is None or (owner is not None and found.username != owner):
        raise NotFound("API token", token_id)
    uow.users.revoke_token(token_id, now)
    record(
        uow,
        user=by,
        action="revoke_token",
        entity="user",
        key=found.username,
        now=now,
        before={"revoked": found.revoked},
        after=with_address({"token": found.name, "id": token_id, "revoked": True}, address),
    )
    uow.commit()
    return found


def live_token(uow: UnitOfWork, token: str, *, now: datetime) -> TokenUse:
    """The user of a live API token (not revoked, not expired, user active) and the token's
    last use, else :class:`AuthenticationFailed`. Reads only."""
    use = uow.users.token_use(token_digest(token), now)
    token_holder(None if use is None else use.user)
    assert use is not None
    return use


def use_to_note(use: TokenUse, now: datetime) -> bool:
    """Whether a token's use is worth writing down: at most every :data:`TOKEN_USE_GRAIN`."""
    return use.last_used_at is None or use.last_used_at < now - TOKEN_USE_GRAIN


def note_token_use(uow: UnitOfWork, token_digests: Iterable[str], *, now: datetime) -> None:
    """Stamp the tokens' last use (those not stamped within :data:`TOKEN_USE_GRAIN`), in the
    caller's transaction (the caller commits)."""
    uow.users.touch_tokens(token_digests, now, now - TOKEN_USE_GRAIN)


def token_holder(user: User | None) -> User:
    """The user a token was issued to, unless the token is unknown, revoked or expired, or its
    user disabled."""
    if user is None or not user.active:
        raise AuthenticationFailed("unknown, revoked or expired API token")
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
    key = usernames.key(name)
    match = next((u for u in known if u.username == name), None) or next(
        (u for u in known if usernames.key(u.username) == key), None
    )
    if match is None or not match.active:
        raise AuthenticationFailed(
            f"unknown or disabled user {name!r}: act as one of the users "
            "(rxsupply users list), with --user or RXSUPPLY_USER"
        )
    if needs is not None and not match.can(needs):
        raise PermissionDenied(f"{name} ({match.role.value}) may not {needs.value}")
    return match.username


def unlock(uow: UnitOfWork, *, username: str, now: datetime, by: str, address: str = "") -> None:
    """Lift a lockout (too many failed sign-ins): the user may sign in again, their failure
    count starts afresh."""
    stored = uow.users.get(username)
    if stored is None or stored.user.id is None:
        raise NotFound("user", username)
    uow.users.clear_failures(stored.user.id)
    record(
        uow,
        user=by,
        action="unlock_user",
        entity="user",
        key=stored.user.username,
        now=now,
        before={"locked_at": stored.locked_at},
        after=with_address({"locked_at": None}, address),
    )
    uow.commit()
