"""Merging a shortage file's records into what is known: which presentations are new or
updated, whether the shortage's status changed, and the event that says so.

Rules (see :mod:`rxsupply.domain.shortage` for the identities):

- a record replaces a stored presentation only when its update date is later; a record of the
  same day or older changes nothing (importing a file twice, or the same data in the FDA's two
  formats, records nothing new);
- within one file, a presentation listed twice keeps its latest record (the later row on a tie);
- a file whose newest record of a shortage is older than the shortage's last update adds the
  presentations it did not know as history, and leaves the status, the dates, the reason and
  the category as they are: an older file never rolls a shortage back;
- the event: ``new`` for a shortage not known before; ``resolved`` or ``discontinued`` when the
  status became that; ``updated`` for any other change (reopened included); none when nothing
  changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date

from rxsupply.domain.shortage import (
    EventKind,
    Presentation,
    Shortage,
    ShortageSource,
    ShortageStatus,
)


@dataclass(slots=True)
class Merge:
    """What merging a file's records into one shortage changed."""

    shortage: Shortage
    is_new: bool
    added: list[Presentation] = field(default_factory=list)
    updated: list[Presentation] = field(default_factory=list)
    unchanged: int = 0
    older: int = 0
    event: EventKind | None = None
    effective: date | None = None
    detail: str = ""
    summary_changed: bool = False


def latest_by_key(records: Iterable[Presentation]) -> list[Presentation]:
    """One record per presentation key: the latest update date, the later record on a tie."""
    kept: dict[str, Presentation] = {}
    for record in records:
        old = kept.get(record.key)
        if old is None or (record.updated_on or date.min) >= (old.updated_on or date.min):
            kept[record.key] = record
    return list(kept.values())


def _later(new: date | None, old: date | None) -> bool:
    return (new or date.min) > (old or date.min)


def merge_records(
    stored: Shortage | None, *, key: str, generic_name: str, records: list[Presentation]
) -> Merge:
    """Merge one shortage's records (one per presentation key, :func:`latest_by_key`) into the
    stored shortage (None when it is not known yet)."""
    shortage = stored or Shortage(source=ShortageSource.FDA, key=key, generic_name=generic_name)
    merge = Merge(shortage=shortage, is_new=stored is None)
    before = shortage.summary() if stored else None
    before_status = shortage.status if stored else None
    newest = max((r.updated_on for r in records if r.updated_on), default=None)
    frozen = stored is not None and _later(stored.last_updated, newest)
    position = {p.key: i for i, p in enumerate(shortage.presentations)}
    for record in records:
        at = position.get(record.key)
        if at is None:
            position[record.key] = len(shortage.presentations)
            shortage.presentations.append(record)
            merge.added.append(record)
            continue
        old = shortage.presentations[at]
        if _later(record.updated_on, old.updated_on):
            shortage.presentations[at] = replace(record, id=old.id)
            merge.updated.append(shortage.presentations[at])
        elif record.content() == old.content():
            merge.unchanged += 1
        else:
            merge.older += 1
    changed = merge.added + merge.updated
    if not changed:
        return merge
    kept = replace(shortage, presentations=[])
    shortage.refresh()
    if frozen:  # an older file: history added, the shortage itself as it was
        shortage.status, shortage.resolved_on = kept.status, kept.resolved_on
        shortage.discontinued_on, shortage.last_updated = kept.discontinued_on, kept.last_updated
        shortage.reason, shortage.therapeutic_category = kept.reason, kept.therapeutic_category
    elif stored is not None:
        shortage.generic_name = generic_name
    merge.summary_changed = before != shortage.summary()
    merge.effective = max((p.updated_on for p in changed if p.updated_on), default=None)
    merge.event = _event_kind(merge.is_new, before_status, shortage.status)
    merge.detail = _detail(merge, before_status, shortage.status, frozen)
    return merge


def _event_kind(is_new: bool, before: ShortageStatus | None, after: ShortageStatus) -> EventKind:
    if is_new:
        return EventKind.NEW
    if before is not after and after is ShortageStatus.RESOLVED:
        return EventKind.RESOLVED
    if before is not after and after is ShortageStatus.DISCONTINUED:
        return EventKind.DISCONTINUED
    return EventKind.UPDATED


def _detail(
    merge: Merge, before: ShortageStatus | None, after: ShortageStatus, frozen: bool
) -> str:
    parts = []
    if before is None:
        parts.append(f"status {after.value}")
    elif before is not after:
        parts.append(f"status {before.value} -> {after.value}")
    if merge.added:
        parts.append(f"{len(merge.added)} presentation(s) added")
    if merge.updated:
        parts.append(f"{len(merge.updated)} presentation(s) updated")
    if frozen:
        parts.append("older records than the last update: status kept")
    return "; ".join(parts)
