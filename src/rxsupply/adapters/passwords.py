"""argon2id password hashing (argon2-cffi's recommended parameters)."""

from __future__ import annotations

import functools
import secrets

from argon2 import PasswordHasher as _Argon2
from argon2.exceptions import InvalidHashError, VerificationError


class Argon2Hasher:
    def __init__(self) -> None:
        self._ph = _Argon2()

    def hash(self, password: str) -> str:
        return self._ph.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._ph.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def dummy_hash(self) -> str:
        """A hash of a random secret no one knows, with the same parameters as every real
        hash (made once per process): verifying against it costs what a real check costs."""
        return _dummy(self._ph.time_cost, self._ph.memory_cost, self._ph.parallelism)


@functools.cache
def _dummy(time_cost: int, memory_cost: int, parallelism: int) -> str:
    hasher = _Argon2(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)
    return hasher.hash(secrets.token_urlsafe(32))
