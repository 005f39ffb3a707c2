"""Templates, US number and date formats, the navigation, and what every page knows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from rxsupply.domain.users import Permission, User
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.security import REQUIRES, Caller

TEMPLATES = Path(__file__).parent / "templates"
DASH = "—"
EXPIRY_DAYS = 90
"""Lots expiring within this many days are flagged (and listed on the dashboard)."""


@dataclass(frozen=True, slots=True)
class Link:
    path: str
    label: str
    key: str  # accesskey
    permission: Permission


NAV = (
    Link("/", "Dashboard", "d", Permission.VIEW),
    Link("/stock", "Stock", "s", Permission.VIEW),
    Link("/locations", "Locations", "o", Permission.VIEW),
    Link("/ledger", "Ledger", "l", Permission.VIEW),
    Link("/classes", "ABC/XYZ", "c", Permission.VIEW),
    Link("/levels", "PAR review", "p", Permission.VIEW),
    Link("/receive", "Receive", "r", Permission.RECEIVE),
    Link("/transfer", "Transfer", "t", Permission.TRANSFER),
    Link("/refills", "Refills", "f", Permission.VIEW),
    Link("/transfers", "Transfers", "x", Permission.VIEW),
    Link("/adjust", "Adjust", "j", Permission.ADJUST),
    Link("/counts", "Counts", "k", Permission.VIEW),
    Link("/shortages", "Shortages", "h", Permission.VIEW),
    Link("/expiry", "Expiry", "e", Permission.VIEW),
    Link("/recalls", "Recalls", "a", Permission.VIEW),
    Link("/partners", "Partners", "g", Permission.VIEW),
    Link("/returns", "Returns", "n", Permission.VIEW),
    Link("/dscsa", "DSCSA", "v", Permission.VIEW),
    Link("/audit", "Audit", "u", Permission.VIEW_AUDIT),
)

DOING = {
    Permission.VIEW: "view inventory",
    Permission.RECEIVE: "receive stock",
    Permission.TRANSFER: "transfer stock",
    Permission.DISPENSE: "record dispenses",
    Permission.ADJUST: "adjust stock",
    Permission.COUNT: "count stock",
    Permission.QUARANTINE: "block stock (quarantine, recall)",
    Permission.RELEASE: "release blocked stock (clear or decide a suspect product case)",
    Permission.IMPORT: "import files",
    Permission.PURCHASE: "buy stock",
    Permission.SET_LEVELS: "set PAR levels",
    Permission.VIEW_AUDIT: "view the audit trail",
    Permission.MANAGE_USERS: "manage users",
    Permission.PURGE_RECORDS: "purge DSCSA records past their retention",
    Permission.RUN_CHECKS: "run whole-database checks (the ledger check)",
}
"""What a permission lets a user do, for the 403 page: "Your role (technician) may not ..."."""


# --- formats -----------------------------------------------------------------------------


def number(value: Any) -> str:
    """1234 -> 1,234; 12.345 -> 12.3; None -> a dash."""
    if value is None or value == "":
        return DASH
    if isinstance(value, float):
        return f"{value:,.1f}"
    return f"{int(value):,}"


def fixed(value: Any, places: int = 2) -> str:
    """A rate with a fixed number of decimals: 0.0345 -> 0.03, 1234.5 -> 1,234.50."""
    if value is None or value == "":
        return DASH
    return f"{float(value):,.{places}f}"


def percent(value: Any) -> str:
    """A share as a percentage: 0.95 -> 95%, 0.995 -> 99.5%."""
    if value is None or value == "":
        return DASH
    return f"{100 * float(value):.4g}%"


SUPPLY_DAYS_SHOWN = 3650
"""Days of supply above this read "over 10 years" (a level far above a slow item's use)."""


def days_of_supply(low: Any, high: Any = None) -> str:
    """A level's days of supply (min, max) as the PAR review shows them: 1.5625, 7.8125 ->
    "1.6 / 7.8 days"; a side over 3,650 days reads "over 10 years" ("500.0 days / over 10
    years"; "over 10 years" alone when both are); one value -> "1.6 days"; none -> a dash."""
    sides = [float(v) for v in (low, high) if v is not None and v != ""]
    if not sides:
        return DASH
    over = [d > SUPPLY_DAYS_SHOWN for d in sides]
    if all(over):
        return "over 10 years"
    if not any(over):
        return " / ".join(f"{d:,.1f}" for d in sides) + " days"
    return " / ".join(
        "over 10 years" if o else f"{d:,.1f} days" for d, o in zip(sides, over, strict=True)
    )


def money(value: Any) -> str:
    """Decimal or its text -> $1,234.56 (-$12.00 for negatives); None -> a dash."""
    if value is None or value == "":
        return DASH
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def us_date(value: Any) -> str:
    """An ISO date (or a date) as MM/DD/YYYY."""
    if not value:
        return DASH
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return day.strftime("%m/%d/%Y")


class Formats:
    """Formats that need the facility's time zone."""

    def __init__(self, zone: tzinfo) -> None:
        self.zone = zone

    def local(self, value: Any) -> datetime:
        stamp = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=UTC)
        return stamp.astimezone(self.zone)

    def us_datetime(self, value: Any) -> str:
        """A UTC timestamp as the facility's local MM/DD/YYYY HH:MM (24-hour clock)."""
        if not value:
            return DASH
        return self.local(value).strftime("%m/%d/%Y %H:%M")

    def today(self) -> date:
        return clock.now().astimezone(self.zone).date()


def make_templates(zone: tzinfo) -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES))
    formats = Formats(zone)
    env = templates.env
    env.filters["number"] = number
    env.filters["money"] = money
    env.filters["fixed"] = fixed
    env.filters["percent"] = percent
    env.filters["days_of_supply"] = days_of_supply
    env.filters["us_date"] = us_date
    env.filters["us_datetime"] = formats.us_datetime
    env.filters["visible"] = visible_scan
    env.globals["nav"] = NAV
    env.globals["zone_name"] = str(zone)
    return templates


def visible_scan(text: str) -> str:
    """A scan with its invisible GS separators shown as <GS>."""
    return text.replace("\x1d", "<GS>")


# --- requests ----------------------------------------------------------------------------


def formats_of(request: Request) -> Formats:
    formats: Formats = request.app.state.web_formats
    return formats


def page_route(permission: Permission | None, **extra: Any) -> dict[str, Any]:
    """Keyword arguments of a page route: out of the OpenAPI schema, with its permission
    recorded as ``x-permission`` (the role-by-endpoint test reads it) and checked through
    ``REQUIRES`` (the same dependency the API uses). ``None`` marks a public page."""
    out: dict[str, Any] = {"include_in_schema": False, **extra}
    if permission is None:
        out["openapi_extra"] = {"x-permission": "public"}
    else:
        out["openapi_extra"] = {"x-permission": permission.value}
        out["dependencies"] = [Depends(REQUIRES[permission])]
    return out


def render(
    request: Request,
    template: str,
    who: Caller | User | None,
    *,
    title: str,
    status_code: int = 200,
    **context: Any,
) -> Response:
    """Render a page with the user, their CSRF token and the links their role allows."""
    user = who.user if isinstance(who, Caller) else who
    csrf = who.csrf if isinstance(who, Caller) else None
    links = [link for link in NAV if user is not None and user.can(link.permission)]
    templates: Jinja2Templates = request.app.state.web_templates
    today = formats_of(request).today()
    return templates.TemplateResponse(
        request,
        template,
        {
            "title": title,
            "user": user,
            "csrf": csrf or "",
            "links": links,
            "here": request.url.path,
            "today": today.isoformat(),
            "soon": (today + timedelta(days=EXPIRY_DAYS)).isoformat(),
            "expiry_days": EXPIRY_DAYS,
            **context,
        },
        status_code=status_code,
        headers={"Cache-Control": "no-store"},
    )


def query_string(params: dict[str, Any], **changes: Any) -> str:
    """The current filters with some changed, as ``?a=1&b=2`` (empty values left out)."""
    merged = {k: v for k, v in (params | changes).items() if v not in (None, "", 0)}
    return "?" + urlencode(merged) if merged else "?"


def pager(params: dict[str, Any], *, offset: int, limit: int, more: bool) -> dict[str, Any]:
    """Links to the previous and next page of a list."""
    return {
        "first": offset + 1,
        "prev": query_string(params, offset=max(offset - limit, 0)) if offset > 0 else None,
        "next": query_string(params, offset=offset + limit) if more else None,
    }
