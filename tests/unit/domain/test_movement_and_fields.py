"""Ledger movement shape rules, single-value parsers, the location tree, DEA schedules, products."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from rxsupply.domain.fields import (
    is_id,
    parse_date,
    parse_id,
    parse_money,
    parse_timestamp,
    parse_units,
)
from rxsupply.domain.location import (
    ALLOWED_PARENTS,
    Location,
    LocationKind,
    check_parent,
)
from rxsupply.domain.movement import DEMAND_KINDS, Movement, MovementKind, check_movement
from rxsupply.domain.ndc import NDC
from rxsupply.domain.product import DEASchedule, Product
from rxsupply.errors import InvalidMovement, InvalidValue, LedgerError

AT = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)
NEW_YORK = ZoneInfo("America/New_York")
STOREROOM, ADC = 1, 2

Shape = tuple[int | None, int | None]
NO_LOCATION: Shape = (None, None)
OUT_ONLY: Shape = (STOREROOM, None)
IN_ONLY: Shape = (None, STOREROOM)
OUT_AND_IN: Shape = (STOREROOM, ADC)
SHAPES = [NO_LOCATION, OUT_ONLY, IN_ONLY, OUT_AND_IN]

VALID_SHAPES: dict[MovementKind, list[Shape]] = {
    MovementKind.RECEIPT: [IN_ONLY],
    MovementKind.TRANSFER: [OUT_AND_IN],
    MovementKind.REFILL: [OUT_AND_IN],
    MovementKind.DISPENSE: [OUT_ONLY],
    MovementKind.PATIENT_RETURN: [IN_ONLY],
    MovementKind.WASTE: [OUT_ONLY],
    MovementKind.RETURN_TO_VENDOR: [OUT_ONLY],
    MovementKind.ADJUSTMENT: [OUT_ONLY, IN_ONLY],
    MovementKind.COUNT_VARIANCE: [OUT_ONLY, IN_ONLY],
    MovementKind.REPACKAGE: [OUT_ONLY, IN_ONLY],
    MovementKind.OPEN: [OUT_ONLY, IN_ONLY],
}
VALID = [(kind, shape) for kind, shapes in VALID_SHAPES.items() for shape in shapes]
INVALID = [
    (kind, shape)
    for kind, shapes in VALID_SHAPES.items()
    for shape in SHAPES
    if shape not in shapes
]


def movement(
    kind: MovementKind,
    shape: Shape,
    *,
    quantity: int = 5,
    occurred_at: datetime = AT,
) -> Movement:
    return Movement(
        kind=kind,
        occurred_at=occurred_at,
        product_id=10,
        lot_id=100,
        quantity=quantity,
        from_location_id=shape[0],
        to_location_id=shape[1],
    )


# --- movements -------------------------------------------------------------------------------


def test_the_direction_table_covers_every_movement_kind() -> None:
    kinds = set(VALID_SHAPES)

    assert kinds == set(MovementKind)


@pytest.mark.parametrize(("kind", "shape"), VALID, ids=lambda v: str(v))
def test_a_movement_with_the_locations_its_kind_needs_is_accepted(
    kind: MovementKind, shape: Shape
) -> None:
    m = movement(kind, shape)

    check_movement(m)

    assert (m.from_location_id, m.to_location_id) == shape


@pytest.mark.parametrize(("kind", "shape"), INVALID, ids=lambda v: str(v))
def test_a_movement_with_the_wrong_locations_for_its_kind_is_rejected(
    kind: MovementKind, shape: Shape
) -> None:
    with pytest.raises(InvalidMovement) as caught:
        movement(kind, shape)

    assert str(caught.value).startswith(f"{kind.value}: needs ")


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        (MovementKind.RECEIPT, "receipt: needs a destination only"),
        (MovementKind.TRANSFER, "transfer: needs a source location and a destination only"),
        (MovementKind.DISPENSE, "dispense: needs a source location only"),
        (
            MovementKind.ADJUSTMENT,
            "adjustment: needs exactly one of a source (decrease) or a destination (increase)",
        ),
    ],
)
def test_a_movement_without_locations_says_which_locations_its_kind_needs(
    kind: MovementKind, message: str
) -> None:
    with pytest.raises(InvalidMovement) as caught:
        movement(kind, NO_LOCATION)

    assert str(caught.value) == message


@pytest.mark.parametrize("kind", [MovementKind.TRANSFER, MovementKind.REFILL])
def test_a_transfer_to_its_own_source_location_is_rejected(kind: MovementKind) -> None:
    with pytest.raises(InvalidMovement) as caught:
        movement(kind, (ADC, ADC))

    assert str(caught.value) == f"{kind.value}: source and destination are the same location"


@pytest.mark.parametrize("quantity", [0, -1, -40])
def test_a_movement_of_no_or_negative_units_is_rejected(quantity: int) -> None:
    with pytest.raises(InvalidMovement) as caught:
        movement(MovementKind.DISPENSE, OUT_ONLY, quantity=quantity)

    assert "quantity must be a positive whole number of units" in str(caught.value)
    assert str(quantity) in str(caught.value)


def test_a_movement_at_a_naive_time_is_rejected() -> None:
    naive = datetime(2026, 3, 2, 9, 30)

    with pytest.raises(InvalidMovement) as caught:
        movement(MovementKind.RECEIPT, IN_ONLY, occurred_at=naive)

    assert str(caught.value) == "receipt: occurred_at must be timezone-aware"


def test_a_movement_at_an_aware_non_utc_time_is_accepted() -> None:
    eastern = datetime(2026, 3, 2, 9, 30, tzinfo=timezone(timedelta(hours=-5)))

    m = movement(MovementKind.RECEIPT, IN_ONLY, occurred_at=eastern)

    assert m.occurred_at == AT


def test_check_movement_catches_a_movement_changed_after_it_was_made() -> None:
    m = movement(MovementKind.DISPENSE, OUT_ONLY)
    m.to_location_id = ADC

    with pytest.raises(InvalidMovement):
        check_movement(m)


def test_invalid_movements_are_ledger_errors() -> None:
    with pytest.raises(LedgerError):
        movement(MovementKind.WASTE, IN_ONLY)


def test_only_dispenses_and_patient_returns_are_demand() -> None:
    demand = DEMAND_KINDS

    assert demand == {MovementKind.DISPENSE, MovementKind.PATIENT_RETURN}


# --- whole units -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "units"),
    [("12", 12), (" 7 ", 7), ("1,200", 1200), ("3.0", 3), ("+4", 4), ("2E1", 20)],
)
def test_whole_units_are_read_from_plain_grouped_or_integral_decimal_text(
    text: str, units: int
) -> None:
    value = parse_units(text)

    assert value == units


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2.5", "quantities are whole dispense units"),
        ("abc", "not a whole number"),
        ("", "not a whole number"),
        ("NaN", "not a whole number"),
        ("0", "must be more than zero"),
        ("-3", "must not be negative"),
    ],
)
def test_units_that_are_not_a_positive_whole_number_are_rejected_with_a_reason(
    text: str, reason: str
) -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_units(text, "qty_dispensed")

    assert caught.value.reason == reason
    assert caught.value.field == "qty_dispensed"
    assert caught.value.value == text


def test_zero_units_are_allowed_when_asked() -> None:
    text = "0"

    value = parse_units(text, allow_zero=True)

    assert value == 0


def test_negative_units_are_allowed_when_asked() -> None:
    text = "-3"

    value = parse_units(text, allow_negative=True)

    assert value == -3


@pytest.mark.parametrize("text", ["Infinity", "-inf", "sNaN"])
def test_non_finite_units_are_rejected_as_invalid_values(text: str) -> None:
    with pytest.raises(InvalidValue):
        parse_units(text, allow_negative=True)


# --- dates and timestamps --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-03-02", date(2026, 3, 2)),
        (" 2026-03-02 ", date(2026, 3, 2)),
        ("03/02/2026", date(2026, 3, 2)),
        ("3/2/2026", date(2026, 3, 2)),
        ("12/31/2026", date(2026, 12, 31)),
    ],
)
def test_dates_are_read_in_iso_or_us_month_day_year_order(text: str, day: date) -> None:
    value = parse_date(text)

    assert value == day


@pytest.mark.parametrize(
    "text", ["03/02/26", "2026-02-30", "31/12/2026", "02.03.2026", "", "tomorrow", "1/2/3/2026"]
)
def test_text_that_is_no_date_is_rejected_naming_both_accepted_forms(text: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_date(text, "expiry")

    assert caught.value.field == "expiry"
    assert caught.value.reason == "not a date; use YYYY-MM-DD or MM/DD/YYYY"


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2026-03-02T09:30:00-05:00", datetime(2026, 3, 2, 14, 30, tzinfo=UTC)),
        ("2026-03-02T14:30:00+00:00", datetime(2026, 3, 2, 14, 30, tzinfo=UTC)),
        ("2026-03-02T14:30:00Z", datetime(2026, 3, 2, 14, 30, tzinfo=UTC)),
        ("2026-03-02T16:30:00+02:00", datetime(2026, 3, 2, 14, 30, tzinfo=UTC)),
    ],
)
def test_a_timestamp_with_an_offset_or_z_is_converted_to_utc(text: str, utc: datetime) -> None:
    value = parse_timestamp(text, NEW_YORK)

    assert value == utc
    assert value.tzinfo is UTC


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        # Eastern Standard Time, UTC-5
        ("2026-01-15T09:30:00", datetime(2026, 1, 15, 14, 30, tzinfo=UTC)),
        # the day before daylight saving time starts (Sunday 8 March 2026)
        ("2026-03-07T12:00:00", datetime(2026, 3, 7, 17, 0, tzinfo=UTC)),
        # the afternoon daylight saving time starts: Eastern Daylight Time, UTC-4
        ("2026-03-08T12:00:00", datetime(2026, 3, 8, 16, 0, tzinfo=UTC)),
        ("2026-07-04T09:30:00", datetime(2026, 7, 4, 13, 30, tzinfo=UTC)),
        # the first 01:30 of the day daylight saving time ends (Sunday 1 November 2026) is EDT
        ("2026-11-01T01:30:00", datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),
        ("2026-11-01T12:00:00", datetime(2026, 11, 1, 17, 0, tzinfo=UTC)),
    ],
)
def test_a_timestamp_without_an_offset_is_facility_local_time(text: str, utc: datetime) -> None:
    value = parse_timestamp(text, NEW_YORK)

    assert value == utc
    assert value.tzinfo is UTC


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2026-01-15", datetime(2026, 1, 15, 5, 0, tzinfo=UTC)),
        ("07/04/2026", datetime(2026, 7, 4, 4, 0, tzinfo=UTC)),
    ],
)
def test_a_bare_date_is_local_midnight(text: str, utc: datetime) -> None:
    value = parse_timestamp(text, NEW_YORK)

    assert value == utc


@pytest.mark.parametrize("text", ["", "yesterday", "2026-13-01T00:00:00", "14:30"])
def test_text_that_is_no_timestamp_is_rejected_with_an_iso_example(text: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_timestamp(text, NEW_YORK, "dispensed_at")

    assert caught.value.field == "dispensed_at"
    assert "ISO 8601" in caught.value.reason


# --- money -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("$1,234.50", Decimal("1234.5000")),
        ("1234.5", Decimal("1234.5000")),
        (" $0.125 ", Decimal("0.1250")),
        ("12", Decimal("12.0000")),
        ("0", Decimal("0.0000")),
        ("0.00005", Decimal("0.0000")),  # half to even at the fourth decimal
        ("0.00015", Decimal("0.0002")),
    ],
)
def test_money_is_read_as_a_decimal_to_four_places(text: str, amount: Decimal) -> None:
    value = parse_money(text)

    assert value == amount
    assert str(value) == str(amount)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("-$5.00", "must not be negative"),
        ("-1", "must not be negative"),
        ("abc", "not an amount of money"),
        ("", "not an amount of money"),
        ("NaN", "not an amount of money"),
        ("Infinity", "not an amount of money"),
        ("($5.00)", "not an amount of money"),
    ],
)
def test_text_that_is_no_amount_of_money_is_rejected(text: str, reason: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_money(text, "wac")

    assert caught.value.field == "wac"
    assert caught.value.reason == reason


@pytest.mark.parametrize("text", ["1E+30", "12345678901234567890123456"])
def test_an_absurdly_large_amount_is_rejected_as_an_invalid_value(text: str) -> None:
    with pytest.raises(InvalidValue):
        parse_money(text)


# --- locations -------------------------------------------------------------------------------

K = LocationKind
EXPECTED_PARENTS: dict[LocationKind, set[LocationKind | None]] = {
    K.SYSTEM: {None},
    K.FACILITY: {K.SYSTEM, None},
    K.STOREROOM: {K.FACILITY},
    K.SATELLITE: {K.FACILITY},
    K.ADC: {K.FACILITY, K.SATELLITE},
    K.POCKET: {K.ADC, K.STOREROOM, K.SATELLITE},
    K.QUARANTINE: {K.FACILITY, K.STOREROOM, K.SATELLITE},
    K.TRANSIT: {K.FACILITY},
}
PARENT_CHOICES: list[LocationKind | None] = [*LocationKind, None]
PAIRS = [(kind, parent) for kind in LocationKind for parent in PARENT_CHOICES]


@pytest.mark.parametrize(("kind", "parent"), PAIRS, ids=lambda v: str(v))
def test_each_location_kind_may_sit_only_under_its_allowed_parents(
    kind: LocationKind, parent: LocationKind | None
) -> None:
    reason = check_parent(kind, parent)

    assert (reason is None) == (parent in EXPECTED_PARENTS[kind])


def test_the_allowed_parents_table_matches_the_tree_in_the_design() -> None:
    table = {kind: set(parents) for kind, parents in ALLOWED_PARENTS.items()}

    assert table == EXPECTED_PARENTS


@pytest.mark.parametrize(
    ("kind", "parent", "reason"),
    [
        (
            K.POCKET,
            K.FACILITY,
            "a pocket cannot sit under a facility; allowed parents: adc, satellite, storeroom",
        ),
        (K.STOREROOM, None, "a storeroom cannot sit under no parent; allowed parents: facility"),
        (K.SYSTEM, K.FACILITY, "a system cannot sit under a facility; allowed parents: (none)"),
        (
            K.FACILITY,
            K.FACILITY,
            "a facility cannot sit under a facility; allowed parents: (none), system",
        ),
        (K.ADC, K.POCKET, "a adc cannot sit under a pocket; allowed parents: facility, satellite"),
    ],
)
def test_a_refused_parent_is_explained_with_the_allowed_parents(
    kind: LocationKind, parent: LocationKind | None, reason: str
) -> None:
    explained = check_parent(kind, parent)

    assert explained == reason


def test_a_pocket_has_a_capacity_in_units() -> None:
    pocket = Location(code="ICU-ADC1-P01", name="Pocket 1", kind=K.POCKET, capacity=20)

    holds = pocket.holds_stock

    assert holds
    assert pocket.capacity == 20


@pytest.mark.parametrize("kind", [K.ADC, K.STOREROOM, K.FACILITY])
def test_only_pockets_have_a_capacity(kind: LocationKind) -> None:
    with pytest.raises(InvalidValue) as caught:
        Location(code="X1", name="X", kind=kind, capacity=20)

    assert caught.value.reason == "only pockets have a capacity"


@pytest.mark.parametrize("capacity", [0, -5])
def test_a_pocket_capacity_is_at_least_one_unit(capacity: int) -> None:
    with pytest.raises(InvalidValue) as caught:
        Location(code="P1", name="Pocket", kind=K.POCKET, capacity=capacity)

    assert caught.value.field == "capacity"


@pytest.mark.parametrize("code", ["", "   "])
def test_a_location_needs_a_code(code: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        Location(code=code, name="Main pharmacy", kind=K.STOREROOM)

    assert caught.value.field == "code"


@pytest.mark.parametrize(
    ("kind", "holds"),
    [
        (K.SYSTEM, False),
        (K.FACILITY, False),
        (K.STOREROOM, True),
        (K.SATELLITE, True),
        (K.ADC, True),
        (K.POCKET, True),
    ],
)
def test_stock_lives_in_storerooms_satellites_cabinets_and_pockets(
    kind: LocationKind, holds: bool
) -> None:
    location = Location(code="L1", name="L", kind=kind)

    assert location.holds_stock is holds


# --- DEA schedules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "schedule"),
    [
        ("CII", DEASchedule.CII),
        ("cii", DEASchedule.CII),
        (" CIV ", DEASchedule.CIV),
        ("C1", DEASchedule.CI),
        ("C2", DEASchedule.CII),
        ("C3", DEASchedule.CIII),
        ("C4", DEASchedule.CIV),
        ("C5", DEASchedule.CV),
        ("c5", DEASchedule.CV),
        ("I", DEASchedule.CI),
        ("II", DEASchedule.CII),
        ("III", DEASchedule.CIII),
        ("iv", DEASchedule.CIV),
        ("V", DEASchedule.CV),
        ("1", DEASchedule.CI),
        ("2", DEASchedule.CII),
        ("3", DEASchedule.CIII),
        ("4", DEASchedule.CIV),
        ("5", DEASchedule.CV),
    ],
)
def test_dea_schedules_are_read_from_fda_text_and_common_aliases(
    text: str, schedule: DEASchedule
) -> None:
    parsed = DEASchedule.parse(text)

    assert parsed is schedule


@pytest.mark.parametrize("text", [None, "", "   "])
def test_a_blank_dea_schedule_means_not_controlled(text: str | None) -> None:
    parsed = DEASchedule.parse(text)

    assert parsed is None


@pytest.mark.parametrize("text", ["CVI", "6", "VI", "C-II", "schedule 2", "Rx"])
def test_an_unknown_dea_schedule_is_rejected_listing_the_valid_ones(text: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        DEASchedule.parse(text)

    assert caught.value.field == "dea_schedule"
    assert caught.value.reason == "expected CI, CII, CIII, CIV or CV (or blank)"
    assert caught.value.value == text


# --- products --------------------------------------------------------------------------------

ONDANSETRON_NDC = NDC("0409", "4888", "10")


@pytest.mark.parametrize(
    ("package_cost", "package_size", "unit_cost"),
    [
        (Decimal("12.50"), 25, Decimal("0.5000")),
        (Decimal("10.00"), 3, Decimal("3.3333")),
        (Decimal("20.00"), 3, Decimal("6.6667")),
        (Decimal("4.99"), 1, Decimal("4.9900")),
        (Decimal("0"), 10, Decimal("0.0000")),
    ],
)
def test_unit_cost_is_the_package_cost_per_dispense_unit_to_four_places(
    package_cost: Decimal, package_size: int, unit_cost: Decimal
) -> None:
    product = Product(
        ndc=ONDANSETRON_NDC,
        name="Ondansetron 4 mg/2 mL vial",
        package_size=package_size,
        package_cost=package_cost,
    )

    cost = product.unit_cost

    assert cost == unit_cost
    assert str(cost) == str(unit_cost)


def test_a_product_without_a_package_cost_has_no_unit_cost() -> None:
    product = Product(ndc=ONDANSETRON_NDC, name="Ondansetron 4 mg/2 mL vial", package_size=25)

    cost = product.unit_cost

    assert cost is None


def test_a_product_knows_its_gtin() -> None:
    product = Product(ndc=ONDANSETRON_NDC, name="Ondansetron 4 mg/2 mL vial")

    gtin = product.gtin

    assert gtin == "00304094888101"


@pytest.mark.parametrize("package_size", [0, -1])
def test_a_package_holds_at_least_one_unit(package_size: int) -> None:
    with pytest.raises(InvalidValue) as caught:
        Product(ndc=ONDANSETRON_NDC, name="Ondansetron", package_size=package_size)

    assert caught.value.field == "package_size"


def test_a_package_cost_cannot_be_negative() -> None:
    with pytest.raises(InvalidValue) as caught:
        Product(ndc=ONDANSETRON_NDC, name="Ondansetron", package_cost=Decimal("-0.01"))

    assert caught.value.field == "package_cost"


@pytest.mark.parametrize("text", ["²", "١٢", "1" * 10, "", " ", "-1", "12a"])
def test_a_record_id_is_ascii_digits_of_bounded_length(text: str) -> None:
    assert is_id(text) is False
    with pytest.raises(InvalidValue, match=r"^counted-x .*an id: a whole number of at most 9"):
        parse_id(text, "counted-x")


def test_a_record_id_of_nine_ascii_digits_reads() -> None:
    assert (is_id(" 123456789 "), parse_id("42", "line")) == (True, 42)


@pytest.mark.parametrize("text", ["1e999999999", "-1e999999999", "1e10", "9" * 4400])
def test_a_count_with_a_huge_exponent_or_digits_is_refused_at_once(text: str) -> None:
    started = time.perf_counter()

    with pytest.raises(InvalidValue) as caught:
        parse_units(text, allow_negative=True)

    assert time.perf_counter() - started < 1  # 1e999999999 was turned into a billion digits
    assert caught.value.reason in ("more than 1,000,000,000", "not a whole number")


@pytest.mark.parametrize("text", ["9999-12-31", "0001-01-01", "12/31/2200", "1899-12-31"])
def test_a_date_outside_1900_to_2199_is_refused(text: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_date(text, "expiry")

    assert caught.value.reason == "outside the years 1900 to 2199"


def test_a_timestamp_in_the_year_9999_is_refused_not_overflowed() -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_timestamp("9999-12-31T23:59:00-05:00", UTC, "timestamp")

    assert (caught.value.field, caught.value.reason) == (
        "timestamp",
        "outside the years 1900 to 2199",
    )
