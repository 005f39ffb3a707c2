"""The key figures, assembled once for every face: the dashboard (``/``), ``GET /api/kpi`` and
``rxsupply kpi`` all call :func:`key_figures`, so they show the same numbers with the same
definitions (:data:`rxsupply.adapters.queries.kpi.DEFINITIONS`).

Before reading, the daily summaries are folded when more than ``FOLD_AT`` movements wait
(:func:`rxsupply.adapters.queries.kpi_days.refresh`); what waits is added by the readers, so
the figures are exact either way. The on-contract share is the pricing module's compliance
report (:func:`rxsupply.services.pricing.contract_compliance`) over the same days as
``rxsupply prices compliance``; its result is kept in ``app_setting`` with a fingerprint of
the pricing tables and the window, and computed again when either changes.
"""

from __future__ import annotations

import gc
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta, tzinfo
from typing import Any

from sqlalchemy import Connection, Engine

from rxsupply.adapters.queries import dashboard, kpi, kpi_days, kpi_now
from rxsupply.adapters.unit_of_work import SqlUnitOfWork, retried
from rxsupply.entrypoints import clock
from rxsupply.errors import InvalidValue
from rxsupply.services.pricing import contract_compliance

log = logging.getLogger(__name__)
CONTRACT = "kpi_contract_share"
ZERO_LISTED = 200
"""Stock-outs listed (vital first); the count covers them all."""
FOLD_ATTEMPTS = 6


@contextmanager
def _writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction (on SQLite ``BEGIN IMMEDIATE``: the write lock up front, as the
    units of work take it, so two folds at once wait for each other instead of failing)."""
    with engine.connect().execution_options(rxsupply_write=True) as conn, conn.begin():
        yield conn


def fold(engine: Engine, *, zone: tzinfo, always: bool = False) -> int:
    """Fold waiting movements into the daily summaries (when more than ``FOLD_AT`` wait, or
    ``always``): the number folded."""
    with engine.connect() as conn:
        waiting = kpi_days.behind(conn, zone)
        fresh = kpi_days.setting(conn, kpi_days.INSTANCE) is not None
    if not always and fresh and waiting <= kpi_days.FOLD_AT:
        return 0
    # On PostgreSQL a fold (movement locked first, then the locations its summary rows name)
    # can deadlock with a write (a location locked first, then a movement inserted); the
    # database ends one of the two, and a fold folds again from where the last one ended.

    def once() -> int:
        with _writing(engine) as conn:
            return kpi_days.refresh(conn, zone=zone)

    return retried(once, attempts=FOLD_ATTEMPTS)


def contract_share(engine: Engine, *, today: date) -> dict[str, Any]:
    """Spend, spend on contract and its share over the year to ``today`` (the compliance
    report's default window), from the kept result when the pricing tables are unchanged."""
    start, end = today - timedelta(days=365), today
    with engine.connect() as conn:
        key = f"{start}:{end}:{kpi.pricing_fingerprint(conn)}"
        kept = kpi_days.setting(conn, CONTRACT)
    if kept:
        found: dict[str, Any] = json.loads(kept)
        if found.get("key") == key:
            return dict(found["share"])
    with SqlUnitOfWork(engine, readonly=True) as uow:
        report = contract_compliance(uow, start=start, end=end).as_dict()
    share = {k: report[k] for k in ("start", "end", "lines", "spend", "contract_spend")} | {
        "share_on_contract": report["share_on_contract"],
        "left_on_table": report["left_on_table"],
        "off_contract_lines": len(report["off_contract"]),  # type: ignore[arg-type]
    }
    with _writing(engine) as conn:
        kpi_days.keep(conn, CONTRACT, json.dumps({"key": key, "share": share}))
    return share


def key_figures(
    engine: Engine, *, zone: tzinfo, today: date, on: date | None = None
) -> dict[str, Any]:
    """Every key figure of the dashboard with its definition (see the module's notes). The
    windows (turns, stock-out days, the on-contract share, vend-to-fill) end ``on`` (today by
    default; a day after today is refused): turns' on-hand and average values are the
    ledger's on that day. Stock now (value by location and class, items at zero) is today's."""
    day = today if on is None else on
    if day > today:
        raise InvalidValue("on", f"{day} is after today ({today}): no figures yet", str(day))
    fold(engine, zone=zone)
    share = contract_share(engine, today=day)
    with engine.connect() as conn:
        recent = kpi.recent_days(conn, zone=zone, today=day)
        now = kpi_now.held(conn, today=today)
        levels = kpi_now.stocked(conn, now)
        outs = kpi.stock_outs(conn, today=today, levels=levels)
        return {
            "today": day.isoformat(),
            "definitions": kpi.DEFINITIONS,
            "value_by_location": dashboard.value_by_location(conn, now=now),
            "value_by_class": kpi.value_by_class(conn, now=now),
            "turns": kpi.turns(conn, zone=zone, today=day, now=now, held_on=today),
            "stock_outs": {
                "count": len(outs),
                "vital": sum(1 for o in outs if o["criticality"] == "vital"),
                "lines": outs[:ZERO_LISTED],
            },
            "stockout_days": kpi.stockout_days(
                conn, zone=zone, today=day, days=recent, levels=levels
            ),
            "contract": share,
            "vend_to_fill": kpi.vend_to_fill(conn, zone=zone, today=day, days=recent),
        }


def warm_up(engine: Engine) -> None:
    """Compute today's key figures once before a server takes requests: folds what waits,
    reads the summaries into this process's memory and compiles the queries, so the first
    dashboard after a start answers as fast as the next. Then it freezes the garbage
    collector's view of what start-up made (:func:`gc.freeze`: the modules, the app, its
    templates and compiled queries are never freed, so the collections a request triggers
    need not walk them again; on the demo this takes the slowest dashboards from about 450 ms
    to under 300)."""
    now = clock.current()
    try:
        key_figures(engine, zone=now.zone, today=now.today())
    except Exception:  # a warm-up never keeps a server from starting; the page will say why
        log.warning("the key figures' warm-up failed", exc_info=True)
    gc.collect()
    gc.freeze()
