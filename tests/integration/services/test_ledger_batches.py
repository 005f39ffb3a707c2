"""Receipts and dispenses posted together (``ledger.post_many``): each command on its own.

The API gathers concurrent requests into one such batch; a batch must give every command the
answer, the movements, the audit entry and the on-hand it would have had alone.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select
from tests.conftest import NOW, load_examples

from rxsupply.adapters import queries, tables
from rxsupply.adapters.database import make_engine, migrate
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.movement import MovementKind
from rxsupply.errors import (
    InsufficientStock,
    InvalidValue,
    RxSupplyError,
    UnknownItem,
    UnknownLocation,
)
from rxsupply.services import ledger

EXPIRY = date(2029, 6, 30)


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
        ledger.Dispense(location="ICU-ADC1", item="MORPH2INJ", quantity=2, external_id="t:1"),
        ledger.Dispense(location="ICU-ADC1", item="MORPH2INJ", quantity=99, external_id="t:2"),
        ledger.Dispense(location="ICU-ADC9", item="MORPH2INJ", quantity=1, external_id="t:3"),
        ledger.Dispense(location="ICU-ADC1", item="NOSUCH", quantity=1),
        ledger.Receipt(
            location="MAIN-STORE",
            product="98765-0210-1",
            lot="NEW1",
            expiry=EXPIRY,
            quantity=10,
            external_id="t:4",
        ),
        ledger.Receipt(
            location="MAIN-STORE",
            product="98765-0210-1",
            lot="MS2409",
            expiry=EXPIRY,  # recorded with 2027-01-31
            quantity=10,
        ),
        ledger.Receipt(
            location="MAIN-STORE",
            product="98765-0210-1",
            lot="OLD",
            expiry=NOW.date() - timedelta(days=1),
            quantity=10,
        ),
        ledger.Dispense(location="ICU-ADC1", item="MORPH2INJ", quantity=1, external_id="t:1"),
    ]
    before = _on_hand(hospital)

    with SqlUnitOfWork(hospital) as uow:
        results = ledger.post_many(uow, commands, now=NOW)

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
    short = ledger.Dispense(location="ICU-ADC1", item="MORPH2INJ", quantity=99, external_id="t:9")
    ok = ledger.Dispense(location="ICU-ADC1", item="MORPH2INJ", quantity=1, external_id="t:8")
    with SqlUnitOfWork(hospital) as uow:
        ledger.post_many(uow, [short, ok], now=NOW)

    with SqlUnitOfWork(hospital) as uow:
        (resent,) = ledger.post_many(
            uow,
            [ledger.Dispense(location="ICU-ADC1", item="MORPH2INJ", quantity=3, external_id="t:9")],
            now=NOW,
        )
    with SqlUnitOfWork(hospital) as uow:
        (twice,) = ledger.post_many(uow, [ok], now=NOW)

    assert isinstance(resent, ledger.Posted) and not resent.duplicate
    assert isinstance(twice, ledger.Posted) and twice.duplicate
    assert _on_hand(hospital)[("ICU-ADC1-P02", "98765-0210-1", "MS2409")] == 11


def test_each_command_of_a_batch_has_its_own_before_and_after_in_the_audit(
    hospital: Engine,
) -> None:
    commands: list[ledger.Command] = [
        ledger.Dispense(location="ICU-ADC1", item="MORPH2INJ", quantity=2, external_id="a:1"),
        ledger.Dispense(location="ICU-ADC1", item="MORPH2INJ", quantity=3, external_id="a:2"),
    ]

    with SqlUnitOfWork(hospital) as uow:
        ledger.post_many(uow, commands, now=NOW)

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
    ledger.Dispense,
    location=st.sampled_from(PLACES),
    item=st.sampled_from(ITEMS),
    quantity=st.integers(1, 120),
    kind=st.sampled_from([MovementKind.DISPENSE, MovementKind.WASTE, MovementKind.PATIENT_RETURN]),
    external_id=st.one_of(st.none(), st.sampled_from(["x:1", "x:2", "x:3"])),
)
receipts = st.builds(
    ledger.Receipt,
    location=st.sampled_from(PLACES),
    product=st.sampled_from(PRODUCTS),
    lot=st.sampled_from(["R1", "R2", "ON2411A"]),
    expiry=st.sampled_from([date(2027, 3, 31), date(2029, 1, 31), None]),
    quantity=st.integers(1, 60),
    external_id=st.one_of(st.none(), st.sampled_from(["x:1", "x:4"])),
)


def _fresh(path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    load_examples(engine, "items", "locations", "stock")
    return engine


def _outcome(result: ledger.Posted | RxSupplyError) -> object:
    if isinstance(result, RxSupplyError):
        return (type(result).__name__, str(result))
    return (result.duplicate, [(m.kind, m.quantity, m.lot_id) for m in result.movements])


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(dispenses, receipts), min_size=1, max_size=12))
def test_a_batch_gives_what_the_same_commands_give_one_by_one(
    tmp_path_factory: pytest.TempPathFactory, commands: list[ledger.Command]
) -> None:
    folder = tmp_path_factory.mktemp("batch")
    together, apart = _fresh(folder / "together.db"), _fresh(folder / "apart.db")
    try:
        with SqlUnitOfWork(together) as uow:
            batch = [_outcome(r) for r in ledger.post_many(uow, commands, now=NOW)]
        single = []
        for command in commands:
            with SqlUnitOfWork(apart) as uow:
                single.append(_outcome(ledger.post_many(uow, [command], now=NOW)[0]))

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
    long_id = "t:" + "9" * 130
    with SqlUnitOfWork(hospital) as uow:
        results = ledger.post_many(
            uow,
            [
                ledger.Dispense(location="ICU-ADC1", item="MORPH2INJ", quantity=1),
                ledger.Dispense(
                    location="ICU-ADC1", item="MORPH2INJ", quantity=1, external_id=long_id
                ),
            ],
            now=NOW,
        )

    assert isinstance(results[0], ledger.Posted)
    assert isinstance(results[1], InvalidValue)
    assert results[1].field == "external_id"
    assert "at most 120" in str(results[1])
    assert _on_hand(hospital)[("ICU-ADC1-P02", "98765-0210-1", "MS2409")] == 14


def test_an_empty_external_id_is_an_id_like_any_other(hospital: Engine) -> None:
    first = ledger.Dispense(location="ICU-ADC1", item="MORPH2INJ", quantity=1, external_id="")
    with SqlUnitOfWork(hospital) as uow:
        (posted,) = ledger.post_many(uow, [first], now=NOW)
    with SqlUnitOfWork(hospital) as uow:
        (again,) = ledger.post_many(uow, [first], now=NOW)

    assert isinstance(posted, ledger.Posted) and not posted.duplicate
    assert isinstance(again, ledger.Posted) and again.duplicate
