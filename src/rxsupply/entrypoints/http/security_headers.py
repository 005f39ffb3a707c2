"""The security headers on every response (pages, API, static files, /docs).

The Content Security Policy lets a page load scripts, styles, images and fonts from the app
itself only: no inline script (the pages' scripts are static files; a chart's figure is a JSON
data block its script reads), no plugin, no ``<base>``, forms posted to the app only, and no
framing by anyone (``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``). Styles may be
inline (``style-src 'unsafe-inline'``): plotly.js and Swagger UI write their own ``<style>``
elements, and a style cannot run code.

With ``RXSUPPLY_SECURE_COOKIES`` on (HTTPS, or a TLS proxy in front), every cookie the app sets
is marked ``Secure`` and ``Strict-Transport-Security`` tells the browser to use HTTPS only; a
request that came over HTTPS (or through a trusted proxy that says so) gets HSTS too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HSTS = "max-age=31536000; includeSubDomains"
HEADERS: tuple[tuple[str, str], ...] = (
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-frame-options", "DENY"),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "same-origin"),
    ("permissions-policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
)


class SecurityHeaders:
    """Add :data:`HEADERS` (and, when ``secure``, HSTS and ``Secure`` cookies) to every HTTP
    response; a header the response sets itself is kept."""

    def __init__(self, app: ASGIApp, *, secure: bool = False) -> None:
        self.app = app
        self.secure = secure
        extra = [(n.encode(), v.encode()) for n, v in HEADERS]
        if secure:
            extra.append((b"strict-transport-security", HSTS.encode()))
        self.extra = extra

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        https = scope.get("scheme") == "https"

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = self.headers(list(message.get("headers", [])), https=https)
            await send(message)

        await self.app(scope, receive, with_headers)

    def headers(
        self, headers: list[tuple[bytes, bytes]], *, https: bool = False
    ) -> list[tuple[bytes, bytes]]:
        """``headers`` with the security headers added (HSTS too over ``https``)."""
        if self.secure:
            headers = [
                (n, secure_cookie(v)) if n.lower() == b"set-cookie" else (n, v) for n, v in headers
            ]
        extra = self.extra
        if https and not self.secure:
            extra = [*extra, (b"strict-transport-security", HSTS.encode())]
        present = {n.lower() for n, _ in headers}
        return headers + [(n, v) for n, v in extra if n not in present]


def secure_cookie(value: bytes) -> bytes:
    """A ``Set-Cookie`` value with the ``Secure`` attribute (added once)."""
    attributes = [a.strip().lower() for a in value.split(b";")[1:]]
    return value if b"secure" in attributes else value + b"; Secure"


def server_error(*, secure: bool = False) -> Callable[[Request, Exception], Awaitable[Response]]:
    """The answer to an unhandled exception. Starlette sends it from its outermost middleware,
    outside :class:`SecurityHeaders`, so it carries the security headers itself (and the
    exception is still raised, to be logged)."""
    headers = dict(HEADERS) | ({"strict-transport-security": HSTS} if secure else {})

    async def handler(request: Request, exc: Exception) -> Response:
        return PlainTextResponse("Internal Server Error", status_code=500, headers=headers)

    return handler
