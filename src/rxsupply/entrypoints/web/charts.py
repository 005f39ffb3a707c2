"""Plotly charts as HTML fragments. The page loads plotly.js from /static (no CDN).

Figures are plain plotly dictionaries (``data`` and ``layout``); ``plotly.io.to_html`` validates
them and writes a ``<div>`` with the script that draws it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

import plotly.io as pio
from markupsafe import Markup

_to_html = cast(Callable[..., str], pio.to_html)
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
    html = _to_html(
        figure,
        full_html=False,
        include_plotlyjs=False,
        config=_CONFIG,
        div_id=div_id,
        default_height=f"{height}px",
        default_width="100%",
    )
    return Markup(html)  # plotly's own output; the data inside is JSON-encoded by plotly


def value_by_location(rows: Sequence[dict[str, Any]], *, div_id: str = "chart-value") -> Markup:
    """Bars of on-hand value (dollars) per location."""
    bar = {
        "type": "bar",
        "x": [r["location"] for r in rows],
        "y": [float(r["value"]) for r in rows],
        "customdata": [r["name"] for r in rows],
        "marker": {"color": _ACCENT},
        "hovertemplate": "%{x}<br>%{customdata}<br>$%{y:,.2f}<extra></extra>",
    }
    layout = {
        "yaxis": {"title": {"text": "On-hand value"}, "tickprefix": "$", "tickformat": ",.0f"},
        "xaxis": {"automargin": True},
    }
    return _html([bar], layout, div_id, 320)


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


def pocket_fill(rows: Sequence[dict[str, Any]], *, div_id: str = "chart-pockets") -> Markup:
    """On-hand against capacity for each pocket of a cabinet (horizontal bars)."""
    names = [r["code"] for r in rows]
    capacity = {
        "type": "bar",
        "orientation": "h",
        "name": "Capacity",
        "y": names,
        "x": [r["capacity"] or 0 for r in rows],
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
        "margin": {"l": 64, "r": 16, "t": 36, "b": 48},
        "xaxis": {"title": {"text": "Units"}, "tickformat": ",d"},
        "yaxis": {"autorange": "reversed", "automargin": True},
    }
    return _html([capacity, stock], layout, div_id, max(200, 90 + 34 * len(rows)))
