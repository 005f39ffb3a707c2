"""Unit-dose repackaging: the repackaged lot's expiry and its GS1 label.

**Expiry.** A repackaged lot expires on the earlier of the original lot's expiry and its
beyond-use date (BUD): the repackaging day plus ``bud_days``. The default, 180 days, is the
USP <795> (2023) BUD for a nonaqueous dose form stored at controlled room temperature, the
usual case for solid oral unit doses; a pharmacy whose policy follows the FDA guidance on
unit-dose repackaging of solid oral dosage forms (up to one year, never past the
manufacturer's expiry) passes ``--bud-days 365``. Both rules cap it at the original expiry.

**Label.** The repackaged package carries a GS1 DataMatrix with the repackaged product's GTIN
(01), the lot's expiry (17, YYMMDD), its lot (10) and optionally a serial (21) (GS1 General
Specifications §3.4: (10) and (21) are variable length, so a GS separator follows (10) when
(21) comes after it), and the same data as human-readable text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

from rxsupply.domain.identifier import CSET_82
from rxsupply.domain.ndc import validate_gtin14
from rxsupply.errors import InvalidValue

DEFAULT_BUD_DAYS = 180
"""USP <795> (2023): nonaqueous dose forms, controlled room temperature."""
MAX_BUD_DAYS = 365
"""The FDA unit-dose repackaging guidance's ceiling for solid oral dosage forms."""
OPENED_BUD_DAYS = 28
"""USP <797> (2023): a multiple-dose container, once first entered or opened, is used for up
to 28 days unless the manufacturer's labelling says otherwise (insulin pens, eye drops and
other packages whose labelling gives another period pass their own)."""
GS = "\x1d"
"""The GS1 separator (FNC1 in the symbol) after a variable-length field that is not last."""


def beyond_use_date(repackaged_on: date, bud_days: int = DEFAULT_BUD_DAYS) -> date:
    if not 1 <= bud_days <= MAX_BUD_DAYS:
        raise InvalidValue("bud_days", f"between 1 and {MAX_BUD_DAYS} days", bud_days)
    return repackaged_on + timedelta(days=bud_days)


def repackaged_expiry(
    original: date | None, repackaged_on: date, bud_days: int = DEFAULT_BUD_DAYS
) -> date:
    """The earlier of the original lot's expiry and the beyond-use date (a non-expiring
    original gives the beyond-use date)."""
    bud = beyond_use_date(repackaged_on, bud_days)
    return bud if original is None else min(original, bud)


def opened_lot(lot: str, opened_on: date, *, limit: int = 40) -> str:
    """The lot number of units opened on ``opened_on`` from ``lot``: the lot and ``-O`` and the
    day (``A123-O261206``). When the whole would pass ``limit`` characters the lot is cut and
    six characters of a hash of the whole lot number go after it (``<cut>-1F3A9C-O261206``),
    so two long lots alike at the start never share an opened lot. Every package of one lot
    opened on one day shares it (and so its beyond-use date)."""
    suffix = f"-O{opened_on:%y%m%d}"
    if len(lot) + len(suffix) <= limit:
        return lot + suffix
    digest = hashlib.sha256(lot.encode()).hexdigest()[:6].upper()
    return f"{lot[: limit - len(suffix) - 7]}-{digest}{suffix}"


def _variable(ai: str, value: str) -> str:
    if not 1 <= len(value) <= 20:
        raise InvalidValue(f"({ai})", "1 to 20 characters", value)
    bad = sorted({ch for ch in value if ch not in CSET_82 or ch in "()"})
    if bad:
        raise InvalidValue(f"({ai})", f"character(s) {''.join(bad)} cannot go on the label", value)
    return value


@dataclass(frozen=True, slots=True)
class Label:
    """A repackaged package's GS1 data: GTIN-14, expiry, lot and optional serial."""

    gtin: str
    expiry: date
    lot: str
    serial: str | None = None

    def __post_init__(self) -> None:
        validate_gtin14(self.gtin)
        _variable("10", self.lot)
        if self.serial is not None:
            _variable("21", self.serial)

    @property
    def element_string(self) -> str:
        """What a scanner reads after ``]d2``: (01)(17) fixed, (10) then GS when (21) follows."""
        out = f"01{self.gtin}17{self.expiry:%y%m%d}10{self.lot}"
        return out + (f"{GS}21{self.serial}" if self.serial else "")

    @property
    def human_readable(self) -> str:
        """The text printed under the symbol: each AI in parentheses, then its data."""
        out = f"(01){self.gtin}(17){self.expiry:%y%m%d}(10){self.lot}"
        return out + (f"(21){self.serial}" if self.serial else "")
