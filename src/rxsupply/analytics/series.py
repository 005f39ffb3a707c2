"""What planning knows about each series of a demand matrix (an item at a location).

The demand history port (``rxsupply.services.ports.DemandHistory``) hands planning a
:class:`~rxsupply.analytics.demand.DemandMatrix` and a :class:`SeriesInfo` whose arrays are
aligned with the matrix's rows.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]

ISSUING_KINDS = ("storeroom", "satellite")
"""Location kinds whose demand is what they issue to other locations (transfers, refills)."""


@dataclass(frozen=True, slots=True)
class SeriesInfo:
    """What planning needs to know about each row of the matrix (aligned arrays)."""

    location_id: Ints
    item_id: Ints
    location_code: tuple[str, ...]
    item_code: tuple[str, ...]
    item_name: tuple[str, ...]
    location_kind: NDArray[np.str_]
    cabinet: tuple[str, ...]  # a pocket's cabinet (its parent location), else the location
    capacity: Ints  # 0 when none
    unit_cost: Floats
    case_pack: Ints
    criticality: NDArray[np.str_]
    current_min: Ints  # -1 when no setting
    current_max: Ints
    lead_time_days: Ints
    review_period_days: Ints
    on_hand: Ints  # at the end of the window, usable or not
    controlled: NDArray[np.bool_]  # a controlled substance (a DEA schedule)
    shelf_life_days: Ints  # median days from receipt to expiry of the item's lots; 0 unknown

    def rows_of(self, codes: set[str]) -> Ints:
        """The rows of the items with these codes."""
        return np.array([i for i, c in enumerate(self.item_code) if c in codes], dtype=np.int64)

    def take(self, rows: Ints) -> SeriesInfo:
        """The information of some series only, in the order of ``rows``."""

        def pick(values: Any) -> Any:
            if isinstance(values, tuple):
                return tuple(values[i] for i in rows.tolist())
            return values[rows]

        return SeriesInfo(**{f.name: pick(getattr(self, f.name)) for f in fields(self)})

    def issuing(self) -> NDArray[np.bool_]:
        """The series at storerooms and satellites (see :data:`ISSUING_KINDS`)."""
        return np.isin(self.location_kind, ISSUING_KINDS)
