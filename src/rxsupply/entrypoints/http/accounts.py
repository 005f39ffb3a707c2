"""What the API and the pages show of accounts: a user's row and an API token's row (never its
secret), with the token's state on the clock's day."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rxsupply.domain.users import User
from rxsupply.services.ports import TokenInfo


def user_row(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role.value,
        "active": user.active,
        "locked_at": user.locked_at.isoformat() if user.locked_at else None,
    }


def token_state(token: TokenInfo, now: datetime) -> str:
    """``revoked``, ``expired`` or ``live``."""
    if token.revoked:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= now:
        return "expired"
    return "live"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def token_row(token: TokenInfo, now: datetime) -> dict[str, Any]:
    return {
        "id": token.id,
        "username": token.username,
        "name": token.name,
        "created_at": _iso(token.created_at),
        "expires_at": _iso(token.expires_at),
        "last_used_at": _iso(token.last_used_at),
        "revoked_at": _iso(token.revoked_at),
        "state": token_state(token, now),
    }
