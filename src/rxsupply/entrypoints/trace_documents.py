"""A trace's response package as the CLI, the API and the web pages give it: JSON (all of it),
an EPCIS 1.2 document of our own receiving and dispensing events
(:mod:`rxsupply.adapters.epcis.response_writer`), and a printable HTML page with the same
sections as the trace page."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from datetime import datetime, tzinfo

from rxsupply.adapters.epcis.response_writer import response_epcis
from rxsupply.domain.clock import Clock
from rxsupply.domain.trace import Trace
from rxsupply.errors import InvalidValue
from rxsupply.services.dscsa.trace import trace_lot, trace_serial
from rxsupply.services.ports import UnitOfWork

FORMATS = {
    "json": ("application/json", "json"),
    "epcis": ("application/xml", "xml"),
    "html": ("text/html; charset=utf-8", "html"),
}
_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #111; }
h1 { font-size: 1.3rem; } h2 { font-size: 1.05rem; margin-top: 1.5rem; }
table { border-collapse: collapse; font-size: 0.85rem; width: 100%; }
th, td { border: 1px solid #999; padding: 3px 6px; text-align: left; vertical-align: top; }
td.n { text-align: right; } .note { font-style: italic; }
@media print { a { display: none; } }
"""


def run_trace(
    uow: UnitOfWork,
    *,
    serial: str | None,
    lot: str | None,
    ndc: str | None = None,
    clock: Clock,
) -> Trace:
    """The trace a face asked for: a serial or a lot (with its product's NDC), not both."""
    serial = serial if serial and serial.strip() else None
    lot = lot if lot and lot.strip() else None
    ndc = ndc if ndc and ndc.strip() else None
    if (serial is None) == (lot is None):
        raise InvalidValue("trace", "give a serial or a lot (one of them)")
    if serial is not None:
        if ndc is not None:
            raise InvalidValue("ndc", "the NDC goes with a lot; give a serial as NDC:SERIAL")
        return trace_serial(uow, serial=serial, clock=clock)
    return trace_lot(uow, lot=lot or "", ndc=ndc, clock=clock)


def subject(trace: Trace) -> str:
    """What was traced, as words: ``serial 0100...21S1`` or ``lot A123 (NDC 98765-402-10)``."""
    q = trace.query
    if "serial" in q:
        return f"serial {q.get('identifier') or q['serial']}"
    return f"lot {q.get('lot', '')}" + (f" (NDC {q['ndc']})" if q.get("ndc") else "")


def file_name(trace: Trace, fmt: str) -> str:
    """``trace-<what>-<yyyymmddThhmmZ>.<ext>``, safe as a file name."""
    what = trace.query.get("identifier") or trace.query.get("serial") or trace.query.get("lot")
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", what or "trace")[:60]
    return f"trace-{safe}-{trace.generated_at:%Y%m%dT%H%MZ}.{FORMATS[fmt][1]}"


def package_bytes(trace: Trace, fmt: str, *, zone: tzinfo) -> bytes:
    """The trace in one format of its response package (``json``, ``epcis`` or ``html``)."""
    if fmt == "json":
        return (json.dumps(trace.as_dict(), indent=1) + "\n").encode()
    if fmt == "epcis":
        return response_epcis(trace, zone=zone, created=trace.generated_at)
    if fmt == "html":
        return trace_html(trace, zone=zone).encode()
    raise ValueError(f"unknown format {fmt!r}")


def trace_html(trace: Trace, *, zone: tzinfo) -> str:
    """A printable page: what was traced, its transaction records, receipts, moves, status
    changes and dispenses, each a table."""
    data = trace.as_dict()

    def when(stamp: object) -> str:
        if not isinstance(stamp, str):
            return ""
        return datetime.fromisoformat(stamp).astimezone(zone).strftime("%Y-%m-%d %H:%M")

    facility = trace.facility.name if trace.facility else ""
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Trace: {html.escape(subject(trace))}</title><style>{_STYLE}</style></head><body>",
        f"<h1>DSCSA trace: {html.escape(subject(trace))}</h1>",
        f"<p>{html.escape(facility)} &middot; generated {when(data['generated_at'])}</p>",
    ]
    parts += [f"<p class='note'>{html.escape(n)}</p>" for n in trace.notes]
    package = trace.package
    if package is not None:
        parts.append(
            _table(
                "Package",
                ("identifier", "lot", "units", "status", "location", "received", "by"),
                [
                    (
                        package.identifier,
                        package.lot,
                        package.units,
                        package.status,
                        package.location.code if package.location else "",
                        when(package.received_at.isoformat() if package.received_at else None),
                        package.received_by,
                    )
                ],
            )
        )
    parts.append(
        _table(
            "Lots",
            ("lot", "NDC", "product", "expiry", "status", "derived from"),
            [
                (x.lot, x.ndc, x.product, x.expiry or "", x.status, x.derived_from or "")
                for x in trace.lots
            ],
        )
    )
    parts.append(
        _table(
            "Transaction records (TI/TS)",
            ("document", "seller", "buyer", "transaction", "shipped", "order", "statement"),
            [
                (
                    r.file_name,
                    r.seller or "",
                    r.buyer or "",
                    r.transaction_date or "",
                    r.shipment_date or "",
                    r.order_number or "",
                    "affirmed" if r.statement_affirmed else "not affirmed",
                )
                for r in trace.transaction_records
            ],
        )
    )
    parts.append(
        _table(
            "Receipts",
            ("when", "lot", "units", "into", "order", "seller", "EPCIS", "package", "by"),
            [
                (
                    when(r["at"]),
                    r["lot"],
                    r["quantity"],
                    r["to"],
                    r["order"] or "",
                    r["seller"] or "",
                    "yes" if r["documented"] else "no",
                    r["package"] or "",
                    r["user"],
                )
                for r in _rows(data["receipts"])
            ],
        )
    )
    parts.append(
        _table(
            "Moves inside the hospital",
            ("when", "kind", "lot", "units", "from", "to", "reference", "by"),
            [
                (
                    when(m["at"]),
                    m["kind"],
                    m["lot"],
                    m["quantity"],
                    m["from"] or "",
                    m["to"] or "",
                    m["reference"],
                    m["user"],
                )
                for m in _rows(data["moves"])
            ],
        )
    )
    parts.append(
        _table(
            "Status changes",
            ("when", "lot", "serial", "status", "reason", "by"),
            [
                (when(s["at"]), s["lot"], s["serial"] or "", s["status"], s["reason"], s["user"])
                for s in _rows(data["status_changes"])
            ],
        )
    )
    parts.append(
        _table(
            "Dispenses",
            ("when", "kind", "lot", "units", "location", "cabinet", "ward", "reference"),
            [
                (
                    when(d["at"]),
                    d["kind"],
                    d["lot"],
                    d["quantity"],
                    d["location"] or "",
                    d["cabinet"] or "",
                    d["ward"],
                    d["reference"] or "",
                )
                for d in _rows(data["dispenses"])
            ],
        )
    )
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _rows(value: object) -> list[dict[str, object]]:
    return value if isinstance(value, list) else []


def _table(title: str, heads: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in heads)
    if not rows:
        return f"<h2>{html.escape(title)}</h2><p>None.</p>"
    body = "".join(
        "<tr>"
        + "".join(
            f"<td class='n'>{v}</td>" if isinstance(v, int) else f"<td>{html.escape(str(v))}</td>"
            for v in row
        )
        + "</tr>"
        for row in rows
    )
    return f"<h2>{html.escape(title)}</h2><table><tr>{head}</tr>{body}</table>"
