"""What the expiry-risk tests of the API and the web share: a planning run's forecast
for one item-location, written as a run leaves it (``series_class``)."""

from __future__ import annotations

from sqlalchemy import Engine, insert, select
from tests.conftest import NOW

from rxsupply.adapters import tables


def forecast(engine: Engine, *, location: str, item: str, daily: float) -> None:
    loc, it = tables.location, tables.item
    with engine.begin() as conn:
        where = conn.execute(select(loc.c.id).where(loc.c.code == location)).scalar_one()
        what = conn.execute(select(it.c.id).where(it.c.code == item)).scalar_one()
        conn.execute(
            insert(tables.series_class).values(
                location_id=where,
                item_id=what,
                run_at=NOW,
                abc="A",
                xyz="X",
                demand_class="smooth",
                lifecycle="active",
                mean_daily_demand=daily,
                forecast_daily=daily,
                sd_daily_demand=0.5,
                annual_value=100.0,
                method="ses",
                distribution="normal",
                min_level=1,
                max_level=2,
                target=0.95,
            )
        )
