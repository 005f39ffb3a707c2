"""What the REST API and the web pages share: who is calling (API tokens, session cookies,
CSRF, one permission check per route), RFC 9457 problem responses, request dependencies, and
the planning decisions and runs both faces start.

``api`` and ``web`` import from here and never from each other; the app that composes them is
:func:`rxsupply.entrypoints.app.create_app`.
"""
