"""Settings from the environment. Only entrypoints read them."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///rxsupply.db"


class Settings(BaseSettings):
    """``RXSUPPLY_DATABASE_URL``: SQLAlchemy URL; a SQLite file in the working directory by
    default, ``postgresql+psycopg://user@host/db`` in production.
    ``RXSUPPLY_TIMEZONE``: the facility's time zone (IANA name) for calendar days.
    ``RXSUPPLY_IMPORT_ERROR_CAP``: how many row errors an import lists before it stops."""

    model_config = SettingsConfigDict(env_prefix="RXSUPPLY_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    timezone: str = "America/New_York"
    import_error_cap: int = 100


def load_settings() -> Settings:
    return Settings()
