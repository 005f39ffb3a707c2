"""Keeping shortages matched to the formulary: :func:`rematch` matches FDA shortages again
(by NDC, else ingredients with strength and form, else ingredients:
:mod:`rxsupply.domain.shortage_matching`) and writes only what changed; a manual or backorder
shortage keeps the item it was raised for (method ``item``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rxsupply.domain.shortage import Match, Shortage, ShortageSource
from rxsupply.domain.shortage_matching import Formulary
from rxsupply.services.ports import UnitOfWork


def rematch(
    uow: UnitOfWork, shortages: Sequence[Shortage], *, now: datetime
) -> dict[int, dict[int, Match]]:
    """Match these (stored) shortages to the formulary again; returns every shortage's
    matches after the change (item id -> match)."""
    ids = [s.id for s in shortages if s.id is not None]
    stored = uow.shortages.matches(ids)
    fda = [s for s in shortages if s.id is not None and s.source is ShortageSource.FDA]
    if not fda:
        return stored
    formulary = Formulary(uow.shortages.formulary())
    after: dict[int, dict[int, Match]] = {sid: dict(found) for sid, found in stored.items()}
    changes: dict[int, dict[int, Match | None]] = {}
    for s in fda:
        sid = s.id or 0
        now_found = formulary.match(s)
        before = stored.get(sid, {})
        diff: dict[int, Match | None] = {
            item: match
            for item, match in now_found.items()
            if item not in before
            or (before[item].method, before[item].detail) != (match.method, match.detail)
        }
        diff |= dict.fromkeys(before.keys() - now_found.keys())
        if diff:
            changes[sid] = diff
        after[sid] = now_found
    if changes:
        uow.shortages.save_matches(changes, now=now)
    return after
