"""DSCSA product identifiers read from GS1 element strings.

Under the Drug Supply Chain Security Act a saleable package carries a *product identifier*: the
NDC-based GTIN, the lot, the expiry date and a serial number, encoded in a GS1 DataMatrix with the
Application Identifiers (01) GTIN, (17) expiration date, (10) batch/lot and (21) serial number.

This module applies rxsupply's rules to the raw AI values once a scan has been split into element
strings (``rxsupply.adapters.gs1`` does the splitting). References are to the GS1 General
Specifications as numbered in recent releases (numbers shift a little between releases):

- §3.3.2 GTIN: AI (01), 14 digits; §7.9.1 the standard mod-10 check digit.
- §3.4.1 Batch or lot number: AI (10) and §3.4.9 Serial number: AI (21), each 1 to 20
  characters of GS1 AI encodable character set 82 (§7.11, Figure 7.11-1).
- §3.4.7 Expiration date: AI (17) (§3.4.5 in older releases), YYMMDD; day ``00`` means the
  last day of the month, leap years included ("160200" is 29 February 2016). GS1 asks
  healthcare labels printed from 2025 to spell the day out, but old stock still carries 00.
- §7.12 Determination of century in dates: YY is the year from 49 years before to 50 years after
  the current year.

Standard library only: the clock is never read; pass ``today`` for the century window.
"""

from __future__ import annotations

import calendar
import string
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from rxsupply.domain.ndc import ndc_digits_from_gtin14, validate_gtin14
from rxsupply.errors import InvalidBarcode

#: The AIs of a DSCSA product identifier, in the order they are usually printed, with the
#: meaning used in messages.
DSCSA_AIS: dict[str, str] = {"01": "GTIN", "17": "expiry", "10": "lot", "21": "serial"}

#: GS1 AI encodable character set 82 (GS1 General Specifications §7.11, Figure 7.11-1).
CSET_82 = frozenset(string.ascii_letters + string.digits + "!\"%&'()*+,-./:;<=>?_")
_VARIABLE_MAX_LENGTH = 20


@dataclass(frozen=True, slots=True)
class ProductIdentifier:
    """A package's identifier as scanned: GTIN-14, its 10 NDC digits, lot, expiry and serial.

    ``lot``, ``expiry`` and ``serial`` are ``None`` only when they were not required (a linear
    barcode, or ``require_dscsa=False``).
    """

    gtin: str
    ndc_digits: str
    lot: str | None
    expiry: date | None
    serial: str | None


def ai_label(ai: str) -> str:
    """How messages name an AI, e.g. ``(17) expiry``."""
    meaning = DSCSA_AIS.get(ai)
    return f"({ai}) {meaning}" if meaning else f"({ai})"


def dscsa_identifier(
    fields: Mapping[str, str],
    *,
    require_dscsa: bool = True,
    today: date | None = None,
) -> ProductIdentifier:
    """Build a :class:`ProductIdentifier` from raw AI values keyed by AI (``"01"``, ``"17"``...).

    With ``require_dscsa`` (the default) all four DSCSA AIs (01), (17), (10) and (21) must be
    present; otherwise only the GTIN is. Every missing AI is named in one message, e.g.
    ``missing (17) expiry, (21) serial``; a blank value counts as missing. Other AIs are ignored.
    The values that are present are checked first, so a misread GTIN or a lot that swallowed
    the next field (lost GS separator) is reported as such rather than as a missing AI.

    Raises:
        InvalidBarcode: a required AI is missing, the expiry is not a real YYMMDD date
            (GS1 Gen Specs §3.4.7, §7.12), or a lot/serial is not 1-20 characters of CSET 82
            (§3.4.1, §3.4.9).
        InvalidGTIN: the GTIN is not 14 digits, its check digit is wrong (the message names
            the expected digit, §7.9.1), or it is not NDC-based (prefix ``03``).
    """
    present = {ai: value for ai in DSCSA_AIS if (value := fields.get(ai, ""))}
    gtin = validate_gtin14(present["01"]) if "01" in present else None
    ndc_digits = ndc_digits_from_gtin14(gtin) if gtin is not None else None
    expiry = parse_expiry(present["17"], today=today) if "17" in present else None
    lot = _variable_field("10", present["10"]) if "10" in present else None
    serial = _variable_field("21", present["21"]) if "21" in present else None

    required = tuple(DSCSA_AIS) if require_dscsa else ("01",)
    missing = [ai for ai in required if ai not in present]
    if missing or gtin is None or ndc_digits is None:
        raise InvalidBarcode("barcode", "missing " + ", ".join(ai_label(ai) for ai in missing))
    return ProductIdentifier(
        gtin=gtin, ndc_digits=ndc_digits, lot=lot, expiry=expiry, serial=serial
    )


def parse_expiry(yymmdd: str, *, today: date | None = None) -> date:
    """Read an AI (17) expiration date ``YYMMDD``.

    Day ``00`` is the last day of the month, with February's length taken from the resolved
    year (GS1 Gen Specs §3.4.7). The century follows §7.12 against ``today``'s year: YY lies
    from 49 years before to 50 years after it. Without ``today`` the year is ``2000 + YY``.

    Raises:
        InvalidBarcode: not six digits, month outside 01-12, or a day the month does not have.
    """
    field = ai_label("17")
    if len(yymmdd) != 6 or not yymmdd.isascii() or not yymmdd.isdigit():
        raise InvalidBarcode(field, "expected 6 digits YYMMDD", yymmdd)
    yy, month, day = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:])
    if not 1 <= month <= 12:
        raise InvalidBarcode(field, f"month {yymmdd[2:4]} does not exist (YYMMDD)", yymmdd)
    year = expiry_year(yy, today=today)
    last_day = calendar.monthrange(year, month)[1]
    if day == 0:
        return date(year, month, last_day)
    if day > last_day:
        raise InvalidBarcode(
            field,
            f"day {yymmdd[4:]} does not exist in {calendar.month_name[month]} {year} "
            f"(last day {last_day}; day 00 means the last day)",
            yymmdd,
        )
    return date(year, month, day)


def expiry_year(yy: int, *, today: date | None = None) -> int:
    """The four-digit year of a two-digit GS1 year (GS1 General Specifications §7.12).

    Against a reference year R: if YY - (R mod 100) is 51..99 the year is in the previous
    century, if -99..-50 in the next one, else in R's century. So YY covers R-49 .. R+50.
    Without ``today`` it is ``2000 + yy`` (the clock is never read).
    """
    if not 0 <= yy <= 99:
        raise ValueError(f"a two-digit year is 0..99, got {yy}")
    if today is None:
        return 2000 + yy
    century = today.year - today.year % 100
    difference = yy - today.year % 100
    if 51 <= difference <= 99:
        return century - 100 + yy
    if -99 <= difference <= -50:
        return century + 100 + yy
    return century + yy


def _variable_field(ai: str, value: str) -> str:
    """Check a lot (10) or serial (21): 1-20 characters of CSET 82 (§3.4.1, §3.4.9, §7.11)."""
    if len(value) > _VARIABLE_MAX_LENGTH:
        raise InvalidBarcode(
            ai_label(ai),
            f"{len(value)} characters, at most {_VARIABLE_MAX_LENGTH}; a missing GS separator "
            "after it would also cause this",
            value,
        )
    bad = sorted({ch for ch in value if ch not in CSET_82})
    if bad:
        shown = " ".join(repr(ch) for ch in bad)
        raise InvalidBarcode(
            ai_label(ai), f"character(s) {shown} not allowed (GS1 character set 82)", value
        )
    return value
