"""Usernames people cannot be fooled by: one spelling, one script, no look-alikes.

A new username is normalised to Unicode NFKC (UAX #15), so full-width ``ａｄｍｉｎ`` becomes
``admin``; its letters must come from one script (UTS #39 section 5.1, "single script"), so a
Latin name with one Cyrillic ``а`` in it is refused. Names are compared by their :func:`key`:
NFKC, case-folded, and with the Cyrillic and Greek letters that look like Latin ones (UTS #39
confusables, the common ones) read as those Latin letters, so ``АDMIN`` in Cyrillic and
``admin`` are the same name and the second is refused as taken. Usernames made before these
rules keep working (:class:`~rxsupply.domain.users.User` checks only their form).
"""

from __future__ import annotations

import unicodedata

from rxsupply.errors import InvalidValue

MAX_LENGTH = 64
PUNCTUATION = "._-@"

# Cyrillic and Greek letters (case-folded) drawn like a Latin letter: UTS #39 confusables.txt,
# the single-letter prototypes among a-z.
LOOK_ALIKES = str.maketrans(
    {
        "а": "a", "в": "b", "с": "c", "ԁ": "d", "е": "e", "ё": "e", "һ": "h", "і": "i",
        "ї": "i", "ј": "j", "к": "k", "ӏ": "l", "м": "m", "н": "h", "п": "n", "о": "o", "р": "p",
        "ԛ": "q", "г": "r", "ѕ": "s", "т": "t", "ц": "u", "џ": "u", "ѵ": "v", "ԝ": "w",
        "х": "x", "у": "y", "ү": "y", "з": "3",
        "α": "a", "β": "b", "ϲ": "c", "ε": "e", "η": "n", "ι": "i", "ϳ": "j", "κ": "k",
        "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "γ": "y", "ω": "w",
        "ı": "i",
    }
)  # fmt: skip


def script(char: str) -> str:
    """The script of a letter, from its Unicode name (``LATIN``, ``CYRILLIC``, ``GREEK``,
    ``CJK``, ...); digits and the allowed punctuation have none (``""``)."""
    if not char.isalpha():
        return ""
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else "UNKNOWN"


def normalised(username: str) -> str:
    """A new username as it is stored: NFKC, trimmed; refused (naming the reason) when it is
    empty, too long, holds other characters than letters, digits and ``. _ - @``, or mixes
    scripts."""
    name = unicodedata.normalize("NFKC", username).strip()
    if not name or len(name) > MAX_LENGTH:
        raise InvalidValue("username", f"1-{MAX_LENGTH} characters", username)
    bad = next((c for c in name if not (c.isalnum() or c in PUNCTUATION)), None)
    if bad is not None:
        raise InvalidValue(
            "username", f"letters, digits and {PUNCTUATION} only, not {bad!r}", username
        )
    scripts = sorted({script(c) for c in name} - {""})
    if len(scripts) > 1:
        raise InvalidValue(
            "username",
            "letters of one script only, not " + " and ".join(s.title() for s in scripts),
            username,
        )
    return name


def key(username: str) -> str:
    """What two usernames are compared by: NFKC, case-folded, look-alike letters read as the
    Latin letter they look like."""
    folded = unicodedata.normalize("NFKC", username).strip().casefold()
    return unicodedata.normalize("NFKC", folded).translate(LOOK_ALIKES)
