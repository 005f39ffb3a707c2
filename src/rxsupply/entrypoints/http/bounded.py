"""The bounded types of what the API takes: quantities, record ids, offsets, days, timestamps
and text, built from the rules in :mod:`rxsupply.domain.fields` (the web forms parse with the
same functions), so a value is refused at the edge with a 422 naming the field and the reason,
and none overflows a column on SQLite or PostgreSQL.

Each is an ``Annotated`` type that works as a path or query parameter and as a field of a
request model; the bounds show in the OpenAPI document (``minimum``, ``maximum``,
``maxLength``).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from annotated_types import Interval
from fastapi import Request
from pydantic import AfterValidator, StringConstraints

from rxsupply.domain.fields import (
    FIRST_DAY,
    LAST_DAY,
    RECORD_ID_LIMIT,
    ROWS_LIMIT,
    UNITS_LIMIT,
    check_day,
    check_moment,
    check_note,
    check_text,
    control_character,
)
from rxsupply.errors import InvalidValue


def _day(value: date) -> date:
    try:
        return check_day("date", value)
    except InvalidValue as exc:
        raise ValueError(exc.reason) from None


def _moment(value: datetime) -> datetime:
    try:
        return check_moment("timestamp", value)
    except InvalidValue as exc:
        raise ValueError(exc.reason) from None


def _local_moment(value: datetime) -> datetime:
    if not FIRST_DAY < value.date() < LAST_DAY:
        raise ValueError(f"outside the years {FIRST_DAY.year} to {LAST_DAY.year}")
    if value.tzinfo is not None:
        _moment(value)
    return value


def _note(value: str) -> str:
    try:
        return check_note("text", value, limit=len(value))
    except InvalidValue as exc:
        raise ValueError(exc.reason) from None


def _plain(value: str) -> str:
    try:
        return check_text("text", value, limit=len(value))
    except InvalidValue as exc:
        raise ValueError(exc.reason) from None


Units = Annotated[int, Interval(ge=1, le=UNITS_LIMIT)]
"""A positive number of units (or packages): the ledger's own, lower, bound applies after."""
UnitsOrZero = Annotated[int, Interval(ge=0, le=UNITS_LIMIT)]
"""Units that may be zero: a count, a level, a line's packages (0 removes it)."""
SignedUnits = Annotated[int, Interval(ge=-UNITS_LIMIT, le=UNITS_LIMIT)]
"""A signed change of units (an adjustment)."""
Days = Annotated[int, Interval(ge=0, le=36_500)]
"""A number of days or months: at most a century."""
RecordId = Annotated[int, Interval(ge=1, le=RECORD_ID_LIMIT)]
"""A record's id or a line's number."""
Offset = Annotated[int, Interval(ge=0, le=ROWS_LIMIT)]
"""Rows to skip."""
Day = Annotated[date, AfterValidator(_day)]
"""A calendar day within the years rxsupply holds."""
Moment = Annotated[datetime, AfterValidator(_moment)]
"""A timestamp with its offset, within the years rxsupply holds; given as UTC."""
LocalMoment = Annotated[datetime, AfterValidator(_local_moment)]
"""A timestamp that may leave out its offset (the facility's local time), kept as given: a day
inside the years rxsupply holds, with a day of margin at each end so that moving it to UTC
from any zone stays inside them."""


Code = Annotated[str, StringConstraints(max_length=64), AfterValidator(_plain)]
"""A location, item or product code, an NDC or a GTIN, a user name, an order number."""
Lot = Annotated[str, StringConstraints(max_length=40), AfterValidator(_plain)]
"""A lot number."""
Line = Annotated[str, StringConstraints(max_length=200), AfterValidator(_plain)]
"""A name, a reference or a reason on one line."""
Note = Annotated[str, StringConstraints(max_length=2000), AfterValidator(_note)]
"""Free text of several lines (a note, a memo): line breaks and tabs allowed, no other
control characters."""


QUERY_LENGTH = 2000
"""The longest value of a path or query parameter (a search, a scan, a code)."""
_QUERY_CONTROL = re.compile("[\x00-\x1c\x1e\x1f\x7f-\x9f]")  # GS (U+001D) ends a GS1 field


_FORM_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1c\x1e\x1f\x7f-\x9f]")
"""In a form field: tabs and line breaks (a note typed over lines) and GS are allowed."""


async def plain_form(request: Request) -> None:
    """Every page's posted form (URL-encoded; uploads are checked by their parsers): no
    control characters in a field but tabs, line breaks and a scan's GS separator (a NUL
    never reaches PostgreSQL), a 422 naming the field otherwise. Installed on the whole app;
    the form read here is the one the route reads (Starlette keeps it). API routes take JSON
    or a file, never a form: their bodies are not read here (an upload sent with curl's
    default form content type is read by its route as the raw body it is)."""
    kind = request.headers.get("content-type", "")
    if request.method != "POST" or not kind.startswith("application/x-www-form-urlencoded"):
        return
    if request.url.path.startswith("/api/"):
        return
    form = await request.form()
    for name, value in form.multi_items():
        found = control_character(value, _FORM_CONTROL) if isinstance(value, str) else ""
        if found:
            raise InvalidValue(f"form.{name[:40]}", found)


def plain_query(request: Request) -> None:
    """Every page's and endpoint's path and query parameters: at most :data:`QUERY_LENGTH`
    characters and no control characters but a scan's GS separator (a NUL never reaches
    PostgreSQL, which refuses it in text); a 422 naming the parameter otherwise. Installed on
    the whole app."""
    given = [("path", k, str(v)) for k, v in request.path_params.items()]
    given += [("query", k, v) for k, v in request.query_params.multi_items()]
    for where, name, value in given:
        field = f"{where}.{name[:40]}"
        if len(value) > QUERY_LENGTH:
            raise InvalidValue(field, f"{len(value):,} characters; at most {QUERY_LENGTH:,}")
        found = control_character(value, _QUERY_CONTROL)
        if found:
            raise InvalidValue(field, found)
