"""Unusable stock (the dashboard's tile and ``GET /api/stock/unusable``) and items at zero, on
SQLite and PostgreSQL.

A small hospital is written straight into the tables: a storeroom, a cabinet with two pockets
and a quarantine shelf, six items. Lots are blocked with SQL ``UPDATE``, as a status change
leaves them. The day is 11/20/2026; a lot expiring on 11/19 has expired, one expiring on 11/20
is still good. Every expected value is worked out here by hand from the units and the package
cost (cost / package size x units).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, select, update
from tests.conftest import NOW

from rxsupply.adapters import queries
from rxsupply.adapters import tables as t
from rxsupply.domain.ndc import NDC

TODAY = date(2026, 11, 20)
YESTERDAY = date(2026, 11, 19)


@dataclass
class Builder:
    """Inserts rows and remembers their ids by code."""

    conn: Connection
    ids: dict[str, int] = field(default_factory=dict)
    parents: dict[str, str | None] = field(default_factory=dict)

    def add(self, table: Any, key: str, **values: Any) -> int:
        inserted = self.conn.execute(table.insert().values(**values)).inserted_primary_key
        assert inserted is not None
        self.ids[key] = int(inserted[0])
        return self.ids[key]

    def location(self, code: str, kind: str, parent: str | None = None) -> None:
        self.add(
            t.location,
            code,
            code=code,
            name=f"{code} ({kind})",
            kind=kind,
            parent_id=self.ids[parent] if parent else None,
        )
        here, above = self.ids[code], parent
        self.conn.execute(t.location_path.insert().values(location_id=here, ancestor_id=here))
        while above is not None:  # the tree's closure, as the location repository keeps it
            self.conn.execute(
                t.location_path.insert().values(location_id=here, ancestor_id=self.ids[above])
            )
            above = self.parents.get(above)
        self.parents[code] = parent

    def item(self, code: str, name: str, ndc: str, size: int, cost: str | None) -> None:
        parsed = NDC.parse(ndc)
        product = self.add(
            t.product,
            ndc,
            ndc=str(parsed),
            ndc_digits=parsed.digits,
            ndc11=parsed.ndc11,
            gtin=parsed.gtin14(),
            name=name,
            package_size=size,
            dispense_unit="EACH",
            package_cost=None if cost is None else Decimal(cost),
            source="test",
        )
        item = self.add(t.item, code, code=code, name=name, criticality="essential")
        self.conn.execute(t.item_product.insert().values(item_id=item, product_id=product))

    def lot(self, ndc: str, lot: str, expiry: date | None) -> None:
        self.add(t.lot, lot, product_id=self.ids[ndc], lot_number=lot, expiry=expiry)

    def on_hand(self, location: str, ndc: str, lot: str, quantity: int) -> None:
        self.conn.execute(
            t.on_hand.insert().values(
                location_id=self.ids[location],
                product_id=self.ids[ndc],
                lot_id=self.ids[lot],
                quantity=quantity,
            )
        )

    def package(
        self, serial: str, location: str, ndc: str, lot: str, units: int, status: str
    ) -> None:
        self.add(
            t.serial_package,
            serial,
            gtin=NDC.parse(ndc).gtin14(),
            serial=serial,
            product_id=self.ids[ndc],
            lot_id=self.ids[lot],
            units=units,
            location_id=self.ids[location],
            status=status,
            status_reason="",
            received_at=NOW,
            received_by="tests",
            updated_at=NOW,
        )

    def block(self, lot: str, status: str) -> None:
        self.conn.execute(
            update(t.lot)
            .where(t.lot.c.id == self.ids[lot])
            .values(status=status, status_reason="tests", status_by="pharmacist", status_since=NOW)
        )


ONDA, MORPH, APAP, HEP, NALOX, GAUZE, KETA = (
    "98765-401-02",
    "98765-0210-1",
    "98765-3250-01",
    "98765-501-10",
    "98765-601-10",
    "98765-701-01",
    "98765-801-10",
)


@pytest.fixture
def hospital(engine: Engine) -> Engine:
    with engine.begin() as conn:
        b = Builder(conn)
        b.location("MAIN", "facility")
        b.location("STORE", "storeroom", "MAIN")
        b.location("ADC", "adc", "MAIN")
        b.location("ADC-P1", "pocket", "ADC")
        b.location("ADC-P2", "pocket", "ADC")
        b.location("QUAR", "quarantine", "MAIN")
        b.item("ONDA4INJ", "ondansetron 4 mg/2 mL vial", ONDA, 25, "18.75")  # $0.75 a vial
        b.item("MORPH2INJ", "morphine 2 mg/mL syringe", MORPH, 10, "31.20")  # $3.12 a syringe
        b.item("APAP325TAB", "acetaminophen 325 mg tablet", APAP, 100, "4.10")  # $0.041
        b.item("HEP5K", "heparin 5,000 units/mL vial", HEP, 10, "12.00")  # $1.20 a vial
        b.item("NALOX04", "naloxone 0.4 mg/mL vial", NALOX, 10, "25.00")  # $2.50 a vial
        b.item("GAUZE", "gauze pad 4x4", GAUZE, 1, None)  # no cost
        b.item("KETA50", "ketamine 50 mg/mL vial", KETA, 10, "40.00")  # never stocked

        b.lot(ONDA, "OK1", date(2027, 3, 31))
        b.on_hand("STORE", ONDA, "OK1", 250)
        b.on_hand("ADC-P1", ONDA, "OK1", 30)
        b.package("R1", "STORE", ONDA, "OK1", 25, "recalled")
        b.package("R2", "STORE", ONDA, "OK1", 25, "recalled")
        b.package("A1", "STORE", ONDA, "OK1", 25, "available")
        b.package("O1", "STORE", ONDA, "OK1", 25, "opened")
        b.lot(ONDA, "EXP1", YESTERDAY)
        b.on_hand("STORE", ONDA, "EXP1", 40)
        b.package("S1", "STORE", ONDA, "EXP1", 25, "suspect")  # inside an expired line already
        b.lot(ONDA, "TODAY1", TODAY)
        b.on_hand("ADC-P1", ONDA, "TODAY1", 10)
        b.lot(ONDA, "GONE1", date(2026, 1, 31))
        b.on_hand("STORE", ONDA, "GONE1", 0)  # expired, but nothing left

        b.lot(MORPH, "MQ1", date(2027, 1, 31))
        b.on_hand("ADC-P2", MORPH, "MQ1", 15)
        b.block("MQ1", "quarantined")

        b.lot(APAP, "AP1", date(2028, 6, 30))
        b.on_hand("STORE", APAP, "AP1", 1000)
        b.on_hand("QUAR", APAP, "AP1", 200)

        b.lot(HEP, "H1", date(2027, 6, 30))
        b.on_hand("STORE", HEP, "H1", 20)
        b.block("H1", "recalled")

        b.lot(NALOX, "N1", date(2027, 8, 31))
        b.on_hand("STORE", NALOX, "N1", 10)
        b.package("NS1", "STORE", NALOX, "N1", 10, "suspect")

        b.lot(GAUZE, "G1", date(2026, 1, 1))
        b.on_hand("STORE", GAUZE, "G1", 5)
    return engine


def listed(engine: Engine, today: date = TODAY, **paging: int) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return queries.unusable_rows(conn, today=today, **paging)


def totals(engine: Engine, today: date = TODAY, **top: int) -> dict[str, Any]:
    with engine.connect() as conn:
        return queries.unusable_totals(conn, today=today, **top)


def test_unusable_stock_lists_expired_blocked_quarantined_and_blocked_package_units(
    hospital: Engine,
) -> None:
    rows = listed(hospital)

    assert [
        (r["location"], r["item"], r["lot"], r["quantity"], r["value"], r["why"], r["packages"])
        for r in rows
    ] == [
        ("ADC-P2", "MORPH2INJ", "MQ1", 15, "46.80", "quarantined", 0),
        ("QUAR", "APAP325TAB", "AP1", 200, "8.20", "in quarantine", 0),
        ("STORE", "GAUZE", "G1", 5, None, "expired", 0),
        ("STORE", "HEP5K", "H1", 20, "24.00", "recalled", 0),
        ("STORE", "NALOX04", "N1", 10, "25.00", "suspect", 1),
        ("STORE", "ONDA4INJ", "EXP1", 40, "30.00", "expired", 0),
        ("STORE", "ONDA4INJ", "OK1", 50, "37.50", "recalled", 2),
    ]


def test_a_pocket_row_names_its_cabinet_and_carries_what_the_stock_rows_carry(
    hospital: Engine,
) -> None:
    rows = listed(hospital)

    assert rows[0] == {
        "location": "ADC-P2",
        "location_kind": "pocket",
        "parent": "ADC",
        "item": "MORPH2INJ",
        "item_name": "morphine 2 mg/mL syringe",
        "ndc": MORPH,
        "product": "morphine 2 mg/mL syringe",
        "lot": "MQ1",
        "expiry": "2027-01-31",
        "quantity": 15,
        "unit": "EACH",
        "value": "46.80",
        "why": "quarantined",
        "packages": 0,
    }


def test_a_lot_is_usable_through_its_expiry_date_and_expired_the_day_after(
    hospital: Engine,
) -> None:
    on_expiry_day = {(r["lot"], r["why"]): r["quantity"] for r in listed(hospital, today=YESTERDAY)}
    day_after = {(r["lot"], r["why"]): r["quantity"] for r in listed(hospital, today=TODAY)}
    later = {
        (r["lot"], r["why"]): r["quantity"] for r in listed(hospital, today=date(2026, 11, 21))
    }

    assert ("EXP1", "expired") not in on_expiry_day
    assert on_expiry_day[("EXP1", "suspect")] == 25  # a usable lot: its suspect package counts
    assert day_after[("EXP1", "expired")] == 40  # the whole line, the package inside it
    assert ("EXP1", "suspect") not in day_after
    assert ("TODAY1", "expired") not in day_after
    assert later[("TODAY1", "expired")] == 10


def test_the_totals_add_units_and_value_by_reason_and_by_stocking_location(
    hospital: Engine,
) -> None:
    found = totals(hospital)

    assert found == {
        "today": "2026-11-20",
        "units": 50 + 40 + 15 + 200 + 20 + 10 + 5,
        "value": "171.50",  # 37.50 + 30.00 + 46.80 + 8.20 + 24.00 + 25.00 (gauze has no cost)
        "lines": 7,
        "by_why": [
            {"why": "recalled", "units": 70, "value": "61.50"},
            {"why": "suspect", "units": 10, "value": "25.00"},
            {"why": "quarantined", "units": 15, "value": "46.80"},
            {"why": "expired", "units": 45, "value": "30.00"},
            {"why": "in quarantine", "units": 200, "value": "8.20"},
        ],
        "locations": 3,
        "by_location": [
            {
                "location": "STORE",
                "name": "STORE (storeroom)",
                "kind": "storeroom",
                "units": 125,
                "value": "116.50",
                "why": ["recalled", "suspect", "expired"],
            },
            {
                "location": "ADC",  # the pocket counts toward its cabinet
                "name": "ADC (adc)",
                "kind": "adc",
                "units": 15,
                "value": "46.80",
                "why": ["quarantined"],
            },
            {
                "location": "QUAR",
                "name": "QUAR (quarantine)",
                "kind": "quarantine",
                "units": 200,
                "value": "8.20",
                "why": ["in quarantine"],
            },
        ],
    }


def test_the_top_locations_are_cut_but_the_totals_are_not(hospital: Engine) -> None:
    found = totals(hospital, top=1)

    assert [r["location"] for r in found["by_location"]] == ["STORE"]
    assert found["locations"] == 3
    assert found["value"] == "171.50"


def test_pages_of_unusable_rows_follow_one_another(hospital: Engine) -> None:
    whole = listed(hospital)

    pages = [listed(hospital, limit=3, offset=offset) for offset in (0, 3, 6)]

    assert [len(p) for p in pages] == [3, 3, 1]
    assert [r for p in pages for r in p] == whole


def test_blocked_packages_never_count_for_more_than_their_line_holds(engine: Engine) -> None:
    with engine.begin() as conn:
        b = Builder(conn)
        b.location("MAIN", "facility")
        b.location("STORE", "storeroom", "MAIN")
        b.item("NALOX04", "naloxone 0.4 mg/mL vial", NALOX, 10, "25.00")
        b.lot(NALOX, "N1", date(2027, 8, 31))
        b.on_hand("STORE", NALOX, "N1", 15)  # one package opened and partly used
        b.package("NS1", "STORE", NALOX, "N1", 10, "suspect")
        b.package("NQ1", "STORE", NALOX, "N1", 10, "quarantined")

    rows = listed(engine)

    assert [(r["why"], r["quantity"], r["value"]) for r in rows] == [
        ("suspect", 10, "25.00"),
        ("quarantined", 5, "12.50"),
    ]
    assert totals(engine)["units"] == 15


def test_nothing_unusable_gives_zero_totals(engine: Engine) -> None:
    found = totals(engine)

    assert listed(engine) == []
    assert (found["units"], found["value"], found["lines"]) == (0, "0.00", 0)
    assert found["by_location"] == []
    assert found["by_why"] == []


def test_a_stocked_item_whose_only_stock_is_unusable_is_at_zero_vital_first(
    hospital: Engine,
) -> None:
    with hospital.begin() as conn:
        ids = dict(conn.execute(select(t.location.c.code, t.location.c.id)).all())
        items = dict(conn.execute(select(t.item.c.code, t.item.c.id)).all())
        conn.execute(update(t.item).where(t.item.c.code == "NALOX04").values(criticality="vital"))
        for place, code, top in (
            ("STORE", "GAUZE", 10),  # expired only
            ("STORE", "HEP5K", 10),  # its lot recalled
            ("ADC-P2", "MORPH2INJ", 5),  # quarantined lot
            ("STORE", "NALOX04", 10),  # every unit in a suspect package; vital
            ("STORE", "ONDA4INJ", 300),  # usable stock: not at zero
            ("ADC-P1", "APAP325TAB", 0),  # none there, but do-not-stock
        ):  # KETA50 is never stocked: not listed
            conn.execute(
                t.stock_level.insert().values(
                    location_id=ids[place],
                    item_id=items[code],
                    min_level=0,
                    max_level=top,
                    updated_at=NOW,
                )
            )

    with hospital.connect() as conn:
        zero = queries.items_at_zero(conn, today=TODAY)

    assert [(z["code"], z["location"], z["criticality"]) for z in zero] == [
        ("NALOX04", "STORE", "vital"),
        ("GAUZE", "STORE", "essential"),
        ("HEP5K", "STORE", "essential"),
        ("MORPH2INJ", "ADC-P2", "essential"),
    ]
