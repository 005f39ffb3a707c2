"""The web UI: server-rendered Jinja2 pages on the same query and service functions as the API.

:func:`rxsupply.entrypoints.web.pages.install` adds the pages, the static files (plotly's
JavaScript served from the installed package, no CDN) and the HTML error pages to the app.
"""

from rxsupply.entrypoints.web.pages import install

__all__ = ["install"]
