"""Read models of the latest planning run: classes, recommendations, an item's forecast.

The CLI, the API and the web pages call these, so every face shows the same numbers.
"""

from __future__ import annotations

import json
from datetime import date, timedelta, tzinfo
from typing import Any

from sqlalchemy import Connection, func, select

from rxsupply.adapters import tables as t
from rxsupply.adapters.queries import daily_usage

CLASS_FILTERS = ("abc", "xyz", "demand_class", "lifecycle")


def class_rows(
    conn: Connection,
    *,
    abc: str | None = None,
    xyz: str | None = None,
    demand_class: str | None = None,
    lifecycle: str | None = None,
    location: str | None = None,
    search: str | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Item-locations of the latest run with their classes, highest annual value first."""
    sc, it, loc = t.series_class, t.item, t.location
    q = (
        select(
            it.c.code.label("item"),
            it.c.name,
            loc.c.code.label("location"),
            sc.c.abc,
            sc.c.xyz,
            sc.c.demand_class,
            sc.c.lifecycle,
            it.c.criticality,
            sc.c.mean_daily_demand,
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
    if search:
        like = f"%{search.strip()}%"
        q = q.where(it.c.name.ilike(like) | it.c.code.ilike(like))
    q = q.order_by(sc.c.annual_value.desc(), it.c.code, loc.c.code).limit(limit).offset(offset)
    return [
        {
            **dict(r._mapping),
            "mean_daily_demand": round(float(r.mean_daily_demand), 4),
            "annual_value": round(float(r.annual_value), 2),
        }
        for r in conn.execute(q)
    ]


def class_matrix(conn: Connection) -> dict[str, Any]:
    """Counts and annual value per ABC x XYZ cell, and counts per demand class."""
    sc = t.series_class
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
            .group_by(sc.c.abc, sc.c.xyz)
            .order_by(sc.c.abc, sc.c.xyz)
        )
    ]
    classes = {
        r.demand_class: int(r.n)
        for r in conn.execute(
            select(sc.c.demand_class, func.count().label("n")).group_by(sc.c.demand_class)
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
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Recommendations with what they change and why, newest run first, then by location."""
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
    if item:
        q = q.where(it.c.code == item)
    q = q.order_by(rc.c.run_at.desc(), loc.c.code, it.c.code).limit(limit).offset(offset)
    out = []
    for r in conn.execute(q):
        row = dict(r._mapping)
        row["explanation"] = json.loads(row["explanation"])
        out.append(row)
    return out


def item_forecast(
    conn: Connection, *, item: str, today: date, zone: tzinfo, history_days: int = 730
) -> dict[str, Any]:
    """An item's daily use over the history (all locations) and the latest run's forecast of
    its mean daily demand (the sum over its item-locations), for the chart."""
    since = today - timedelta(days=history_days)
    usage = daily_usage(conn, item=item, since=since, until=today - timedelta(days=1), zone=zone)
    sc, it, loc = t.series_class, t.item, t.location
    rows = conn.execute(
        select(loc.c.code, sc.c.method, sc.c.mean_daily_demand, sc.c.demand_class)
        .join(it, it.c.id == sc.c.item_id)
        .join(loc, loc.c.id == sc.c.location_id)
        .where(it.c.code == item)
        .order_by(loc.c.code)
    ).all()
    return {
        "item": item,
        "usage": usage,
        "forecast_per_day": round(sum(float(r.mean_daily_demand) for r in rows), 4),
        "series": [
            {
                "location": r.code,
                "method": r.method,
                "mean_daily_demand": round(float(r.mean_daily_demand), 4),
                "demand_class": r.demand_class,
            }
            for r in rows
        ],
    }
