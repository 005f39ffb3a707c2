"""The key figures against a worked example, on SQLite and PostgreSQL.

One item (vial, $20.00 a package of 10: $2.00 a vial) in a storeroom and one cabinet pocket,
America/New_York, today 11/20/2026 (after the clocks went back: UTC-5). The ledger, written
straight into the tables (on-hand matching it):

    11/01/2025 09:00  receipt 100 into STORE            (before the 365-day window)
    11/10/2026 10:00  refill 20 STORE -> ADC-P1
    11/12/2026 08:00  dispense 5 from ADC-P1
    11/12/2026 09:00  dispense 15 from ADC-P1          (pocket empty)
    11/15/2026 10:00  refill 10 STORE -> ADC-P1
    11/16/2026 11:00  patient return 2 into ADC-P1
    11/18/2026 23:30  dispense 12 from ADC-P1          (04:30 UTC on 11/19; pocket empty)

Now: STORE 70 vials ($140.00), ADC-P1 none.

Turns over 11/21/2025 to 11/20/2026 (365 days): issues 5 + 15 + 12 - 2 = 30 vials = $60.00.
End-of-day units in the hospital: 100 for 356 days (to 11/11), 80 on 11/12-11/15 (4 days), 82
on 11/16-11/17 (2), 70 on 11/18-11/20 (3): 35,600 + 320 + 164 + 210 = 36,294 vial-days, so the
average inventory is $2.00 x 36,294 / 365 = $198.87 and turns = 60 / (72,588 / 365) = 0.3017;
days on hand = 72,588 / 60 = 1,209.8.

Stock-out days over 10/22-11/20 (30 days): ADC-P1 ends the day empty 10/22-11/09 (19 days,
never filled), 11/12-11/14 (3) and 11/18-11/20 (3, the 23:30 dispense counting on 11/18, its
local day): 25; STORE never. Vend-to-fill of ADC: 3 dispenses / 2 refills = 1.5.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import DBAPIError

from rxsupply.adapters import tables as t
from rxsupply.adapters.queries import kpi, kpi_days
from rxsupply.entrypoints.kpi import fold, key_figures
from rxsupply.errors import InvalidValue

EASTERN = ZoneInfo("America/New_York")
TODAY = date(2026, 11, 20)


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=EASTERN)


class Ledger:
    """Rows written straight into the tables, on-hand kept equal to the movements."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.ids: dict[str, int] = {}
        with engine.begin() as conn:
            self._add(conn, t.location, "MAIN", code="MAIN", name="Main hospital", kind="facility")
            self._place(conn, "STORE", "Main storeroom", "storeroom", "MAIN")
            self._place(conn, "ADC", "4 West cabinet", "adc", "MAIN")
            self._place(conn, "ADC-P1", "4 West pocket 1", "pocket", "ADC")
            self._add(
                conn,
                t.product,
                "P1",
                ndc="98765-401-02",
                ndc_digits="9876540102",
                ndc11="98765040102",
                gtin="00398765401021",
                name="ondansetron 4 mg/2 mL vial",
                package_size=10,
                dispense_unit="VIAL",
                package_cost=Decimal("20.00"),
                source="test",
            )
            for code, name, crit in (
                ("ONDA4", "ondansetron 4 mg/2 mL vial", "essential"),
                ("APAP", "acetaminophen 325 mg tablet", "non-essential"),
                ("EPI1", "epinephrine 1 mg/mL syringe", "vital"),
            ):
                self._add(conn, t.item, code, code=code, name=name, criticality=crit)
            conn.execute(
                insert(t.item_product).values(item_id=self.ids["ONDA4"], product_id=self.ids["P1"])
            )
            self._add(conn, t.lot, "L1", product_id=self.ids["P1"], lot_number="L1", expiry=None)
            for place, item, top in (
                ("STORE", "ONDA4", 100),
                ("ADC-P1", "ONDA4", 10),
                ("ADC-P1", "APAP", 0),  # do-not-stock: never at zero
                ("STORE", "EPI1", 5),  # stocked, never received: at zero, and vital
            ):
                conn.execute(
                    insert(t.stock_level).values(
                        location_id=self.ids[place],
                        item_id=self.ids[item],
                        min_level=0,
                        max_level=top,
                        updated_at=local(2025, 1, 1, 9),
                    )
                )
            conn.execute(
                insert(t.series_class).values(
                    location_id=self.ids["STORE"],
                    item_id=self.ids["ONDA4"],
                    run_at=local(2026, 11, 1, 6),
                    abc="A",
                    xyz="X",
                    demand_class="smooth",
                    lifecycle="active",
                    mean_daily_demand=1.0,
                    forecast_daily=1.0,
                    sd_daily_demand=0.5,
                    annual_value=730.0,
                    method="ses",
                    distribution="normal",
                    min_level=0,
                    max_level=100,
                    target=0.95,
                )
            )

    def _add(self, conn: Any, table: Any, key: str, **values: Any) -> None:
        self.ids[key] = int(conn.execute(insert(table).values(**values)).inserted_primary_key[0])

    def _place(self, conn: Any, code: str, name: str, kind: str, parent: str) -> None:
        self._add(conn, t.location, code, code=code, name=name, kind=kind)
        conn.execute(
            update(t.location)
            .where(t.location.c.id == self.ids[code])
            .values(parent_id=self.ids[parent])
        )
        here = self.ids[code]
        for anc in {here, self.ids[parent], self.ids["MAIN"]}:
            conn.execute(insert(t.location_path).values(location_id=here, ancestor_id=anc))

    def move(
        self,
        when: datetime,
        kind: str,
        qty: int,
        *,
        into: str | None = None,
        out: str | None = None,
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(t.movement).values(
                    kind=kind,
                    occurred_at=when,
                    recorded_at=when,
                    product_id=self.ids["P1"],
                    lot_id=self.ids["L1"],
                    quantity=qty,
                    from_location_id=self.ids[out] if out else None,
                    to_location_id=self.ids[into] if into else None,
                    user_name="tech",
                )
            )
            for place, sign in ((into, 1), (out, -1)):
                if place is None:
                    continue
                oh = t.on_hand
                key = (oh.c.location_id == self.ids[place]) & (oh.c.lot_id == self.ids["L1"])
                held = conn.execute(select(oh.c.quantity).where(key)).scalar_one_or_none()
                if held is None:
                    conn.execute(
                        insert(oh).values(
                            location_id=self.ids[place],
                            product_id=self.ids["P1"],
                            lot_id=self.ids["L1"],
                            quantity=sign * qty,
                        )
                    )
                else:
                    conn.execute(update(oh).where(key).values(quantity=held + sign * qty))


@pytest.fixture
def worked(engine: Engine) -> Ledger:
    book = Ledger(engine)
    book.move(local(2025, 11, 1, 9), "receipt", 100, into="STORE")
    book.move(local(2026, 11, 10, 10), "refill", 20, out="STORE", into="ADC-P1")
    book.move(local(2026, 11, 12, 8), "dispense", 5, out="ADC-P1")
    book.move(local(2026, 11, 12, 9), "dispense", 15, out="ADC-P1")
    book.move(local(2026, 11, 15, 10), "refill", 10, out="STORE", into="ADC-P1")
    book.move(local(2026, 11, 16, 11), "patient_return", 2, into="ADC-P1")
    book.move(local(2026, 11, 18, 23, 30), "dispense", 12, out="ADC-P1")
    return book


def figures(engine: Engine) -> dict[str, Any]:
    return key_figures(engine, zone=EASTERN, today=TODAY)


def test_turns_divide_a_years_issues_by_the_average_of_its_end_of_day_values(
    worked: Ledger,
) -> None:
    found = figures(worked.engine)["turns"]

    assert (found["first_day"], found["last_day"], found["days"]) == (
        "2025-11-21",
        "2026-11-20",
        365,
    )
    assert found["on_hand_value"] == "140.00"
    assert found["issues_value"] == "60.00"
    assert found["average_value"] == "198.87"  # $2 x 36,294 vial-days / 365
    assert found["turns"] == pytest.approx(60 * 365 / 72_588)
    assert found["days_on_hand"] == pytest.approx(72_588 / 60)


def test_turns_on_a_past_day_take_back_what_moved_after_it(worked: Ledger) -> None:
    """On 11/15/2026 (window 11/16/2025-11/15/2026): 80 vials held at its end (the 11/16
    return and the 11/18 dispense taken back from today's 70), issues 5 + 15 = 20 vials =
    $40.00; 100 vials for 361 days and 80 for 4: 36,420 vial-days."""
    found = key_figures(worked.engine, zone=EASTERN, today=TODAY, on=date(2026, 11, 15))

    turns = found["turns"]
    assert found["today"] == "2026-11-15"
    assert (turns["first_day"], turns["last_day"]) == ("2025-11-16", "2026-11-15")
    assert turns["on_hand_value"] == "160.00"
    assert turns["issues_value"] == "40.00"
    assert turns["average_value"] == "199.56"  # $2 x 36,420 / 365
    assert turns["turns"] == pytest.approx(40 * 365 / 72_840)
    assert found["stock_outs"] == figures(worked.engine)["stock_outs"]  # stock now: today's


def test_key_figures_on_a_day_after_today_are_refused(worked: Ledger) -> None:
    with pytest.raises(InvalidValue, match="after today"):
        key_figures(worked.engine, zone=EASTERN, today=TODAY, on=date(2026, 11, 21))


def test_stockout_days_count_local_days_a_stocked_line_ended_empty(worked: Ledger) -> None:
    found = figures(worked.engine)["stockout_days"]

    assert found == {
        "first_day": "2026-10-22",
        "last_day": "2026-11-20",
        "stocked": 3,  # the do-not-stock line is not counted
        "stockout_days": 25 + 30,  # the pocket's 25, and epinephrine never received: 30
        "item_locations_out": 2,
    }


def test_items_at_zero_are_stocked_lines_without_usable_stock_vital_first(worked: Ledger) -> None:
    found = figures(worked.engine)["stock_outs"]

    assert (found["count"], found["vital"]) == (2, 1)
    assert [(z["code"], z["location"], z["location_name"]) for z in found["lines"]] == [
        ("EPI1", "STORE", "Main storeroom"),
        ("ONDA4", "ADC-P1", "4 West pocket 1"),
    ]


def test_a_line_counts_toward_every_stocked_place_above_it_and_every_item_it_packs(
    worked: Ledger,
) -> None:
    """The vial is also a package of a second item stocked in the storeroom, and the cabinet
    itself stocks ondansetron: the storeroom's 70 vials keep both storeroom lines off zero, and
    the cabinet line counts the pocket's vials (empty the same 25 days as its pocket)."""
    with worked.engine.begin() as conn:
        worked._add(conn, t.item, "ONDA4B", code="ONDA4B", name="ondansetron (2)")
        conn.execute(
            insert(t.item_product).values(item_id=worked.ids["ONDA4B"], product_id=worked.ids["P1"])
        )
        for place, item, top in (("STORE", "ONDA4B", 50), ("ADC", "ONDA4", 30)):
            conn.execute(
                insert(t.stock_level).values(
                    location_id=worked.ids[place],
                    item_id=worked.ids[item],
                    min_level=0,
                    max_level=top,
                    updated_at=local(2025, 1, 1, 9),
                )
            )
    found = figures(worked.engine)

    assert found["stockout_days"]["stocked"] == 5
    assert found["stockout_days"]["stockout_days"] == 25 + 30 + 0 + 25
    assert found["stockout_days"]["item_locations_out"] == 3
    assert [(z["code"], z["location"]) for z in found["stock_outs"]["lines"]] == [
        ("EPI1", "STORE"),
        ("ONDA4", "ADC"),
        ("ONDA4", "ADC-P1"),
    ]


def test_value_by_location_and_by_class_and_vend_to_fill(worked: Ledger) -> None:
    found = figures(worked.engine)

    assert [(r["location"], r["units"], r["value"]) for r in found["value_by_location"]] == [
        ("STORE", 70, "140.00")
    ]
    assert found["value_by_class"] == [{"class": "A", "units": 70, "value": "140.00"}]
    assert found["vend_to_fill"] == [
        {"cabinet": "ADC", "name": "4 West cabinet", "dispenses": 3, "refills": 2, "ratio": 1.5}
    ]


def test_every_figure_states_its_definition(worked: Ledger) -> None:
    found = figures(worked.engine)

    assert set(found["definitions"]) == {
        "value_by_location",
        "value_by_class",
        "turns",
        "days_on_hand",
        "stock_outs",
        "stockout_days",
        "contract_share",
        "vend_to_fill",
    }
    assert all(len(text) > 40 for text in found["definitions"].values())


def test_the_figures_are_the_same_folded_or_not_and_follow_new_movements(
    worked: Ledger,
) -> None:
    with worked.engine.connect() as conn:
        unfolded = (
            kpi.turns(conn, zone=EASTERN, today=TODAY),
            kpi.stockout_days(conn, zone=EASTERN, today=TODAY),
        )
    with worked.engine.begin() as conn:
        folded = kpi_days.refresh(conn, zone=EASTERN)
    with worked.engine.connect() as conn:
        after_fold = (
            kpi.turns(conn, zone=EASTERN, today=TODAY),
            kpi.stockout_days(conn, zone=EASTERN, today=TODAY),
        )
    worked.move(local(2026, 11, 20, 7), "refill", 10, out="STORE", into="ADC-P1")
    with worked.engine.connect() as conn:
        refilled = kpi.stockout_days(conn, zone=EASTERN, today=TODAY)
        waiting = kpi_days.behind(conn, EASTERN)

    assert folded == 7
    assert after_fold == unfolded
    assert waiting == 1
    assert refilled["stockout_days"] == 25 + 30 - 1  # the pocket ends 11/20 with 10 vials


def test_a_fold_in_chunks_of_movement_ids_sums_as_one_pass_does(worked: Ledger) -> None:
    worked.move(local(2026, 11, 20, 7), "refill", 10, out="STORE", into="ADC-P1")
    worked.move(local(2026, 11, 20, 9), "dispense", 3, out="ADC-P1")
    with worked.engine.connect() as conn:
        products, stock = kpi_days._sums(conn, EASTERN, 0, None)
    with worked.engine.begin() as conn:
        folded = kpi_days.refresh(conn, zone=EASTERN, chunk=2)  # days span chunks
    with worked.engine.connect() as conn:
        p, s = t.kpi_product_day, t.kpi_stock_day
        product_rows = {
            (r.day, r.product_id): [r.net_units, r.issued_units] for r in conn.execute(select(p))
        }
        stock_rows = {
            (r.day, r.location_id, r.product_id): [r.units_in, r.units_out, r.dispenses, r.refills]
            for r in conn.execute(select(s))
        }

    assert folded == 9
    assert product_rows == dict(products)
    assert stock_rows == dict(stock)
    assert any(v[3] and v[1] for v in stock_rows.values())  # a refill and a dispense, one day


def test_a_movement_at_local_midnight_counts_on_its_own_day(engine: Engine) -> None:
    book = Ledger(engine)
    book.move(local(2026, 11, 19, 0, 0), "receipt", 10, into="ADC-P1")  # 05:00 UTC
    book.move(datetime(2026, 11, 19, 4, 59, tzinfo=UTC), "receipt", 1, into="ADC-P1")
    with engine.begin() as conn:
        kpi_days.refresh(conn, zone=EASTERN)

    with engine.connect() as conn:
        days = kpi_days.stock_days(conn, zone=EASTERN, first=TODAY, last=TODAY)
        days |= kpi_days.stock_days(
            conn, zone=EASTERN, first=date(2026, 11, 18), last=date(2026, 11, 19)
        )

    pocket = book.ids["ADC-P1"]
    assert {d: v[0] for (d, loc, _), v in days.items() if loc == pocket} == {
        kpi_days.day_number(date(2026, 11, 18)): 1,
        kpi_days.day_number(date(2026, 11, 19)): 10,
    }


def test_two_folds_at_once_count_each_movement_once(worked: Ledger) -> None:
    with worked.engine.connect() as conn:
        unfolded = kpi.turns(conn, zone=EASTERN, today=TODAY)
    start = threading.Barrier(2)
    folded: list[int] = []

    def fold_now() -> None:
        start.wait()
        folded.append(fold(worked.engine, zone=EASTERN, always=True))

    threads = [threading.Thread(target=fold_now) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with worked.engine.connect() as conn:
        after = kpi.turns(conn, zone=EASTERN, today=TODAY)
        waiting = kpi_days.behind(conn, EASTERN)

    assert sorted(folded) == [0, 7]
    assert waiting == 0
    assert after == unfolded


class _Deadlock(Exception):
    sqlstate = "40P01"


def test_a_fold_the_database_ended_in_a_deadlock_folds_again(
    worked: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under load on PostgreSQL a fold deadlocked with a refill (each held what the other
    wanted) and the dashboard answered 503."""
    real, calls = kpi_days.refresh, []

    def deadlocked_once(conn: Any, *, zone: Any) -> int:
        calls.append(1)
        if len(calls) == 1:
            raise DBAPIError("INSERT INTO kpi_stock_day ...", {}, _Deadlock("deadlock detected"))
        return real(conn, zone=zone)

    monkeypatch.setattr(kpi_days, "refresh", deadlocked_once)

    folded = fold(worked.engine, zone=EASTERN, always=True)

    with worked.engine.connect() as conn:
        assert kpi_days.behind(conn, EASTERN) == 0
    assert (len(calls), folded) == (2, 7)


def test_a_fold_that_fails_otherwise_is_not_run_again(
    worked: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []

    def broken(conn: Any, *, zone: Any) -> int:
        calls.append(1)
        raise DBAPIError("SELECT ...", {}, Exception("no such column"))

    monkeypatch.setattr(kpi_days, "refresh", broken)

    with pytest.raises(DBAPIError):
        fold(worked.engine, zone=EASTERN, always=True)
    assert len(calls) == 1
