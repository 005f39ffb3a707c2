"""Summaries the daily screens read (``kpi_product_day``, ``kpi_stock_day``), so the
dashboard's key figures need not read a year of the ledger on every request.

Both hold sums of ``movement`` rows per local day of the facility (``day``: days since
1970-01-01 in the facility's zone), folded in by :func:`rxsupply.adapters.queries.kpi_days.
refresh` up to a movement id recorded in ``app_setting`` (``kpi_days_through``). Readers add
the movements past that id themselves, so every figure is exact whenever the summary was last
refreshed; the movement table is append-only, so a folded row never changes.

``ix_on_hand_held`` indexes the on-hand lines that hold stock (most lines of a busy hospital
are at zero: pockets emptied and refilled from new lots).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, Table

from rxsupply.adapters.tables.columns import metadata
from rxsupply.adapters.tables.ledger import on_hand

kpi_product_day = Table(
    "kpi_product_day",
    metadata,
    Column("day", Integer, primary_key=True),
    Column("product_id", Integer, ForeignKey("product.id"), primary_key=True),
    Column("net_units", BigInteger, nullable=False),  # into the hospital less out of it
    Column("issued_units", BigInteger, nullable=False),  # dispensed less patient returns
)

kpi_stock_day = Table(
    "kpi_stock_day",
    metadata,
    Column("day", Integer, primary_key=True),
    Column("location_id", Integer, ForeignKey("location.id"), primary_key=True),
    Column("product_id", Integer, ForeignKey("product.id"), primary_key=True),
    Column("units_in", BigInteger, nullable=False),
    Column("units_out", BigInteger, nullable=False),
    Column("dispenses", Integer, nullable=False),  # dispense movements out of the location
    Column("refills", Integer, nullable=False),  # refill movements into it
)

ix_on_hand_held = Index(
    "ix_on_hand_held",
    on_hand.c.location_id,
    on_hand.c.product_id,
    on_hand.c.lot_id,
    on_hand.c.quantity,
    sqlite_where=on_hand.c.quantity > 0,
    postgresql_where=on_hand.c.quantity > 0,
)
