"""Cycle counts: started, counted blind, submitted; see :mod:`.count_posting` for approval and
posting, and :mod:`.count_plan` for what is due.

- :func:`start_count` lists the lines to count at a location (a storeroom with its bins, or a
  cabinet with its pockets), for some items or for what the plan says is due, and snapshots
  their on-hand (hidden from the counter).
- :func:`enter_counts` records counted quantities (:func:`.found_stock.add_found_line` a
  line found that was not on the sheet).
- :func:`submit_count` closes the counting: every line counted; a count of a controlled
  substance needs a witness, a second user who is not the counter. The on-hand at submission
  (the snapshot plus the movements since) is what the count is compared with.

One count at a time of the same stock: a stock line (location, product, lot) listed on a count
that is open, submitted or approved is held by it until it posts or is cancelled; a count that
would list it again (:func:`start_count`, or a found line) is refused, naming the count that
holds it. Two counts of the same shelf would otherwise each post the same variance (record 10,
shelf 5: each posts -5 and the record ends at 0), which for a scheduled product falsifies the
perpetual inventory. Refusing is the pharmacy's practice (the open count is finished, or
cancelled and recounted, :func:`.count_posting.cancel_count`), rather than reconciling two counts
at posting. On PostgreSQL the locations counted are locked while the check runs, so two counts
of the same stock started at the same moment are taken in turn and the second is refused.

Every change is one transaction with its audit entry, under its user; a refused one writes
nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rxsupply.domain.clock import Clock
from rxsupply.domain.counting import Count, CountLine, CountRules, CountStatus
from rxsupply.domain.fields import is_id, parse_units
from rxsupply.domain.location import LocationKind
from rxsupply.errors import CountRefused, InvalidValue, NotFound, UnknownLocation
from rxsupply.services.audit import record, require_user
from rxsupply.services.count_plan import due_pairs
from rxsupply.services.ports import UnitOfWork

MAX_COUNTED = 1_000_000


def get_count(uow: UnitOfWork, count: str, *, lock: bool = False) -> Count:
    """A count by its number (``CC000012``) or id."""
    text = count.strip()
    count_id = int(text) if is_id(text) else uow.counts.find(text[:40])
    found = uow.counts.get(count_id, lock=lock) if count_id is not None else None
    if found is None:
        raise NotFound("count", count)
    return found


def list_counts(
    uow: UnitOfWork, *, status: CountStatus | None = None, limit: int = 100
) -> list[Count]:
    return uow.counts.listed(status=status, limit=limit)


def count_scope(uow: UnitOfWork, location: str) -> tuple[int, list[int]]:
    """The location's id and the locations a count of it covers: itself and its pockets (a
    cabinet's stock is in its pockets)."""
    loc = uow.locations.get(location.strip())
    if loc is None or loc.id is None:
        raise UnknownLocation(location)
    pockets = [c.id for c in uow.locations.children(loc.code) if c.kind is LocationKind.POCKET]
    own = [] if loc.kind is LocationKind.ADC else [loc.id]
    return loc.id, own + [p for p in pockets if p is not None]


def refuse_held(uow: UnitOfWork, lines: Sequence[CountLine]) -> None:
    """Refuse lines another unposted count (open, submitted or approved) already lists: two
    counts of the same stock would each post the same variance."""
    by_key = {(ln.location_id, ln.product_id, ln.lot): ln for ln in lines}
    held = uow.counts.pending(by_key, lock=True)
    if not held:
        return
    shown = "; ".join(
        f"{by_key[k].location} {by_key[k].ndc} lot {k[2]} is on count {number} ({status})"
        for k, (number, status) in sorted(held.items())[:5]
    )
    more = f" and {len(held) - 5} more lines" if len(held) > 5 else ""
    raise CountRefused(
        f"already being counted: {shown}{more}; post or cancel that count first (one count "
        "at a time of the same stock, so a variance is never posted twice)"
    )


def start_count(
    uow: UnitOfWork,
    *,
    location: str,
    user: str,
    clock: Clock,
    items: Sequence[str] = (),
    due: bool = False,
    rules: CountRules | None = None,
) -> Count:
    """Start a count of ``location``: every stock line there, or of ``items``, or (``due``)
    of the item-locations the plan says are due today."""
    require_user(user)
    loc_id, scope = count_scope(uow, location)
    item_ids: set[int] | None = None
    if items:
        known = uow.items.ids_by_code()
        missing = [i for i in items if i.strip() not in known]
        if missing:
            raise NotFound("item", ", ".join(missing))
        item_ids = {known[i.strip()] for i in items}
    lines = uow.counts.stock_lines(scope, item_ids)
    if due:
        wanted = due_pairs(uow, rules=rules or CountRules(), clock=clock, location_ids=scope)
        lines = [ln for ln in lines if (ln.location_id, ln.item_id) in wanted]
    if not lines:
        raise CountRefused(
            f"nothing to count at {location.strip()}"
            + (" that is due today" if due else "")
            + (f" of {', '.join(items)}" if items else "")
            + ": no stock on hand there"
        )
    refuse_held(uow, lines)
    now = clock.now()
    count = Count(
        number="",
        location=location.strip(),
        status=CountStatus.OPEN,
        controlled=any(ln.controlled for ln in lines),
        started_by=user,
        started_at=now,
        lines=lines,
    )
    count_id = uow.counts.add(count, loc_id)
    found = uow.counts.get(count_id)
    assert found is not None
    record(
        uow,
        user=user,
        action="start_count",
        entity="stock_count",
        key=found.number,
        now=now,
        after={
            "location": found.location,
            "lines": len(found.lines),
            "controlled": found.controlled,
            "expected": {str(ln.id): ln.expected for ln in found.lines},
        },
    )
    uow.commit()
    return found


def open_count(uow: UnitOfWork, count: str) -> Count:
    found = get_count(uow, count, lock=True)
    if found.status is not CountStatus.OPEN:
        raise CountRefused(f"count {found.number} is {found.status.value}: it is no longer open")
    return found


def counted_units(line_id: int, value: int) -> int:
    if value < 0 or value > MAX_COUNTED:
        raise InvalidValue(
            f"counted-{line_id}",
            f"a whole number of units from 0 to {MAX_COUNTED:,}",
            value if abs(value) < 10**30 else "...",
        )
    return value


def parse_counted(field: str, text: str) -> int:
    """A counted quantity typed in a form or on the command line: ASCII digits (thousands
    separators allowed), from 0 to :data:`MAX_COUNTED`, or :class:`InvalidValue` naming
    ``field``."""
    value = parse_units(text, field, allow_zero=True)
    if value > MAX_COUNTED:
        raise InvalidValue(field, f"a whole number of units from 0 to {MAX_COUNTED:,}", text[:20])
    return value


def _check_lines(found: Count, counted: Mapping[int, int]) -> None:
    ids = {ln.id for ln in found.lines}
    unknown = sorted(i for i in counted if i not in ids)
    if unknown:
        raise NotFound("count line", f"{found.number} line {unknown[0]}")


def enter_counts(
    uow: UnitOfWork, *, count: str, counted: Mapping[int, int], user: str, clock: Clock
) -> Count:
    """Record counted quantities by line id (again to correct one, while the count is
    open)."""
    require_user(user)
    found = open_count(uow, count)
    _check_lines(found, counted)
    values = {i: counted_units(i, v) for i, v in counted.items()}
    uow.counts.set_counted(found.id or 0, values)
    record(
        uow,
        user=user,
        action="enter_counts",
        entity="stock_count",
        key=found.number,
        now=clock.now(),
        after={"counted": {str(k): v for k, v in sorted(values.items())}},
    )
    uow.commit()
    return get_count(uow, found.number)


def submit_count(
    uow: UnitOfWork,
    *,
    count: str,
    user: str,
    clock: Clock,
    witness: str | None = None,
    counted: Mapping[int, int] | None = None,
) -> Count:
    """Submit a count, ``user`` being the counter, with the last ``counted`` quantities (by
    line id) if given. A controlled-substance count needs its ``witness`` (a second user,
    signed in by the face, not the counter); refused otherwise, with nothing written (the
    quantities given with it neither)."""
    require_user(user)
    found = open_count(uow, count)
    named = (witness or "").strip()
    if found.controlled and not named:
        raise CountRefused(
            f"count {found.number} includes controlled substances: it needs two people, the "
            f"counter ({user}) and a witness who signs in with their own password"
        )
    if found.controlled and named == user.strip():
        raise CountRefused(
            f"count {found.number} includes controlled substances: the witness must be someone "
            f"other than the counter ({user})"
        )
    if counted:
        _check_lines(found, counted)
        uow.counts.set_counted(found.id or 0, {i: counted_units(i, v) for i, v in counted.items()})
        for ln in found.lines:
            ln.counted = counted.get(ln.id or 0, ln.counted)
    missing = [str(ln.id) for ln in found.lines if ln.counted is None]
    if missing:
        raise CountRefused(
            f"count {found.number} has lines not counted yet: {', '.join(missing[:20])}"
        )
    keys = {ln.id or 0: (ln.location_id, ln.product_id, ln.lot) for ln in found.lines}
    now_on_hand = uow.counts.on_hand(keys.values())
    on_hand = {line_id: now_on_hand.get(key, 0) for line_id, key in keys.items()}
    now = clock.now()
    uow.counts.set_on_hand_at_submit(found.id or 0, on_hand)
    if not uow.counts.set_status(
        found.id or 0,
        allowed=[CountStatus.OPEN],
        status=CountStatus.SUBMITTED,
        counter=user,
        witness=named,
        submitted_at=now,
        counted_on=clock.today(),
    ):
        raise CountRefused(f"count {found.number} changed meanwhile: it is no longer open")
    done = get_count(uow, found.number)
    record(
        uow,
        user=user,
        action="submit_count",
        entity="stock_count",
        key=found.number,
        now=now,
        after={
            "witness": named,
            "variance_units": done.variance_units,
            "variance_value": str(done.variance_value),
            "moved_during_count": {str(ln.id): ln.moved for ln in done.lines if ln.moved},
        },
    )
    uow.commit()
    return done
