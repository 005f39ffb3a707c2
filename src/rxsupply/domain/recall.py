"""Product recalls: what a recall covers, and the rules of entering and closing one.

A recall is the firm's (or the FDA's) notice that lots of one or more NDCs must come off the
shelves. Its **class** is the FDA's (21 CFR 7.3(m)): class I, a reasonable probability that
the product will cause serious adverse health consequences or death; class II, temporary or
medically reversible consequences; class III, not likely to cause adverse consequences. Each
**entry** names an NDC and the lots recalled, or no lot at all: every lot of that NDC. The
hospital finds every unit of those lots (and of the lots repackaged from them), blocks them
(status *recalled*), lists what was already dispensed (the follow-up of a class I recall), and
closes the recall with a **disposition**:

- ``returned``: the units went back to the manufacturer (or its reverse distributor);
- ``destroyed``: the units were destroyed;
- ``released``: the firm withdrew the recall; the lots go back into use (a manager's call);
- ``none_on_hand``: none of the recalled lots was ever here, or none is left.

Closing is refused while a unit of the lots is on hand and not blocked (quarantine them first,
or close as released); units still on hand and blocked (awaiting the return, say) need the
closing note to say why.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from rxsupply.domain.fields import check_text
from rxsupply.domain.limits import LedgerLimits
from rxsupply.domain.ndc import ndc_lookup_key
from rxsupply.errors import InvalidValue, RecallRefused

NUMBER_LENGTH = 64
REASON_LENGTH = 2000
FIRM_LENGTH = 200
NOTE_LENGTH = 2000
LOT_LENGTH = 40
MAX_ENTRIES = 200
MAX_LOTS = 500
EARLIEST = date(1900, 1, 1)
"""The earliest day a recall may have begun (an earlier one is a typing mistake)."""


class RecallClass(StrEnum):
    """The FDA's recall classification (21 CFR 7.3(m)): I the most serious."""

    I = "I"  # noqa: E741 - the FDA's own name
    II = "II"
    III = "III"


class RecallStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Disposition(StrEnum):
    RETURNED = "returned"
    DESTROYED = "destroyed"
    RELEASED = "released"
    NONE_ON_HAND = "none_on_hand"


_CLASS_WORDS = {"i": RecallClass.I, "ii": RecallClass.II, "iii": RecallClass.III}
_CLASS_WORDS |= {"1": RecallClass.I, "2": RecallClass.II, "3": RecallClass.III}


def parse_class(text: str) -> RecallClass:
    """``I``, ``II`` or ``III`` (also ``1``-``3``, any case, with or without ``class``)."""
    raw = text.strip().lower().removeprefix("class").strip()
    found = _CLASS_WORDS.get(raw)
    if found is None:
        raise InvalidValue("class", "I, II or III (the FDA's recall class)", text[:20])
    return found


def parse_disposition(text: str) -> Disposition:
    raw = text.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return Disposition(raw)
    except ValueError:
        choices = ", ".join(d.value for d in Disposition)
        raise InvalidValue("disposition", f"one of {choices}", text[:40]) from None


@dataclass(frozen=True, slots=True)
class RecallEntry:
    """One NDC of a recall and its lots; no lots: every lot of the NDC."""

    ndc: str
    lots: tuple[str, ...] = ()
    keys: frozenset[str] = field(init=False, repr=False, compare=False)
    """The lots as a recall matches them (:func:`lot_key`), worked out once."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "keys", frozenset(lot_key(n) for n in self.lots))

    @property
    def all_lots(self) -> bool:
        return not self.lots

    def names(self, ndc: str, lot_number: str) -> bool:
        """Whether the entry covers this lot of this NDC: an entry with no lots covers every
        lot; otherwise the lot in any case, spaces left out."""
        return self.ndc == ndc and (not self.lots or lot_key(lot_number) in self.keys)

    def as_dict(self) -> dict[str, object]:
        return {"ndc": self.ndc, "lots": list(self.lots), "all_lots": self.all_lots}


_SPLIT = re.compile(r"[\s,;]+")


def parse_entries(text: str) -> list[RecallEntry]:
    """Entries as a user types them, one NDC a line, its lots after it separated by spaces,
    commas or semicolons (``0409-4888-02 AB123, AB124``; a colon after the NDC is allowed);
    an NDC alone recalls all its lots. An NDC named twice has its lots together (and all of
    them when one of its lines names none). Errors name the line."""
    merged: dict[str, list[str] | None] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        words = [w for w in _SPLIT.split(line.strip()) if w]
        if not words:
            continue
        ndc, lots = words[0].rstrip(":"), [w for w in words[1:] if w != ":"]
        try:
            check_ndc(ndc)
            for lot in lots:
                check_lot(lot)
        except InvalidValue as exc:
            raise InvalidValue(
                "ndcs", f"line {number}: {exc.field} {exc.value!r}: {exc.reason}"
            ) from None
        known = merged.get(ndc, [])
        merged[ndc] = None if known is None or not lots else [*known, *lots]
    return [RecallEntry(ndc, tuple(dict.fromkeys(lots or ()))) for ndc, lots in merged.items()]


def recalled_because(recall: Recall) -> str:
    """Why a recall blocks its lots (the reason each lot takes)."""
    text = f"recall {recall.number} (class {recall.recall_class.value}): {recall.reason}"
    return text[: LedgerLimits().note_length]


def lot_key(text: str) -> str:
    """A lot number as a recall matches it: any case, spaces left out."""
    return "".join(text.split()).upper()


def unknown_lots(ndc: str, named: tuple[str, ...], recorded: list[str]) -> list[str]:
    """What to say of each lot a recall names that is not among a product's ``recorded`` lot
    numbers (matched by :func:`lot_key`): that it is not on record, and its close matches."""
    keys = {lot_key(n): n for n in recorded}
    out = []
    for number in named:
        if lot_key(number) in keys:
            continue
        close = difflib.get_close_matches(lot_key(number), list(keys), n=3, cutoff=0.6)
        near = f"; close to {', '.join(keys[c] for c in close)}" if close else ""
        out.append(f"{ndc} lot {number} is not on record here{near}")
    return out


def check_ndc(text: str) -> str:
    """An NDC in a form a product is found by (raises :class:`InvalidValue` otherwise)."""
    ndc_lookup_key(text)
    return text


def check_lot(text: str) -> str:
    lot = check_text("lot", text.strip(), limit=LOT_LENGTH)
    if not lot:
        raise InvalidValue("lot", "a lot number is not empty")
    return lot


@dataclass(slots=True)
class Recall:
    """A recall as entered, with where it stands."""

    number: str
    recall_class: RecallClass
    reason: str
    initiated: date
    entries: list[RecallEntry]
    entered_at: datetime
    entered_by: str
    firm: str = ""
    status: RecallStatus = RecallStatus.OPEN
    disposition: Disposition | None = None
    disposition_note: str = ""
    closed_at: datetime | None = None
    closed_by: str = ""
    quarantined_at: datetime | None = None
    quarantined_by: str = ""
    id: int | None = None
    warnings: list[str] = field(default_factory=list)
    """What entering it found worth saying (a lot named that is not on record); not kept."""

    def names(self, ndc: str, lot_number: str) -> bool:
        """Whether one of the recall's entries covers this lot of this NDC."""
        return any(entry.names(ndc, lot_number) for entry in self.entries)

    @property
    def follow_up(self) -> bool:
        """A class I recall: the patients who received a unit are followed up."""
        return self.recall_class is RecallClass.I

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "number": self.number,
            "class": self.recall_class.value,
            "reason": self.reason,
            "firm": self.firm,
            "initiated": self.initiated.isoformat(),
            "status": self.status.value,
            "entries": [e.as_dict() for e in self.entries],
            "entered_at": self.entered_at.isoformat(),
            "entered_by": self.entered_by,
            "quarantined_at": self.quarantined_at.isoformat() if self.quarantined_at else None,
            "quarantined_by": self.quarantined_by or None,
            "disposition": self.disposition.value if self.disposition else None,
            "disposition_note": self.disposition_note,
            "closed_at": self.closed_at.isoformat() if self.closed_at else None,
            "closed_by": self.closed_by or None,
            "follow_up": self.follow_up,
        }


def new_recall(
    *,
    number: str,
    recall_class: RecallClass,
    reason: str,
    initiated: date,
    entries: list[RecallEntry],
    today: date,
    at: datetime,
    by: str,
    firm: str = "",
) -> Recall:
    """A recall to record, checked: a number, a reason, an initiation date not after
    ``today``, at least one entry (each NDC once)."""
    number = check_text("number", number.strip(), limit=NUMBER_LENGTH)
    if not number:
        raise InvalidValue("number", "the firm's or the FDA's recall number")
    reason = check_text("reason", reason.strip(), limit=REASON_LENGTH)
    if not reason:
        raise InvalidValue("reason", "say why the product is recalled")
    firm = check_text("firm", firm.strip(), limit=FIRM_LENGTH)
    if not EARLIEST <= initiated <= today:
        raise InvalidValue(
            "initiated", f"a date from {EARLIEST} to today ({today})", initiated.isoformat()
        )
    if not entries:
        raise InvalidValue("ndcs", "name at least one NDC (and its lots, or none for all)")
    if len(entries) > MAX_ENTRIES:
        raise InvalidValue("ndcs", f"at most {MAX_ENTRIES} NDCs in one recall", len(entries))
    if len({e.ndc for e in entries}) != len(entries):
        raise InvalidValue("ndcs", "each NDC once (put all its lots on its line)")
    if sum(len(e.lots) for e in entries) > MAX_LOTS:
        raise InvalidValue("ndcs", f"at most {MAX_LOTS} lots in one recall")
    return Recall(
        number=number,
        recall_class=recall_class,
        reason=reason,
        initiated=initiated,
        entries=entries,
        entered_at=at,
        entered_by=by,
        firm=firm,
    )


@dataclass(frozen=True, slots=True)
class OnHand:
    """The units of a recall's lots still on hand when it closes: all of them, and those not
    blocked (usable)."""

    units: int
    unblocked: int


def close(
    recall: Recall,
    *,
    disposition: Disposition,
    note: str,
    on_hand: OnHand,
    at: datetime,
    by: str,
) -> None:
    """Close an open recall with its disposition (see the module for the rules)."""
    if recall.status is RecallStatus.CLOSED:
        raise RecallRefused(
            f"recall {recall.number} was closed on {recall.closed_at:%Y-%m-%d} "
            f"({recall.disposition.value if recall.disposition else ''})"
        )
    note = check_text("note", note.strip(), limit=NOTE_LENGTH)
    if disposition is Disposition.RELEASED:
        if not note:
            raise InvalidValue(
                "note", "a release needs the firm's withdrawal of the recall: say where it is"
            )
    elif on_hand.unblocked:
        raise RecallRefused(
            f"{on_hand.unblocked:,} unit(s) of recall {recall.number} are on hand and usable: "
            "quarantine them first (or close as released if the firm withdrew the recall)"
        )
    elif disposition is Disposition.NONE_ON_HAND and on_hand.units:
        raise RecallRefused(
            f"{on_hand.units:,} unit(s) of recall {recall.number} are on hand: close it as "
            "returned or destroyed once they have gone"
        )
    elif on_hand.units and not note:
        raise InvalidValue(
            "note",
            f"{on_hand.units:,} unit(s) are still on hand (blocked): say why the recall "
            f"closes as {disposition.value} before they have gone",
        )
    recall.status = RecallStatus.CLOSED
    recall.disposition = disposition
    recall.disposition_note = note
    recall.closed_at = at
    recall.closed_by = by
