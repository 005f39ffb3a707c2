"""Settings from the environment. Only entrypoints read them."""

from __future__ import annotations

from decimal import Decimal

from pydantic_settings import BaseSettings, SettingsConfigDict

from rxsupply.domain.limits import LedgerLimits

DEFAULT_DATABASE_URL = "sqlite:///rxsupply.db"


class Settings(BaseSettings):
    """``RXSUPPLY_DATABASE_URL``: SQLAlchemy URL; a SQLite file in the working directory by
    default, ``postgresql+psycopg://user@host/db`` in production.
    ``RXSUPPLY_TIMEZONE``: the facility's time zone (IANA name) for calendar days.
    ``RXSUPPLY_IMPORT_ERROR_CAP``: how many row errors an import lists before it stops.
    ``RXSUPPLY_USER``: who the command line acts as (``--user`` overrides it).
    ``RXSUPPLY_MAX_QUANTITY``: the most dispense units one movement may carry.
    ``RXSUPPLY_APPROVAL_VALUE`` and ``RXSUPPLY_APPROVAL_UNITS``: above this value (or, for a
    product without a cost, this many units) an adjustment needs a second user."""

    model_config = SettingsConfigDict(env_prefix="RXSUPPLY_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    timezone: str = "America/New_York"
    import_error_cap: int = 100
    user: str = ""
    max_quantity: int = 1_000_000
    approval_value: Decimal = Decimal("500")
    approval_units: int = 100

    def limits(self) -> LedgerLimits:
        return LedgerLimits(
            max_quantity=self.max_quantity,
            approval_value=self.approval_value,
            approval_units=self.approval_units,
        )


def load_settings() -> Settings:
    return Settings()
