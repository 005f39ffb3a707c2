"""The shortage feed on each database: a file imported and matched to the example hospital's
items by each method, the same file again changing nothing, a later export resolving a
shortage, an older file rolling nothing back, a bad file writing nothing; shortages added and
resolved by hand; a backordered order line raising a backorder shortage."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, Table, func, select
from tests.conftest import CLOCK, TESTER, priced_storeroom
from tests.shortage_samples import (
    ACETAMINOPHEN,
    MORPHINE,
    ONDANSETRON,
    export_2025,
    yearly,
    yearly_2025,
)

from rxsupply.adapters import tables
from rxsupply.adapters.fda_shortages import read_shortage_bytes
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.purchasing import LineAck, OrderAck
from rxsupply.domain.shortage import EventKind, MatchMethod, Shortage, ShortageStatus
from rxsupply.errors import ImportRejected, NotFound, ShortageRefused
from rxsupply.services import purchasing, shortages
from rxsupply.services.acknowledgements import acknowledge_order
from rxsupply.services.shortage_feed import FeedResult, import_shortage_feed


def imported(engine: Engine, name: str, data: bytes) -> FeedResult:
    feed = read_shortage_bytes(name, data)
    with SqlUnitOfWork(engine) as uow:
        return import_shortage_feed(uow, feed, user=TESTER, clock=CLOCK)


def rows(engine: Engine, table: Table) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def by_name(engine: Engine, generic_name: str) -> Shortage:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        (found,) = [s for s in shortages.list_shortages(uow) if s.generic_name == generic_name]
        return shortages.get_shortage(uow, found.id or 0)


def test_a_file_is_imported_and_matched_to_the_items_by_each_method(hospital: Engine) -> None:
    result = imported(hospital, "Drugshortages_2025.csv", yearly_2025())

    assert (result.records, result.shortages, result.ndcs) == (4, 4, 4)
    assert result.events == {"new": 4, "updated": 0, "resolved": 0, "discontinued": 0}
    assert result.items == {"ndc": 1, "name_strength_form": 1, "name": 1}
    matched = {
        name: [(m.item_code, m.method) for m in by_name(hospital, name).matches]
        for name in ("Ondansetron Injection", "Morphine Sulfate Injection", "Acetaminophen Tablet")
    }
    assert matched == {
        "Ondansetron Injection": [("ONDA4INJ", MatchMethod.NDC)],
        "Morphine Sulfate Injection": [("MORPH2INJ", MatchMethod.NAME_STRENGTH_FORM)],
        "Acetaminophen Tablet": [("APAP325TAB", MatchMethod.NAME)],
    }
    onda = by_name(hospital, "Ondansetron Injection")
    assert (onda.status, onda.reason, onda.therapeutic_category) == (
        ShortageStatus.CURRENT,
        "Demand increase for the drug",
        "Gastroenterology",
    )
    assert [n.ndc11 for p in onda.presentations for n in p.ndcs] == ["98765040102"]
    assert [(e.kind, e.import_file, e.recorded_by) for e in onda.events] == [
        (EventKind.NEW, "Drugshortages_2025.csv", TESTER)
    ]


def test_the_same_file_twice_changes_nothing_and_records_no_event(hospital: Engine) -> None:
    imported(hospital, "Drugshortages_2025.csv", yearly_2025())
    counts = [rows(hospital, t) for t in (tables.shortage_event, tables.shortage_import)]
    audits = rows(hospital, tables.audit)

    again = imported(hospital, "Drugshortages_2025.csv", yearly_2025())

    assert again.import_id is None
    assert again.events == dict.fromkeys(("new", "updated", "resolved", "discontinued"), 0)
    assert again.presentations == {"new": 0, "updated": 0, "unchanged": 4, "older": 0}
    assert [rows(hospital, t) for t in (tables.shortage_event, tables.shortage_import)] == counts
    assert rows(hospital, tables.audit) == audits


def test_a_later_export_resolves_and_an_older_file_rolls_nothing_back(hospital: Engine) -> None:
    imported(hospital, "Drugshortages_2025.csv", yearly_2025())

    later = imported(hospital, "FDA_DrugShortage_export_20250615.csv", export_2025())
    older = imported(
        hospital,
        "Drugshortages_2024.csv",
        yearly(ONDANSETRON.replace("9/16/24", "3/1/24").replace("401-02", "402-10")),
    )

    assert later.events == {"new": 0, "updated": 0, "resolved": 1, "discontinued": 0}
    assert older.events == {"new": 0, "updated": 1, "resolved": 0, "discontinued": 0}
    onda = by_name(hospital, "Ondansetron Injection")
    assert (onda.status, str(onda.resolved_on), str(onda.last_updated)) == (
        ShortageStatus.RESOLVED,
        "2025-06-02",
        "2025-06-02",
    )
    assert [e.kind for e in onda.events] == [EventKind.NEW, EventKind.RESOLVED, EventKind.UPDATED]
    assert "status kept" in onda.events[-1].detail
    assert onda.presentations[0].related_info == "Supply restored in May 2025."
    # the older file's vial is history, and a product of the item: matched by NDC too
    assert [(m.item_code, m.method) for m in onda.matches] == [("ONDA4INJ", MatchMethod.NDC)]


def test_a_file_with_a_bad_date_writes_nothing_and_names_row_line_and_field(
    hospital: Engine,
) -> None:
    bad = MORPHINE.replace("3/3/25", "2/30/25")

    with pytest.raises(ImportRejected) as refused:
        imported(hospital, "Drugshortages_2025.csv", yearly(ONDANSETRON, ACETAMINOPHEN, bad))

    (error,) = refused.value.errors
    assert (error.file, error.row, error.line, error.field) == (
        "Drugshortages_2025.csv",
        3,
        4,
        "update_date",
    )
    assert "not a date" in error.reason and "2/30/25" in error.reason
    assert [rows(hospital, t) for t in (tables.shortage, tables.shortage_import)] == [0, 0]


def test_a_shortage_added_by_hand_is_updated_resolved_and_reopened(hospital: Engine) -> None:
    with SqlUnitOfWork(hospital) as uow:
        added = shortages.add_shortage(
            uow, item="ONDA4INJ", reason="wholesaler backorder", user=TESTER, clock=CLOCK
        )
    with SqlUnitOfWork(hospital) as uow:
        again = shortages.add_shortage(
            uow,
            item="ONDA4INJ",
            reason="manufacturer letter: until March",
            ndc="98765-401-02",
            user=TESTER,
            clock=CLOCK,
        )
    with SqlUnitOfWork(hospital) as uow:
        resolved = shortages.resolve_shortage(
            uow, shortage_id=added.id or 0, note="back in stock", user=TESTER, clock=CLOCK
        )
    with SqlUnitOfWork(hospital) as uow, pytest.raises(ShortageRefused):
        shortages.resolve_shortage(uow, shortage_id=added.id or 0, user=TESTER, clock=CLOCK)
    with SqlUnitOfWork(hospital) as uow:
        reopened = shortages.add_shortage(
            uow, item="ONDA4INJ", reason="short again", user=TESTER, clock=CLOCK
        )

    assert again.id == added.id == reopened.id
    assert (added.source.value, added.key, len(added.presentations)) == ("manual", "ONDA4INJ", 2)
    assert [(m.item_code, m.method) for m in added.matches] == [("ONDA4INJ", MatchMethod.ITEM)]
    assert (resolved.status, str(resolved.resolved_on), resolved.note) == (
        ShortageStatus.RESOLVED,
        "2026-11-20",
        "back in stock",
    )
    assert (reopened.status, reopened.reason) == (ShortageStatus.CURRENT, "short again")
    assert [e.kind for e in reopened.events] == [
        EventKind.NEW,
        EventKind.UPDATED,
        EventKind.RESOLVED,
        EventKind.UPDATED,
    ]
    assert "reopened" in reopened.events[-1].detail
    with hospital.connect() as conn:
        actions = conn.execute(
            select(tables.audit.c.action).where(tables.audit.c.entity == "shortage")
        ).scalars()
        assert list(actions) == [
            "add_shortage",
            "update_shortage",
            "resolve_shortage",
            "update_shortage",
        ]


def test_a_backordered_order_line_raises_a_backorder_shortage_once(hospital: Engine) -> None:
    priced_storeroom(hospital, {"ONDA4INJ": (400, 600)})
    with SqlUnitOfWork(hospital) as uow:
        (order,) = purchasing.suggest_orders(uow, clock=CLOCK, user=TESTER).orders
    with SqlUnitOfWork(hospital) as uow:
        sent = purchasing.approve_order(uow, order=order.number, user=TESTER, clock=CLOCK)
    (line,) = sent.lines
    backordered = OrderAck(
        sent.number, "AC", "EXAMPLEWHOLESAL", [LineAck(line.line_number, "IB", None)]
    )

    with SqlUnitOfWork(hospital) as uow:
        acknowledge_order(uow, ack=backordered, user=TESTER, clock=CLOCK)
    with SqlUnitOfWork(hospital) as uow:
        acknowledge_order(uow, ack=backordered, user=TESTER, clock=CLOCK)  # told twice

    with SqlUnitOfWork(hospital, readonly=True) as uow:
        (raised,) = shortages.list_shortages(uow, active=True)
        raised = shortages.get_shortage(uow, raised.id or 0)
    assert (raised.source.value, raised.key, raised.status) == (
        "backorder",
        "ONDA4INJ",
        ShortageStatus.CURRENT,
    )
    assert sent.number in raised.reason and "Example Wholesale Drug Co" in raised.reason
    assert [n.written for p in raised.presentations for n in p.ndcs] == [line.ndc]
    assert [(m.item_code, m.method) for m in raised.matches] == [("ONDA4INJ", MatchMethod.ITEM)]
    assert [e.kind for e in raised.events] == [EventKind.NEW]


def test_an_unknown_shortage_is_not_found(hospital: Engine) -> None:
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        with pytest.raises(NotFound, match="unknown shortage 7"):
            shortages.get_shortage(uow, 7)
        with pytest.raises(NotFound):
            shortages.get_shortage(uow, 2**40)


def test_a_control_character_in_any_value_is_refused_with_its_line(hospital: Engine) -> None:
    bad = MORPHINE.replace("Manufacturing delays", "Manufacturing\x00delays")

    with pytest.raises(ImportRejected) as refused:
        imported(hospital, "ds.csv", yearly(ONDANSETRON, bad))

    (error,) = refused.value.errors
    assert (error.row, error.line, error.field) == (2, 3, "reason_for_shortage")
    assert "control character U+0000" in error.reason
