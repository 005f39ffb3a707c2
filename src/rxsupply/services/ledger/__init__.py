"""The ledger's one way in: every change of stock is a command posted here.

- :mod:`.commands`: what can be posted (:class:`Receive`, :class:`Move`, :class:`Dispense`,
  :class:`ReturnToVendor`, :class:`Adjust`, :class:`SetStatus`) and what posting answers
  (:class:`Posted`).
- :mod:`.posting`: :func:`post` (many commands, each as if alone, in one transaction) and
  :func:`post_one`; :mod:`.bulk`: :class:`Bulk` for imports and the demo build.
- :mod:`.receiving`, :mod:`.moving`, :mod:`.adjusting`: each command's checks and what it
  does to the stock; :mod:`.lookups`, :mod:`.steps`, :mod:`.auditing`: what they share.

Every face (the CLI, the API, the web pages, file imports, the demo) posts through these, so a
command gets the same checks (its user, lengths, control characters, quantity bounds, stock
status, second users, pocket capacity), the same idempotency (its external id) and the same
audit entry wherever it comes from.
"""

from rxsupply.services.ledger.bulk import Bulk, Outcome
from rxsupply.services.ledger.commands import (
    Adjust,
    Command,
    Dispense,
    Move,
    Open,
    Posted,
    Receive,
    Repackage,
    ReturnToVendor,
    SetStatus,
)
from rxsupply.services.ledger.posting import post, post_one

__all__ = [
    "Adjust",
    "Bulk",
    "Command",
    "Dispense",
    "Move",
    "Open",
    "Outcome",
    "Posted",
    "Receive",
    "Repackage",
    "ReturnToVendor",
    "SetStatus",
    "post",
    "post_one",
]
