"""Stand-alone HTML reports of an analysis or a plan (``--report FILE.html``).

One file that opens anywhere without a network: plotly.js is embedded from the installed
plotly package, never fetched from a CDN. The page says the day it was made: ``today``, which
the command passes from its clock.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, cast

import numpy as np
from markupsafe import Markup
from plotly import offline

from rxsupply.analytics.demand import DemandMatrix
from rxsupply.analytics.forecasting import level
from rxsupply.analytics.planning import Plan
from rxsupply.entrypoints.web import charts
from rxsupply.services import planning

STYLE = """
body { font-family: system-ui, -apple-system, Segoe UI, Roboto, sans-serif; margin: 2rem auto;
       max-width: 1100px; color: #1b2430; padding: 0 1rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
table { border-collapse: collapse; font-size: 0.9rem; } td, th { padding: 4px 10px;
  border-bottom: 1px solid #e3e8ef; text-align: right; } th:first-child, td:first-child
  { text-align: left; }
.note { color: #56606e; font-size: 0.9rem; }
"""


def _plotly_js() -> str:
    """plotly.js from the installed package (no network)."""
    return str(cast(Any, offline).get_plotlyjs())


def _page(title: str, sections: Sequence[tuple[str, str | Markup]], today: date) -> str:
    made = today
    body = "".join(f"<h2>{html.escape(h)}</h2>\n{content}\n" for h, content in sections)
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{html.escape(title)}</title><style>{STYLE}</style>"
        f"<script>{_plotly_js()}</script></head><body>"
        f"<h1>{html.escape(title)}</h1>"
        f"<p class=note>Made by rxsupply on {made:%m/%d/%Y}.</p>{body}</body></html>"
    )


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


def _table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_cell(r.get(c)))}</td>" for c in columns) + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(v: object) -> str:
    if isinstance(v, float):
        return f"{v:,.4f}" if abs(v) < 10 else f"{v:,.2f}"
    if isinstance(v, int):
        return f"{v:,}"
    return "" if v is None else str(v)


def _class_counts(rows: Sequence[dict[str, Any]]) -> str:
    counts: dict[str, int] = {}
    for r in rows:
        counts[str(r["demand_class"])] = counts.get(str(r["demand_class"]), 0) + 1
    table = [{"demand class": k, "item-locations": v} for k, v in sorted(counts.items())]
    return _table(table, ["demand class", "item-locations"])


def analysis_report(rows: Sequence[dict[str, Any]], path: Path, *, today: date) -> None:
    """ABC/XYZ matrix, Pareto curve and demand classes, made on ``today``."""
    sections: list[tuple[str, str | Markup]] = [
        ("ABC / XYZ matrix", charts.abc_xyz_matrix(rows)),
        ("Pareto curve of annual consumption value", charts.pareto(rows)),
        ("Demand classes (Syntetos-Boylan)", _class_counts(rows)),
    ]
    _write(path, _page("rxsupply: demand analysis", sections, today))


def plan_report(
    demand: DemandMatrix,
    result: Plan,
    path: Path,
    *,
    loaded: planning.History | None = None,
    holdout_days: int = 180,
    chosen: int = 4,
    today: date,
) -> None:
    """The analysis charts, forecast against actual for the highest-value series, the plan's
    most valuable lines, and (on the database) the service-level against inventory-value curve
    of our plan, the textbook plan and the current settings on the held-out days; made on
    ``today``."""
    rows = result.rows()
    value = result.mean_daily_demand * 365.0 * result.setting.unit_cost
    for r, v in zip(rows, value.tolist(), strict=True):
        r["annual_value"] = v
    sections: list[tuple[str, str | Markup]] = [
        ("ABC / XYZ matrix", charts.abc_xyz_matrix(rows)),
        ("Pareto curve of annual consumption value", charts.pareto(rows)),
    ]
    top = np.argsort(-value)[:chosen]
    if demand.days > holdout_days + 60:
        history, holdout = demand.split(holdout_days)
        figures = []
        for n, i in enumerate(top.tolist()):
            method = str(result.method[i]) if str(result.method[i]) != "none" else "sba"
            predicted = float(level(history.filled()[i : i + 1], method)[0])
            actual = holdout.quantities[i]
            figures.append(
                charts.forecast_against_actual(
                    [d.isoformat() for d in holdout.dates()],
                    [None if np.isnan(a) else float(a) for a in actual.tolist()],
                    [predicted] * holdout.days,
                    title=f"{demand.series_ids[i]} ({method})",
                    div_id=f"chart-forecast-{n}",
                )
            )
        sections.append(
            (
                f"Forecast against actual, last {holdout_days} days held out",
                Markup("".join(figures)),
            )
        )
    if loaded is not None and loaded.demand.days > holdout_days + 60:
        points = planning.service_curve(loaded, holdout_days=holdout_days)
        sections.append(
            (
                f"Service level against inventory value, last {holdout_days} days replayed",
                Markup(charts.service_curve(points))
                + Markup(_table(points, ["method", "target", "fill_rate", "value"])),
            )
        )
    columns = [
        "series_id",
        "min",
        "max",
        "mean_daily_demand",
        "method",
        "distribution",
        "target",
        "safety_stock",
        "abc",
        "demand_class",
    ]
    ranked = [rows[i] for i in np.argsort(-value)[:50].tolist()]
    sections.append(("The 50 most valuable recommendations", _table(ranked, columns)))
    _write(path, _page("rxsupply: plan", sections, today))
