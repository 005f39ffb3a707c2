"""The app for ``uvicorn rxsupply.entrypoints.api.asgi:app`` and ``serve --processes N``:
the database comes from ``RXSUPPLY_DATABASE_URL``."""

from __future__ import annotations

from rxsupply.adapters.database import make_engine, migrate
from rxsupply.config import load_settings
from rxsupply.entrypoints.api.app import create_app

_engine = make_engine(load_settings().database_url)
migrate(_engine)
app = create_app(_engine)
