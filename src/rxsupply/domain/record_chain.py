"""DSCSA records chained by hashes, per facility: what makes an edit or a deletion visible.

Every DSCSA record (an imported document's transaction information and events, a receipt's
reconciliation, an exception's step, an investigation's step and disposition, a verification)
is appended to its facility's chain as one :class:`ChainEntry`: a ``digest`` of the record's
content (the rows it wrote, as canonical JSON) and a ``hash`` that links it to the entry before
(``prev_hash``). Recomputing the digests from the stored rows and the links from the digests
(:func:`verify_chain`) names the first entry whose rows were edited, an entry removed (a gap in
``seq``) and an entry inserted or relinked behind the application's back.

The hash is SHA-256 (FIPS 180-4) over the canonical JSON of the entry's fields (RFC 8785-like:
sorted keys, no spaces, UTF-8). Standard library only.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

GENESIS = "0" * 64
"""The ``prev_hash`` of a facility's first entry."""


def canonical(value: object) -> bytes:
    """``value`` as canonical JSON bytes: sorted keys, no spaces, UTF-8; dates and times in ISO
    8601, decimals as their exact text, tuples as lists."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain
    ).encode("utf-8")


def digest(value: object) -> str:
    """The SHA-256 of ``value``'s canonical JSON, as 64 hex digits."""
    return hashlib.sha256(canonical(value)).hexdigest()


def streamed_digest(
    parts: Iterable[tuple[str, Iterable[object]]], *, batch: int = 2000
) -> str | None:
    """:func:`digest` of ``{name: [item, ...]}`` computed as the items stream by, without
    holding them (a bulk import's rows): the same hex digits as ``digest`` of that dict with
    its empty lists left out; ``None`` when every list is empty. Items are encoded ``batch``
    at a time (one JSON array, its brackets dropped: the same bytes as one by one)."""
    sha = hashlib.sha256()
    opened = False
    for name, items in sorted(parts, key=lambda part: part[0]):
        encoded = _encoded(items, batch)
        first = next(encoded, None)
        if first is None:
            continue
        sha.update((b"," if opened else b"{") + canonical(name) + b":[" + first)
        opened = True
        for more in encoded:
            sha.update(b"," + more)
        sha.update(b"]")
    if not opened:
        return None
    sha.update(b"}")
    return sha.hexdigest()


def _encoded(items: Iterable[object], batch: int) -> Iterator[bytes]:
    """The items' canonical JSON, ``batch`` at a time, comma-separated, without brackets."""
    held: list[object] = []
    for item in items:
        held.append(item)
        if len(held) == batch:
            yield canonical(held)[1:-1]
            held.clear()
    if held:
        yield canonical(held)[1:-1]


_ISO: dict[tuple[datetime, object, int], str] = {}
"""Recent times' ISO text: a chain's rows repeat their times (one ``recorded_at`` per
transaction, dispenses in the same minute), and ``isoformat`` of an aware time costs some
six times a lookup. The key holds the zone and ``fold``: two times that compare equal may
still print differently (another zone, or the repeated hour when clocks go back)."""


def _plain(value: object) -> object:
    if type(value) is datetime:
        key = (value, value.tzinfo, value.fold)
        try:
            text = _ISO.get(key)
        except TypeError:  # a zone that cannot be hashed (dateutil's)
            return value.isoformat()
        if text is None:
            if len(_ISO) >= 50_000:
                _ISO.clear()
            text = _ISO[key] = value.isoformat()
        return text
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    raise TypeError(f"cannot put a {type(value).__name__} in a DSCSA record")


@dataclass(frozen=True, slots=True)
class ChainEntry:
    """One link of a facility's chain: what kind of record, which one (``subject``, e.g.
    ``document:12``), the digest of its content, and the links."""

    facility_id: int
    seq: int
    kind: str
    subject: str
    digest: str
    prev_hash: str
    hash: str
    recorded_at: datetime
    user: str

    def fields(self) -> dict[str, object]:
        """What the link hash covers: everything but the hash itself."""
        return {
            "facility_id": self.facility_id,
            "seq": self.seq,
            "kind": self.kind,
            "subject": self.subject,
            "digest": self.digest,
            "prev_hash": self.prev_hash,
            "recorded_at": self.recorded_at.isoformat(),
            "user": self.user,
        }


def link(
    *,
    facility_id: int,
    seq: int,
    kind: str,
    subject: str,
    content_digest: str,
    prev_hash: str,
    recorded_at: datetime,
    user: str,
) -> ChainEntry:
    """The next entry of a chain, its hash computed."""
    draft = ChainEntry(
        facility_id, seq, kind, subject, content_digest, prev_hash, "", recorded_at, user
    )
    return ChainEntry(
        facility_id,
        seq,
        kind,
        subject,
        content_digest,
        prev_hash,
        digest(draft.fields()),
        recorded_at,
        user,
    )


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """Where a facility's chain stops holding: the entry, and what happened to it."""

    facility_id: int
    seq: int
    kind: str
    subject: str
    problem: str  # altered, removed, inserted, relinked, forged
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {
            "facility_id": self.facility_id,
            "seq": self.seq,
            "kind": self.kind,
            "subject": self.subject,
            "problem": self.problem,
            "reason": self.reason,
        }


def verify_chain(
    entries: Iterable[ChainEntry],
    content_digest: Callable[[ChainEntry], str | None],
    *,
    first_seq: int = 1,
    first_prev: str = GENESIS,
) -> list[ChainBreak]:
    """Every break in one facility's chain, in ``seq`` order (``entries`` sorted by ``seq``).

    ``content_digest`` recomputes an entry's digest from the rows it covers (``None`` when they
    are gone). ``first_seq`` and ``first_prev`` anchor a chain whose oldest entries were purged
    after their retention.
    """
    breaks: list[ChainBreak] = []
    expected_seq, prev = first_seq, first_prev
    for entry in entries:

        def broken(problem: str, reason: str, entry: ChainEntry = entry) -> None:
            breaks.append(
                ChainBreak(entry.facility_id, entry.seq, entry.kind, entry.subject, problem, reason)
            )

        if entry.seq > expected_seq:
            missing = (
                f"{expected_seq}"
                if entry.seq == expected_seq + 1
                else (f"{expected_seq} to {entry.seq - 1}")
            )
            broken("removed", f"entry {missing} is missing before this one")
        elif entry.seq < expected_seq:
            broken("inserted", f"a second entry numbered {entry.seq}")
        if entry.prev_hash != prev:
            broken("relinked", "it does not link to the entry before it")
        recomputed = digest(
            ChainEntry(
                entry.facility_id,
                entry.seq,
                entry.kind,
                entry.subject,
                entry.digest,
                entry.prev_hash,
                "",
                entry.recorded_at,
                entry.user,
            ).fields()
        )
        if recomputed != entry.hash:
            broken("forged", "its hash does not match its fields: written outside rxsupply")
        found = content_digest(entry)
        if found is None:
            broken("altered", "the rows it covers were deleted")
        elif found != entry.digest:
            broken("altered", "the rows it covers were edited after it was recorded")
        expected_seq, prev = max(expected_seq, entry.seq + 1), entry.hash
    return breaks
