"""The biennial inventory of controlled substances as a CSV file and as a printable HTML page.

CSV columns (one row per scheduled product on hand at a location, Schedule II rows first):
``date, registrant, schedule, location, location_name, ndc, name, strength, form,
package_size, units``. ``units`` is in the product's dispense units (tablets, vials,
syringes), exact for every schedule; ``package_size`` is the units in one package.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Sequence
from typing import Any

from rxsupply.adapters.cell_safety import safe_row

COLUMNS = (
    "date",
    "registrant",
    "schedule",
    "location",
    "location_name",
    "ndc",
    "name",
    "strength",
    "form",
    "package_size",
    "units",
)


def biennial_csv(report: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in [*report["schedule_ii"], *report["other_schedules"]]:
        writer.writerow(safe_row({c: row[c] for c in COLUMNS}))
    return out.getvalue()


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1000px; color: #1b2430; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; margin-bottom: 1.5rem; }
td, th { padding: 4px 8px; border: 1px solid #c9d1dc; text-align: left; }
td.num, th.num { text-align: right; }
.sign { margin-top: 3rem; } .sign span { display: inline-block; width: 45%; border-top: 1px solid
#1b2430; margin-right: 4%; padding-top: 4px; }
@media print { body { margin: 0; } }
"""


def _table(rows: Sequence[dict[str, Any]], table_id: str) -> str:
    if not rows:
        return f'<p id="{table_id}">None on hand.</p>'
    head = "".join(
        f'<th scope="col"{" class=num" if c in ("package_size", "units") else ""}>'
        f"{html.escape(c.replace('_', ' '))}</th>"
        for c in COLUMNS[2:]
    )
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{' class=num' if c in ('package_size', 'units') else ''}>"
            f"{html.escape(str(r[c]))}</td>"
            for c in COLUMNS[2:]
        )
        + "</tr>"
        for r in rows
    )
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def biennial_html(report: dict[str, Any]) -> str:
    """A page to print and sign: Schedule II apart, then the other schedules."""
    day, registrant = html.escape(report["date"]), html.escape(report["registrant"])
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>Biennial controlled substance inventory {day}</title>"
        f"<style>{_STYLE}</style></head><body>"
        f"<h1>Biennial controlled substance inventory</h1>"
        f"<p>Registrant: <strong>{registrant}</strong><br>Date: <strong>{day}</strong>, taken "
        f"at the {html.escape(report['taken_at'])}. Units are exact counts of dispense units "
        "from the perpetual inventory.</p>"
        "<h2>Schedule II</h2>"
        + _table(report["schedule_ii"], "schedule-ii")
        + "<h2>Schedules III-V</h2>"
        + _table(report["other_schedules"], "other-schedules")
        + '<p class="sign"><span>Taken by</span><span>Witness</span></p></body></html>'
    )
