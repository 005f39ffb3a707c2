"""The DSCSA record chain: digests of canonical JSON, links by hash, breaks named."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from rxsupply.domain.record_chain import GENESIS, ChainEntry, canonical, digest, link, verify_chain

AT = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)


def _chain(contents: list[object]) -> list[ChainEntry]:
    entries: list[ChainEntry] = []
    for seq, content in enumerate(contents, start=1):
        entries.append(
            link(
                facility_id=1,
                seq=seq,
                kind="document",
                subject=f"document:{seq}",
                content_digest=digest(content),
                prev_hash=entries[-1].hash if entries else GENESIS,
                recorded_at=AT,
                user="buyer",
            )
        )
    return entries


def test_canonical_json_sorts_keys_and_writes_dates_and_decimals_as_text() -> None:
    value = {"b": Decimal("1.50"), "a": date(2026, 12, 4), "c": ("x", "y")}

    assert canonical(value) == b'{"a":"2026-12-04","b":"1.50","c":["x","y"]}'


def test_times_that_compare_equal_keep_their_own_offsets_in_the_json() -> None:
    """Equal instants in two zones, and the hour that repeats when New York's clocks go back
    (equal wall times, fold 0 and 1), each print as themselves, however often repeated."""
    new_york = ZoneInfo("America/New_York")
    utc = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)
    eastern = utc.astimezone(timezone(timedelta(hours=-4)))
    first, second = (datetime(2026, 11, 1, 1, 30, tzinfo=new_york, fold=f) for f in (0, 1))
    assert utc == eastern and first == second  # as Python compares them

    for _ in range(2):
        assert canonical([utc, eastern, first, second, date(2026, 11, 1)]) == (
            b'["2026-11-01T06:30:00+00:00","2026-11-01T02:30:00-04:00",'
            b'"2026-11-01T01:30:00-04:00","2026-11-01T01:30:00-05:00","2026-11-01"]'
        )


def test_the_same_content_in_another_key_order_has_the_same_digest() -> None:
    assert digest({"lot": "A1", "serial": "9"}) == digest({"serial": "9", "lot": "A1"})


def test_an_untouched_chain_has_no_breaks() -> None:
    contents: list[object] = [{"n": 1}, {"n": 2}, {"n": 3}]
    entries = _chain(contents)

    breaks = verify_chain(entries, lambda e: digest(contents[e.seq - 1]))

    assert breaks == []
    assert entries[0].prev_hash == GENESIS
    assert entries[1].prev_hash == entries[0].hash


def test_an_edited_row_names_the_entry_that_covers_it() -> None:
    contents: list[object] = [{"n": 1}, {"n": 2}, {"n": 3}]
    entries = _chain(contents)
    contents[1] = {"n": 20}

    breaks = verify_chain(entries, lambda e: digest(contents[e.seq - 1]))

    assert [(b.seq, b.problem) for b in breaks] == [(2, "altered")]
    assert breaks[0].subject == "document:2"


def test_a_removed_entry_is_named_by_the_gap_it_leaves() -> None:
    contents: list[object] = [{"n": 1}, {"n": 2}, {"n": 3}]
    entries = _chain(contents)
    del entries[1]

    breaks = verify_chain(entries, lambda e: digest(contents[e.seq - 1]))

    assert [(b.seq, b.problem) for b in breaks] == [(3, "removed"), (3, "relinked")]
    assert "entry 2 is missing" in breaks[0].reason


def test_an_entry_rewritten_with_a_new_digest_but_not_rehashed_is_caught() -> None:
    contents: list[object] = [{"n": 1}, {"n": 2}]
    entries = _chain(contents)
    contents[0] = {"n": 10}
    entries[0] = replace(entries[0], digest=digest(contents[0]))

    breaks = verify_chain(entries, lambda e: digest(contents[e.seq - 1]))

    assert [(b.seq, b.problem) for b in breaks] == [(1, "forged")]


def test_rows_deleted_from_under_an_entry_are_named() -> None:
    entries = _chain([{"n": 1}])

    breaks = verify_chain(entries, lambda e: None)

    assert [(b.seq, b.problem, b.reason) for b in breaks] == [
        (1, "altered", "the rows it covers were deleted")
    ]


def test_a_streamed_digest_is_the_digest_of_the_dict_without_its_empty_lists() -> None:
    from rxsupply.domain.record_chain import streamed_digest

    rows: dict[str, list[object]] = {
        "movement": [[1, "a"], [2, "é"]],
        "audit": [],
        "external_ref": [[3, None]],
    }

    streamed = streamed_digest([(name, iter(items)) for name, items in rows.items()])

    assert streamed == digest({k: v for k, v in rows.items() if v})
    assert streamed_digest([("audit", iter(rows["audit"]))]) is None
