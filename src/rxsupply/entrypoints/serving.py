"""How ``rxsupply serve`` runs the app under uvicorn, in one process or several.

Behind a TLS proxy the app sees the proxy's plain-HTTP connection: uvicorn takes the client's
address and scheme from ``X-Forwarded-For`` and ``X-Forwarded-Proto`` when the connection comes
from an address of ``RXSUPPLY_FORWARDED_ALLOW_IPS`` (only). The ``Server`` header is left out.
"""

from __future__ import annotations

import uvicorn
from starlette.types import ASGIApp

from rxsupply.config import load_settings


def server_config(app: ASGIApp, *, host: str = "127.0.0.1", port: int = 8000) -> uvicorn.Config:
    """The uvicorn configuration of ``app`` (sockets of its own when ``port`` is bound by the
    caller)."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        proxy_headers=True,
        forwarded_allow_ips=load_settings().forwarded_allow_ips,
        server_header=False,
    )
