"""The ledger's limits and its two-person rules.

Every command is checked against the same :class:`LedgerLimits`, whatever face sent it: a
quantity bound far below any integer column (a typo of 100,000 vials, or 2^63-1 sent by an
attacker, never reaches the database), the lengths of what the ledger's columns hold, and the
value above which an adjustment needs a second user.

A second user (an :class:`Approval`) is a manager or an admin other than the user who posts:
- an adjustment or count variance worth more than ``approval_value`` (at the product's unit
  cost), of more than ``approval_units`` units when the cost is unknown, or of any product
  with a DEA schedule (controlled substances are always counted by two);
- moving blocked or expired stock anywhere but into a quarantine location or out of the
  hospital (an override; its reason is recorded).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rxsupply.domain.fields import UNITS_LIMIT
from rxsupply.domain.users import Role
from rxsupply.errors import InvalidValue, PermissionDenied

APPROVER_ROLES = frozenset({Role.MANAGER, Role.ADMIN})


@dataclass(frozen=True, slots=True)
class LedgerLimits:
    """Bounds every command is checked against (settings ``RXSUPPLY_MAX_QUANTITY``,
    ``RXSUPPLY_APPROVAL_VALUE``, ``RXSUPPLY_APPROVAL_UNITS``)."""

    max_quantity: int = 1_000_000
    approval_value: Decimal = Decimal("500")
    approval_units: int = 100
    code_length: int = 64
    lot_length: int = 40
    reference_length: int = 120
    note_length: int = 500

    def __post_init__(self) -> None:
        if not 1 <= self.max_quantity <= UNITS_LIMIT:
            raise InvalidValue(
                "max_quantity", f"RXSUPPLY_MAX_QUANTITY must be 1 to {UNITS_LIMIT:,}"
            )

    def quantity(self, value: int, field: str = "quantity") -> int:
        if value > self.max_quantity:
            raise InvalidValue(
                field,
                f"more than {self.max_quantity:,} units in one movement "
                "(RXSUPPLY_MAX_QUANTITY); split it or check for a typo",
                value if abs(value) < 10**30 else "...",
            )
        return value

    def needs_approval(
        self, *, units: int, unit_cost: Decimal | None, controlled: bool
    ) -> str | None:
        """Why an adjustment of ``units`` (signed) needs a second user, or None."""
        if controlled:
            return "the product is a controlled substance"
        if not unit_cost:  # unknown, or recorded as free: the count decides
            if abs(units) > self.approval_units:
                return (
                    f"{abs(units):,} units of a product without a cost "
                    f"(more than {self.approval_units:,})"
                )
            return None
        value = abs(units) * unit_cost
        if value > self.approval_value:
            return f"${value:,.2f} of stock (more than ${self.approval_value:,.2f})"
        return None


@dataclass(frozen=True, slots=True)
class Approval:
    """A second user who confirmed a command (signed in with their own password)."""

    username: str
    role: Role

    def check(self, poster: str, why: str) -> None:
        """Refuse when the approver is the poster or not a manager or admin."""
        if self.username == poster:
            raise PermissionDenied(f"{why}: the second user must be someone other than {poster}")
        if self.role not in APPROVER_ROLES:
            raise PermissionDenied(
                f"{why}: the second user must be a manager or an admin, "
                f"{self.username} is a {self.role.value}"
            )
