"""Users, roles and the one permission table every face checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from rxsupply.domain.passwords import check_password_strength
from rxsupply.errors import InvalidValue

__all__ = ["PERMISSIONS", "Permission", "Role", "User", "allowed", "check_password_strength"]


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    BUYER = "buyer"
    TECHNICIAN = "technician"
    COMPLIANCE = "compliance"


class Permission(StrEnum):
    VIEW = "view"  # items, products, locations, stock, ledger, dashboard
    RECEIVE = "receive"  # receipts at the dock
    TRANSFER = "transfer"  # transfers and ADC refills
    DISPENSE = "dispense"  # dispenses, patient returns, waste (ADC integrations)
    ADJUST = "adjust"  # adjustments and count variances: a manager's call
    COUNT = "count"  # start a cycle count, enter what was counted, submit it
    QUARANTINE = "quarantine"  # block a lot or a package (quarantine, recall, suspect): anyone
    RELEASE = "release"  # put blocked stock back into use: a manager's call
    RETURN_TO_VENDOR = "return_to_vendor"  # send stock back to the vendor
    IMPORT = "import"  # file imports
    PURCHASE = "purchase"  # suggest, approve and cancel purchase orders
    SET_LEVELS = "set_levels"  # accept or reject PAR / reorder recommendations: a manager's call
    VIEW_AUDIT = "view_audit"  # the audit trail
    MANAGE_USERS = "manage_users"
    PURGE_RECORDS = "purge_records"  # delete DSCSA records past their six years: admins only
    RUN_CHECKS = "run_checks"  # whole-database checks (the ledger check): costly, managers only


_ALL = frozenset(Permission)
PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: _ALL,
    Role.MANAGER: frozenset(
        {
            Permission.VIEW,
            Permission.RECEIVE,
            Permission.TRANSFER,
            Permission.DISPENSE,
            Permission.ADJUST,
            Permission.COUNT,
            Permission.QUARANTINE,
            Permission.RELEASE,
            Permission.RETURN_TO_VENDOR,
            Permission.IMPORT,
            Permission.SET_LEVELS,
            Permission.PURCHASE,
            Permission.RUN_CHECKS,
        }
    ),
    Role.BUYER: frozenset(
        {
            Permission.VIEW,
            Permission.RECEIVE,
            Permission.QUARANTINE,
            Permission.RETURN_TO_VENDOR,
            Permission.IMPORT,
            Permission.PURCHASE,
        }
    ),
    Role.TECHNICIAN: frozenset(
        {
            Permission.VIEW,
            Permission.RECEIVE,
            Permission.TRANSFER,
            Permission.DISPENSE,
            Permission.COUNT,
            Permission.QUARANTINE,
        }
    ),
    Role.COMPLIANCE: frozenset({Permission.VIEW, Permission.VIEW_AUDIT, Permission.QUARANTINE}),
}
"""Who may do what. Anyone who handles stock may block it (quarantine, recall, suspect),
compliance officers included; putting it back into use is a manager's call. Compliance
otherwise reads; only admins manage users. The costly whole-database checks are for managers
and admins."""


def allowed(role: Role, permission: Permission) -> bool:
    return permission in PERMISSIONS[role]


@dataclass(slots=True)
class User:
    username: str
    display_name: str
    role: Role
    active: bool = True
    id: int | None = None
    locked_at: datetime | None = None  # too many failed sign-ins, until an admin unlocks

    def __post_init__(self) -> None:
        name = self.username.strip()
        if not name or not all(c.isalnum() or c in "._-@" for c in name) or len(name) > 64:
            raise InvalidValue("username", "1-64 letters, digits and . _ - @ only", self.username)

    def can(self, permission: Permission) -> bool:
        return self.active and allowed(self.role, permission)
