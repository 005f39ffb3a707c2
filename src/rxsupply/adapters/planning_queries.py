"""Read models of the latest planning run: classes, recommendations, an item's forecast.

The CLI, the API and the web pages call these, so every face shows the same numbers.
"""

from __future__ import annotations

import json
from datetime import date, timedelta, tzinfo
from typing import Any, Literal

from sqlalchemy import Connection, func, select

from rxsupply.adapters import tables as t
from rxsupply.adapters.queries import daily_usage, item_rows
from rxsupply.adapters.repositories.recommendations import matching
from rxsupply.analytics.series import ISSUING_KINDS
from rxsupply.domain.levels import ProposalFilter
from rxsupply.errors import NotFound

CLASS_FILTERS = ("abc", "xyz", "demand_class", "lifecycle")
USAGE_CHART_DAYS = 180
"""Days of use an item's forecast chart shows before today."""
HORIZON_DAYS = 28
"""Days ahead an item's forecast chart shows."""
Status = Literal["pending", "accepted", "rejected", "superseded", "all"]


def latest_classes(
    conn: Connection,
    *,
    abc: str | None = None,
    xyz: str | None = None,
    demand_class: str | None = None,
    lifecycle: str | None = None,
    location: str | None = None,
    search: str | None = None,
    item: str | None = None,
    dispensing_only: bool = False,
    limit: int = 200,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Item-locations of the latest run with their classes, highest annual value first;
    ``dispensing_only`` leaves out storerooms and satellites (as :func:`class_matrix` does)."""
    sc, it, loc = t.series_class, t.item, t.location
    q = (
        select(
            it.c.code.label("item"),
            it.c.name,
            loc.c.code.label("location"),
            loc.c.kind.label("location_kind"),
            sc.c.abc,
            sc.c.xyz,
            sc.c.demand_class,
            sc.c.lifecycle,
            it.c.criticality,
            sc.c.mean_daily_demand,
            sc.c.forecast_daily,
            sc.c.annual_value,
            sc.c.method,
            sc.c.distribution,
            sc.c.min_level,
            sc.c.max_level,
            sc.c.target,
            sc.c.run_at,
        )
        .join(it, it.c.id == sc.c.item_id)
        .join(loc, loc.c.id == sc.c.location_id)
    )
    for name, value in (
        ("abc", abc),
        ("xyz", xyz),
        ("demand_class", demand_class),
        ("lifecycle", lifecycle),
    ):
        if value:
            q = q.where(sc.c[name] == value)
    if location:
        q = q.where(loc.c.code == location)
    if item:
        q = q.where(it.c.code == item)
    if dispensing_only:
        q = q.where(loc.c.kind.not_in(ISSUING_KINDS))
    if search:
        like = f"%{search.strip()}%"
        q = q.where(it.c.name.ilike(like) | it.c.code.ilike(like))
    q = q.order_by(sc.c.annual_value.desc(), it.c.code, loc.c.code).limit(limit).offset(offset)
    return [
        {
            **dict(r._mapping),
            "mean_daily_demand": round(float(r.mean_daily_demand), 4),
            "forecast_daily": round(float(r.forecast_daily), 4),
            "annual_value": round(float(r.annual_value), 2),
        }
        for r in conn.execute(q)
    ]


def class_matrix(conn: Connection) -> dict[str, Any]:
    """Counts and annual value per ABC x XYZ cell, and counts per demand class, over the
    locations that dispense to patients (a storeroom's demand is what it issues to them, so
    counting it too would count that value twice)."""
    sc, loc = t.series_class, t.location
    dispensing = sc.c.location_id.in_(select(loc.c.id).where(loc.c.kind.not_in(ISSUING_KINDS)))
    cells = [
        {
            "abc": r.abc,
            "xyz": r.xyz,
            "count": int(r.n),
            "annual_value": round(float(r.value or 0.0), 2),
        }
        for r in conn.execute(
            select(
                sc.c.abc,
                sc.c.xyz,
                func.count().label("n"),
                func.sum(sc.c.annual_value).label("value"),
            )
            .where(dispensing)
            .group_by(sc.c.abc, sc.c.xyz)
            .order_by(sc.c.abc, sc.c.xyz)
        )
    ]
    classes = {
        r.demand_class: int(r.n)
        for r in conn.execute(
            select(sc.c.demand_class, func.count().label("n"))
            .where(dispensing)
            .group_by(sc.c.demand_class)
        )
    }
    run_at = conn.execute(select(func.max(sc.c.run_at))).scalar()
    return {"run_at": run_at, "cells": cells, "demand_classes": classes}


def recommendation_rows(
    conn: Connection,
    *,
    status: str | None = "pending",
    location: str | None = None,
    item: str | None = None,
    recommendation_id: int | None = None,
    match: ProposalFilter | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Recommendations with what they change and why, newest run first, then by location
    (``match``: only those a batch filter takes)."""
    rc, it, loc = t.recommendation, t.item, t.location
    q = (
        select(
            rc.c.id,
            rc.c.run_at,
            rc.c.status,
            it.c.code.label("item"),
            it.c.name,
            loc.c.code.label("location"),
            rc.c.current_min,
            rc.c.current_max,
            rc.c.min_level,
            rc.c.max_level,
            rc.c.explanation,
            rc.c.decided_by,
            rc.c.decided_at,
        )
        .join(it, it.c.id == rc.c.item_id)
        .join(loc, loc.c.id == rc.c.location_id)
    )
    if status:
        q = q.where(rc.c.status == status)
    if location:
        q = q.where(loc.c.code == location)
    if recommendation_id is not None:
        q = q.where(rc.c.id == recommendation_id)
    if item:
        q = q.where(it.c.code == item)
    if match is not None:
        q = matching(q, match)
    q = q.order_by(rc.c.run_at.desc(), loc.c.code, it.c.code).limit(limit).offset(offset)
    out = []
    for r in conn.execute(q):
        row = dict(r._mapping)
        row["explanation"] = json.loads(row["explanation"])
        out.append(row)
    return out


def explain(e: dict[str, Any]) -> str:
    """One line saying why a recommendation is what it is, from its explanation: "AZ, smooth,
    new: 1.50 a day (SD 0.50) over 2 days of protection (lead time 1 day, review every 1 day);
    Poisson demand for a 95% fill rate; max capped by the pocket's capacity; expected from its
    own history replayed: fill 99.5%, 0.7 empty days a year (now 3.6); a stock-out day costs
    $50 here"."""

    def days(n: Any) -> str:
        return "1 day" if n == 1 else f"{n} days"

    classes = [f"{e.get('abc', '')}{e.get('xyz', '')}", e.get("demand_class"), e.get("lifecycle")]
    named = ", ".join(str(c) for c in classes if c)
    if e.get("do_not_stock"):
        return (
            f"{named}: no recent use and not vital:"
            " do not stock (take it out; plan with --keep-dead to keep it)"
        )
    mean = float(e.get("mean_daily_demand") or 0.0)
    sd = float(e.get("sd_daily_demand") or 0.0)
    measure = {"cycle": "cycle service level", "days": "days without a stock-out"}.get(
        str(e.get("service_measure")), "fill rate"
    )
    distribution = str(e.get("distribution") or "")
    distribution = {"poisson": "Poisson"}.get(distribution, distribution.replace("_", " "))
    line = (
        f"{named}: {mean:,.2f} a day (SD {sd:,.2f})"
        f" over {days(e.get('protection_days', 0))} of protection"
        f" (lead time {days(e.get('lead_time_days', 0))},"
        f" review every {days(e.get('review_period_days', 1))});"
        f" {distribution} demand"
        f" for a {100 * float(e.get('target') or 0.0):.4g}% {measure}"
    )
    if e.get("capped_by_capacity"):
        line += "; max capped by the pocket's capacity"
    if e.get("max_ceiling") and e.get("max") == e.get("max_ceiling"):
        ceiling = e.get("ceiling_days")
        supply = e.get("max_days_of_supply")
        if supply is not None and ceiling is not None and float(supply) > float(ceiling):
            line += (
                f"; max is the reorder point plus one case pack of {e.get('case_pack')},"
                f" which lasts longer than the {ceiling}-day ceiling"
            )
        else:
            line += f"; max held to the {ceiling}-day ceiling"
    if e.get("expected_fill_rate") is not None:
        empty = 365.0 * float(e.get("empty_day_chance") or 0.0)
        fill = 100 * float(e["expected_fill_rate"])
        line += (
            f"; expected from its own history replayed: fill {fill:.4g}%,"
            f" {empty:,.1f} empty days a year"
        )
        if e.get("current_empty_day_chance") is not None:
            now = 365.0 * float(e["current_empty_day_chance"])
            line += f" (now {now:,.1f})"
    if float(e.get("stockout_cost") or 0.0) > 0:
        line += f"; a stock-out day costs ${float(e['stockout_cost']):,.0f} here"
    return line


def with_why(row: dict[str, Any]) -> dict[str, Any]:
    return row | {"why": explain(row["explanation"])}


def explained_recommendations(
    conn: Connection,
    *,
    status: Status = "pending",
    location: str | None = None,
    item: str | None = None,
    match: ProposalFilter | None = None,
    limit: int,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Recommendations as the API and the PAR review page show them (with a ``why`` line)."""
    rows = recommendation_rows(
        conn,
        status=None if status == "all" else status,
        location=location or None,
        item=item or None,
        match=match,
        limit=limit,
        offset=offset,
    )
    return [with_why(r) for r in rows]


def explained_recommendation(conn: Connection, recommendation_id: int) -> dict[str, Any]:
    """One recommendation, in the shape of the list's rows."""
    rows = recommendation_rows(conn, status=None, recommendation_id=recommendation_id, limit=1)
    if not rows:
        raise NotFound("recommendation", recommendation_id)
    return with_why(rows[0])


def level_rows(conn: Connection, *, item: str) -> list[dict[str, Any]]:
    """The min/max (PAR) settings of an item, by location."""
    sl, it, loc = t.stock_level, t.item, t.location
    q = (
        select(
            loc.c.code.label("location"),
            loc.c.kind.label("location_kind"),
            sl.c.min_level,
            sl.c.max_level,
            sl.c.lead_time_days,
            sl.c.review_period_days,
            sl.c.updated_at,
            sl.c.updated_by,
        )
        .join(it, it.c.id == sl.c.item_id)
        .join(loc, loc.c.id == sl.c.location_id)
        .where(it.c.code == item)
        .order_by(loc.c.code)
    )
    return [dict(r._mapping) for r in conn.execute(q)]


def item_forecast(conn: Connection, *, item: str, today: date, zone: tzinfo) -> dict[str, Any]:
    """An item's use over the last ``USAGE_CHART_DAYS`` days, the latest run's forecast for the
    next ``HORIZON_DAYS`` and each item-location's classes, method, planned and current levels.

    The forecast is flat at the mean daily demand summed over the locations that dispense to
    patients: a storeroom's or satellite's demand is mostly its issues to those locations, so
    it is added only when no location below it has a forecast of the item."""
    if not item_rows(conn, code=item, limit=1):
        raise NotFound("item", item)
    since = today - timedelta(days=USAGE_CHART_DAYS)
    usage = daily_usage(conn, item=item, since=since, until=today - timedelta(days=1), zone=zone)
    classes = {r["location"]: r for r in latest_classes(conn, item=item, limit=100_000)}
    current = {r["location"]: r for r in level_rows(conn, item=item)}
    kinds = {code: r["location_kind"] for code, r in (current | classes).items()}
    dispensing = [c for c in classes.values() if c["location_kind"] not in ISSUING_KINDS]
    per_day = round(sum(c["forecast_daily"] for c in dispensing or classes.values()), 4)
    series = []
    for code in sorted(set(classes) | set(current)):
        c, lv = classes.get(code, {}), current.get(code, {})
        series.append(
            {
                "location": code,
                "location_kind": kinds.get(code),
                "abc": c.get("abc"),
                "xyz": c.get("xyz"),
                "demand_class": c.get("demand_class"),
                "lifecycle": c.get("lifecycle"),
                "method": c.get("method"),
                "distribution": c.get("distribution"),
                "mean_daily_demand": c.get("mean_daily_demand"),
                "forecast_daily": c.get("forecast_daily"),
                "planned_min": c.get("min_level"),
                "planned_max": c.get("max_level"),
                "target": c.get("target"),
                "current_min": lv.get("min_level"),
                "current_max": lv.get("max_level"),
            }
        )
    return {
        "item": item,
        "history_days": USAGE_CHART_DAYS,
        "horizon_days": HORIZON_DAYS,
        "run_at": max((c["run_at"] for c in classes.values()), default=None),
        "usage": usage,
        "forecast_per_day": per_day if classes else None,
        "forecast": [
            {"day": (today + timedelta(days=d)).isoformat(), "units": per_day}
            for d in range(HORIZON_DAYS)
        ]
        if classes
        else [],
        "series": series,
    }
