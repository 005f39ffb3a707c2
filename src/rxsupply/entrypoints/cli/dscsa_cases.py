"""``rxsupply dscsa case open | list | show | step | evidence | clear | illegitimate | form3911 |
notified``: suspect and illegitimate product cases (DSCSA 582(d)(4)), from the quarantine of
the serials and lots named to the FDA notification."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from rxsupply.adapters.unit_of_work import SqlUnitOfWork, run_with_retry
from rxsupply.config import load_settings
from rxsupply.domain.suspect_case import CaseSource, StepKind, SuspectReason, parse_choice
from rxsupply.domain.users import Permission
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.dscsa import dscsa_app
from rxsupply.entrypoints.form3911_document import form_3911_html
from rxsupply.errors import InvalidValue
from rxsupply.services.dscsa import cases
from rxsupply.services.dscsa.case_views import case_view, form_3911_draft, list_cases

case_app = typer.Typer(
    help="Suspect and illegitimate product cases: quarantine serials and lots, investigate, "
    "clear or determine illegitimate, the FDA Form 3911 draft and the 24-hour clock.",
    no_args_is_help=True,
)
dscsa_app.add_typer(case_app, name="case")
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
CaseArg = Annotated[str, typer.Argument(help="The case's number (SC-2026-0001) or id.")]
NoteOption = Annotated[str, typer.Option(help="What was done or found.")]
READ_LIMIT = 50_000_000
"""The largest evidence file hashed (bytes)."""


def _write(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=1, default=str) + "\n")


def _view(key: str) -> dict[str, Any]:
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        return case_view(uow, cases.find_case(uow, key), clock=context.clock())


def _show(found: dict[str, Any], as_json: bool, extra: dict[str, Any] | None = None) -> None:
    if as_json:
        _write(found | (extra or {}))
        return
    context.out.print(
        f"[bold]case {escape(found['number'])}[/bold] ({found['status']}): "
        f"{found['reason'].replace('_', ' ')}, noticed by {found['source'].replace('_', ' ')}; "
        f"opened by {escape(found['opened_by'])} {context.local_time(found['opened_at'])}",
        highlight=False,
    )
    clock = found["fda_clock"]
    if clock is not None:
        colour = "red" if clock["state"] in ("overdue", "notified_late") else "yellow"
        context.out.print(
            f"[bold {colour}]FDA: {escape(clock['text'])}[/bold {colour}] "
            f"(due {context.local_time(clock['due'])})",
            highlight=False,
        )
    context.emit(
        [
            {k: s[k] for k in ("label", "product", "lot", "expiry", "status", "units_held")}
            for s in found["subject_details"]
        ],
        as_json=False,
        title="Named",
    )
    context.emit(
        [
            {
                "seq": s["seq"],
                "kind": s["kind"],
                "at": context.local_time(s["at"]),
                "user": s["user"],
                "note": s["note"],
                "evidence": " ".join(x for x in (s["evidence_name"], s["evidence_sha256"]) if x),
                "partner/incident": s["partner"] or s["incident"],
            }
            for s in found["steps"]
        ],
        as_json=False,
        title="Steps",
    )
    if found["partners"] or found["status"] != "open":
        context.emit(
            [
                {
                    "partner": p["name"],
                    "type": p["type"] or p["partner_kind"] or p["kind"],
                    "authorization": "; ".join(
                        [str(p["authorization_reason"])]
                        + [str(a["label"]) for a in p["authorizations"]]
                    ),
                    "why": "; ".join(p["why"]),
                    "notified": context.local_time(p["notified_at"]) if p["notified"] else "no",
                }
                for p in found["partners"]
            ],
            as_json=False,
            title="Trading partners to notify",
        )
    for key, lines in (extra or {}).items():
        if isinstance(lines, list) and lines:
            context.out.print(f"{key}: " + "; ".join(escape(str(x)) for x in lines))


@case_app.command("open")
def open_cmd(
    reason: Annotated[
        str, typer.Option(help="Why suspect: " + ", ".join(r.value for r in SuspectReason) + ".")
    ],
    source: Annotated[
        str, typer.Option(help="How it was noticed: " + ", ".join(s.value for s in CaseSource))
    ],
    serial: Annotated[
        list[str] | None,
        typer.Option(
            help=(
                "A package as GTIN:SERIAL, NDC:SERIAL, 01...21..., an EPC URI or a "
                "Digital Link; repeat for each."
            )
        ),
    ] = None,
    lot: Annotated[
        list[str] | None, typer.Option(help="A lot as NDC:LOT (or GTIN:LOT); repeat for each.")
    ] = None,
    note: NoteOption = "",
    facility: Annotated[
        str | None, typer.Option(help="The facility's code (needed when there are several).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Open a suspect product case: every serial and lot named is marked suspect at once,
    everywhere it is (storeroom shelves and cabinet pockets), so nothing of it is picked."""
    user = context.user(Permission.QUARANTINE)
    why, how = (
        parse_choice(SuspectReason, reason, "reason"),
        parse_choice(CaseSource, source, "source"),
    )
    found = run_with_retry(
        context.engine(),
        lambda uow: cases.open_case(
            uow,
            serials=serial or [],
            lots=lot or [],
            reason=why,
            source=how,
            note=note,
            facility=facility,
            user=user,
            clock=context.clock(),
        ),
    )
    _show(_view(found.number), as_json)


@case_app.command("list")
def list_cmd(
    open_only: Annotated[
        bool, typer.Option("--open", help="Only cases still open or illegitimate.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Suspect product cases, the latest opened first."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        rows = list_cases(uow, clock=context.clock(), open_only=open_only)
    if as_json:
        _write(rows)
        return
    context.emit(
        [
            {
                "number": r["number"],
                "status": r["status"],
                "reason": r["reason"],
                "opened_at": context.local_time(str(r["opened_at"])),
                "named": ", ".join(r["subjects"]),  # type: ignore[arg-type]
                "fda": (r["fda_clock"] or {}).get("text", ""),  # type: ignore[attr-defined]
            }
            for r in rows
        ],
        as_json=False,
        title="Suspect product cases",
    )


@case_app.command()
def show(case: CaseArg, as_json: JsonOption = False) -> None:
    """One case: what it names and their status now, its steps, the FDA clock, the partners."""
    _show(_view(case), as_json)


def _step(
    case: str,
    kind: StepKind,
    as_json: bool,
    *,
    note: str = "",
    evidence_name: str = "",
    evidence_sha256: str = "",
    partner: str = "",
    incident: str = "",
    notified_at: str = "",
) -> None:
    user = context.user(Permission.QUARANTINE)
    found = run_with_retry(
        context.engine(),
        lambda uow: cases.add_case_step(
            uow,
            case=case,
            kind=kind,
            user=user,
            clock=context.clock(),
            note=note,
            evidence_name=evidence_name,
            evidence_sha256=evidence_sha256,
            partner=partner,
            incident=incident,
            notified_at=notified_at,
        ),
    )
    _show(_view(found.number), as_json)


@case_app.command()
def step(case: CaseArg, note: NoteOption, as_json: JsonOption = False) -> None:
    """Record a step of the investigation."""
    _step(case, StepKind.STEP, as_json, note=note)


@case_app.command()
def evidence(
    case: CaseArg,
    note: NoteOption = "",
    file: Annotated[
        Path | None, typer.Option(help="A file kept as evidence: its name and SHA-256 recorded.")
    ] = None,
    name: Annotated[str, typer.Option(help="The evidence's name (default the file's).")] = "",
    sha256: Annotated[str, typer.Option(help="Its SHA-256 digest, when not given a file.")] = "",
    as_json: JsonOption = False,
) -> None:
    """Record a piece of evidence: a description, and a file's name and SHA-256 digest."""
    if file is not None:
        if not file.is_file():
            raise InvalidValue("file", "not a readable file", str(file))
        if file.stat().st_size > READ_LIMIT:
            raise InvalidValue("file", f"larger than {READ_LIMIT:,} bytes", str(file))
        sha256 = hashlib.sha256(file.read_bytes()).hexdigest()
        name = name or file.name
    _step(case, StepKind.EVIDENCE, as_json, note=note, evidence_name=name, evidence_sha256=sha256)


def _dispose(case: str, note: str, as_json: bool, *, clear: bool) -> None:
    user = context.user(Permission.RELEASE)
    run = cases.clear_case if clear else cases.declare_illegitimate
    found, done = run_with_retry(
        context.engine(),
        lambda uow: run(uow, case=case, note=note, user=user, clock=context.clock()),
    )
    _show(_view(found.number), as_json, done)


@case_app.command()
def clear(case: CaseArg, note: NoteOption, as_json: JsonOption = False) -> None:
    """The product is legitimate: release its units (each back to its status before the
    case, unless another case holds it). The pharmacist in charge's call (managers, admins)."""
    _dispose(case, note, as_json, clear=True)


@case_app.command()
def illegitimate(case: CaseArg, note: NoteOption, as_json: JsonOption = False) -> None:
    """The product is illegitimate: its units stay blocked, the 24-hour clock to FDA starts,
    the Form 3911 draft and the partners to notify are ready. Managers and admins."""
    _dispose(case, note, as_json, clear=False)


@case_app.command()
def form3911(
    case: CaseArg,
    html_file: Annotated[
        Path | None, typer.Option("--html", help="Write the printable draft to this file.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """The pre-filled FDA Form 3911 (Drug Notification) of an illegitimate case."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        form = form_3911_draft(
            uow,
            cases.find_case(uow, case),
            clock=context.clock(),
            company=load_settings().company_facts(),
        )
    if html_file is not None:
        html_file.write_text(form_3911_html(form), encoding="utf-8")
    if as_json:
        _write(form)
        return
    if html_file is not None:
        context.out.print(f"Form 3911 draft of case {form['case']} written to {html_file}")
        return
    context.out.print_json(json.dumps(form, default=str))


@case_app.command()
def notified(
    case: CaseArg,
    partner: Annotated[str | None, typer.Option(help="The trading partner notified.")] = None,
    fda: Annotated[
        str | None, typer.Option("--fda", help="FDA notified: the incident number it gave.")
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help="With --fda: when FDA was notified (ISO 8601; without an offset, the "
            "facility's time); now when not given.",
        ),
    ] = None,
    note: NoteOption = "",
    as_json: JsonOption = False,
) -> None:
    """Record a trading partner notified (--partner NAME), or FDA (--fda INCIDENT, --at
    WHEN), which stops the 24-hour clock at that time."""
    if (partner is None) == (fda is None):
        raise InvalidValue("notified", "give --partner NAME or --fda INCIDENT, one of them")
    if at is not None and fda is None:
        raise InvalidValue("at", "only with --fda: when FDA was notified")
    if partner is not None:
        _step(case, StepKind.PARTNER_NOTIFIED, as_json, note=note, partner=partner)
    else:
        _step(
            case,
            StepKind.FDA_NOTIFIED,
            as_json,
            note=note,
            incident=fda or "",
            notified_at=at or "",
        )
