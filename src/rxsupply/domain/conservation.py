"""A shortage's conservation: what the pharmacy does to make short stock last, and its log.

Each step is one :class:`ShortageAction` of the shortage, recorded with who, when, why and
what (``detail``):

- **reallocate**: stock moved from low-use cabinet pockets to high-use ones (the ledger's
  transfers; the moves are in ``detail``). It is ``done``: stock is used once moved, so ending
  the shortage does not move it back.
- **reduce_par**: an item's min and max at a location lowered for the shortage; ``detail``
  keeps the levels before and after, so the reduction can be reversed.
- **restrict**: who may use the item ("ICU only"): a text and, optionally, the areas (the
  nursing units of :attr:`~rxsupply.domain.location.Location.unit`) allowed.
- **limit**: an allocation limit of the item at a location (a cabinet, a pocket, a satellite):
  at most ``per_day`` units a day and/or ``per_dispense`` units in one dispense.

A setting (reduce_par, restrict, limit) is ``active`` until it is reversed: then it is
``reverted`` and the reversal is an action of its own (restore_par, lift_restriction,
lift_limit, ``done``) that names the action it reverses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from rxsupply.domain.fields import check_text
from rxsupply.errors import InvalidValue


class ActionKind(StrEnum):
    REALLOCATE = "reallocate"
    REDUCE_PAR = "reduce_par"
    RESTRICT = "restrict"
    LIMIT = "limit"
    RESTORE_PAR = "restore_par"
    LIFT_RESTRICTION = "lift_restriction"
    LIFT_LIMIT = "lift_limit"


class ActionState(StrEnum):
    ACTIVE = "active"  # a setting in force
    REVERTED = "reverted"  # a setting reversed (its reversal is an action of its own)
    DONE = "done"  # a reallocation (stock moved), or a reversal


SETTINGS = frozenset({ActionKind.REDUCE_PAR, ActionKind.RESTRICT, ActionKind.LIMIT})
"""The actions that change a setting and are reversed when the shortage ends."""
REVERSAL = {
    ActionKind.REDUCE_PAR: ActionKind.RESTORE_PAR,
    ActionKind.RESTRICT: ActionKind.LIFT_RESTRICTION,
    ActionKind.LIMIT: ActionKind.LIFT_LIMIT,
}


@dataclass(slots=True, kw_only=True)
class ShortageAction:
    """One step of a shortage's conservation, as its log records it."""

    shortage_id: int
    kind: ActionKind
    item_id: int
    reason: str
    recorded_at: datetime
    recorded_by: str
    state: ActionState
    detail: dict[str, object] = field(default_factory=dict)
    item: str = ""
    location_id: int | None = None
    location: str = ""
    external_id: str | None = None
    reverses: int | None = None
    reverted_at: datetime | None = None
    reverted_by: str | None = None
    id: int | None = None

    def summary(self) -> str:
        """The action in a line, as a person would say it."""
        d = self.detail
        at = f" at {self.location}" if self.location else ""
        if self.kind is ActionKind.REALLOCATE:
            return f"moved {d.get('units', 0)} units of {self.item} in {d.get('moves', 0)} move(s)"
        if self.kind in (ActionKind.REDUCE_PAR, ActionKind.RESTORE_PAR):
            before, after = d.get("before") or {}, d.get("after") or {}
            assert isinstance(before, dict) and isinstance(after, dict)
            verb = "PAR reduced" if self.kind is ActionKind.REDUCE_PAR else "PAR restored"
            return (
                f"{verb} for {self.item}{at}: min/max {before.get('min')}/{before.get('max')} "
                f"-> {after.get('min')}/{after.get('max')}"
                + (f" ({d['note']})" if d.get("note") else "")
            )
        if self.kind in (ActionKind.RESTRICT, ActionKind.LIFT_RESTRICTION):
            areas = d.get("areas") or []
            assert isinstance(areas, list)
            only = f" (areas {', '.join(str(a) for a in areas)})" if areas else ""
            verb = "restricted" if self.kind is ActionKind.RESTRICT else "restriction lifted"
            return f"{self.item} {verb}: {d.get('text', '')}{only}"
        verb = "allocation limit" if self.kind is ActionKind.LIMIT else "allocation limit lifted"
        return f"{verb} for {self.item}{at}: {limit_text(d)}"

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "shortage": self.shortage_id,
            "kind": self.kind.value,
            "state": self.state.value,
            "item": self.item,
            "location": self.location or None,
            "summary": self.summary(),
            "reason": self.reason,
            "detail": self.detail,
            "recorded_at": self.recorded_at.isoformat(),
            "recorded_by": self.recorded_by,
            "reverses": self.reverses,
            "reverted_at": self.reverted_at.isoformat() if self.reverted_at else None,
            "reverted_by": self.reverted_by,
            "external_id": self.external_id,
        }


def limit_text(detail: dict[str, object]) -> str:
    parts = []
    if detail.get("per_day") is not None:
        parts.append(f"at most {detail['per_day']} units a day")
    if detail.get("per_dispense") is not None:
        parts.append(f"at most {detail['per_dispense']} units a dispense")
    return " and ".join(parts) or "no limit"


def check_limit(per_day: int | None, per_dispense: int | None) -> None:
    """An allocation limit names at least one bound, each a positive whole number."""
    if per_day is None and per_dispense is None:
        raise InvalidValue("limit", "give units per day, per dispense, or both")
    for name, value in (("per_day", per_day), ("per_dispense", per_dispense)):
        if value is not None and not 1 <= value <= 1_000_000:
            raise InvalidValue(name, "must be a whole number of units from 1 to 1,000,000", value)


def parse_areas(text: str | list[str]) -> list[str]:
    """Areas as a user lists them ("ICU, ED" or a list): trimmed, upper-cased, no repeats."""
    raw = text.split(",") if isinstance(text, str) else text
    out: list[str] = []
    for area in raw:
        name = check_text("areas", area, limit=40).strip().upper()
        if name and name not in out:
            out.append(name)
    if len(out) > 50:
        raise InvalidValue("areas", "at most 50 areas")
    return out


@dataclass(frozen=True, slots=True)
class LimitCheck:
    """Whether a dispense keeps to an allocation limit: ``over`` says by how much not, and
    why (empty when it keeps to it)."""

    over: str = ""


def check_dispense(
    detail: dict[str, object], *, item: str, place: str, quantity: int, today_units: int
) -> LimitCheck:
    """A dispense of ``quantity`` units at ``place`` against a limit's ``detail``, with
    ``today_units`` already dispensed there today."""
    per_dispense, per_day = detail.get("per_dispense"), detail.get("per_day")
    if isinstance(per_dispense, int) and quantity > per_dispense:
        return LimitCheck(
            f"{item} at {place} is limited to {per_dispense} units a dispense during its "
            f"shortage: {quantity} asked"
        )
    if isinstance(per_day, int) and today_units + quantity > per_day:
        return LimitCheck(
            f"{item} at {place} is limited to {per_day} units a day during its shortage: "
            f"{today_units} dispensed today, {quantity} more asked (at most "
            f"{max(per_day - today_units, 0)})"
        )
    return LimitCheck()
