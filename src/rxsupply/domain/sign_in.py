"""How many failed sign-ins are too many: per user (then the account locks) and per client
address (then the address waits). OWASP Authentication Cheat Sheet, "Protect against
automated attacks": account lockout after a few failures, and throttling by source."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from rxsupply.errors import InvalidValue


@dataclass(frozen=True, slots=True)
class SignInLimits:
    user_failures: int = 5
    user_window: timedelta = timedelta(minutes=15)
    address_failures: int = 20
    address_window: timedelta = timedelta(minutes=15)

    def __post_init__(self) -> None:
        for field in ("user_failures", "address_failures"):
            if getattr(self, field) < 1:
                raise InvalidValue(field, "at least 1", getattr(self, field))
        for field in ("user_window", "address_window"):
            if getattr(self, field) <= timedelta(0):
                raise InvalidValue(field, "a positive time", getattr(self, field))
