"""Notifying about an illegitimate product case, on each database: FDA's notification is
timed when FDA was notified (given, or now), never before the determination nor in the
future, and the 24-hour clock stops there; its due time is shown in the facility's zone and
in UTC."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, insert, select
from tests.conftest import CLOCK, NOW, TESTER
from tests.integration.services.test_suspect_cases import APAP, dispose, open_case, view

from rxsupply.adapters import tables as t
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.clock import FixedClock
from rxsupply.domain.suspect_case import StepKind
from rxsupply.errors import InvalidValue
from rxsupply.services.dscsa import cases

NEXT_DAY = FixedClock(NOW + timedelta(days=1), CLOCK.zone)  # determination: NOW + 5 h


def notify_fda(
    engine: Engine, number: str, at: str, kind: StepKind = StepKind.FDA_NOTIFIED
) -> None:
    with SqlUnitOfWork(engine) as uow:
        cases.add_case_step(
            uow,
            case=number,
            kind=kind,
            incident="IN-123",
            note="by phone",
            notified_at=at,
            user=TESTER,
            clock=NEXT_DAY,
        )


def illegitimate_case(engine: Engine) -> str:
    number = open_case(engine, lots=[f"{APAP}:AP2406"])
    dispose(engine, number, StepKind.ILLEGITIMATE, "no such lot at the manufacturer")
    return number


def test_fda_notified_at_the_time_given_stops_the_clock_there(hospital: Engine) -> None:
    number = illegitimate_case(hospital)

    notify_fda(hospital, number, "2026-11-20T18:30")  # Eastern: 23:30 UTC, 3 h 30 after

    shown = view(hospital, number, FixedClock(NOW + timedelta(days=3), CLOCK.zone))
    clock = shown["fda_clock"]
    assert isinstance(clock, dict)
    assert clock["notified_at"] == "2026-11-20T23:30:00+00:00"
    assert clock["state"] == "notified"
    assert clock["text"] == "FDA notified with 20 h 30 min to spare (incident IN-123)"
    assert clock["notified_shown"] == {
        "local": "2026-11-20 18:30 EST",
        "utc": "2026-11-20 23:30 UTC",
        "zone": "America/New_York",
    }


def test_fda_notified_with_no_time_given_is_now(hospital: Engine) -> None:
    number = illegitimate_case(hospital)

    notify_fda(hospital, number, "")

    clock = view(hospital, number)["fda_clock"]
    assert isinstance(clock, dict)
    assert clock["notified_at"] == NEXT_DAY.now().isoformat()


@pytest.mark.parametrize(
    ("at", "kind", "reason"),
    [
        ("2026-11-20T19:59:00Z", StepKind.FDA_NOTIFIED, "before the determination"),
        ("2026-11-21T11:00:00-05:00", StepKind.FDA_NOTIFIED, "in the future"),
        ("yesterday", StepKind.FDA_NOTIFIED, "not a timestamp"),
        ("2026-11-20T21:00:00Z", StepKind.STEP, "only an FDA notification"),
    ],
)
def test_an_fda_notification_time_out_of_bounds_is_refused_and_nothing_recorded(
    hospital: Engine, at: str, kind: StepKind, reason: str
) -> None:
    number = illegitimate_case(hospital)

    with pytest.raises(InvalidValue, match=reason) as refused:
        notify_fda(hospital, number, at, kind)

    assert refused.value.field == "notified_at"
    assert len(view(hospital, number)["steps"]) == 2  # type: ignore[arg-type]


def _shipped_elsewhere(engine: Engine) -> None:
    """Lot AP2406 left us twice: a return batch shipped to Acme Wholesale (on record, with a
    licence), a transfer to the West campus; a transfer inside the hospital does not count."""
    lot, loc = t.lot, t.location
    with engine.begin() as conn:
        lot_id, product_id = conn.execute(
            select(lot.c.id, lot.c.product_id).where(lot.c.lot_number == "AP2406")
        ).one()
        system, store, icu = (
            conn.execute(select(loc.c.id).where(loc.c.code == code)).scalar_one()
            for code in ("SYS", "MAIN-STORE", "ICU-ADC1")
        )
        west = conn.execute(
            insert(loc)
            .values(code="WEST", name="West Campus", kind="facility", parent_id=system)
            .returning(loc.c.id)
        ).scalar_one()
        west_store = conn.execute(
            insert(loc)
            .values(code="WEST-STORE", name="West storeroom", kind="storeroom", parent_id=west)
            .returning(loc.c.id)
        ).scalar_one()
        acme = conn.execute(
            insert(t.trading_partner)
            .values(name="Acme Wholesale", kind="wholesaler")
            .returning(t.trading_partner.c.id)
        ).scalar_one()
        conn.execute(
            insert(t.partner_authorization).values(
                partner_id=acme,
                kind="state_wholesale_license",
                number="WD-1234",
                state="NY",
                expires=NOW.date() + timedelta(days=400),
                verified_on=NOW.date(),
                verified_by=TESTER,
                recorded_at=NOW,
            )
        )
        batch = conn.execute(
            insert(t.return_batch)
            .values(
                number="RB-2026-0007",
                status="shipped",
                distributor="acme wholesale",
                created_by=TESTER,
                created_at=NOW - timedelta(days=3),
                shipped_by=TESTER,
                shipped_at=NOW - timedelta(days=2),
            )
            .returning(t.return_batch.c.id)
        ).scalar_one()
        conn.execute(
            insert(t.return_line).values(
                batch_id=batch,
                line_number=1,
                product_id=product_id,
                lot_id=lot_id,
                quantity=10,
                stream="credit",
                expected_credit=0,
            )
        )
        for number, to in (("TR-1", west_store), ("TR-2", icu)):
            transfer = conn.execute(
                insert(t.transfer)
                .values(
                    number=number,
                    status="received",
                    from_location_id=store,
                    to_location_id=to,
                    product_id=product_id,
                    quantity=20,
                    requested_by=TESTER,
                    requested_at=NOW - timedelta(days=1),
                    shipped_by=TESTER,
                    shipped_at=NOW - timedelta(days=1),
                )
                .returning(t.transfer.c.id)
            ).scalar_one()
            conn.execute(
                insert(t.transfer_line).values(
                    transfer_id=transfer,
                    line_number=1,
                    location_id=store,
                    product_id=product_id,
                    lot_id=lot_id,
                    quantity=20,
                )
            )


def test_those_who_received_the_lot_from_us_are_listed_with_why_and_what_is_on_record(
    hospital: Engine,
) -> None:
    number = illegitimate_case(hospital)
    _shipped_elsewhere(hospital)

    partners = view(hospital, number)["partners"]

    assert isinstance(partners, list)
    assert [(p["name"], p["kind"], p["direction"], p["why"]) for p in partners] == [
        (
            "Acme Wholesale",
            "partner",
            ["received it from us"],
            [
                "received it from us: return batch RB-2026-0007 shipped on 2026-11-18 with "
                "98765-3250-1 lot AP2406"
            ],
        ),
        (
            "West Campus (WEST)",
            "facility",
            ["received it from us"],
            [
                "received it from us: transfer TR-1 shipped on 2026-11-19 from MAIN to "
                "WEST-STORE with 98765-3250-1 lot AP2406"
            ],
        ),
    ]
    acme = partners[0]
    assert (acme["type"], acme["authorized"], acme["address"]) == (
        "wholesale_distributor",
        True,
        None,
    )
    assert [a["label"] for a in acme["authorizations"]] == ["state wholesale license WD-1234 (NY)"]
