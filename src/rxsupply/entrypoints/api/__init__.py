"""The REST API and the web application (one FastAPI app)."""

from rxsupply.entrypoints.api.app import create_app

__all__ = ["create_app"]
