"""Signing in with a password: limited per user and per address, recorded either way.

- **Per user**: ``user_failures`` wrong passwords within ``user_window`` of the first (the
  :class:`~rxsupply.domain.sign_in.SignInLimits`) lock the account until an admin unlocks it
  (:func:`rxsupply.services.users.unlock`); a right password resets the count.
- **Per address**: ``address_failures`` failed sign-ins from one client address within
  ``address_window`` refuse that address (:class:`~rxsupply.errors.TooManyRequests`, with
  when to try again) before any password is checked.

Both live in the database (``app_user.failed_count``, ``sign_in_attempt``), so every server
process sees the same counts. Every sign-in and every failure is in the audit trail with the
client's address; a failure answers :data:`~rxsupply.services.users.REFUSED` whatever its
reason, after exactly one password check, so neither the message nor the time tells an
unknown name from a wrong password.

A second user's password typed to approve a command (the two-person rule, :func:`approve`) is
checked and counted the same way: a wrong one is an ``approval_failed`` entry and counts
towards the approver's lockout, so a password cannot be guessed through an approval field.
"""

from __future__ import annotations

import math

from rxsupply.domain.clock import Clock
from rxsupply.domain.limits import Approval
from rxsupply.domain.sign_in import SignInLimits
from rxsupply.domain.users import User
from rxsupply.errors import AuthenticationFailed, PermissionDenied, TooManyRequests
from rxsupply.services.audit import record
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.users import REFUSED, PasswordHasher, checked


def _address_allowed(uow: UnitOfWork, *, address: str, clock: Clock, limits: SignInLimits) -> None:
    now = clock.now()
    failures = uow.users.failures_from(address, now - limits.address_window)
    if len(failures) >= limits.address_failures:
        frees_at = failures[len(failures) - limits.address_failures] + limits.address_window
        wait = math.ceil((frees_at - now).total_seconds())
        raise TooManyRequests(
            f"too many failed sign-ins from {address}; try again in {max(wait, 1)} s", wait
        )


def sign_in(
    uow: UnitOfWork,
    hasher: PasswordHasher,
    *,
    username: str,
    password: str,
    address: str,
    clock: Clock,
    limits: SignInLimits,
) -> User:
    """The user this name and password belong to, signed in (recorded, failures reset); else
    the failure recorded (and the account locked when it is one too many) and
    :class:`AuthenticationFailed`. An address with too many failures is refused first."""
    return _checked(
        uow,
        hasher,
        username=username,
        password=password,
        address=address,
        clock=clock,
        limits=limits,
        action="sign_in",
    )


def approve(
    uow: UnitOfWork,
    hasher: PasswordHasher,
    *,
    username: str,
    password: str,
    clock: Clock,
    limits: SignInLimits,
    address: str = "",
) -> Approval:
    """A second user confirming a command with their own password (two-person rule); whether
    their role may approve is checked by the command. A wrong name or password refuses the
    command (403, it does not sign the caller out) and counts as a failed sign-in of that
    user (``address``: the client's, when the face knows it)."""
    try:
        user = _checked(
            uow,
            hasher,
            username=username,
            password=password,
            address=address,
            clock=clock,
            limits=limits,
            action="approval",
        )
    except AuthenticationFailed:
        raise PermissionDenied(
            f"the second user {username.strip()!r} could not be confirmed: wrong name or "
            "password, or the account is disabled or locked"
        ) from None
    return Approval(user.username, user.role)


def _checked(
    uow: UnitOfWork,
    hasher: PasswordHasher,
    *,
    username: str,
    password: str,
    address: str,
    clock: Clock,
    limits: SignInLimits,
    action: str,
) -> User:
    if address:
        _address_allowed(uow, address=address, clock=clock, limits=limits)
    now = clock.now()
    stored, right = checked(uow, hasher, username=username, password=password)
    typed = username.strip()[:64] or "(blank)"
    if stored is None:
        reason = "unknown user"
    elif not stored.user.active:
        reason = "disabled"
    elif stored.locked_at is not None:
        reason = "locked"
    elif not right:
        reason = "wrong password"
    else:
        reason = ""
    name = typed if stored is None else stored.user.username
    if address:
        uow.users.record_attempt(
            username=name,
            address=address,
            succeeded=not reason,
            now=now,
            keep_after=now - limits.address_window,
        )
    if not reason:
        assert stored is not None and stored.user.id is not None
        uow.users.clear_failures(stored.user.id)
        if action == "sign_in":  # an approval is in the audit entry of the command it approves
            record(
                uow,
                user=name,
                action="sign_in",
                entity="user",
                key=name,
                now=now,
                after={"address": address},
            )
        uow.commit()
        return stored.user
    after: dict[str, object] = {"address": address, "reason": reason}
    if reason == "wrong password":
        assert stored is not None and stored.user.id is not None
        failures = uow.users.note_failure(stored.user.id, now, now - limits.user_window)
        after["failures"] = failures
        if failures >= limits.user_failures:
            uow.users.lock(stored.user.id, now)
            record(
                uow,
                user=name,
                action="lock_user",
                entity="user",
                key=name,
                now=now,
                after={"address": address, "failures": failures},
            )
    record(uow, user=name, action=f"{action}_failed", entity="user", key=name, now=now, after=after)
    uow.commit()
    raise AuthenticationFailed(REFUSED)
