"""The storeroom's demand under proposed pocket levels, as the held-out replay builds it: the
pockets' change of refills added to what the storeroom issued, netted over the days so that no
unit is added or lost by the two refill schedules falling on different days."""

from __future__ import annotations

from types import SimpleNamespace
from typing import cast

import numpy as np

from rxsupply.analytics.series import SeriesInfo
from rxsupply.services.planning.holdout import netted, storeroom_demand


def test_a_day_that_cannot_take_a_refill_off_takes_it_off_the_next_days() -> None:
    base = np.array([[0.0, 2.0, 0.0, 3.0]])
    change = np.array([[1.0, -1.0, -1.0, 0.0]])

    out = netted(base, change)

    assert out.tolist() == [[1.0, 1.0, 0.0, 2.0]]  # not [1, 1, 0, 3]: the day 3 refill is owed
    assert out.sum() == base.sum() + change.sum()


def test_a_censored_day_stays_unknown_and_what_is_owed_waits_for_a_known_day() -> None:
    base = np.array([[0.0, np.nan, 4.0]])
    change = np.array([[-2.0, 1.0, 0.0]])

    out = netted(base, change)

    assert np.isnan(out[0, 1])
    assert out[0, 0] == 0.0 and out[0, 2] == 2.0


def test_what_is_still_owed_at_the_end_is_not_demand() -> None:
    assert netted(np.array([[1.0, 0.0]]), np.array([[0.0, -3.0]])).tolist() == [[1.0, 0.0]]


def test_the_same_refill_on_another_day_leaves_the_storeroom_use_as_it_was() -> None:
    # The storeroom issued 3 on day 3; the pocket replayed at today's levels refills on day 1,
    # at the proposed levels on day 2. The storeroom's use stays 3 (cut off at zero day by
    # day, it was 6: the day 1 refill the proposal does not make was dropped, the day 2 one
    # it makes was added).
    info = cast(SeriesInfo, SimpleNamespace(item_id=np.array([7, 7])))
    history = np.array([[0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 3.0]])

    out = storeroom_demand(
        history,
        info,
        pockets=np.array([0]),
        stores=np.array([1]),
        refills=np.array([[0, 0, 3, 0]]),
        refills_now=np.array([[0, 3, 0, 0]]),
    )

    assert out.tolist() == [[0.0, 0.0, 0.0, 3.0]]
