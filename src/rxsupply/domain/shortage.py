"""Drug shortages: what the hospital knows is short, from the FDA list, a user, or a backorder.

**Identity.** The FDA Drug Shortage Database lists shortages by generic name ("Acyclovir
Ointment") and records each presentation (a product of one company) under it; the record ids of
its files change from file to file. So a shortage is identified by its source and its key:

- ``fda``: the generic name, normalised (:func:`shortage_key`: case, spacing and non-breaking
  spaces folded), so every file that names it reaches the same shortage;
- ``manual`` (a wholesaler's backorder notice, a manufacturer's letter) and ``backorder`` (a
  purchase order line the wholesaler backordered): the formulary item's code.

A presentation is identified within its shortage by its NDCs when it has any (the FDA rewrites
presentation texts and company names between years; the package stays), else by its company
and text (:func:`presentation_key`).

**Status.** Each FDA record has its own status (Current, Resolved, To Be Discontinued); a
shortage is current while any of its presentations is, else discontinued while any is, else
resolved (:func:`overall_status`). A record only replaces what is stored when its update date is
later: an older file imported after a newer one adds what was not known and rolls nothing back.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from rxsupply.domain.fields import parse_date
from rxsupply.domain.ndc_text import WrittenNDC
from rxsupply.errors import InvalidValue


class ShortageSource(StrEnum):
    FDA = "fda"  # the FDA Drug Shortage Database's list
    MANUAL = "manual"  # entered by a user: a wholesaler's notice, a manufacturer's letter
    BACKORDER = "backorder"  # raised by a purchase order line the wholesaler backordered


class ShortageStatus(StrEnum):
    CURRENT = "current"
    RESOLVED = "resolved"
    DISCONTINUED = "discontinued"  # FDA "To Be Discontinued": the product is leaving the market


class EventKind(StrEnum):
    """What changed in a shortage between two imports (or by a user's hand)."""

    NEW = "new"
    UPDATED = "updated"
    RESOLVED = "resolved"
    DISCONTINUED = "discontinued"


class MatchMethod(StrEnum):
    """How a shortage was matched to a formulary item, strongest first."""

    ITEM = "item"  # named by a user or by the backordered order line
    NDC = "ndc"  # an NDC of the shortage is a product of the item (10- or 11-digit form)
    NAME_STRENGTH_FORM = "name_strength_form"  # same ingredients, strength and dosage form
    NAME = "name"  # same ingredients only


_FDA_STATUS = {
    "current": ShortageStatus.CURRENT,
    "resolved": ShortageStatus.RESOLVED,
    "to be discontinued": ShortageStatus.DISCONTINUED,
    "discontinued": ShortageStatus.DISCONTINUED,
}


def parse_fda_status(text: str) -> ShortageStatus:
    """An FDA record's status: Current, Resolved or To Be Discontinued (any case)."""
    found = _FDA_STATUS.get(" ".join(text.split()).casefold())
    if found is None:
        raise InvalidValue("status", "expected Current, Resolved or To Be Discontinued", text)
    return found


def parse_fda_date(text: str, field: str) -> date:
    """A date as the FDA files write it: ``9/16/24`` (the yearly files) or ``4/26/2024`` (the
    database's export); two-digit years are 20YY (the database began in 2011)."""
    raw = text.strip()
    parts = raw.split("/")
    if len(parts) == 3 and len(parts[2]) == 2 and parts[2].isascii() and parts[2].isdigit():
        raw = f"{parts[0]}/{parts[1]}/20{parts[2]}"
    try:
        return parse_date(raw, field)
    except InvalidValue:
        raise InvalidValue(field, "not a date; the FDA writes M/D/YY or M/D/YYYY", text) from None


def folded(text: str) -> str:
    """Text compared as a person reads it: Unicode-normalised, case-folded, one space."""
    return " ".join(unicodedata.normalize("NFKC", text).split()).casefold()


def shortage_key(generic_name: str) -> str:
    """The key of an FDA shortage: its generic name, folded."""
    return folded(generic_name)


def presentation_key(company: str, text: str, ndcs: Iterable[WrittenNDC]) -> str:
    """The key of a presentation within its shortage: its packages when it names any, else
    its company and text (a digest, so a long text makes a short key)."""
    packages = sorted({n.key for n in ndcs})
    basis = "ndc:" + ",".join(packages) if packages else f"text:{folded(company)}\x1f{folded(text)}"
    return hashlib.sha256(basis.encode()).hexdigest()[:32]


def overall_status(statuses: Iterable[ShortageStatus]) -> ShortageStatus:
    """A shortage's status from its presentations': current while any is current, else
    discontinued while any is, else resolved."""
    found = set(statuses)
    if ShortageStatus.CURRENT in found or not found:
        return ShortageStatus.CURRENT
    if ShortageStatus.DISCONTINUED in found:
        return ShortageStatus.DISCONTINUED
    return ShortageStatus.RESOLVED


@dataclass(slots=True, kw_only=True)
class Presentation:
    """One product of one company under a shortage, as last recorded."""

    key: str
    company: str
    text: str
    status: ShortageStatus
    updated_on: date | None
    update_type: str = ""
    availability: str = ""
    related_info: str = ""
    resolved_note: str = ""
    reason: str = ""
    therapeutic_category: str = ""
    change_date: date | None = None
    discontinued_on: date | None = None
    first_posted: date | None = None
    ndcs: list[WrittenNDC] = field(default_factory=list)
    product_id: int | None = None
    id: int | None = None

    def content(self) -> tuple[object, ...]:
        """What a later record may change (the key and the id excluded)."""
        return (
            self.company,
            self.text,
            self.status,
            self.updated_on,
            self.update_type,
            self.availability,
            self.related_info,
            self.resolved_note,
            self.reason,
            self.therapeutic_category,
            self.change_date,
            self.discontinued_on,
            self.first_posted,
            tuple(n.key for n in self.ndcs),
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "company": self.company,
            "presentation": self.text,
            "status": self.status.value,
            "updated_on": _day(self.updated_on),
            "update_type": self.update_type,
            "availability": self.availability,
            "related_info": self.related_info,
            "resolved_note": self.resolved_note,
            "reason": self.reason,
            "change_date": _day(self.change_date),
            "discontinued_on": _day(self.discontinued_on),
            "first_posted": _day(self.first_posted),
            "ndcs": [n.as_dict() for n in self.ndcs],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Match:
    """A shortage's match to one formulary item, and how it was made."""

    item_id: int
    method: MatchMethod
    detail: str = ""
    item_code: str = ""
    item_name: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "item": self.item_code,
            "item_name": self.item_name,
            "method": self.method.value,
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class ShortageEvent:
    """One change of a shortage: by which import (or user), effective which day."""

    kind: EventKind
    recorded_at: datetime
    recorded_by: str
    effective: date | None = None
    import_id: int | None = None
    import_file: str = ""
    detail: str = ""
    shortage_id: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind.value,
            "effective": _day(self.effective),
            "recorded_at": self.recorded_at.isoformat(),
            "recorded_by": self.recorded_by,
            "import": self.import_id,
            "file": self.import_file or None,
            "detail": self.detail,
        }


@dataclass(slots=True, kw_only=True)
class Shortage:
    source: ShortageSource
    key: str
    generic_name: str
    status: ShortageStatus = ShortageStatus.CURRENT
    therapeutic_category: str = ""
    reason: str = ""
    note: str = ""
    first_posted: date | None = None
    last_updated: date | None = None
    resolved_on: date | None = None
    discontinued_on: date | None = None
    presentations: list[Presentation] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)
    events: list[ShortageEvent] = field(default_factory=list)
    id: int | None = None

    @property
    def active(self) -> bool:
        return self.status is ShortageStatus.CURRENT

    def refresh(self) -> None:
        """Its status, dates, category and reason from its presentations: the status by
        :func:`overall_status`; first posted the earliest of any; last updated the latest;
        resolved on the latest update of a resolved presentation (when it is resolved);
        discontinued on the latest discontinuation date; the category and the reason of the
        latest presentation that gives one."""
        presentations = self.presentations
        if not presentations:
            return
        self.status = overall_status(p.status for p in presentations)
        posted = [d for p in presentations for d in (p.first_posted, p.updated_on) if d]
        if self.first_posted:
            posted.append(self.first_posted)
        self.first_posted = min(posted, default=None)
        updated = [p.updated_on for p in presentations if p.updated_on]
        self.last_updated = max(updated, default=self.last_updated)
        resolved = [
            p.updated_on
            for p in presentations
            if p.updated_on and p.status is ShortageStatus.RESOLVED
        ]
        self.resolved_on = (
            max(resolved, default=None) if self.status is ShortageStatus.RESOLVED else None
        )
        ended = [p.discontinued_on for p in presentations if p.discontinued_on]
        self.discontinued_on = max(ended, default=None)
        latest = sorted(presentations, key=lambda p: p.updated_on or date.min, reverse=True)
        self.therapeutic_category = next(
            (p.therapeutic_category for p in latest if p.therapeutic_category),
            self.therapeutic_category,
        )
        self.reason = next((p.reason for p in latest if p.reason), self.reason)

    def summary(self) -> tuple[object, ...]:
        """The shortage's own fields that an import may change."""
        return (
            self.generic_name,
            self.status,
            self.therapeutic_category,
            self.reason,
            self.first_posted,
            self.last_updated,
            self.resolved_on,
            self.discontinued_on,
        )

    def as_dict(self, *, details: bool = True) -> dict[str, object]:
        out: dict[str, object] = {
            "id": self.id,
            "source": self.source.value,
            "key": self.key,
            "generic_name": self.generic_name,
            "status": self.status.value,
            "therapeutic_category": self.therapeutic_category,
            "reason": self.reason,
            "note": self.note,
            "first_posted": _day(self.first_posted),
            "last_updated": _day(self.last_updated),
            "resolved_on": _day(self.resolved_on),
            "discontinued_on": _day(self.discontinued_on),
            "presentations_count": len(self.presentations),
            "ndcs_count": len({n.key for p in self.presentations for n in p.ndcs}),
            "items_count": len(self.matches),
        }
        if details:
            out["presentations"] = [p.as_dict() for p in self.presentations]
            out["ndcs"] = sorted(
                {n.ndc11 or n.digits10 or "" for p in self.presentations for n in p.ndcs}
            )
            out["items"] = [m.as_dict() for m in self.matches]
            out["events"] = [e.as_dict() for e in self.events]
        return out


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None
