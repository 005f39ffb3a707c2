"""The shortage board and a shortage's impact: for every formulary item of an active (current)
shortage, how much the hospital holds everywhere, what is on order, how fast it is used and
when it runs out (the run-out projection of :mod:`rxsupply.services.outlook`: median and
pessimistic 10th-percentile dates), and the places that use it most.

The board ranks its rows by risk: the chance of running out within 30 days times the
criticality's weight (vital 1.0, essential 0.7, non-essential 0.4), then the earliest
pessimistic date, then the fewest days of supply. An item in two active shortages shows once
per shortage (the row names its shortage), projected once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from rxsupply.domain.clock import Clock
from rxsupply.domain.shortage import Match, Shortage, ShortageStatus
from rxsupply.errors import NotFound
from rxsupply.services.outlook import HISTORY_WEEKS, PATHS, ItemOutlook, project_items
from rxsupply.services.ports.storage import UnitOfWork
from rxsupply.services.stress_test import WEIGHT

TOP_USERS = 3


@dataclass(frozen=True)
class ImpactRow:
    shortage: int
    shortage_name: str
    status: str
    match: str
    outlook: ItemOutlook
    risk: float
    top_users: list[tuple[str, str, int]] = field(default_factory=list)

    def as_dict(self, *, curve: bool = False) -> dict[str, Any]:
        found = self.outlook.as_dict()
        if not curve:
            found.pop("curve")
        return {
            "shortage": self.shortage,
            "shortage_name": self.shortage_name,
            "status": self.status,
            "item": found.pop("item"),
            "match": self.match,
            **found,
            "risk": round(self.risk, 3),
            "top_users": [
                {"location": code, "name": name, "units": units}
                for code, name, units in self.top_users
            ],
        }


def _rank(row: ImpactRow) -> tuple[float, date, float, str, int]:
    o = row.outlook
    return (
        -row.risk,
        o.projected_stockout_p10 or date.max,
        o.days_of_supply if o.days_of_supply is not None else float("inf"),
        o.item,
        row.shortage,
    )


def impact(
    uow: UnitOfWork, shortages: list[Shortage], *, clock: Clock, paths: int | None = None
) -> list[ImpactRow]:
    """The impact rows of these shortages' matched items, ranked (see the module's notes)."""
    matches: dict[int, dict[int, Match]] = uow.shortages.matches(
        [s.id for s in shortages if s.id is not None]
    )
    pairs = [
        (s, match)
        for s in shortages
        for match in sorted(matches.get(s.id or 0, {}).values(), key=lambda m: m.item_code)
    ]
    if not pairs:
        return []
    codes = list(dict.fromkeys(m.item_code for _, m in pairs))
    outlooks = {
        o.item: o for o in project_items(uow, items=codes, clock=clock, paths=paths or PATHS)
    }
    since = datetime.combine(clock.today() - timedelta(weeks=HISTORY_WEEKS), time(), clock.zone)
    ids = {m.item_code: m.item_id for _, m in pairs}
    users = uow.outlook.top_users(list(ids.values()), since=since, top=TOP_USERS)
    rows = []
    for shortage, match in pairs:
        o = outlooks[match.item_code]
        rows.append(
            ImpactRow(
                shortage=shortage.id or 0,
                shortage_name=shortage.generic_name,
                status=shortage.status.value,
                match=match.method.value,
                outlook=o,
                risk=o.stockout_probability_30 * WEIGHT.get(o.criticality, 0.7),
                top_users=users.get(match.item_id, []),
            )
        )
    rows.sort(key=_rank)
    return rows


def shortage_board(uow: UnitOfWork, *, clock: Clock, limit: int = 10_000) -> list[ImpactRow]:
    """Every formulary item of an active shortage with its impact, the riskiest first."""
    active = uow.shortages.listed(status=ShortageStatus.CURRENT, limit=limit)
    return impact(uow, active, clock=clock)


def shortage_impact(uow: UnitOfWork, shortage_id: int, *, clock: Clock) -> list[ImpactRow]:
    """The impact of one shortage (active or not) on each formulary item it matches."""
    found = uow.shortages.get(shortage_id)
    if found is None:
        raise NotFound("shortage", shortage_id, "see rxsupply shortages list")
    return impact(uow, [found], clock=clock)
