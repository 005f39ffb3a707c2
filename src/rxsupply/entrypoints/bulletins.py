"""Shortage bulletins and the weekly summary as Markdown, for every face (the printable HTML is
the web UI's ``bulletin.html`` and ``weekly.html``): for e-mail, a wiki or the P&T committee's
minutes."""

from __future__ import annotations

from datetime import date
from typing import Any

from rxsupply.services.shortage_bulletin import Bulletin, WeeklySummary

DAYS = 180


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return " ".join(text.replace("\\", "\\\\").replace("|", "\\|").split())


def _day(value: object) -> str:
    if not value:
        return f"not within {DAYS} days"
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return day.strftime("%m/%d/%Y")


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return out


def _impact(rows: list[dict[str, Any]]) -> list[str]:
    if not rows:
        return ["No formulary item is matched to this shortage."]
    return _table(
        [
            "Item",
            "Criticality",
            "On hand",
            "On order",
            "Use per day",
            "Days of supply",
            "Stock-out (median)",
            "Pessimistic (10th percentile)",
            "Used most at",
        ],
        [
            [
                f"{r['item']} {r['name']}",
                r["criticality"],
                f"{r['on_hand']:,}",
                f"{r['on_order']:,}",
                r["daily_use"],
                "-" if r["days_of_supply"] is None else r["days_of_supply"],
                _day(r["projected_stockout"]),
                _day(r["projected_stockout_p10"]),
                ", ".join(f"{u['location']} ({u['units']:,})" for u in r["top_users"]),
            ]
            for r in rows
        ],
    )


def _lines(rows: list[dict[str, Any]], empty: str) -> list[str]:
    if not rows:
        return [empty]
    return ["- " + _cell(r.get("text") or r) for r in rows]


def bulletin_markdown(bulletin: Bulletin) -> str:
    s = bulletin.shortage
    found = bulletin.as_dict()
    head = [
        f"# Drug shortage bulletin: {_cell(s.generic_name)} (shortage {s.id})",
        "",
        f"Status: **{s.status.value}** · source {s.source.value}"
        + (f" · first posted {_day(s.first_posted)}" if s.first_posted else "")
        + (f" · last updated {_day(s.last_updated)}" if s.last_updated else "")
        + (f" · resolved {_day(s.resolved_on)}" if s.resolved_on else "")
        + f" · written {_day(bulletin.written_on)}",
    ]
    if s.reason:
        head += ["", f"Why: {_cell(s.reason)}"]
    body = [
        "",
        "## Impact",
        "",
        "Usable stock everywhere and its projected stock-out if no new stock comes.",
        "",
        *_impact(found["impact"]),
        "",
        "## Alternatives",
        "",
        *_lines(bulletin.alternatives, "None recorded yet: ask the pharmacy."),
        "",
        "## Conservation steps",
        "",
        *_lines(bulletin.steps, "None in place."),
        "",
        "## Expected resolution",
        "",
        *_lines([{"text": t} for t in bulletin.expected], "Not known."),
        "",
    ]
    return "\n".join(head + body)


def weekly_markdown(summary: WeeklySummary) -> str:
    out = [
        f"# Drug shortages: week of {_day(summary.week_from)} to {_day(summary.week_to)}",
        "",
        f"{len(summary.active):,} active shortages; {len(summary.started):,} started and "
        f"{len(summary.ended):,} ended this week.",
        "",
        "## Active, riskiest first",
        "",
    ]
    rows = []
    for shortage, worst, items in summary.active:
        w = worst.as_dict() if worst else None
        rows.append(
            [
                f"{shortage.id} {shortage.generic_name}",
                items,
                f"{w['item']} {w['name']}" if w else "-",
                "-" if not w or w["days_of_supply"] is None else w["days_of_supply"],
                _day(w["projected_stockout_p10"]) if w else "-",
            ]
        )
    out += _table(
        ["Shortage", "Items", "Riskiest item", "Days of supply", "Pessimistic stock-out"], rows
    )
    for title, found in (
        ("Started this week", summary.started),
        ("Ended this week", summary.ended),
    ):
        out += ["", f"## {title}", ""]
        out += [f"- {s.id} {_cell(s.generic_name)} ({s.source.value})" for s in found] or ["None."]
    return "\n".join(out) + "\n"
