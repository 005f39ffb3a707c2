"""Importing the FDA shortage list: :func:`import_shortage_feed`, in one transaction.

The file (either FDA format, read by :mod:`rxsupply.adapters.fda_shortages`) is checked whole
first: a record with a blank generic name, an unknown status or a date that is no date is
reported with its file, row, line, field and reason, and nothing is written. Then each record
becomes a presentation (its NDCs pulled out of the text), grouped into shortages by generic
name and merged into what is stored (:mod:`rxsupply.domain.shortage_feed`: only later records
change anything, an older file rolls nothing back), each change recorded as an event of this
import; the file's shortages are matched to the formulary again
(:mod:`rxsupply.domain.shortage_matching`). A file that changes nothing (the same file again)
writes nothing: no import, no events, no audit entry.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from rxsupply.domain.clock import Clock
from rxsupply.domain.ndc_text import ndcs_in_text
from rxsupply.domain.shortage import (
    EventKind,
    MatchMethod,
    Presentation,
    ShortageEvent,
    ShortageSource,
    parse_fda_date,
    parse_fda_status,
    presentation_key,
    shortage_key,
)
from rxsupply.domain.shortage_feed import Merge, latest_by_key, merge_records
from rxsupply.domain.shortage_matching import best_methods
from rxsupply.services.audit import record, require_user
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.ports.shortages import ShortageFeed
from rxsupply.services.ports.tables import Errors
from rxsupply.services.shortage_matches import rematch

_LIMITS = {"generic_name": 300, "company_name": 500, "update_type": 40}
"""The most characters of these columns; any other at most 20,000 (none holds a control
character)."""
_DATES = ("update_date", "change_date", "date_discontinued", "initial_posting_date")


@dataclass(slots=True)
class FeedResult:
    """What an import of a shortage file found and did."""

    file: str
    format: str
    records: int
    shortages: int
    ndcs: int
    presentations: dict[str, int] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)
    items: dict[str, int] = field(default_factory=dict)
    import_id: int | None = None
    shifted: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "format": self.format,
            "records": self.records,
            "shortages": self.shortages,
            "ndcs": self.ndcs,
            "presentations": dict(self.presentations),
            "events": dict(self.events),
            "items_matched": dict(self.items),
            "import": self.import_id,
            "shifted_rows": list(self.shifted),
        }


def parse_feed(feed: ShortageFeed, *, cap: int = 100) -> dict[str, tuple[str, list[Presentation]]]:
    """The file's records as presentations grouped by shortage key (with the generic name of
    the shortage's latest record); every record is checked first and the file refused, naming
    each bad record's row, line, field and reason, when any is bad."""
    table = feed.table
    errors = Errors(table.name, cap)
    col = {c: table.get(c) for c in table.columns}
    groups: dict[str, list[Presentation]] = defaultdict(list)
    names: dict[str, tuple[date, str]] = {}
    for i in range(table.rows):
        row, line = feed.rows[i], feed.lines[i]
        limits = {c: (col[c][i], _LIMITS.get(c, 20_000)) for c in col}
        if not errors.fits(row, limits, line=line):
            continue
        name = col["generic_name"][i]
        if not name:
            errors.add(row, "generic_name", "must not be blank", line=line)
            continue
        status = errors.value(row, "status", parse_fda_status, col["status"][i], line=line)
        dates = _dates(errors, row, line, {c: col[c][i] for c in _DATES})
        if status is None or dates is None:
            continue
        company, text = col["company_name"][i], col["presentation"][i]
        ndcs = ndcs_in_text(text)
        updated = dates["update_date"]
        groups[shortage_key(name)].append(
            Presentation(
                key=presentation_key(company, text, ndcs),
                company=company,
                text=text,
                status=status,
                updated_on=updated,
                update_type=col["update_type"][i],
                availability=col["availability"][i],
                related_info=col["related_info"][i],
                resolved_note=col["resolved_note"][i],
                reason=col["reason_for_shortage"][i],
                therapeutic_category=col["therapeutic_category"][i],
                change_date=dates["change_date"],
                discontinued_on=dates["date_discontinued"],
                first_posted=dates["initial_posting_date"],
                ndcs=ndcs,
            )
        )
        key = shortage_key(name)
        if key not in names or (updated or date.min) >= names[key][0]:
            names[key] = (updated or date.min, name)
    errors.raise_if_any()
    return {key: (names[key][1], records) for key, records in groups.items()}


def _fda_date(column: str, text: str) -> date:
    return parse_fda_date(text, column)


def _dates(
    errors: Errors, row: int, line: int, texts: dict[str, str]
) -> dict[str, date | None] | None:
    """A record's dates (None for a blank one), or None when one is bad or the update date is
    blank (the error recorded)."""
    dates: dict[str, date | None] = {}
    good = True
    for column, text in texts.items():
        dates[column] = None
        if text:
            dates[column] = errors.value(row, column, partial(_fda_date, column), text, line=line)
            good = good and dates[column] is not None
    if not texts["update_date"]:
        errors.add(row, "update_date", "must not be blank: the FDA dates every record", line=line)
        good = False
    return dates if good else None


def import_shortage_feed(
    uow: UnitOfWork, feed: ShortageFeed, *, user: str, clock: Clock, cap: int = 100
) -> FeedResult:
    """Import one FDA shortage file (see the module's description); commits."""
    require_user(user)
    groups = parse_feed(feed, cap=cap)
    now = clock.now()
    stored = uow.shortages.find(ShortageSource.FDA, groups)
    merges = [
        merge_records(stored.get(key), key=key, generic_name=name, records=latest_by_key(records))
        for key, (name, records) in sorted(groups.items())
    ]
    result = FeedResult(
        file=feed.table.name,
        format=feed.format,
        records=feed.table.rows,
        shortages=len(groups),
        ndcs=len({n.key for _, records in groups.values() for p in records for n in p.ndcs}),
        shifted=list(feed.shifted),
    )
    changed = [m for m in merges if m.added or m.updated]
    if changed:
        result.import_id = uow.shortages.add_import(
            file=feed.table.name,
            format=feed.format,
            digest=feed.digest,
            records=feed.table.rows,
            now=now,
            user=user,
        )
    _write(uow, changed, result, user=user, clock=clock)
    shortages = [m.shortage for m in merges]
    matched = rematch(uow, shortages, now=now)
    best = best_methods(m for s in shortages for m in matched.get(s.id or 0, {}).values())
    counts = Counter(method.value for method in best.values())
    result.items = {
        m.value: counts.get(m.value, 0) for m in MatchMethod if m is not MatchMethod.ITEM
    }
    result.presentations = {
        "new": sum(len(m.added) for m in merges),
        "updated": sum(len(m.updated) for m in merges),
        "unchanged": sum(m.unchanged for m in merges),
        "older": sum(m.older for m in merges),
    }
    if result.import_id is not None:
        uow.shortages.finish_import(result.import_id, json.dumps(result.as_dict()))
        record(
            uow,
            user=user,
            action="import_shortages",
            entity="file",
            key=feed.table.name,
            now=now,
            after=result.as_dict(),
        )
    uow.commit()
    return result


def _write(
    uow: UnitOfWork, merges: list[Merge], result: FeedResult, *, user: str, clock: Clock
) -> None:
    now = clock.now()
    events: list[ShortageEvent] = []
    kinds: Counter[str] = Counter()
    for m in merges:
        s = m.shortage
        if m.is_new:
            uow.shortages.add(s, now=now, user=user)
        elif m.summary_changed:
            uow.shortages.update(s, now=now, user=user)
        sid = s.id or 0
        uow.shortages.add_presentations(sid, m.added, import_id=result.import_id)
        uow.shortages.update_presentations(sid, m.updated, import_id=result.import_id)
        if m.event is not None:
            kinds[m.event.value] += 1
            events.append(
                ShortageEvent(
                    shortage_id=sid,
                    kind=m.event,
                    effective=m.effective,
                    recorded_at=now,
                    recorded_by=user,
                    import_id=result.import_id,
                    detail=m.detail,
                )
            )
    uow.shortages.add_events(events)
    result.events = {k.value: kinds.get(k.value, 0) for k in EventKind}
