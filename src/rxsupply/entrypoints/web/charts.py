"""Plotly charts as HTML fragments. The page loads plotly.js from /static (no CDN).

Figures are plain plotly dictionaries (``data`` and ``layout``); ``plotly.io.to_json``
validates them. A chart is a ``<div data-chart>`` and its figure in a JSON data block
(``<script type="application/json" data-chart-for="...">``, which no browser runs):
``/static/rxsupply.js`` draws each one with ``Plotly.newPlot``, so the pages need no inline
script under the Content Security Policy.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, cast

import plotly.io as pio
from markupsafe import Markup

_to_json = cast(Callable[..., str], pio.to_json)
_CONFIG = {"displaylogo": False, "responsive": True, "displayModeBar": False}
_FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13}
_ACCENT = "#1d5fa7"
_PALE = "#d5dde8"


def _html(data: list[dict[str, Any]], layout: dict[str, Any], div_id: str, height: int) -> Markup:
    figure = {
        "data": data,
        "layout": {
            "template": "plotly_white",
            "height": height,
            "margin": {"l": 64, "r": 16, "t": 16, "b": 48},
            "font": _FONT,
            "separators": ".,",
            **layout,
        },
    }
    drawn = _to_json(figure, validate=True)
    text = f'{{"figure":{drawn},"config":{json.dumps(_CONFIG)}}}'.replace("<", "\\u003c")
    return Markup(
        f'<div id="{div_id}" class="plotly-graph-div chart" data-chart data-height="{height}">'
        f'</div><script type="application/json" data-chart-for="{div_id}">{text}</script>'
    )  # the figure is JSON-encoded by plotly; div_id and height are the code's own


def _labelled_bars(
    names: Sequence[str],
    values: Sequence[float],
    labels: Sequence[str],
    *,
    hover: str,
    customdata: Sequence[Any] | None = None,
) -> dict[str, Any]:
    """Horizontal bars, each labelled with its value (text outside the bar, never clipped),
    the first name at the top."""
    return {
        "type": "bar",
        "orientation": "h",
        "y": list(names),
        "x": list(values),
        "text": list(labels),
        "textposition": "outside",
        "cliponaxis": False,
        "customdata": list(customdata) if customdata is not None else list(names),
        "marker": {"color": _ACCENT},
        "hovertemplate": hover,
    }


def _bar_layout(values: Sequence[float], *, title: str, prefix: str = "") -> dict[str, Any]:
    """Room to the right of the longest bar for its label, names in a margin that grows with
    them, and nothing wider than the panel (the figure resizes with it: responsive)."""
    top = max([v for v in values if v is not None] or [0.0])
    return {
        "autosize": True,
        "margin": {"l": 16, "r": 24, "t": 16, "b": 48},
        "xaxis": {
            "title": {"text": title},
            "tickprefix": prefix,
            "tickformat": ",.0f" if prefix else ",.1f",
            "range": [0, top * 1.25 if top > 0 else 1],
            "automargin": True,
        },
        "yaxis": {"autorange": "reversed", "automargin": True, "type": "category"},
        "uniformtext": {"minsize": 10, "mode": "show"},
    }


def _height(bars: int) -> int:
    return max(180, 70 + 22 * bars)


def _dollars(value: float) -> str:
    return f"${value:,.0f}"


def value_by_location(rows: Sequence[dict[str, Any]], *, div_id: str = "chart-value") -> Markup:
    """Bars of on-hand value (dollars) per location, each labelled with its value."""
    values = [float(r["value"]) for r in rows]
    bar = _labelled_bars(
        [r["location"] for r in rows],
        values,
        [_dollars(v) for v in values],
        customdata=[r["name"] for r in rows],
        hover="%{y}<br>%{customdata}<br>$%{x:,.2f}<extra></extra>",
    )
    layout = _bar_layout(values, title="On-hand value", prefix="$")
    return _html([bar], layout, div_id, _height(len(rows)))


def value_by_class(rows: Sequence[dict[str, Any]], *, div_id: str = "chart-class") -> Markup:
    """Bars of on-hand value per ABC class, each labelled with its value."""
    values = [float(r["value"]) for r in rows]
    bar = _labelled_bars(
        [str(r["class"]) for r in rows],
        values,
        [_dollars(v) for v in values],
        customdata=[r["units"] for r in rows],
        hover="class %{y}<br>$%{x:,.2f}<br>%{customdata:,} units<extra></extra>",
    )
    layout = _bar_layout(values, title="On-hand value", prefix="$")
    return _html([bar], layout, div_id, _height(len(rows)))


def vend_to_fill(rows: Sequence[dict[str, Any]], *, div_id: str = "chart-vend") -> Markup:
    """Dispenses per refill per cabinet, each bar labelled with its ratio."""
    shown = [r for r in rows if r["ratio"] is not None]
    values = [float(r["ratio"]) for r in shown]
    bar = _labelled_bars(
        [r["cabinet"] for r in shown],
        values,
        [f"{v:,.1f}" for v in values],
        customdata=[f"{r['dispenses']:,} dispenses, {r['refills']:,} refills" for r in shown],
        hover="%{y}<br>%{x:.2f} dispenses per refill<br>%{customdata}<extra></extra>",
    )
    layout = _bar_layout(values, title="Dispenses per refill")
    return _html([bar], layout, div_id, _height(len(shown)))


def daily_usage(
    rows: Sequence[dict[str, Any]], *, unit: str, div_id: str = "chart-usage"
) -> Markup:
    """A line of units used per day (dispenses less patient returns)."""
    line = {
        "type": "scatter",
        "mode": "lines",
        "x": [r["day"] for r in rows],
        "y": [r["units"] for r in rows],
        "line": {"color": _ACCENT, "width": 1.5},
        "hovertemplate": "%{x|%m/%d/%Y}: %{y:,} " + unit + "<extra></extra>",
    }
    layout = {
        "xaxis": {"type": "date", "tickformat": "%m/%Y"},
        "yaxis": {
            "title": {"text": f"{unit} per day"},
            "tickformat": ",d",
            "rangemode": "tozero",
        },
    }
    return _html([line], layout, div_id, 300)


def runout_curves(rows: Sequence[dict[str, Any]], *, div_id: str = "chart-runout") -> Markup:
    """One line per item: the chance (in %) of having run out by each day of the projection,
    with the pessimistic (10th percentile) and median dates where the line crosses 10 % and
    50 %."""
    lines = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": f"{r['item']} {r['name']}",
            "x": [p["day"] for p in r["curve"]],
            "y": [round(100 * p["probability"], 1) for p in r["curve"]],
            "line": {"width": 2, "shape": "hv"},
            "hovertemplate": "%{x|%m/%d/%Y}: %{y}% run out<extra>%{fullData.name}</extra>",
        }
        for r in rows
    ]
    layout = {
        "showlegend": True,
        "legend": {"orientation": "h", "y": -0.25},
        "margin": {"l": 64, "r": 16, "t": 16, "b": 96},
        "xaxis": {"type": "date", "tickformat": "%m/%d/%Y"},
        "yaxis": {
            "title": {"text": "chance of having run out (%)"},
            "range": [0, 100],
            "ticksuffix": "%",
        },
        "shapes": [
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "y0": level,
                "y1": level,
                "line": {"color": _PALE, "dash": "dot"},
            }
            for level in (10, 50)
        ],
    }
    return _html(lines, layout, div_id, 340)


def pocket_fill(rows: Sequence[dict[str, Any]], *, div_id: str = "chart-pockets") -> Markup:
    """On-hand against capacity for each pocket of a cabinet (horizontal bars)."""
    names = [r["code"] for r in rows]
    capacity = {
        "type": "bar",
        "orientation": "h",
        "name": "Capacity",
        "y": names,
        "x": [r["capacity"] or 0 for r in rows],
        "text": [f"{r['on_hand']:,} / {r['capacity'] or 0:,}" for r in rows],
        "textposition": "outside",
        "cliponaxis": False,
        "marker": {"color": _PALE},
        "hovertemplate": "%{y}: capacity %{x:,}<extra></extra>",
    }
    stock = {
        "type": "bar",
        "orientation": "h",
        "name": "On hand",
        "y": names,
        "x": [r["on_hand"] for r in rows],
        "marker": {"color": _ACCENT},
        "hovertemplate": "%{y}: %{x:,} on hand<extra></extra>",
    }
    layout = {
        "barmode": "overlay",
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        "margin": {"l": 64, "r": 24, "t": 36, "b": 48},
        "autosize": True,
        "xaxis": {
            "title": {"text": "Units"},
            "tickformat": ",d",
            "range": [
                0,
                1.3 * max([r["capacity"] or 0 for r in rows] + [r["on_hand"] for r in rows] + [1]),
            ],
        },
        "yaxis": {"autorange": "reversed", "automargin": True},
    }
    return _html([capacity, stock], layout, div_id, max(200, 90 + 34 * len(rows)))


def abc_xyz_matrix(rows: Sequence[dict[str, Any]], *, div_id: str = "chart-abcxyz") -> Markup:
    """A 3 x 3 heatmap: item-locations per ABC (rows) and XYZ (columns) class, with their
    annual value in the hover."""
    counts = [[0] * 3 for _ in range(3)]
    value = [[0.0] * 3 for _ in range(3)]
    for r in rows:
        a, x = "ABC".find(str(r["abc"])), "XYZ".find(str(r["xyz"]))
        if a >= 0 and x >= 0:
            counts[a][x] += 1
            value[a][x] += float(r.get("annual_value") or 0.0)
    heat = {
        "type": "heatmap",
        "z": counts,
        "x": ["X (steady)", "Y (variable)", "Z (erratic)"],
        "y": ["A", "B", "C"],
        "customdata": value,
        "colorscale": [[0, "#f4f7fb"], [1, _ACCENT]],
        "texttemplate": "%{z:,}",
        "hovertemplate": "%{y}%{x}<br>%{z:,} item-locations<br>$%{customdata:,.0f} a year"
        "<extra></extra>",
        "showscale": False,
    }
    layout = {"yaxis": {"autorange": "reversed"}, "xaxis": {"side": "top"}}
    return _html([heat], layout, div_id, 300)


def pareto(rows: Sequence[dict[str, Any]], *, div_id: str = "chart-pareto") -> Markup:
    """Cumulative share of annual value against the share of items, highest value first."""
    by_item: dict[str, float] = {}
    for r in rows:
        key = str(r.get("item", r.get("series_id")))
        by_item[key] = by_item.get(key, 0.0) + float(r.get("annual_value") or 0.0)
    values = sorted(by_item.values(), reverse=True)
    total = sum(values) or 1.0
    running, ys = 0.0, []
    for v in values:
        running += v
        ys.append(100.0 * running / total)
    xs = [100.0 * (i + 1) / max(len(values), 1) for i in range(len(values))]
    line = {
        "type": "scatter",
        "mode": "lines",
        "x": xs,
        "y": ys,
        "line": {"color": _ACCENT},
        "hovertemplate": "%{x:.1f}% of items<br>%{y:.1f}% of value<extra></extra>",
    }
    layout = {
        "xaxis": {"title": {"text": "Items, highest annual value first (%)"}, "range": [0, 100]},
        "yaxis": {"title": {"text": "Share of annual value (%)"}, "range": [0, 101]},
    }
    return _html([line], layout, div_id, 320)


def forecast_against_actual(
    days: Sequence[str],
    actual: Sequence[float | None],
    forecast: Sequence[float],
    *,
    title: str,
    div_id: str,
) -> Markup:
    """Daily actual demand (bars) against the forecast made before those days (line)."""
    bars = {
        "type": "bar",
        "x": list(days),
        "y": list(actual),
        "name": "actual",
        "marker": {"color": _PALE},
        "hovertemplate": "%{x}<br>%{y} units<extra></extra>",
    }
    line = {
        "type": "scatter",
        "mode": "lines",
        "x": list(days),
        "y": list(forecast),
        "name": "forecast",
        "line": {"color": _ACCENT, "width": 2},
        "hovertemplate": "%{x}<br>%{y:.2f} units/day<extra></extra>",
    }
    layout = {
        "title": {"text": title, "font": {"size": 14}},
        "margin": {"l": 64, "r": 16, "t": 40, "b": 48},
        "yaxis": {"title": {"text": "Units per day"}},
        "legend": {"orientation": "h"},
    }
    return _html([bars, line], layout, div_id, 300)


def service_curve(points: Sequence[dict[str, Any]], *, div_id: str = "chart-service") -> Markup:
    """Achieved fill rate against average inventory value, one line per method."""
    traces = []
    colours = {"rxsupply": _ACCENT, "textbook": "#c0392b", "current": "#555"}
    for method in dict.fromkeys(str(p["method"]) for p in points):
        mine = sorted((p for p in points if p["method"] == method), key=lambda p: p["value"])
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers" if len(mine) > 1 else "markers",
                "name": method,
                "x": [p["value"] for p in mine],
                "y": [100.0 * p["fill_rate"] for p in mine],
                "customdata": [p.get("target") for p in mine],
                "line": {"color": colours.get(method, "#888")},
                "marker": {"size": 9},
                "hovertemplate": "target %{customdata}<br>$%{x:,.0f} average on hand<br>"
                "%{y:.2f}% fill rate<extra>" + method + "</extra>",
            }
        )
    layout = {
        "xaxis": {"title": {"text": "Average inventory value"}, "tickprefix": "$"},
        "yaxis": {"title": {"text": "Achieved fill rate (%)"}},
        "legend": {"orientation": "h"},
    }
    return _html(traces, layout, div_id, 360)


def value_at_risk(weeks: Sequence[dict[str, Any]], *, div_id: str = "chart-risk") -> Markup:
    """Value projected to expire unused: bars per week, and the running total as a line."""
    x = [w["week"] for w in weeks]
    bars = {
        "type": "bar",
        "name": "expiring that week",
        "x": x,
        "y": [float(str(w["value"])) for w in weeks],
        "marker": {"color": _PALE},
        "hovertemplate": "week of %{x|%m/%d/%Y}: $%{y:,.2f}<extra></extra>",
    }
    line = {
        "type": "scatter",
        "mode": "lines",
        "name": "cumulative",
        "x": x,
        "y": [float(str(w["cumulative_value"])) for w in weeks],
        "line": {"color": _ACCENT, "width": 2, "shape": "hv"},
        "hovertemplate": "by %{x|%m/%d/%Y}: $%{y:,.2f}<extra></extra>",
    }
    layout = {
        "legend": {"orientation": "h", "y": -0.2},
        "xaxis": {"type": "date", "tickformat": "%m/%d/%Y"},
        "yaxis": {"title": {"text": "value at risk"}, "tickprefix": "$", "tickformat": ",.0f"},
    }
    return _html([bars, line], layout, div_id, 320)


def warm() -> None:
    """Draw a one-bar chart once, so plotly loads its figure validators when the app starts
    (about 0.2 s) rather than on the first page with a chart."""
    value_by_class([{"class": "A", "units": 1, "value": "1.00"}], div_id="warm-up")
