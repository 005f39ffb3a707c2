"""Trading partners' authorization on each database: recorded (audited, verified by its user),
listed with each partner's status, and checked when receiving against an order: refused with the
reason and nothing written, or received when authorized (tests' today: 2026-11-20)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, func, select
from tests.conftest import CLOCK, priced_storeroom

from rxsupply.adapters import tables
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.purchasing import OrderStatus, PurchaseOrder
from rxsupply.domain.trading_partner import PartnerPolicy
from rxsupply.errors import InvalidValue, PartnerNotAuthorized
from rxsupply.services import purchasing, receiving, trading_partners
from rxsupply.services.demo.partners import seed_authorizations

BUYER = "buyer"
WHOLESALER = "Example Wholesale Drug Co"
TRAY = "98765-401-02"
REQUIRED = PartnerPolicy(require_on_file=True)


@pytest.fixture
def order(hospital: Engine) -> PurchaseOrder:
    """A sent order to Example Wholesale Drug Co: ondansetron trays."""
    priced_storeroom(hospital, {"ONDA4INJ": (400, 600)}, authorized=False)
    with SqlUnitOfWork(hospital) as uow:
        (draft,) = purchasing.suggest_orders(uow, clock=CLOCK, user=BUYER).orders
    with SqlUnitOfWork(hospital) as uow:
        return purchasing.approve_order(uow, order=draft.number, user=BUYER, clock=CLOCK)


def authorize(engine: Engine, *, expires: date, verified_on: date | None = None) -> None:
    with SqlUnitOfWork(engine) as uow:
        trading_partners.record_authorization(
            uow,
            partner=WHOLESALER,
            kind="state_wholesale_license",
            number="WH-004512",
            state="pa",
            expires=expires,
            verified_on=verified_on,
            source="PA State Board of Pharmacy licence lookup",
            user=BUYER,
            clock=CLOCK,
        )


def receive(
    engine: Engine, number: str, policy: PartnerPolicy | None = None
) -> tuple[PurchaseOrder, list]:  # type: ignore[type-arg]
    with SqlUnitOfWork(engine) as uow:
        done = receiving.receive_against_order(
            uow,
            order=number,
            product=TRAY,
            lot="ON2611X",
            expiry=date(2028, 6, 30),
            packages=4,
            user=BUYER,
            clock=CLOCK,
            partner_policy=policy,
        )
    return done.order, done.found


def counts(engine: Engine) -> tuple[int, int, int]:
    """Receipts in the ledger, audit entries and receiving discrepancies."""
    with engine.connect() as conn:
        return tuple(  # type: ignore[return-value]
            int(conn.execute(select(func.count()).select_from(table).where(where)).scalar_one())
            for table, where in (
                (tables.movement, tables.movement.c.kind == "receipt"),
                (tables.audit, tables.audit.c.action == "receive_against_order"),
                (tables.receiving_discrepancy, tables.receiving_discrepancy.c.id > 0),
            )
        )


def test_an_authorization_is_recorded_under_its_user_and_audited(hospital: Engine) -> None:
    priced_storeroom(hospital, {}, authorized=False)

    authorize(hospital, expires=date(2027, 3, 31))

    with SqlUnitOfWork(hospital, readonly=True) as uow:
        status = trading_partners.partner_status(uow, partner=WHOLESALER, clock=CLOCK)
    with hospital.connect() as conn:
        entry = conn.execute(
            select(tables.audit.c.entity_key, tables.audit.c.user_name).where(
                tables.audit.c.action == "record_partner_authorization"
            )
        ).one()
    (auth,) = status.authorizations
    assert (auth.state, auth.verified_on, auth.verified_by) == ("PA", date(2026, 11, 20), BUYER)
    assert status.authorized and status.checked and status.expiring is None
    assert tuple(entry) == (WHOLESALER, BUYER)


def test_the_list_shows_each_partner_with_its_status_and_why(hospital: Engine) -> None:
    priced_storeroom(hospital, {}, authorized=False)
    authorize(hospital, expires=date(2026, 12, 15))

    with SqlUnitOfWork(hospital, readonly=True) as uow:
        listed = {s.partner.name: s for s in trading_partners.partner_statuses(uow, clock=CLOCK)}

    wholesaler, gpo = listed[WHOLESALER], listed["Example Purchasing Alliance"]
    assert wholesaler.authorized and wholesaler.expiring == date(2026, 12, 15)
    assert not gpo.authorized and "not a trading partner that ships" in gpo.reason
    assert not gpo.checked


def test_a_receipt_from_a_partner_whose_licence_expired_is_refused_and_nothing_written(
    hospital: Engine, order: PurchaseOrder
) -> None:
    authorize(hospital, expires=date(2026, 11, 19), verified_on=date(2026, 6, 1))
    before = counts(hospital)

    with pytest.raises(PartnerNotAuthorized, match="expired on 2026-11-19") as refused:
        receive(hospital, order.number)

    assert refused.value.partner == WHOLESALER
    assert counts(hospital) == before
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        assert purchasing.get_order(uow, order.number).status is OrderStatus.SENT


def test_with_the_requirement_on_a_partner_with_nothing_on_file_is_refused(
    hospital: Engine, order: PurchaseOrder
) -> None:
    before = counts(hospital)

    with pytest.raises(PartnerNotAuthorized, match=r"no .*state wholesale license on file"):
        receive(hospital, order.number, REQUIRED)

    assert counts(hospital) == before


def test_without_the_requirement_a_partner_with_nothing_on_file_is_received_from(
    hospital: Engine, order: PurchaseOrder
) -> None:
    after, _ = receive(hospital, order.number)

    assert after.status is OrderStatus.PARTLY_RECEIVED


def test_a_receipt_from_an_authorized_partner_is_received(
    hospital: Engine, order: PurchaseOrder
) -> None:
    authorize(hospital, expires=date(2026, 11, 20))

    after, _ = receive(hospital, order.number, REQUIRED)

    assert after.status is OrderStatus.PARTLY_RECEIVED
    assert counts(hospital)[0] >= 1


def test_a_wrong_kind_or_a_future_verification_is_refused_and_nothing_recorded(
    hospital: Engine,
) -> None:
    priced_storeroom(hospital, {}, authorized=False)

    with SqlUnitOfWork(hospital) as uow, pytest.raises(InvalidValue, match="kind"):
        trading_partners.record_authorization(
            uow,
            partner=WHOLESALER,
            kind="fda_establishment_registration",
            number="3004512",
            state="FDA",
            expires=date(2027, 12, 31),
            user=BUYER,
            clock=CLOCK,
        )
    with pytest.raises(InvalidValue, match="verified_on"):
        authorize(hospital, expires=date(2027, 12, 31), verified_on=date(2026, 11, 21))

    with hospital.connect() as conn:
        rows = conn.execute(select(func.count()).select_from(tables.partner_authorization))
        assert rows.scalar_one() == 0


def test_a_refused_date_is_named_as_the_user_typed_it_not_as_python_writes_it(
    hospital: Engine,
) -> None:
    priced_storeroom(hospital, {}, authorized=False)

    with pytest.raises(InvalidValue) as expired:
        authorize(hospital, expires=date(2026, 1, 1))
    with pytest.raises(InvalidValue) as future:
        authorize(hospital, expires=date(2027, 12, 31), verified_on=date(2026, 11, 21))

    assert str(expired.value) == (
        "expires '2026-01-01': before the day it was verified (2026-11-20)"
    )
    assert str(future.value) == "verified_on '2026-11-21': after today (2026-11-20)"


def test_the_demo_seed_licenses_each_wholesaler_with_the_secondary_expiring_soon(
    hospital: Engine,
) -> None:
    priced_storeroom(hospital, {}, authorized=False)

    with SqlUnitOfWork(hospital) as uow:
        statuses = {s.partner.name: s for s in seed_authorizations(uow, clock=CLOCK, user="admin")}

    primary, secondary = statuses[WHOLESALER], statuses["Backup Pharma Supply"]
    assert primary.authorized and primary.expiring is None
    assert [a.number for a in primary.authorizations] == ["WHS-5127-PA", "WHS-4471-PA"]
    assert primary.authorizations[1].expires == date(2026, 9, 16)  # kept on file, expired
    assert secondary.authorized and secondary.expiring == date(2026, 12, 11)
    assert not statuses["Example Purchasing Alliance"].checked
    # the primary's X12 documents (examples/x12) are checked to come from its EDI id
    assert (primary.partner.edi_id, secondary.partner.edi_id) == ("DEMOWHOLESALEDR", None)
