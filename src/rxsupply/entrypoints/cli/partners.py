"""``rxsupply partners list | show | authorize``: trading partners' DSCSA authorization (each
licence or registration, who verified it, when and where) and whether each partner is
authorized today."""

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
    }


def _show(found: PartnerStatus, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(found.as_dict(), indent=1) + "\n")
        return
    colour = "green" if found.authorized else "red"
    context.out.print(f"[{colour}]{escape(found.reason)}[/{colour}]", highlight=False)
    if found.expiring:
        context.out.print(f"[yellow]expires {found.expiring.isoformat()}: renew it[/yellow]")
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
