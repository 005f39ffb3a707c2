from datetime import date

import pytest

from rxsupply.domain.trading_partner import (
    Authorization,
    AuthorizationKind,
    Partner,
    PartnerType,
    authorized,
    check_state,
    expiring_soon,
    partner_type_of,
)
from rxsupply.errors import InvalidValue

WHOLESALER = Partner(name="Acme Drug", kind="wholesaler", type=PartnerType.WHOLESALE_DISTRIBUTOR)


def licence(
    *,
    expires: date = date(2027, 6, 30),
    verified_on: date = date(2026, 7, 1),
    kind: AuthorizationKind = AuthorizationKind.STATE_WHOLESALE_LICENSE,
) -> Authorization:
    return Authorization(
        kind=kind,
        number="WH-1234",
        state="PA",
        expires=expires,
        verified_on=verified_on,
        verified_by="buyer",
    )


def test_a_wholesaler_with_a_verified_state_licence_is_authorized() -> None:
    ok, why = authorized(WHOLESALER, [licence()], date(2026, 12, 6))

    assert ok
    assert "WH-1234" in why and "2027-06-30" in why


def test_a_licence_is_valid_through_its_expiry_day() -> None:
    ok, _ = authorized(WHOLESALER, [licence(expires=date(2026, 12, 6))], date(2026, 12, 6))

    assert ok


def test_the_day_after_its_expiry_the_partner_is_refused_naming_when_it_expired() -> None:
    ok, why = authorized(WHOLESALER, [licence(expires=date(2026, 12, 6))], date(2026, 12, 7))

    assert not ok
    assert "expired on 2026-12-06" in why


def test_a_verification_holds_through_the_last_day_of_the_reverification_period() -> None:
    verified = licence(verified_on=date(2025, 12, 6))

    ok_last_day, _ = authorized(WHOLESALER, [verified], date(2026, 12, 6))
    ok_day_after, why = authorized(WHOLESALER, [verified], date(2026, 12, 7))

    assert ok_last_day
    assert not ok_day_after
    assert "last verified on 2025-12-06" in why and "verify it again" in why


def test_the_reverification_period_can_be_shortened() -> None:
    verified = licence(verified_on=date(2026, 9, 6))

    ok, why = authorized(WHOLESALER, [verified], date(2026, 12, 6), reverify_days=90)

    assert not ok
    assert "more than 90 days" in why


def test_a_verification_dated_after_the_day_does_not_count() -> None:
    ok, why = authorized(WHOLESALER, [licence(verified_on=date(2026, 12, 7))], date(2026, 12, 6))

    assert not ok
    assert "verified only from 2026-12-07" in why


def test_a_registration_of_the_wrong_kind_does_not_authorize_a_wholesaler() -> None:
    fei = licence(kind=AuthorizationKind.FDA_ESTABLISHMENT_REGISTRATION)

    ok, why = authorized(WHOLESALER, [fei], date(2026, 12, 6))

    assert not ok
    assert "no fda wholesale license or state wholesale license on file" in why
    assert "fda establishment registration does not authorize one" in why


def test_a_partner_with_nothing_on_file_is_not_authorized() -> None:
    ok, why = authorized(WHOLESALER, [], date(2026, 12, 6))

    assert not ok
    assert why == (
        "Acme Drug has no fda wholesale license or state wholesale license on file for a "
        "wholesale distributor"
    )


def test_one_valid_licence_among_expired_ones_authorizes() -> None:
    old = licence(expires=date(2025, 6, 30), verified_on=date(2024, 7, 1))

    ok, _ = authorized(WHOLESALER, [old, licence()], date(2026, 12, 6))

    assert ok


def test_a_manufacturer_is_authorized_by_its_fda_establishment_registration() -> None:
    maker = Partner(name="Maker", kind="manufacturer", type=PartnerType.MANUFACTURER)
    fei = licence(kind=AuthorizationKind.FDA_ESTABLISHMENT_REGISTRATION)

    assert authorized(maker, [fei], date(2026, 12, 6))[0]
    assert not authorized(maker, [licence()], date(2026, 12, 6))[0]


def test_a_gpo_is_not_a_trading_partner_that_ships() -> None:
    gpo = Partner(name="Demo GPO", kind="gpo", type=partner_type_of("gpo", None))

    ok, why = authorized(gpo, [licence()], date(2026, 12, 6))

    assert not ok
    assert "not a trading partner that ships" in why


def test_the_purchasing_kind_implies_the_type_unless_one_is_recorded() -> None:
    assert partner_type_of("wholesaler", None) is PartnerType.WHOLESALE_DISTRIBUTOR
    assert partner_type_of("manufacturer", None) is PartnerType.MANUFACTURER
    assert partner_type_of("wholesaler", "3pl") is PartnerType.THIRD_PARTY_LOGISTICS
    assert partner_type_of("gpo", None) is None


def test_fda_issues_registrations_and_states_issue_wholesale_licences() -> None:
    assert check_state(AuthorizationKind.FDA_ESTABLISHMENT_REGISTRATION, "fda") == "FDA"
    assert check_state(AuthorizationKind.STATE_WHOLESALE_LICENSE, " pa ") == "PA"
    with pytest.raises(InvalidValue, match="issued by FDA"):
        check_state(AuthorizationKind.FDA_ESTABLISHMENT_REGISTRATION, "PA")
    with pytest.raises(InvalidValue, match="two-letter USPS code"):
        check_state(AuthorizationKind.STATE_WHOLESALE_LICENSE, "ZZ")


def test_a_licence_running_out_within_30_days_is_flagged_and_one_further_is_not() -> None:
    today = date(2026, 12, 6)

    soon = expiring_soon([licence(expires=date(2027, 1, 5))], WHOLESALER, today)
    later = expiring_soon([licence(expires=date(2027, 1, 6))], WHOLESALER, today)
    renewed = expiring_soon(
        [licence(expires=date(2027, 1, 5)), licence(expires=date(2028, 1, 5))], WHOLESALER, today
    )

    assert soon == date(2027, 1, 5)
    assert later is None
    assert renewed is None
