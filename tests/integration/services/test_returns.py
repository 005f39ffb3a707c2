"""Returns on each database, on the example hospital (all its products are Example Labs'; the
tests' today is 2026-11-20): a policy classifies every lot on hand; a batch takes the lots
returnable now, refuses to ship a Schedule II line without its DEA Form 222 number, then ships
through the ledger once; a credit memo reconciles line by line and what is short ages."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select
from tests.conftest import CLOCK, EXAMPLES, NOW, TESTER, load_examples

from rxsupply.adapters import tables
from rxsupply.adapters.csv_files import read_csv_table
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.clock import FixedClock
from rxsupply.domain.destruction import Destruction
from rxsupply.domain.limits import Approval
from rxsupply.domain.return_batch import BatchStatus, ReturnBatch
from rxsupply.domain.return_policy import PartialRule
from rxsupply.domain.status import StockStatus
from rxsupply.domain.users import Role
from rxsupply.errors import InvalidValue, NotFound, ReturnRefused
from rxsupply.services import returns
from rxsupply.services.ledger import SetStatus, post
from rxsupply.services.pricing import PRICE_COLUMNS, import_prices
from rxsupply.services.returns import MemoEntry

LABS = "Example Labs"


def with_policy(engine: Engine, **kw: object) -> None:
    args: dict[str, object] = {
        "labeler": LABS,
        "months_before": 6,
        "months_after": 12,
        "partial": PartialRule.FULL_ONLY,
        "credit_share": "90%",
    }
    with SqlUnitOfWork(engine) as uow:
        returns.set_return_policy(uow, **(args | kw), user=TESTER, clock=CLOCK)  # type: ignore[arg-type]


def classified(engine: Engine) -> dict[str, dict[str, object]]:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        rows = returns.classify_lots(uow, today=CLOCK.today())
    return {str(r.lot.lot): r.as_dict() for r in rows}


def test_a_policy_classifies_every_lot_on_hand_with_its_credit_and_stream(
    hospital: Engine,
) -> None:
    with_policy(hospital)

    lots = classified(hospital)

    assert {k: v["returnability"] for k, v in lots.items()} == {
        "ON2411A": "now",  # expires 2027-03-31: returnable from 2026-09-30
        "MS2409": "now",
        "ON2502B": "later",
        "AP2406": "later",
    }
    assert lots["ON2502B"]["returnable_from"] == "2027-03-30"
    # 280 units in packages of 25: 11 full packages at 18.75 (package cost), 90%
    assert lots["ON2411A"]["expected_credit"] == 185.63
    assert lots["ON2411A"]["quantity"] == 280
    assert lots["ON2411A"]["price_basis"] == "package cost"
    assert lots["MS2409"]["stream"] == "controlled"
    assert lots["ON2411A"]["stream"] == "creditable"


def test_without_a_policy_every_lot_is_never_returnable_and_earns_nothing(
    hospital: Engine,
) -> None:
    lots = classified(hospital)

    assert {v["returnability"] for v in lots.values()} == {"never"}
    assert {v["expected_credit"] for v in lots.values()} == {0.0}
    assert lots["AP2406"]["stream"] == "non_hazardous"


def test_a_refrigerated_product_under_a_policy_that_excludes_it_is_never_returnable(
    hospital: Engine,
) -> None:
    with_policy(hospital, excluded="refrigerated")
    with SqlUnitOfWork(hospital) as uow:
        returns.set_product_storage(
            uow, product="98765-401-02", storage="refrigerated", user=TESTER, clock=CLOCK
        )

    lots = classified(hospital)

    assert lots["ON2411A"]["returnability"] == "never"
    assert lots["ON2411A"]["reason"] == "Example Labs takes no refrigerated products back"


def test_a_policy_for_a_labeler_not_on_file_is_refused(hospital: Engine) -> None:
    with pytest.raises(NotFound, match="Exmaple Labs"):
        with_policy(hospital, labeler="Exmaple Labs")


def test_a_batch_ships_once_through_the_ledger_after_its_form_222(hospital: Engine) -> None:
    with_policy(hospital)
    with SqlUnitOfWork(hospital) as uow:
        batch = returns.create_return_batch(
            uow, distributor="Demo Returns", user=TESTER, clock=CLOCK
        )
    assert [(x.lot, x.quantity, x.stream.value) for x in batch.lines] == [
        ("MS2409", 60, "controlled"),  # the storeroom's units; the cabinet pocket keeps 15
        ("ON2411A", 250, "creditable"),  # the cabinet pocket keeps its 30
    ]

    with SqlUnitOfWork(hospital) as uow, pytest.raises(ReturnRefused, match="Form 222"):
        returns.ship_return_batch(uow, batch=batch.number, user=TESTER, clock=CLOCK)
    with SqlUnitOfWork(hospital) as uow:
        returns.set_form_222(
            uow, batch=batch.number, line=1, form_222="CSOS-123456", user=TESTER, clock=CLOCK
        )
        shipped = returns.ship_return_batch(uow, batch=batch.number, user=TESTER, clock=CLOCK)
    with SqlUnitOfWork(hospital) as uow:
        again = returns.ship_return_batch(uow, batch=batch.number, user=TESTER, clock=CLOCK)

    assert shipped.status == "shipped" and again.shipped_at == shipped.shipped_at
    with hospital.connect() as conn:
        moved = conn.execute(
            select(func.count(), func.sum(tables.movement.c.quantity)).where(
                tables.movement.c.kind == "return_to_vendor",
                tables.movement.c.reference == batch.number,
            )
        ).one()
    assert tuple(moved) == (2, 310)  # from the storeroom only: never a cabinet's pocket
    left = classified(hospital)
    assert [(left[lot]["location"], left[lot]["quantity"]) for lot in ("MS2409", "ON2411A")] == [
        ("ICU-ADC1-P02", 15),
        ("ICU-ADC1-P01", 30),
    ]


def test_a_lot_returnable_later_is_refused_on_a_batch_with_why(hospital: Engine) -> None:
    with_policy(hospital)

    with SqlUnitOfWork(hospital) as uow, pytest.raises(ReturnRefused, match="2027-03-30"):
        returns.create_return_batch(
            uow, lots=[("98765-402-10", "ON2502B")], user=TESTER, clock=CLOCK
        )


def test_a_credit_memo_reconciles_line_by_line_and_the_shortfall_ages(hospital: Engine) -> None:
    with_policy(hospital)
    with SqlUnitOfWork(hospital) as uow:
        batch = returns.create_return_batch(
            uow,
            lots=[("98765-401-02", "ON2411A"), ("98765-0210-1", "MS2409")],
            user=TESTER,
            clock=CLOCK,
        )
        returns.set_form_222(
            uow, batch=batch.number, line=2, form_222="123456789", user=TESTER, clock=CLOCK
        )
        returns.ship_return_batch(uow, batch=batch.number, user=TESTER, clock=CLOCK)
    later = FixedClock(CLOCK.now() + timedelta(days=40), CLOCK.zone)
    memo = [
        MemoEntry("98765-0401-02", "ON2411A", 250, Decimal("168.75")),
        MemoEntry("98765-0210-1", "MS2409", 60, Decimal("150.00")),
        MemoEntry("98765-0999-01", "ZZ1", 10, Decimal("12.00")),
    ]

    with SqlUnitOfWork(hospital) as uow:
        done = returns.enter_credit_memo(
            uow,
            batch=batch.number,
            memo_number="CM-77",
            memo_date=date(2026, 12, 20),
            lines=memo,
            user=TESTER,
            clock=later,
        )
    with SqlUnitOfWork(hospital) as uow:
        twice = returns.enter_credit_memo(
            uow,
            batch=batch.number,
            memo_number="CM-77",
            memo_date=date(2026, 12, 20),
            lines=memo,
            user=TESTER,
            clock=later,
        )
        aging = returns.credit_aging(uow, clock=later)

    states = {line["lot"]: (line["state"], line["difference"]) for line in done["lines"]}
    assert states == {
        "ON2411A": ("matched", "0.00"),
        "MS2409": ("short_paid", "-18.48"),  # 6 packages x 31.20 x 90% = 168.48 expected
        "ZZ1": ("not_shipped", "12.00"),
    }
    assert (done["totals"]["outstanding"], done["totals"]["short_paid"]) == ("18.48", "18.48")
    assert done["totals"]["lines"] == {
        "matched": 1,
        "short_paid": 1,
        "over_credited": 0,
        "not_credited": 0,
        "not_shipped": 1,
    }
    assert twice["totals"] == done["totals"]
    assert [(b["bucket"], b["outstanding"]) for b in aging["batches"]] == [("31-60", "18.48")]


def test_a_memo_for_a_batch_not_shipped_is_refused(hospital: Engine) -> None:
    with_policy(hospital)
    with SqlUnitOfWork(hospital) as uow:
        batch = returns.create_return_batch(uow, user=TESTER, clock=CLOCK)

    with SqlUnitOfWork(hospital) as uow, pytest.raises(ReturnRefused, match="not shipped"):
        returns.enter_credit_memo(
            uow,
            batch=batch.number,
            memo_number="CM-1",
            memo_date=date(2026, 11, 20),
            lines=[MemoEntry("98765-401-02", "ON2411A", 1, Decimal(1))],
            user=TESTER,
            clock=CLOCK,
        )


WITNESSES = [Approval("wanda", Role.MANAGER), Approval("carl", Role.COMPLIANCE)]


def destroy(engine: Engine, witnesses: list[Approval]) -> Destruction:
    with SqlUnitOfWork(engine) as uow:
        return returns.destroy_controlled(
            uow,
            product="98765-0210-1",
            lot="MS2409",
            location="ICU-ADC1-P02",
            quantity=5,
            method="incinerated by the reverse distributor's agent",
            witnesses=witnesses,
            user=TESTER,
            clock=CLOCK,
        )


def test_a_destruction_with_one_witness_is_refused_and_writes_nothing(hospital: Engine) -> None:
    with pytest.raises(InvalidValue, match="two witnesses"):
        destroy(hospital, WITNESSES[:1])

    with hospital.connect() as conn:
        assert conn.execute(select(func.count()).select_from(tables.destruction)).scalar() == 0
        wasted = select(func.count()).where(tables.movement.c.kind == "waste")
        assert conn.execute(wasted).scalar() == 0


def test_a_destruction_with_two_witnesses_records_its_form_41_and_wastes_the_units(
    hospital: Engine,
) -> None:
    done = destroy(hospital, WITNESSES)

    with hospital.connect() as conn:
        note = conn.execute(
            select(tables.movement.c.note).where(tables.movement.c.kind == "waste")
        ).scalar_one()
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        listed = uow.returns.destructions()
    assert done.number.startswith("F41-20261120-")
    assert f"DEA Form 41 {done.number}, witnessed by wanda and carl" in note
    assert [(d.quantity, d.witnesses) for d in listed] == [(5, ("wanda", "carl"))]


def test_a_lot_left_only_in_cabinet_pockets_is_refused_until_pulled(hospital: Engine) -> None:
    with_policy(hospital)
    with SqlUnitOfWork(hospital) as uow:
        first = returns.create_return_batch(
            uow, lots=[("98765-401-02", "ON2411A")], user=TESTER, clock=CLOCK
        )
        returns.ship_return_batch(uow, batch=first.number, user=TESTER, clock=CLOCK)

    with SqlUnitOfWork(hospital) as uow, pytest.raises(ReturnRefused) as refused:
        returns.create_return_batch(
            uow, lots=[("98765-401-02", "ON2411A")], user=TESTER, clock=CLOCK
        )

    assert "ON2411A: its units are in cabinet pockets: pull them first" in str(refused.value)


def set_status(engine: Engine, lot: str, ndc: str, status: StockStatus) -> None:
    with SqlUnitOfWork(engine) as uow:
        post(
            uow,
            [SetStatus(user=TESTER, product=ndc, lot=lot, status=status, reason="test")],
            clock=CLOCK,
        )


def test_a_suspect_lot_is_never_returnable_and_refused_on_a_batch(hospital: Engine) -> None:
    with_policy(hospital)
    set_status(hospital, "ON2411A", "98765-401-02", StockStatus.SUSPECT)

    lots = classified(hospital)
    with SqlUnitOfWork(hospital) as uow, pytest.raises(ReturnRefused, match="DSCSA"):
        returns.create_return_batch(
            uow, lots=[("98765-401-02", "ON2411A")], user=TESTER, clock=CLOCK
        )

    assert (lots["ON2411A"]["returnability"], lots["ON2411A"]["reason"]) == (
        "never",
        "suspect product: hold for investigation (DSCSA)",
    )
    assert lots["ON2411A"]["status"] == "suspect"


def test_a_recalled_lot_returnable_only_later_goes_back_now_under_the_recall(
    hospital: Engine,
) -> None:
    with_policy(hospital)
    set_status(hospital, "ON2502B", "98765-402-10", StockStatus.RECALLED)

    lots = classified(hospital)
    with SqlUnitOfWork(hospital) as uow:
        batch = returns.create_return_batch(
            uow, lots=[("98765-402-10", "ON2502B")], user=TESTER, clock=CLOCK
        )

    assert lots["ON2502B"]["returnability"] == "now"
    assert str(lots["ON2502B"]["reason"]).startswith("recalled: return under the firm's recall")
    # the storeroom's 100 units (the ED pocket keeps 45 until pulled), at 8.90 a 10-pack in full
    assert [(x.quantity, x.expected_credit) for x in batch.lines] == [(100, Decimal("89.00"))]


def test_an_empty_list_of_lots_is_refused_and_an_empty_batch_never_ships(hospital: Engine) -> None:
    with_policy(hospital)

    with SqlUnitOfWork(hospital) as uow, pytest.raises(InvalidValue, match="at least one lot"):
        returns.create_return_batch(uow, lots=[], user=TESTER, clock=CLOCK)
    with SqlUnitOfWork(hospital) as uow:
        uow.returns.add_batch(
            ReturnBatch(
                number="RB-EMPTY",
                status=BatchStatus.OPEN,
                created_by=TESTER,
                created_at=CLOCK.now(),
            )
        )
        uow.commit()
    with SqlUnitOfWork(hospital) as uow, pytest.raises(ReturnRefused, match="no lines"):
        returns.ship_return_batch(uow, batch="RB-EMPTY", user=TESTER, clock=CLOCK)


def priced(engine: Engine) -> None:
    table = read_csv_table(
        EXAMPLES / "prices.csv", required=PRICE_COLUMNS[0], optional=PRICE_COLUMNS[1]
    )
    with SqlUnitOfWork(engine) as uow:
        import_prices(uow, table, now=NOW, user=TESTER)
        uow.commit()


def test_the_credit_basis_is_the_wac_of_the_wholesaler_last_bought_from(hospital: Engine) -> None:
    priced(hospital)  # 98765-402-10: 8.90 at Example Wholesale, 8.40 at Backup Pharma (newer)
    load_examples(hospital, "purchases")  # bought from Example Wholesale on 2026-11-02
    with_policy(hospital)

    lots = classified(hospital)

    assert lots["ON2502B"]["price_basis"] == (
        "WAC of the last seller (Example Wholesale Drug Co, from 2026-10-01)"
    )


def test_without_a_purchase_the_credit_basis_is_the_lowest_current_wac_never_the_highest(
    hospital: Engine,
) -> None:
    priced(hospital)
    with hospital.begin() as conn:  # a dearer price from the same day at the backup wholesaler
        backup = conn.execute(
            select(tables.trading_partner.c.id).where(
                tables.trading_partner.c.name == "Backup Pharma Supply"
            )
        ).scalar_one()
        product = conn.execute(
            select(tables.product.c.id).where(tables.product.c.ndc == "98765-0210-1")
        ).scalar_one()
        conn.execute(
            tables.catalogue_price.insert().values(
                partner_id=backup,
                product_id=product,
                wac=Decimal("35.00"),
                starts=date(2026, 10, 1),
            )
        )
    with_policy(hospital)

    lots = classified(hospital)

    assert lots["MS2409"]["price_basis"] == (
        "lowest current WAC (Example Wholesale Drug Co, from 2026-10-01)"
    )
    assert (
        lots["ON2502B"]["price_basis"]
        == "lowest current WAC (Backup Pharma Supply, from 2026-11-01)"
    )


def shipped_batch(engine: Engine, clock: FixedClock = CLOCK) -> str:
    with SqlUnitOfWork(engine) as uow:
        batch = returns.create_return_batch(
            uow,
            lots=[("98765-401-02", "ON2411A"), ("98765-0210-1", "MS2409")],
            user=TESTER,
            clock=clock,
        )
        returns.set_form_222(
            uow, batch=batch.number, line=2, form_222="123456789", user=TESTER, clock=clock
        )
        returns.ship_return_batch(uow, batch=batch.number, user=TESTER, clock=clock)
    return batch.number


def test_the_totals_add_up_with_a_line_over_credited_and_a_credit_for_a_lot_not_shipped(
    hospital: Engine,
) -> None:
    with_policy(hospital)
    number = shipped_batch(hospital)  # expects 168.75 (ON2411A) and 168.48 (MS2409)
    memo = [
        MemoEntry("98765-401-02", "on2411a", 250, Decimal("200.00")),
        MemoEntry("98765-0210-1", "MS2409", 60, Decimal("100.00")),
        MemoEntry("98765-0999-01", "ZZ1", 10, Decimal("12.00")),
    ]

    def enter(lines: list[MemoEntry]) -> dict[str, object]:
        with SqlUnitOfWork(hospital) as uow:
            return returns.enter_credit_memo(
                uow,
                batch=number,
                memo_number="CM-5",
                memo_date=date(2026, 11, 20),
                lines=lines,
                user=TESTER,
                clock=CLOCK,
            )

    enter(memo)
    done = enter([MemoEntry("98765-401-02", "ON2411A", 250, Decimal("200.00"))])  # again

    states = {line["lot"]: line["state"] for line in done["lines"]}  # type: ignore[attr-defined]
    assert states == {"ON2411A": "over_credited", "MS2409": "short_paid", "ZZ1": "not_shipped"}
    assert done["totals"] == {
        "expected": "337.23",
        "credited": "300.00",  # on the lines shipped: the lot not shipped is apart
        "credited_not_shipped": "12.00",
        "short_paid": "68.48",
        "over_credited": "31.25",
        "outstanding": "68.48",  # 337.23 - 300.00 + 31.25
        "lines": {
            "matched": 0,
            "short_paid": 1,
            "over_credited": 1,
            "not_credited": 0,
            "not_shipped": 1,
        },
    }


def test_credit_ages_by_the_facility_s_days_not_the_utc_date(hospital: Engine) -> None:
    with_policy(hospital)
    evening = datetime(2026, 11, 20, 21, 0, tzinfo=CLOCK.zone)  # 02:00 UTC on the 21st
    shipped_batch(hospital, FixedClock(evening, CLOCK.zone))
    month_later = FixedClock(datetime(2026, 12, 21, 9, 0, tzinfo=CLOCK.zone), CLOCK.zone)

    with SqlUnitOfWork(hospital, readonly=True) as uow:
        aging = returns.credit_aging(uow, clock=month_later)

    [row] = aging["batches"]
    assert (row["shipped"], row["days"], row["bucket"]) == ("2026-11-20", 31, "31-60")
