"""The six-year rule of DSCSA records: the latest date a purge may reach."""

from __future__ import annotations

from datetime import date

import pytest

from rxsupply.domain.record_retention import check_purge_date, latest_purge_date, years_before
from rxsupply.errors import InvalidValue


def test_a_purge_may_reach_six_years_back_to_the_day() -> None:
    assert latest_purge_date(date(2026, 11, 20)) == date(2020, 11, 20)


def test_february_29_steps_back_to_february_28_in_a_common_year() -> None:
    assert years_before(date(2028, 2, 29), 6) == date(2022, 2, 28)


def test_a_date_six_years_back_is_accepted() -> None:
    assert check_purge_date(date(2020, 11, 20), date(2026, 11, 20)) == date(2020, 11, 20)


def test_a_date_younger_than_six_years_is_refused_naming_the_latest_allowed() -> None:
    with pytest.raises(InvalidValue, match="may reach 2020-11-20 at the latest, not 2020-11-21"):
        check_purge_date(date(2020, 11, 21), date(2026, 11, 20))
