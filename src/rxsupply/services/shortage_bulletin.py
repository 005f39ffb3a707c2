"""Telling everyone: a bulletin per shortage and a weekly summary of all active ones.

A **bulletin** says what a nurse manager, a prescriber or the P&T committee needs on one page:
the shortage's status and dates, why, its impact on each formulary item (stock everywhere,
days of supply, projected stock-out, median and pessimistic), what to use instead (the
alternatives the pharmacy recorded), what the pharmacy is doing about it (the conservation
steps on its log), and when it is expected to end (the FDA's or the wholesaler's word). The
**weekly summary** lists every active shortage with its riskiest item, the shortages that
started and ended in the last seven days, and the board's totals.

The faces render the same :class:`Bulletin` as printable HTML and as Markdown
(:mod:`rxsupply.entrypoints.bulletins`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from rxsupply.domain.clock import Clock
from rxsupply.domain.conservation import ActionState
from rxsupply.domain.shortage import Shortage, ShortageStatus
from rxsupply.errors import NotFound
from rxsupply.services.alternatives import find_alternatives
from rxsupply.services.conservation import list_actions
from rxsupply.services.ports.storage import UnitOfWork
from rxsupply.services.shortage_board import ImpactRow, impact

SAME_DRUG_SHOWN = 3
"""Products of the same drug listed per item in a bulletin (the available ones, best first)."""


@dataclass(frozen=True)
class Bulletin:
    shortage: Shortage
    written_on: date
    impact: list[ImpactRow]
    expected: list[str]
    alternatives: list[dict[str, Any]] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "shortage": self.shortage.as_dict(details=False),
            "written_on": self.written_on.isoformat(),
            "impact": [r.as_dict() for r in self.impact],
            "expected": self.expected,
            "alternatives": self.alternatives,
            "steps": self.steps,
        }


def expected_resolution(shortage: Shortage) -> list[str]:
    """What the supplier or the FDA said about the end: each presentation's related
    information and availability notes that say more than "Available"/"Unavailable", and the
    reason and note of a shortage recorded by hand, without repeats."""
    said: list[str] = []
    for p in shortage.presentations:
        for text in (p.related_info, p.resolved_note, p.availability):
            clean = " ".join(text.split())
            if clean and clean.casefold() not in ("available", "unavailable") and clean not in said:
                said.append(clean)
    for text in (shortage.note, shortage.reason if not shortage.presentations else ""):
        clean = " ".join(text.split())
        if clean and clean not in said:
            said.append(clean)
    return said[:8]


def shortage_bulletin(uow: UnitOfWork, shortage_id: int, *, clock: Clock) -> Bulletin:
    """The bulletin of one shortage (see the module's notes)."""
    found = uow.shortages.get(shortage_id)
    if found is None:
        raise NotFound("shortage", shortage_id, "see rxsupply shortages list")
    return Bulletin(
        shortage=found,
        written_on=clock.today(),
        impact=impact(uow, [found], clock=clock),
        expected=expected_resolution(found),
        alternatives=alternative_lines(uow, found, clock),
        steps=_steps(uow, found),
    )


def alternative_lines(uow: UnitOfWork, shortage: Shortage, clock: Clock) -> list[dict[str, Any]]:
    """What to use instead, item by item: the therapeutic alternatives the pharmacy recorded
    (with their conversion notes), then other products of the same drug that are available
    (on hand or offered, not themselves short; the item's own products are what is short)."""
    if not shortage.matches or shortage.id is None:
        return []
    found = find_alternatives(uow, shortage_id=shortage.id, clock=clock)
    out: list[dict[str, Any]] = []
    for it in found.items:
        for t in it.therapeutic:
            alt = t.row
            stock = f"{t.on_hand:,} on hand" + (", itself short" if t.on_shortage else "")
            out.append(
                {
                    "item": it.item,
                    "kind": "therapeutic",
                    "text": f"Instead of {it.item} {it.item_name}: {alt.alternative} "
                    f"{alt.alternative_name} ({stock}). {alt.note}".strip(),
                }
            )
        others = [o for o in it.same_product if o.available and not o.of_item]
        for p in others[:SAME_DRUG_SHOWN]:
            where = f"{p.on_hand:,} on hand" if p.on_hand else "offered by the wholesaler"
            out.append(
                {
                    "item": it.item,
                    "kind": "same drug",
                    "text": f"For {it.item}: NDC {p.product.ndc} {p.product.name} "
                    f"({p.product.labeler}), {where}.",
                }
            )
    return out


def _steps(uow: UnitOfWork, shortage: Shortage) -> list[dict[str, Any]]:
    """The conservation steps in force or done (not those reverted), oldest first."""
    if shortage.id is None:
        return []
    return [
        {
            "kind": a.kind.value,
            "text": a.summary() + (f": {a.reason}" if a.reason else ""),
            "recorded_at": a.recorded_at.isoformat(),
            "recorded_by": a.recorded_by,
        }
        for a in list_actions(uow, shortage_id=shortage.id)
        if a.state is not ActionState.REVERTED and a.reverses is None
    ]


@dataclass(frozen=True)
class WeeklySummary:
    week_from: date
    week_to: date
    active: list[tuple[Shortage, ImpactRow | None, int]]
    """Each active shortage, its riskiest item (or none matched) and how many items it
    touches."""
    started: list[Shortage]
    ended: list[Shortage]

    def as_dict(self) -> dict[str, Any]:
        return {
            "week_from": self.week_from.isoformat(),
            "week_to": self.week_to.isoformat(),
            "active": [
                {
                    "shortage": s.as_dict(details=False),
                    "items": n,
                    "riskiest": r.as_dict() if r else None,
                }
                for s, r, n in self.active
            ],
            "started": [s.as_dict(details=False) for s in self.started],
            "ended": [s.as_dict(details=False) for s in self.ended],
        }


def weekly_summary(uow: UnitOfWork, *, clock: Clock, limit: int = 10_000) -> WeeklySummary:
    """Every active shortage with its riskiest item, riskiest first; and the shortages first
    posted (or recorded) and resolved in the seven days ending today."""
    today = clock.today()
    start = today - timedelta(days=6)
    listed = uow.shortages.listed(status=None, limit=limit)
    active = [s for s in listed if s.status is ShortageStatus.CURRENT]
    rows = impact(uow, active, clock=clock)
    worst: dict[int, ImpactRow] = {}
    count: dict[int, int] = {}
    for row in rows:  # ranked riskiest first: the first of a shortage is its riskiest
        worst.setdefault(row.shortage, row)
        count[row.shortage] = count.get(row.shortage, 0) + 1
    order = {sid: n for n, sid in enumerate(worst)}
    active.sort(key=lambda s: (order.get(s.id or 0, len(order)), s.generic_name))

    def within(day: date | None) -> bool:
        return day is not None and start <= day <= today

    return WeeklySummary(
        week_from=start,
        week_to=today,
        active=[(s, worst.get(s.id or 0), count.get(s.id or 0, 0)) for s in active],
        started=[s for s in listed if within(s.first_posted)],
        ended=[s for s in listed if within(s.resolved_on)],
    )
