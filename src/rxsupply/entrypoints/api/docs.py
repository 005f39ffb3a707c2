"""The API's documentation page (``/docs``): Swagger UI served by the app itself, no CDN.

Swagger UI's files come from the installed ``fastapi-offline`` package (its ``static`` folder,
Swagger UI 5 under the Apache 2.0 licence), served from ``/static`` with the web UI's own files;
the page's only script of its own is ``/static/swagger-init.js``, a static file, so the page
works under the Content Security Policy (no inline script).
"""

from __future__ import annotations

from html import escape

from fastapi.responses import HTMLResponse


def swagger_page(*, title: str, openapi_url: str, static: str = "/static") -> HTMLResponse:
    """The Swagger UI page for the OpenAPI description at ``openapi_url``."""
    return HTMLResponse(
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)} · API docs</title>\n"
        f'<link rel="stylesheet" href="{static}/swagger-ui.css">\n'
        f'<link rel="icon" href="{static}/favicon.png">\n'
        "</head>\n<body>\n"
        f'<div id="swagger-ui" data-openapi-url="{escape(openapi_url)}"></div>\n'
        f'<script src="{static}/swagger-ui-bundle.js"></script>\n'
        f'<script src="{static}/swagger-init.js"></script>\n'
        "</body>\n</html>\n"
    )
