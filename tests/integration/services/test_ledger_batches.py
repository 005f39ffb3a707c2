"""Receipts, dispenses and transfers posted together (``ledger.post``): each command on its own.

The API gathers concurrent requests into one such batch; a batch must give every command the
answer, the movements, the audit entry and the on-hand it would have had alone, and a command
refused in a batch leaves no trace the next one could see.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select
from tests.conftest import CLOCK, NOW, TESTER, load_examples, migrated_sqlite

from rxsupply.adapters import queries, tables
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.movement import MovementKind
from rxsupply.errors import (
    InsufficientStock,
    InvalidValue,
    OverCapacity,
    RxSupplyError,
    UnknownItem,
    UnknownLocation,
)
from rxsupply.services import ledger
from rxsupply.services.ledger import Dispense, Move, Receive

EXPIRY = date(2029, 6, 30)


def ext(text: str) -> ExternalId:
    """An external id as stored (``source:id``)."""
    return ExternalId.parse(text)


def _on_hand(engine: Engine) -> dict[tuple[str, str, str], int]:
    with engine.connect() as conn:
        rows = queries.stock_rows(conn, queries.StockFilter())
    return {(r["location"], r["ndc"], r["lot"]): int(r["quantity"]) for r in rows}


def _audit_keys(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(
            conn.execute(
                select(tables.audit.c.entity_key)
                .where(tables.audit.c.entity == "stock")
                .order_by(tables.audit.c.id)
            ).scalars()
        )


def test_a_batch_answers_each_command_and_writes_only_those_that_succeed(
    hospital: Engine,
) -> None:
    commands: list[ledger.Command] = [
        Dispense(
            user=TESTER, location="ICU-ADC1", item="MORPH2INJ", quantity=2, external_id=ext("t:1")
        ),
        Dispense(
            user=TESTER, location="ICU-ADC1", item="MORPH2INJ", quantity=99, external_id=ext("t:2")
        ),
        Dispense(
            user=TESTER, location="ICU-ADC9", item="MORPH2INJ", quantity=1, external_id=ext("t:3")
        ),
        Dispense(user=TESTER, location="ICU-ADC1", item="NOSUCH", quantity=1),
        Receive(
            user=TESTER,
            location="MAIN-STORE",
            product="98765-0210-1",
            lot="NEW1",
            expiry=EXPIRY,
            quantity=10,
            external_id=ext("t:4"),
        ),
        Receive(
            user=TESTER,
            location="MAIN-STORE",
            product="98765-0210-1",
            lot="MS2409",
            expiry=EXPIRY,  # recorded with 2027-01-31
            quantity=10,
        ),
        Receive(
            user=TESTER,
            location="MAIN-STORE",
            product="98765-0210-1",
            lot="OLD",
            expiry=NOW.date() - timedelta(days=1),
            quantity=10,
        ),
        Dispense(
            user=TESTER, location="ICU-ADC1", item="MORPH2INJ", quantity=1, external_id=ext("t:1")
        ),
    ]
    before = _on_hand(hospital)

    with SqlUnitOfWork(hospital) as uow:
        results = ledger.post(uow, commands, clock=CLOCK)

    kinds = [type(r).__name__ for r in results]
    assert kinds == [
        "Posted",
        "InsufficientStock",
        "UnknownLocation",
        "UnknownItem",
        "Posted",
        "InvalidValue",
        "InvalidValue",
        "Posted",
    ]
    first, short, nowhere, unknown, received, other_expiry, expired, again = results
    assert isinstance(first, ledger.Posted) and not first.duplicate
    assert isinstance(short, InsufficientStock) and "only 13 on hand" in str(short)
    assert isinstance(nowhere, UnknownLocation)
    assert isinstance(unknown, UnknownItem)
    assert isinstance(received, ledger.Posted) and len(received.movements) == 1
    assert isinstance(other_expiry, InvalidValue) and "recorded with" in str(other_expiry)
    assert isinstance(expired, InvalidValue) and "expired on" in str(expired)
    assert isinstance(again, ledger.Posted) and again.duplicate  # t:1 earlier in the batch
    after = _on_hand(hospital)
    assert after[("ICU-ADC1-P02", "98765-0210-1", "MS2409")] == 13
    assert after[("MAIN-STORE", "98765-0210-1", "NEW1")] == 10
    assert {k: v for k, v in after.items() if k[2] not in ("MS2409", "NEW1")} == {
        k: v for k, v in before.items() if k[2] not in ("MS2409", "NEW1")
    }
    assert ("MAIN-STORE", "98765-0210-1", "OLD") not in after
    assert _audit_keys(hospital) == ["t:1", "t:4"]


def test_the_external_id_of_a_failed_command_is_free_to_be_sent_again(hospital: Engine) -> None:
    short = Dispense(
        user=TESTER, location="ICU-ADC1", item="MORPH2INJ", quantity=99, external_id=ext("t:9")
    )
    ok = Dispense(
        user=TESTER, location="ICU-ADC1", item="MORPH2INJ", quantity=1, external_id=ext("t:8")
    )
    with SqlUnitOfWork(hospital) as uow:
        ledger.post(uow, [short, ok], clock=CLOCK)

    with SqlUnitOfWork(hospital) as uow:
        (resent,) = ledger.post(
            uow,
            [
                Dispense(
                    user=TESTER,
                    location="ICU-ADC1",
                    item="MORPH2INJ",
                    quantity=3,
                    external_id=ext("t:9"),
                )
            ],
            clock=CLOCK,
        )
    with SqlUnitOfWork(hospital) as uow:
        (twice,) = ledger.post(uow, [ok], clock=CLOCK)

    assert isinstance(resent, ledger.Posted) and not resent.duplicate
    assert isinstance(twice, ledger.Posted) and twice.duplicate
    assert _on_hand(hospital)[("ICU-ADC1-P02", "98765-0210-1", "MS2409")] == 11


def test_a_receipt_refused_by_its_pocket_leaves_no_lot_behind_for_the_next_command(
    hospital: Engine,
) -> None:
    too_many = Receive(  # ICU-ADC1-P01 holds 30 of its 40
        user=TESTER,
        location="ICU-ADC1-P01",
        product="98765-401-02",
        lot="R1",
        expiry=date(2027, 3, 31),
        quantity=11,
    )
    other_expiry = Receive(
        user=TESTER,
        location="MAIN-STORE",
        product="98765-401-02",
        lot="R1",
        expiry=date(2029, 1, 31),
        quantity=1,
    )

    with SqlUnitOfWork(hospital) as uow:
        refused, received = ledger.post(uow, [too_many, other_expiry], clock=CLOCK)

    assert isinstance(refused, OverCapacity) and "holds at most 40" in str(refused)
    assert isinstance(received, ledger.Posted) and len(received.movements) == 1
    assert _on_hand(hospital)[("MAIN-STORE", "98765-401-02", "R1")] == 1


def test_a_new_lot_received_twice_in_a_batch_with_two_expiries_is_refused_as_one_by_one(
    hospital: Engine, tmp_path: Path
) -> None:
    # the second receipt disagrees with the expiry the first gave the lot: the batch refuses
    # it with the words one-by-one posting uses (naming the lot and its product's NDC)
    def receipt(expiry: date) -> Receive:
        return Receive(
            user=TESTER,
            location="MAIN-STORE",
            product="98765-401-02",
            lot="R2",
            expiry=expiry,
            quantity=1,
        )

    commands = [receipt(date(2027, 3, 31)), receipt(date(2029, 1, 31))]
    with SqlUnitOfWork(hospital) as uow:
        batched = ledger.post(uow, commands, clock=CLOCK)
    alone = _fresh(tmp_path / "alone.db")
    one_by_one = []
    for command in commands:
        with SqlUnitOfWork(alone) as uow:
            one_by_one.append(ledger.post(uow, [command], clock=CLOCK)[0])

    assert isinstance(batched[1], InvalidValue) and isinstance(one_by_one[1], InvalidValue)
    assert str(batched[1]) == str(one_by_one[1])
    assert "lot R2 of 98765-401-02 is recorded with expiry 2027-03-31" in str(batched[1])


def test_each_command_of_a_batch_has_its_own_before_and_after_in_the_audit(
    hospital: Engine,
) -> None:
    commands: list[ledger.Command] = [
        Dispense(
            user=TESTER, location="ICU-ADC1", item="MORPH2INJ", quantity=2, external_id=ext("a:1")
        ),
        Dispense(
            user=TESTER, location="ICU-ADC1", item="MORPH2INJ", quantity=3, external_id=ext("a:2")
        ),
    ]

    with SqlUnitOfWork(hospital) as uow:
        ledger.post(uow, commands, clock=CLOCK)

    with hospital.connect() as conn:
        afters = conn.execute(
            select(tables.audit.c.after)
            .where(tables.audit.c.entity == "stock")
            .order_by(tables.audit.c.id)
        ).scalars()
        lines = [json.loads(a)["lines"] for a in afters]
    assert [[(x["before"], x["after"]) for x in line] for line in lines] == [[(15, 13)], [(13, 10)]]


# --- a batch equals the same commands one by one (property) -------------------------------

PLACES = ["MAIN-STORE", "ICU-ADC1", "ICU-ADC1-P01", "ICU-ADC1-P03", "ED-ADC1", "ICU-ADC9"]
ITEMS = ["ONDA4INJ", "MORPH2INJ", "APAP325TAB", "NOSUCH"]
PRODUCTS = ["98765-401-02", "98765-0210-1", "98765-3250-01"]

dispenses = st.builds(
    Dispense,
    user=st.just(TESTER),
    location=st.sampled_from(PLACES),
    item=st.sampled_from(ITEMS),
    quantity=st.integers(1, 120),
    kind=st.sampled_from([MovementKind.DISPENSE, MovementKind.WASTE, MovementKind.PATIENT_RETURN]),
    external_id=st.one_of(st.none(), st.sampled_from(["x:1", "x:2", "x:3"]).map(ext)),
)
receipts = st.builds(
    Receive,
    user=st.just(TESTER),
    location=st.sampled_from(PLACES),
    product=st.sampled_from(PRODUCTS),
    lot=st.sampled_from(["R1", "R2", "ON2411A"]),
    expiry=st.sampled_from([date(2027, 3, 31), date(2029, 1, 31), None]),
    quantity=st.integers(1, 60),
    external_id=st.one_of(st.none(), st.sampled_from(["x:1", "x:4"]).map(ext)),
)
moves = st.builds(
    Move,
    user=st.just(TESTER),
    from_location=st.sampled_from([*PLACES, "OR-SAT"]),
    to_location=st.sampled_from([*PLACES, "OR-SAT"]),
    item=st.sampled_from(ITEMS),
    quantity=st.integers(1, 60),
    refill=st.booleans(),
    external_id=st.one_of(st.none(), st.sampled_from(["x:1", "x:5"]).map(ext)),
)


def _fresh(path: Path) -> Engine:
    engine = migrated_sqlite(path)
    load_examples(engine, "items", "locations", "stock")
    return engine


def _outcome(engine: Engine, result: ledger.Posted | RxSupplyError) -> object:
    """What a command did, its lots named by number: a batch records the new lots of all its
    commands first and forgets those no written command used, so lot ids (not the lots or
    their order) may differ from posting one by one."""
    if isinstance(result, RxSupplyError):
        return (type(result).__name__, str(result))
    with engine.connect() as conn:
        numbers = {
            r[0]: r[1] for r in conn.execute(select(tables.lot.c.id, tables.lot.c.lot_number))
        }
    return (result.duplicate, [(m.kind, m.quantity, numbers[m.lot_id]) for m in result.movements])


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(dispenses, receipts, moves), min_size=1, max_size=12))
def test_a_batch_gives_what_the_same_commands_give_one_by_one(
    tmp_path_factory: pytest.TempPathFactory, commands: list[ledger.Command]
) -> None:
    folder = tmp_path_factory.mktemp("batch")
    together, apart = _fresh(folder / "together.db"), _fresh(folder / "apart.db")
    try:
        with SqlUnitOfWork(together) as uow:
            results = ledger.post(uow, commands, clock=CLOCK)
        batch = [_outcome(together, r) for r in results]
        single = []
        for command in commands:
            with SqlUnitOfWork(apart) as uow:
                (result,) = ledger.post(uow, [command], clock=CLOCK)
            single.append(_outcome(apart, result))

        assert batch == single
        assert _on_hand(together) == _on_hand(apart)
        assert _audit_keys(together) == _audit_keys(apart)
        for engine in (together, apart):
            with engine.connect() as conn:
                assert conn.execute(select(func.min(tables.on_hand.c.quantity))).scalar_one() >= 0
    finally:
        together.dispose()
        apart.dispose()


# --- values the ledger cannot hold, and empty ids ------------------------------------------


def test_an_external_id_longer_than_the_ledger_holds_is_refused_not_cut(hospital: Engine) -> None:
    longest = ExternalId("t", "9" * 118)  # 120 characters with "t:"

    with pytest.raises(InvalidValue) as refused:
        ExternalId("t", "9" * 130)
    with SqlUnitOfWork(hospital) as uow:
        results = ledger.post(
            uow,
            [
                Dispense(user=TESTER, location="ICU-ADC1", item="MORPH2INJ", quantity=1),
                Dispense(
                    user=TESTER,
                    location="ICU-ADC1",
                    item="MORPH2INJ",
                    quantity=1,
                    external_id=longest,
                ),
            ],
            clock=CLOCK,
        )

    assert refused.value.field == "external_id"
    assert "at most 120" in str(refused.value)
    assert all(isinstance(r, ledger.Posted) and not r.duplicate for r in results)
    with hospital.connect() as conn:
        stored = conn.execute(
            select(tables.movement.c.external_id).where(tables.movement.c.external_id.like("t:%"))
        ).scalars()
        assert list(stored) == ["t:" + "9" * 118]
    assert _on_hand(hospital)[("ICU-ADC1-P02", "98765-0210-1", "MS2409")] == 13


@pytest.mark.parametrize("text", ["t:", ":1", "t"])
def test_an_external_id_without_a_source_or_a_value_is_refused(text: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        ExternalId.parse(text)

    assert refused.value.field == "external_id"


def test_a_one_character_external_id_is_an_id_like_any_other(hospital: Engine) -> None:
    first = Dispense(
        user=TESTER, location="ICU-ADC1", item="MORPH2INJ", quantity=1, external_id=ext("t:0")
    )
    with SqlUnitOfWork(hospital) as uow:
        (posted,) = ledger.post(uow, [first], clock=CLOCK)
    with SqlUnitOfWork(hospital) as uow:
        (again,) = ledger.post(uow, [first], clock=CLOCK)

    assert isinstance(posted, ledger.Posted) and not posted.duplicate
    assert isinstance(again, ledger.Posted) and again.duplicate
