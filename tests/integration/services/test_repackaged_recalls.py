"""A block of a bulk lot (quarantine, recall, suspect) reaches the lots repackaged from it, in
the same step, and names them; releasing the bulk lot releases only the lots it blocked."""

from __future__ import annotations

from datetime import date

import pytest
from alembic import command
from sqlalchemy import Engine, delete, select
from tests.conftest import TESTER, post
from tests.integration.services.test_putaway import units_at
from tests.integration.services.test_repackaging import HOUSE_NDC, pharmacy, run

from rxsupply.adapters import tables as t
from rxsupply.adapters.database import alembic_config, migrate
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.status import StockStatus
from rxsupply.errors import RxSupplyError
from rxsupply.services.ledger import Dispense, Move, Posted, Receive, SetStatus

__all__ = ["pharmacy"]  # the fixture, used by its name

BULK = "98765-3250-01"
SOURCE = "98765-3250-1 lot AP2406"  # the bulk lot as answers name it (FDA 5-4-1 NDC)


def set_status(engine: Engine, lot: str, status: StockStatus, why: str, ndc: str = BULK) -> Posted:
    return post(engine, SetStatus(user=TESTER, product=ndc, lot=lot, status=status, reason=why))


def status_of(engine: Engine, lot: str) -> tuple[str, str]:
    with engine.connect() as conn:
        row = conn.execute(
            select(t.lot.c.status, t.lot.c.status_reason).where(t.lot.c.lot_number == lot)
        ).one()
    return row.status, row.status_reason


def test_recalling_a_bulk_lot_recalls_its_unit_doses_in_the_cabinets_and_names_them(
    pharmacy: Engine,
) -> None:
    run(pharmacy, units=500, to_lot="RP1")
    post(
        pharmacy,
        Move(
            user=TESTER,
            from_location="MAIN-STORE",
            to_location="ED-ADC1",
            product=HOUSE_NDC,
            lot="RP1",
            quantity=50,
            refill=True,
        ),
    )

    done = set_status(pharmacy, "AP2406", StockStatus.RECALLED, "recall 26-114")

    bulk, unit_dose = done.changed
    assert (bulk["lot"], bulk["from"], bulk["to"]) == ("AP2406", "available", "recalled")
    held = bulk["locations"]
    assert isinstance(held, dict) and held["MAIN-STORE"] == 1500  # 2,000 less the 500 repackaged
    assert (unit_dose["ndc"], unit_dose["lot"]) == (HOUSE_NDC, "RP1")
    assert (unit_dose["from"], unit_dose["to"], unit_dose["units"]) == (
        "available",
        "recalled",
        500,
    )
    assert unit_dose["locations"] == {"ED-ADC1-P02": 50, "MAIN-STORE": 450}
    assert unit_dose["repackaged_from"] == SOURCE
    assert status_of(pharmacy, "RP1") == (
        "recalled",
        f"repackaged from {SOURCE}: recall 26-114",
    )
    with pytest.raises(RxSupplyError, match="50 more are expired or blocked"):
        post(pharmacy, Dispense(user=TESTER, location="ED-ADC1", product=HOUSE_NDC, quantity=1))
    assert units_at(pharmacy, "ED-ADC1-P02", "RP1") == 50


def test_a_block_reaches_lots_repackaged_from_repackaged_lots(pharmacy: Engine) -> None:
    run(pharmacy, units=100, to_lot="RP1")
    post(
        pharmacy,
        Receive(
            user=TESTER,
            product="98765-401-02",
            lot="GRANDCHILD",
            expiry=date(2027, 6, 30),
            quantity=5,
            location="MAIN-STORE",
        ),
    )
    with SqlUnitOfWork(pharmacy) as uow:  # as if RP1 had been repackaged into it
        ids = dict(uow.connection.execute(select(t.lot.c.lot_number, t.lot.c.id)).all())
        uow.lots.link_source(ids["GRANDCHILD"], ids["RP1"])
        uow.commit()

    done = set_status(pharmacy, "AP2406", StockStatus.SUSPECT, "possible counterfeit")

    assert [(c["lot"], c["to"]) for c in done.changed] == [
        ("AP2406", "suspect"),
        ("RP1", "suspect"),
        ("GRANDCHILD", "suspect"),
    ]
    assert status_of(pharmacy, "GRANDCHILD")[0] == "suspect"


def test_releasing_the_bulk_lot_releases_only_the_unit_doses_it_blocked(
    pharmacy: Engine,
) -> None:
    run(pharmacy, units=100, to_lot="RP1")
    run(pharmacy, units=100, to_lot="RP2")
    set_status(pharmacy, "RP2", StockStatus.QUARANTINED, "label misprinted", ndc=HOUSE_NDC)
    set_status(pharmacy, "AP2406", StockStatus.QUARANTINED, "supplier notice")
    hardened = set_status(pharmacy, "AP2406", StockStatus.RECALLED, "recall 26-114")

    released = set_status(pharmacy, "AP2406", StockStatus.AVAILABLE, "notice withdrawn")

    assert [(c["lot"], c["to"]) for c in hardened.changed] == [
        ("AP2406", "recalled"),
        ("RP1", "recalled"),
        ("RP2", "recalled"),
    ]
    assert status_of(pharmacy, "RP1") == ("available", "")
    assert status_of(pharmacy, "RP2")[0] == "recalled"
    assert "label misprinted" in status_of(pharmacy, "RP2")[1]
    assert [(c["lot"], c["from"], c["to"]) for c in released.changed] == [
        ("AP2406", "recalled", "available"),
        ("RP1", "recalled", "available"),
        ("RP2", "recalled", "recalled"),
    ]
    assert "own reason" in str(released.changed[2]["note"])


def test_a_repackaged_lot_blocked_harder_already_keeps_its_block(pharmacy: Engine) -> None:
    run(pharmacy, units=100, to_lot="RP1")
    set_status(pharmacy, "RP1", StockStatus.RECALLED, "label recall", ndc=HOUSE_NDC)

    done = set_status(pharmacy, "AP2406", StockStatus.QUARANTINED, "supplier notice")

    assert [(c["lot"], c["from"], c["to"]) for c in done.changed] == [
        ("AP2406", "available", "quarantined"),
        ("RP1", "recalled", "recalled"),
    ]
    assert status_of(pharmacy, "RP1") == ("recalled", "label recall")


def test_blocking_a_lot_blocked_already_still_reaches_its_unblocked_unit_doses(
    pharmacy: Engine,
) -> None:
    run(pharmacy, units=100, to_lot="RP1")
    set_status(pharmacy, "AP2406", StockStatus.RECALLED, "recall 26-114")
    set_status(pharmacy, "RP1", StockStatus.AVAILABLE, "checked", ndc=HOUSE_NDC)

    done = set_status(pharmacy, "AP2406", StockStatus.RECALLED, "recall 26-114")

    assert [(c["lot"], c["to"]) for c in done.changed] == [("RP1", "recalled")]
    with pytest.raises(RxSupplyError, match="already recalled"):
        set_status(pharmacy, "AP2406", StockStatus.RECALLED, "recall 26-114")


def test_the_migration_links_lots_repackaged_before_it(pharmacy: Engine) -> None:
    run(pharmacy, units=100, to_lot="RP1")
    with pharmacy.begin() as conn:
        conn.execute(delete(t.lot_source))
        command.downgrade(alembic_config(conn), "0020")

    migrate(pharmacy)

    with pharmacy.connect() as conn:
        links = (
            conn.execute(
                select(t.lot.c.lot_number).join(
                    t.lot_source, t.lot_source.c.source_lot_id == t.lot.c.id
                )
            )
            .scalars()
            .all()
        )
    assert links == ["AP2406"]
    done = set_status(pharmacy, "AP2406", StockStatus.QUARANTINED, "supplier notice")
    assert [c["lot"] for c in done.changed] == ["AP2406", "RP1"]
