"""A lot's expiry window: usable through its expiry date, expired from the day after; each
window includes its last day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from rxsupply.adapters.queries.expiry import window_of

TODAY = date(2026, 11, 20)


@pytest.mark.parametrize(
    ("days", "window"),
    [
        (-1, "expired"),
        (0, "30"),  # expires today: still usable today
        (30, "30"),
        (31, "60"),
        (60, "60"),
        (61, "90"),
        (90, "90"),
        (91, "180"),
        (180, "180"),
        (181, "later"),
    ],
)
def test_a_lot_falls_in_the_first_window_its_expiry_is_within(days: int, window: str) -> None:
    assert window_of(TODAY + timedelta(days=days), TODAY) == window
