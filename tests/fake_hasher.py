"""A password hasher for tests that counts its checks: what a sign-in costs is the number of
password checks it makes (one, whatever the outcome), counted here rather than timed."""

from __future__ import annotations


class CountingHasher:
    """Stands in for argon2: a "hash" is the password with a prefix; every check is kept
    (the hash it was checked against) in :attr:`checked`."""

    DUMMY = "fake:dummy"

    def __init__(self) -> None:
        self.checked: list[str] = []

    def hash(self, password: str) -> str:
        return f"fake:{password}"

    def verify(self, password_hash: str, password: str) -> bool:
        self.checked.append(password_hash)
        return password_hash == f"fake:{password}"

    def dummy_hash(self) -> str:
        return self.DUMMY
