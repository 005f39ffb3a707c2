"""External ids: what makes a re-sent command a no-op.

Every face can name the thing a command comes from: an ADC transaction (``txn``), an API
client's request (``api``), a web form's one-time token (``web``), a file row (``stock``,
``file``), a CLI retry (``cli``). The ledger records each external id once; a command whose id
is already recorded writes nothing and answers "duplicate".

Stored as ``source:id`` (the form the ledger has always written, e.g. ``txn:ED1-778812``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rxsupply.domain.fields import check_text
from rxsupply.errors import InvalidValue

EXTERNAL_ID_LENGTH = 120
"""What the ledger's column holds, source and colon included: longer is refused, never cut."""
_SOURCE = re.compile(r"[a-z][a-z0-9_-]{0,19}")


@dataclass(frozen=True, slots=True)
class ExternalId:
    """``source`` names the system or face (lower case); ``value`` is its id there."""

    source: str
    value: str
    _text: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not _SOURCE.fullmatch(self.source):
            raise InvalidValue(
                "external_id", "the source must be 1-20 lower-case letters, digits, - or _"
            )
        if not self.value:
            raise InvalidValue("external_id", "must not be empty")
        text = f"{self.source}:{self.value}"
        check_text("external_id", text, limit=EXTERNAL_ID_LENGTH)
        object.__setattr__(self, "_text", text)

    @classmethod
    def parse(cls, text: str) -> ExternalId:
        """``source:value`` as stored."""
        source, sep, value = text.partition(":")
        if not sep:
            raise InvalidValue("external_id", "expected source:id", text[:40])
        return cls(source, value)

    def __str__(self) -> str:
        return self._text
