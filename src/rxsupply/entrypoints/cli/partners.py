"""``rxsupply partners list | show | authorize | edi-id``: trading partners' DSCSA authorization
(each licence or registration, who verified it, when and where), whether each partner is
authorized today, and its EDI id (the sender, ISA06, its X12 documents must come from)."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.markup import escape

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.config import load_settings
from rxsupply.domain.fields import parse_date
from rxsupply.domain.trading_partner import AuthorizationKind, PartnerType
from rxsupply.domain.users import Permission
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.context import app
from rxsupply.services import trading_partners as service
from rxsupply.services.trading_partners import PartnerStatus

partners_app = typer.Typer(
    help="Trading partners' authorization (DSCSA): licences and registrations, verified by "
    "whom and when; receiving refuses a partner that is not authorized.",
    no_args_is_help=True,
)
app.add_typer(partners_app, name="partners")
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
PartnerArg = Annotated[str, typer.Argument(help="The partner's name or id (partners list).")]


def _row(s: PartnerStatus) -> dict[str, object]:
    return {
        "name": s.partner.name,
        "type": s.partner.type.value if s.partner.type else "",
        "authorized": "n/a" if s.partner.type is None else "yes" if s.authorized else "NO",
        "expiring": s.expiring.isoformat() if s.expiring else "",
        "checked_at_receipt": "yes" if s.checked else "no",
        "reason": s.reason,
        "edi_id": s.partner.edi_id or "",
    }


def _show(found: PartnerStatus, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(found.as_dict(), indent=1) + "\n")
        return
    colour = "green" if found.authorized else "red"
    context.out.print(f"[{colour}]{escape(found.reason)}[/{colour}]", highlight=False)
    if found.expiring:
        context.out.print(f"[yellow]expires {found.expiring.isoformat()}: renew it[/yellow]")
    edi = found.partner.edi_id
    context.out.print(
        f"EDI id {escape(edi)}: its X12 documents (855, 856, 810) must come from this sender"
        if edi
        else "no EDI id on file: its X12 documents are accepted from any sender, saying so",
        highlight=False,
    )
    context.emit(
        [
            {k: v for k, v in a.as_dict().items() if k not in ("id", "recorded_at")}
            for a in found.authorizations
        ],
        as_json=False,
        title=f"Authorizations of {found.partner.name}",
    )


@partners_app.command("list")
def list_partners(as_json: JsonOption = False) -> None:
    """Every trading partner with whether it is authorized today and why."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        found = service.partner_statuses(
            uow, clock=context.clock(), policy=load_settings().partner_policy()
        )
    if as_json:
        sys.stdout.write(json.dumps([s.as_dict() for s in found], indent=1) + "\n")
        return
    context.emit([_row(s) for s in found], as_json=False, title="Trading partners")


@partners_app.command()
def show(partner: PartnerArg, as_json: JsonOption = False) -> None:
    """A partner's authorizations and its status today."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        found = service.partner_status(
            uow, partner=partner, clock=context.clock(), policy=load_settings().partner_policy()
        )
    _show(found, as_json)


@partners_app.command()
def authorize(
    partner: PartnerArg,
    kind: Annotated[
        str, typer.Option(help="One of: " + ", ".join(k.value for k in AuthorizationKind) + ".")
    ],
    number: Annotated[str, typer.Option(help="The licence or registration number.")],
    state: Annotated[str, typer.Option(help="The issuing state (USPS code), or FDA.")],
    expires: Annotated[str, typer.Option(help="Expiry, YYYY-MM-DD (valid through that day).")],
    verified_on: Annotated[
        str | None, typer.Option(help="The day you checked it, YYYY-MM-DD (today).")
    ] = None,
    source: Annotated[
        str, typer.Option(help="Where you checked it (the state board's lookup, FDA's WDD).")
    ] = "",
    note: Annotated[str, typer.Option(help="A note.")] = "",
    partner_type: Annotated[
        str | None,
        typer.Option(
            "--type", help="Record the partner's type: " + ", ".join(t.value for t in PartnerType)
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Record a licence or registration of a partner as verified by you."""
    user = context.user(Permission.PURCHASE)
    with SqlUnitOfWork(context.engine()) as uow:
        found = service.record_authorization(
            uow,
            partner=partner,
            kind=kind,
            number=number,
            state=state,
            expires=parse_date(expires, "--expires"),
            verified_on=parse_date(verified_on, "--verified-on") if verified_on else None,
            source=source,
            note=note,
            partner_type=partner_type,
            user=user,
            clock=context.clock(),
            policy=load_settings().partner_policy(),
        )
    _show(found, as_json)


@partners_app.command("edi-id")
def edi_id(
    partner: PartnerArg,
    value: Annotated[
        str | None,
        typer.Argument(
            metavar="EDI_ID",
            help="The interchange sender id (ISA06, up to 15 characters) its X12 documents "
            "come from.",
        ),
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Take the EDI id off file.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Record a partner's EDI id: an 855, 856 or 810 of an order to it from another sender is
    then refused; with none on file it is recorded with a warning that the sender was not
    checked."""
    if (value is None) == (not clear):
        raise typer.BadParameter("give the EDI id, or --clear")
    user = context.user(Permission.PURCHASE)
    with SqlUnitOfWork(context.engine()) as uow:
        found = service.set_edi_id(
            uow,
            partner=partner,
            edi_id=None if clear else value,
            user=user,
            clock=context.clock(),
            policy=load_settings().partner_policy(),
        )
    _show(found, as_json)
