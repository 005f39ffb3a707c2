"""A return batch's manifest as the CLI, the API and the web pages give it: CSV with a header,
or a printable HTML page (one table per stream, totals, and lines for signatures)."""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from rxsupply.adapters.cell_safety import safe_row
from rxsupply.domain.return_batch import ReturnBatch
from rxsupply.domain.waste_stream import WasteStream

COLUMNS = (
    "batch",
    "line",
    "stream",
    "ndc",
    "product",
    "labeler",
    "lot",
    "expiry",
    "quantity",
    "schedule",
    "form_222",
    "listing_code",
    "expected_credit",
    "price_basis",
)
TITLES = {
    WasteStream.CREDITABLE.value: "Potentially creditable (to the reverse distributor)",
    WasteStream.HAZARDOUS.value: "Non-creditable hazardous waste pharmaceuticals (RCRA)",
    WasteStream.NON_HAZARDOUS.value: "Non-creditable, non-hazardous pharmaceutical waste",
    WasteStream.CONTROLLED.value: "Controlled substances (DEA)",
}
_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #111; }
h1 { font-size: 1.3rem; } h2 { font-size: 1.05rem; margin-top: 1.5rem; }
table { border-collapse: collapse; font-size: 0.85rem; width: 100%; }
th, td { border: 1px solid #999; padding: 3px 6px; text-align: left; }
td.n { text-align: right; } .sign { margin-top: 2.5rem; display: flex; gap: 4rem; }
.sign div { border-top: 1px solid #000; padding-top: 4px; min-width: 14rem; }
@media print { a { display: none; } }
"""


def manifest_csv(rows: Sequence[dict[str, object]]) -> str:
    """The manifest's lines as CSV, with a header."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(safe_row(row))
    return out.getvalue()


def manifest_html(
    batch: ReturnBatch, rows: Sequence[dict[str, object]], *, stream: str | None, today: date
) -> str:
    """A printable page: the batch, then a table per stream with its units and credit."""
    e = html.escape
    shown = [c for c in COLUMNS if c not in ("batch", "stream")]
    parts = [
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Return manifest {e(batch.number)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>Return manifest {e(batch.number)}</h1>",
        f"<p>Status {e(batch.status.value)}; reverse distributor "
        f"{e(batch.distributor or 'not named')}; made by {e(batch.created_by)}; printed "
        f"{today.isoformat()}. Nothing on this manifest is sewered.</p>",
    ]
    streams = [s.value for s in WasteStream if stream is None or s.value == stream]
    for name in streams:
        mine = [r for r in rows if r["stream"] == name]
        if not mine:
            continue
        units = sum(int(str(r["quantity"])) for r in mine)
        credit = sum((Decimal(str(r["expected_credit"])) for r in mine), Decimal(0))
        head = "".join(f"<th>{e(c)}</th>" for c in shown)
        body = "".join(
            "<tr>"
            + "".join(
                f"<td class='n'>{e(_text(r.get(c)))}</td>"
                if c in ("line", "quantity", "expected_credit")
                else f"<td>{e(_text(r.get(c)))}</td>"
                for c in shown
            )
            + "</tr>"
            for r in mine
        )
        parts.append(
            f"<h2>{e(TITLES[name])}</h2><p>{len(mine)} lines, {units:,} units, expected credit "
            f"{credit:.2f}</p><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        )
    parts.append(
        "<div class='sign'><div>Shipped by (name, date)</div><div>Received by (name, date)</div>"
        "</div></body></html>\n"
    )
    return "".join(parts)


def _text(value: object) -> str:
    return "" if value is None else str(value)
