"""``rxsupply dscsa verify GTIN SERIAL LOT EXPIRY``, ``rxsupply dscsa verifications`` and
``rxsupply dscsa responder``: verify a product identifier against what the hospital received
and through a verification router (GS1 Lightweight Messaging Standard); the verifications
recorded; a local responder for tests and the demo."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.adapters.verification_responder import (
    Answer,
    make_server,
    read_commissioned,
    responder_url,
)
from rxsupply.domain.fields import ROWS_LIMIT
from rxsupply.domain.users import Permission
from rxsupply.domain.verification import (
    SALEABLE_RETURN,
    VerificationRequest,
    VerificationResponse,
    check_gln,
)
from rxsupply.domain.verification_check import answer_from_commissioned
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.dscsa import dscsa_app
from rxsupply.entrypoints.verification import router_for
from rxsupply.services.dscsa import verification as service
from rxsupply.services.ports.verification import VerificationRecord

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
COLUMNS = (
    "id",
    "requested_at",
    "requested_by",
    "gtin",
    "serial",
    "lot",
    "expiry",
    "verified",
    "reason",
)


def _row(v: VerificationRecord) -> dict[str, object]:
    found = v.as_dict()
    return {k: found[k] for k in COLUMNS} | {"verified": "yes" if v.verified else "NO"}


@dscsa_app.command()
def verify(
    gtin: Annotated[str, typer.Argument(help="The GTIN-14 on the package.")],
    serial: Annotated[str, typer.Argument(help="Its serial number (AI 21).")],
    lot: Annotated[str, typer.Argument(help="Its lot (AI 10).")],
    expiry: Annotated[str, typer.Argument(help="Its expiry: YYMMDD (AI 17) or YYYY-MM-DD.")],
    router: Annotated[
        str | None,
        typer.Option(help="The verification router's URL (default RXSUPPLY_VERIFICATION_ROUTER)."),
    ] = None,
    local_only: Annotated[
        bool, typer.Option("--local-only", help="Check only what we received; ask no router.")
    ] = False,
    verify_context: Annotated[
        str, typer.Option("--context", help="The LMS context.")
    ] = SALEABLE_RETURN,
    facility: Annotated[
        str | None,
        typer.Option(help="The facility whose records it joins, when none of its packages is."),
    ] = None,
    requestor_gln: Annotated[
        str | None, typer.Option(help="Our GLN, sent to the router as the requestor.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Verify a product identifier: against what we received (lot, expiry, status), then
    through the verification router. Exit 0 when verified, 1 when not (the reason printed).
    Every verification is recorded."""
    user = context.user(Permission.QUARANTINE)
    asked = router_for(router, local_only=local_only)
    with SqlUnitOfWork(context.engine()) as uow:
        found = service.verify_product(
            uow,
            gtin=gtin,
            serial=serial,
            lot=lot,
            expiry=expiry,
            router=asked,
            context=verify_context,
            facility=facility,
            requestor_gln=requestor_gln,
            user=user,
            clock=context.clock(),
        )
    if as_json:
        sys.stdout.write(json.dumps(found.as_dict(), indent=1) + "\n")
    elif found.verified:
        context.out.print(f"[green]{escape(service.describe(found))}[/green]", highlight=False)
    else:
        context.out.print(f"[red]{escape(service.describe(found))}[/red]", highlight=False)
    if asked is None and not local_only and not as_json:
        context.out.print(
            "checked against what we received only: no verification router is set (--router "
            "or RXSUPPLY_VERIFICATION_ROUTER; --local-only says this is meant)",
            highlight=False,
        )
    if not found.verified:
        raise typer.Exit(1)


@dscsa_app.command()
def verifications(
    limit: Annotated[
        int, typer.Option(min=1, max=ROWS_LIMIT, help="How many, newest first.")
    ] = 100,
    as_json: JsonOption = False,
) -> None:
    """The verifications recorded, newest first."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        found = service.list_verifications(uow, limit=limit)
    if as_json:
        sys.stdout.write(json.dumps([v.as_dict() for v in found], indent=1) + "\n")
        return
    context.emit([_row(v) for v in found], as_json=False, title="Verifications")


@dscsa_app.command()
def responder(
    host: Annotated[str, typer.Option(help="Listen on this address.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Listen on this port (0: any free one).")] = 8765,
    serials: Annotated[
        Path | None,
        typer.Option(
            help="A manufacturer's commissioned serials (CSV gtin,serial,lot,expiry[,status]); "
            "without it the hospital's own records answer."
        ),
    ] = None,
    gln: Annotated[str | None, typer.Option(help="The responder's GLN in its answers.")] = None,
) -> None:
    """A local verification responder (GS1 Lightweight Messaging Standard: POST JSON or GET
    /01/{gtin}/10/{lot}/21/{serial}?17=YYMMDD&...), for tests and the demo. Ctrl-C stops it."""
    responder_gln = check_gln(gln, "--gln") if gln else None
    answer: Answer
    if serials is not None:
        commissioned = read_commissioned(serials)

        def answer(request: VerificationRequest) -> VerificationResponse:
            return answer_from_commissioned(
                request,
                commissioned,
                today=context.clock().today(),
                responder_gln=responder_gln,
                now=context.clock().now(),
            )

        source = f"{len(commissioned)} commissioned serials from {serials.name}"
    else:
        engine = context.engine()

        def answer(request: VerificationRequest) -> VerificationResponse:
            with SqlUnitOfWork(engine, readonly=True) as uow:
                return service.answer_from_records(
                    uow,
                    request,
                    today=context.clock().today(),
                    responder_gln=responder_gln,
                    now=context.clock().now(),
                )

        source = "the hospital's records"
    server = make_server(answer, host=host, port=port, today=lambda: context.clock().today())
    context.out.print(
        f"answering verification requests from {source} at {responder_url(server)} (Ctrl-C stops)",
        highlight=False,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
