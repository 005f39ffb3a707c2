"""Manufacturer return goods policies as data, and the rule that classifies a lot under one.

A :class:`ReturnPolicy` is a labeler's: the **returnable window** in calendar months before and
after the expiry date, what it does with a **partial package** (:class:`PartialRule`), the
**categories** it never takes back (:data:`CATEGORIES`: refrigerated or frozen products,
repackaged lots, controlled substances, RCRA hazardous drugs), and the **credit basis**, a
share of the wholesale acquisition cost (WAC).

The window, precisely: a lot expiring on day ``E`` is returnable from ``E`` minus
``months_before`` calendar months through ``E`` plus ``months_after`` calendar months, both
days included. A month is counted on the calendar: the same day of the month, or that month's
last day when it is shorter (31 March minus 1 month is 28 or 29 February; 31 January plus 1
month is the end of February). A policy of 6 months before and 12 after takes a lot expiring on
15 June 2027 from 15 December 2026 through 15 June 2028.

:func:`classify` answers, for one lot on a given day: ``now`` (inside the window),
``later`` (the window opens on ``returnable_from``) or ``never`` (no policy for its labeler,
an excluded category, the window has closed, a partial package the policy does not take, no
expiry date), with its **expected credit**: the credit share times the price of the units
the policy credits (0 for ``never``).

Partial packages are counted place by place (``places``: the lot's units at each location,
each counted against ``package_size``, since an opened package is where it was opened):
``full_only`` credits full packages only (the units of an opened package are not credited);
``exact_count`` credits every unit counted; ``min_fill`` credits an opened package when it
holds at least ``min_fill`` of its units (a share, 0.5 for half full), else not.

The lot's status comes first (:mod:`rxsupply.domain.status`): a **suspect** lot is ``never``
(it is held for the DSCSA investigation, not returned nor destroyed); a **recalled** lot is
returnable ``now`` under the firm's recall, whatever the policy's window or categories, every
unit credited at the full price (no recall credit terms are kept: a recall takes back every
unit it names); a quarantined lot is classified under its policy like any other.

Shares (the credit share, the minimum fill) are kept to :data:`SHARE_PLACES` decimal places,
from :data:`MIN_SHARE` to 1 (:func:`check_share`).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from rxsupply.domain.status import StockStatus
from rxsupply.errors import InvalidValue

CATEGORIES = ("refrigerated", "repackaged", "controlled", "hazardous")
"""The categories of product a policy may refuse outright."""
MAX_MONTHS = 36
CENT = Decimal("0.01")
SHARE_PLACES = Decimal("0.0001")
"""A share is kept to four decimal places (the database's money column holds four)."""
MIN_SHARE = SHARE_PLACES
SUSPECT_REASON = "suspect product: hold for investigation (DSCSA)"
RECALL_REASON = "recalled: return under the firm's recall instructions"


class PartialRule(StrEnum):
    FULL_ONLY = "full_only"  # partial packages are not accepted
    EXACT_COUNT = "exact_count"  # every unit is credited by exact count
    MIN_FILL = "min_fill"  # an opened package is credited when at least min_fill full


class Returnability(StrEnum):
    NOW = "now"
    LATER = "later"
    NEVER = "never"


def shift_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months (negative: back), clamped to the last day
    of a shorter month, and to the calendar's ends (a window past 31 December 9999 ends
    there)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if year > date.max.year:
        return date.max
    if year < date.min.year:
        return date.min
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


_SHARE_RANGE = f"a share from {MIN_SHARE} to 1, at most four decimal places kept"


def check_share(value: Decimal, field: str) -> Decimal:
    """``value`` rounded to :data:`SHARE_PLACES` (half up), refused outside
    :data:`MIN_SHARE` to 1 (a share that rounds to 0 earns nothing and is a typo)."""
    try:
        if not value.is_finite() or not Decimal(0) < value <= Decimal(1):
            raise InvalidValue(field, _SHARE_RANGE, str(value)[:40])
        kept = value.quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)
    except ArithmeticError:
        raise InvalidValue(field, _SHARE_RANGE, str(value)[:40]) from None
    if kept < MIN_SHARE:
        raise InvalidValue(field, f"{_SHARE_RANGE}: below {MIN_SHARE}", str(value)[:40])
    return kept.normalize()


@dataclass(frozen=True, slots=True, kw_only=True)
class ReturnPolicy:
    """One labeler's return goods policy (see the module's notes for each field)."""

    labeler: str
    months_before: int
    months_after: int
    partial: PartialRule = PartialRule.FULL_ONLY
    min_fill: Decimal | None = None
    excluded: frozenset[str] = field(default_factory=frozenset)
    credit_share: Decimal = Decimal(1)
    note: str = ""

    def __post_init__(self) -> None:
        if not self.labeler.strip():
            raise InvalidValue("labeler", "name the labeler whose policy this is")
        for name in ("months_before", "months_after"):
            months = getattr(self, name)
            if not 0 <= months <= MAX_MONTHS:
                raise InvalidValue(name, f"must be 0 to {MAX_MONTHS} months", months)
        object.__setattr__(self, "credit_share", check_share(self.credit_share, "credit_share"))
        if self.partial is PartialRule.MIN_FILL:
            if self.min_fill is None:
                raise InvalidValue("min_fill", f"a min_fill policy needs one ({_SHARE_RANGE})")
            object.__setattr__(self, "min_fill", check_share(self.min_fill, "min_fill"))
        elif self.min_fill is not None:
            raise InvalidValue("min_fill", f"only a min_fill policy has one ({self.partial})")
        unknown = sorted(self.excluded - set(CATEGORIES))
        if unknown:
            raise InvalidValue(
                "excluded", f"unknown category {unknown[0]!r}; one of {', '.join(CATEGORIES)}"
            )

    def window(self, expiry: date) -> tuple[date, date]:
        """The first and the last day a lot expiring on ``expiry`` is returnable."""
        return shift_months(expiry, -self.months_before), shift_months(expiry, self.months_after)

    def as_dict(self) -> dict[str, object]:
        return {
            "labeler": self.labeler,
            "months_before": self.months_before,
            "months_after": self.months_after,
            "partial": self.partial.value,
            "min_fill": None if self.min_fill is None else str(self.min_fill),
            "excluded": sorted(self.excluded),
            "credit_share": str(self.credit_share),
            "note": self.note,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class LotFacts:
    """What classifying a lot needs: its units (``places``: at each location, each counted
    against its package size; none: ``quantity`` in one place), its status, its product's
    categories (:data:`CATEGORIES`) and the price of one package on the credit basis
    (``price_basis`` says which price: a WAC and its date, or the package cost)."""

    expiry: date | None
    quantity: int
    package_size: int
    categories: frozenset[str] = field(default_factory=frozenset)
    package_price: Decimal | None = None
    price_basis: str = ""
    places: tuple[int, ...] = ()
    status: StockStatus = StockStatus.AVAILABLE

    @property
    def counts(self) -> tuple[int, ...]:
        """The units at each place (the whole quantity in one place when not given)."""
        return self.places or (self.quantity,)


@dataclass(frozen=True, slots=True, kw_only=True)
class Classification:
    """A lot's returnability under its policy on a day: ``credited_units`` of its units earn
    ``expected_credit`` (0 when ``never``); ``returnable_from`` is the window's first day
    (None when never)."""

    returnability: Returnability
    returnable_from: date | None
    returnable_until: date | None
    reason: str
    expected_credit: Decimal
    credited_units: int

    def as_dict(self) -> dict[str, object]:
        return {
            "returnability": self.returnability.value,
            "returnable_from": self.returnable_from.isoformat() if self.returnable_from else None,
            "returnable_until": (
                self.returnable_until.isoformat() if self.returnable_until else None
            ),
            "reason": self.reason,
            "expected_credit": float(self.expected_credit),
            "credited_units": self.credited_units,
        }


def _never(reason: str) -> Classification:
    return Classification(
        returnability=Returnability.NEVER,
        returnable_from=None,
        returnable_until=None,
        reason=reason,
        expected_credit=Decimal("0.00"),
        credited_units=0,
    )


def credited_units(lot: LotFacts, policy: ReturnPolicy) -> tuple[int, str]:
    """How many of the lot's units the policy credits, place by place, and what it leaves
    out (text)."""
    size = lot.package_size
    credited, opened = 0, []
    for count in lot.counts:
        full, rest = divmod(count, size)
        if (
            rest == 0
            or policy.partial is PartialRule.EXACT_COUNT
            or (policy.partial is PartialRule.MIN_FILL and _filled(rest, size, policy))
        ):
            credited += count
        else:
            credited += full * size
            opened.append(rest)
    if not opened:
        return credited, ""
    units = " and ".join(str(n) for n in opened)
    what = (
        f"an opened package of {units} of {size} units"
        if len(opened) == 1
        else f"opened packages of {units} of {size} units"
    )
    if policy.partial is PartialRule.MIN_FILL:
        assert policy.min_fill is not None
        share = f"{policy.min_fill * 100:.0f}%"
        verb = "is" if len(opened) == 1 else "are"
        return credited, f"{what} {verb} below the {share} minimum fill"
    verb = "is" if len(opened) == 1 else "are"
    return credited, f"{what} {verb} not accepted (full packages only)"


def _filled(rest: int, size: int, policy: ReturnPolicy) -> bool:
    assert policy.min_fill is not None
    return Decimal(rest) / Decimal(size) >= policy.min_fill


def _credit(lot: LotFacts, units: int, share: Decimal) -> Decimal:
    if lot.package_price is None:
        return Decimal("0.00")
    value = lot.package_price * units / lot.package_size * share
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _recalled(lot: LotFacts) -> Classification:
    """A recalled lot: every unit goes back under the recall, credited at the full price."""
    units = sum(lot.counts)
    credit = _credit(lot, units, Decimal(1))
    priced = (
        f"100% of {lot.price_basis or 'the price'}"
        if lot.package_price is not None
        else "no price on record: credit unknown"
    )
    return Classification(
        returnability=Returnability.NOW,
        returnable_from=None,
        returnable_until=None,
        reason=f"{RECALL_REASON}; {priced}",
        expected_credit=credit,
        credited_units=units,
    )


def classify(lot: LotFacts, policy: ReturnPolicy | None, today: date) -> Classification:
    """``now``, ``later`` or ``never`` for ``lot`` under ``policy`` on ``today``, with why
    and the expected credit (see the module's notes)."""
    if lot.status is StockStatus.SUSPECT:
        return _never(SUSPECT_REASON)
    if lot.status is StockStatus.RECALLED:
        return _recalled(lot)
    if policy is None:
        return _never("no return policy for the labeler")
    refused = sorted(lot.categories & policy.excluded)
    if refused:
        return _never(f"{policy.labeler} takes no {refused[0]} products back")
    if lot.expiry is None:
        return _never("no expiry date: outside every return window")
    first, last = policy.window(lot.expiry)
    if today > last:
        return _never(f"the return window closed on {last.isoformat()}")
    units, left = credited_units(lot, policy)
    if units == 0:
        return _never(f"{left[0].upper()}{left[1:]}")
    credit = _credit(lot, units, policy.credit_share)
    share = f"{policy.credit_share * 100:.0f}% of {lot.price_basis or 'the price'}"
    priced = share if lot.package_price is not None else "no price on record: credit unknown"
    kept = f"; {left}" if left else ""
    if today < first:
        return Classification(
            returnability=Returnability.LATER,
            returnable_from=first,
            returnable_until=last,
            reason=f"returnable from {first.isoformat()} to {last.isoformat()}; {priced}{kept}",
            expected_credit=credit,
            credited_units=units,
        )
    return Classification(
        returnability=Returnability.NOW,
        returnable_from=first,
        returnable_until=last,
        reason=f"returnable until {last.isoformat()}; {priced}{kept}",
        expected_credit=credit,
        credited_units=units,
    )


def parse_share(text: str, field: str) -> Decimal:
    """A share as typed: ``0.9`` or ``90%``."""
    raw = text.strip()
    percent = raw.endswith("%")
    try:
        value = Decimal(raw.rstrip("%").strip())
        if not value.is_finite():
            raise InvalidValue(field, "a share: 0.9 or 90%", text[:40])
        return check_share(value / 100 if percent else value, field)
    except ArithmeticError:  # an exponent past the decimal context's range
        raise InvalidValue(field, "a share: 0.9 or 90%", text[:40]) from None


_PARTIAL_WORDS = {
    "none": PartialRule.FULL_ONLY,
    "not_accepted": PartialRule.FULL_ONLY,
    "full": PartialRule.FULL_ONLY,
    "exact": PartialRule.EXACT_COUNT,
    "min": PartialRule.MIN_FILL,
    "minimum_fill": PartialRule.MIN_FILL,
}


def parse_partial(text: str) -> PartialRule:
    """A partial-package rule by its name (``full_only``, ``exact_count``, ``min_fill``)."""
    raw = text.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return _PARTIAL_WORDS.get(raw) or PartialRule(raw)
    except ValueError:
        names = ", ".join(p.value for p in PartialRule)
        raise InvalidValue("partial", f"one of {names}", text) from None


def parse_categories(text: str) -> frozenset[str]:
    """Categories separated by commas (see :data:`CATEGORIES`)."""
    found = frozenset(c.strip().lower() for c in text.split(",") if c.strip())
    unknown = sorted(found - set(CATEGORIES))
    if unknown:
        raise InvalidValue(
            "excluded", f"unknown category {unknown[0]!r}; one of {', '.join(CATEGORIES)}", text
        )
    return found
