"""The ledger's limits, second users, external ids, case GTINs and the clock."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from rxsupply.domain.clock import FixedClock
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.fields import check_text, parse_units
from rxsupply.domain.limits import Approval, LedgerLimits
from rxsupply.domain.location import Location, LocationKind, check_capacity
from rxsupply.domain.product import CasePack
from rxsupply.domain.users import Role
from rxsupply.errors import InvalidGTIN, InvalidValue, OverCapacity, PermissionDenied

LIMITS = LedgerLimits(max_quantity=1_000_000, approval_value=Decimal("500"), approval_units=100)


def test_a_quantity_above_the_configured_maximum_is_refused_naming_the_setting() -> None:
    with pytest.raises(InvalidValue, match="RXSUPPLY_MAX_QUANTITY"):
        LIMITS.quantity(2**63 - 1)

    assert LIMITS.quantity(1_000_000) == 1_000_000


def test_a_count_in_a_file_above_a_billion_is_refused_before_it_reaches_anything() -> None:
    with pytest.raises(InvalidValue, match="more than 1,000,000,000"):
        parse_units("9223372036854775807")
    with pytest.raises(InvalidValue, match="more than"):
        parse_units("1e25")


@pytest.mark.parametrize("text", ["LOT\x001", "LOT\n1", "\x1b[31mLOT", "LOT\x85"])
def test_control_characters_are_refused_with_their_code_and_position(text: str) -> None:
    with pytest.raises(InvalidValue, match="control character U\\+00"):
        check_text("lot", text, limit=40)


def test_an_over_long_value_is_refused_and_the_message_shows_only_its_start() -> None:
    with pytest.raises(InvalidValue) as caught:
        check_text("reference", "X" * 5_000_000, limit=120)

    assert "5,000,000 characters; at most 120" in str(caught.value)
    assert len(str(caught.value)) < 200


def test_an_adjustment_worth_more_than_the_approval_value_needs_a_second_user() -> None:
    assert LIMITS.needs_approval(units=-100, unit_cost=Decimal("5.01"), controlled=False) == (
        "$501.00 of stock (more than $500.00)"
    )
    assert LIMITS.needs_approval(units=100, unit_cost=Decimal("5.00"), controlled=False) is None


def test_any_adjustment_of_a_controlled_substance_needs_a_second_user() -> None:
    why = LIMITS.needs_approval(units=1, unit_cost=Decimal("0.10"), controlled=True)

    assert why == "the product is a controlled substance"


def test_without_a_cost_the_unit_count_decides_whether_a_second_user_is_needed() -> None:
    assert LIMITS.needs_approval(units=100, unit_cost=None, controlled=False) is None
    assert LIMITS.needs_approval(units=100_000, unit_cost=None, controlled=False) == (
        "100,000 units of a product without a cost (more than 100)"
    )


def test_the_second_user_must_be_another_person_who_is_a_manager_or_admin() -> None:
    with pytest.raises(PermissionDenied, match="someone other than tech"):
        Approval("tech", Role.MANAGER).check("tech", "why")
    with pytest.raises(PermissionDenied, match="tech2 is a technician"):
        Approval("tech2", Role.TECHNICIAN).check("tech", "why")

    Approval("manager", Role.MANAGER).check("tech", "why")


def test_an_external_id_is_a_source_and_an_id_stored_as_source_colon_id() -> None:
    ext = ExternalId.parse("txn:ED1-778812")

    assert (ext.source, ext.value, str(ext)) == ("txn", "ED1-778812", "txn:ED1-778812")
    with pytest.raises(InvalidValue, match="at most 120"):
        ExternalId("api", "x" * 120)
    with pytest.raises(InvalidValue, match="control character"):
        ExternalId("web", "token\x00")


def test_a_case_gtin_has_indicator_one_to_eight_and_holds_more_than_one_package() -> None:
    case = CasePack("30395246771878", 12)

    assert case.packages == 12
    with pytest.raises(InvalidGTIN, match="indicator 0 is not a case"):
        CasePack("00395246771877", 12)
    with pytest.raises(InvalidValue, match="2 to 100,000"):
        CasePack("30395246771878", 1)


def test_a_pocket_refuses_units_beyond_its_capacity_naming_how_many_fit() -> None:
    pocket = Location(code="ADC-P1", name="P1", kind=LocationKind.POCKET, capacity=20)

    with pytest.raises(OverCapacity, match="holds at most 20 units and has 15: 100 more"):
        check_capacity(pocket, holds=15, adding=100)

    check_capacity(pocket, holds=15, adding=5)


def test_a_fixed_clock_gives_the_facility_day_in_its_zone() -> None:
    clock = FixedClock(datetime(2026, 11, 21, 3, 0, tzinfo=UTC), ZoneInfo("America/New_York"))

    assert clock.today() == date(2026, 11, 20)
    assert clock.now() == datetime(2026, 11, 21, 3, 0, tzinfo=UTC)
