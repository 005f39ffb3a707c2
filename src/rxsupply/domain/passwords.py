"""The password rule: long enough, not blank, not the username, not a common password.

NIST SP 800-63B section 5.1.1.2: at least 8 characters (we ask 10), no composition rules, and
"compare the prospective secret against a list that contains values known to be commonly-used,
expected, or compromised" (passwords from breach corpuses, the username itself). The list ships
in the package (``common_passwords.txt``); nothing is fetched at run time.
"""

from __future__ import annotations

import functools
import unicodedata
from importlib import resources

from rxsupply.errors import InvalidValue

MIN_LENGTH = 10


@functools.cache
def common_passwords() -> frozenset[str]:
    """The common passwords, case-folded (read once from the package's data file)."""
    text = resources.files("rxsupply.domain").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def check_password_strength(password: str, *, username: str = "") -> None:
    """Refuse (``InvalidValue`` on ``password``, with the reason) a blank or whitespace-only
    password, one shorter than :data:`MIN_LENGTH`, the username (in any case, or reversed) and
    one of the common passwords."""
    if not password.strip():
        raise InvalidValue("password", "must not be blank or only spaces")
    if len(password) < MIN_LENGTH:
        raise InvalidValue("password", f"use at least {MIN_LENGTH} characters")
    folded = _folded(password.strip())
    name = _folded(username.strip())
    if name and folded in (name, name[::-1]):
        raise InvalidValue("password", "must not be the username")
    if len(set(folded)) < 3:
        raise InvalidValue("password", "must not repeat one or two characters")
    if folded in common_passwords():
        raise InvalidValue("password", "is one of the most common passwords; choose another")
