"""The web UI: server-rendered Jinja2 pages on the same query and service functions as the API.

:func:`rxsupply.entrypoints.web.pages.install` adds the pages, the static files (plotly's
JavaScript served from the installed package, no CDN) and the HTML error pages to the app.
"""

from rxsupply.entrypoints.web import shortages
from rxsupply.entrypoints.web.pages import install

UPLOADS: dict[str, int] = {"/shortages/import": shortages.MAX_UPLOAD + 1024 * 1024}
"""The pages that take files, and the request body each may send (the page caps the file
itself; every other form is capped at ``RXSUPPLY_MAX_BODY_BYTES``)."""

__all__ = ["UPLOADS", "install"]
