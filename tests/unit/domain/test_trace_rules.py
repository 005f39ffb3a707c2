"""The rules under a trace: what a user types to name a serialised package, and a package's
path replayed from its lot's ledger by the rule that moved it (carried whole by a transfer or
refill that covers it, oldest first; ended by a dispense that takes it whole; opened when its
line keeps fewer units than it holds)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rxsupply.domain.package_path import loose_spread, replay_path
from rxsupply.domain.serial import SerialPackage
from rxsupply.domain.status import StockStatus
from rxsupply.domain.trace import LedgerEntry, Place, StatusEntry
from rxsupply.domain.trace_query import SerialQuery, parse_serial_query
from rxsupply.errors import InvalidValue

GTIN = "00398765402109"
T0 = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
STORE = Place(1, "MAIN-STORE", "storeroom", "storeroom")
POCKET = Place(2, "ICU-ADC1-P01", "pocket", "pocket", cabinet="ICU-ADC1", ward="ICU")
OR = Place(3, "OR-SAT", "OR satellite", "satellite")
QUARANTINE = Place(4, "MAIN-QUAR", "quarantine", "quarantine")


# --- what a user types ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"01{GTIN}21S1", SerialQuery(serial="S1", gtin=GTIN)),
        (f"(01){GTIN}(21)S1(17)280630(10)TR100", SerialQuery(serial="S1", gtin=GTIN)),
        ("urn:epc:id:sgtin:0398765.040210.S1", SerialQuery(serial="S1", gtin=GTIN)),
        (f"https://id.gs1.org/01/{GTIN}/21/S1", SerialQuery(serial="S1", gtin=GTIN)),
        (f"{GTIN}:S1", SerialQuery(serial="S1", gtin=GTIN)),
        ("98765-402-10:S1", SerialQuery(serial="S1", product="98765-402-10")),
        ("S1", SerialQuery(serial="S1")),
        ("0123", SerialQuery(serial="0123")),  # a serial of digits is not an element string
    ],
)
def test_a_serial_is_read_from_an_element_string_a_gtin_pair_or_alone(
    text: str, expected: SerialQuery
) -> None:
    assert parse_serial_query(text) == expected


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "give a serial"),
        (f"01{GTIN[:-1]}821S1", "check digit"),
        ("00398765402108:S1", "check digit"),
        ("has space", "1 to 20 printable characters"),
        ("X" * 21, "1 to 20 printable characters"),
        (":S1", "nothing before the colon"),
    ],
)
def test_an_unreadable_serial_request_is_refused_with_the_reason(text: str, why: str) -> None:
    with pytest.raises(InvalidValue, match=why):
        parse_serial_query(text)


# --- a package's path ---------------------------------------------------------------------


def package(pid: int, serial: str, **kw: object) -> SerialPackage:
    return SerialPackage(
        gtin=GTIN, serial=serial, product_id=1, lot_id=7, units=10,
        location_id=int(str(kw.get("location", STORE.id))),
        status=StockStatus(str(kw.get("status", "available"))), received_at=T0, id=pid,
    )  # fmt: skip


def entry(eid: int, kind: str, quantity: int, **places: Place) -> LedgerEntry:
    return LedgerEntry(
        id=eid, kind=kind, occurred_at=T0 + timedelta(minutes=eid), product_id=1, lot_id=7,
        lot="TR100", quantity=quantity, source=places.get("source"),
        destination=places.get("destination"), approved_by=str(places.get("approved", "")),
    )  # fmt: skip


def receipts(n: int) -> list[LedgerEntry]:
    return [
        LedgerEntry(
            id=i,
            kind="receipt",
            occurred_at=T0,
            product_id=1,
            lot_id=7,
            lot="TR100",
            quantity=10,
            source=None,
            destination=STORE,
        )
        for i in range(1, n + 1)
    ]


def test_a_refill_carries_the_oldest_package_and_a_dispense_of_part_of_it_opens_it() -> None:
    stored = [package(1, "S1", location=POCKET.id, status="opened"), package(2, "S2")]
    ledger = [
        *receipts(2),
        entry(10, "refill", 10, source=STORE, destination=POCKET),
        entry(11, "dispense", 3, source=POCKET),
    ]

    path = replay_path(stored[0], stored, ledger)

    assert [e.id for e in path.entries] == [1, 10, 11]
    assert path.opened_by is not None and path.opened_by.id == 11
    assert path.agrees_with(stored[0])


def test_a_transfer_that_covers_the_second_package_leaves_the_first_where_it_is() -> None:
    stored = [package(1, "S1"), package(2, "S2", location=OR.id, status="dispensed")]
    ledger = [
        *receipts(2),
        entry(10, "transfer", 10, source=STORE, destination=OR),  # carries S1 (oldest)
        entry(11, "transfer", 10, source=OR, destination=STORE),  # S1 comes back
        entry(12, "transfer", 10, source=STORE, destination=OR),  # S2 now? no: S1 again
    ]

    first = replay_path(stored[0], stored, ledger)
    second = replay_path(stored[1], stored, ledger)

    assert [e.id for e in first.entries] == [1, 10, 11, 12]
    assert [e.id for e in second.entries] == [2]
    assert not second.agrees_with(stored[1])  # the record says dispensed at the OR: a scan


def test_a_quarantined_package_is_left_behind_by_a_transfer_but_moves_into_quarantine() -> None:
    stored = [package(1, "S1", location=QUARANTINE.id, status="quarantined"), package(2, "S2")]
    change = StatusEntry(
        at=T0 + timedelta(minutes=5), lot_id=7, lot="TR100", status="quarantined",
        reason="damaged", user="tech", package_id=1, serial="S1",
    )  # fmt: skip
    ledger = [
        *receipts(2),
        entry(10, "transfer", 10, source=STORE, destination=OR),  # takes S2, not the blocked S1
        entry(11, "transfer", 10, source=STORE, destination=QUARANTINE),
    ]

    path = replay_path(stored[0], stored, ledger, [change])

    assert [e.id for e in path.entries] == [1, 11]
    assert path.end is not None and path.end.status is StockStatus.QUARANTINED
    assert path.agrees_with(stored[0])


def test_a_package_never_received_in_the_ledger_has_no_path() -> None:
    stored = [package(1, "S1")]

    path = replay_path(stored[0], stored, [entry(10, "dispense", 3, source=POCKET)])

    assert path.entries == [] and path.end is None
    assert not path.agrees_with(stored[0])


def test_an_opened_packages_loose_units_are_followed_wherever_later_moves_take_them() -> None:
    opened = entry(11, "dispense", 3, source=POCKET)
    later = [
        entry(12, "dispense", 2, source=POCKET),
        entry(13, "transfer", 5, source=STORE, destination=OR),  # not from where they are
        entry(14, "transfer", 5, source=POCKET, destination=QUARANTINE),
        entry(15, "waste", 5, source=QUARANTINE),
        entry(16, "dispense", 4, source=OR),
    ]

    spread = loose_spread(
        opened, [entry(10, "refill", 10, source=STORE, destination=POCKET), *later]
    )

    assert [e.id for e in spread] == [12, 14, 15]
