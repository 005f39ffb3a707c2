"""A cap on request bodies, enforced before anyone is authenticated.

FastAPI reads a route's JSON or form body before it runs the route's dependencies (the caller
check among them), so without a cap anyone could make the server hold any body in memory. The
:class:`BodyLimit` middleware (pure ASGI, outside every route) refuses a body whose
``Content-Length`` passes the cap before reading a byte of it, and counts the bytes of one
sent without a length (chunked) as the app reads them, failing the read one chunk past the cap.
Either way the answer is a 413 problem response.

The cap is ``RXSUPPLY_MAX_BODY_BYTES`` (1 MiB). The routes that take files name their own,
larger caps (:data:`Allowances`, path -> bytes): their own code still checks the file, this
only lets their bodies through.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rxsupply.entrypoints.http.problems import PROBLEM

Allowances = Mapping[str, int]
"""Paths whose bodies may be larger than the cap, and how large (bytes)."""


class BodyTooLarge(HTTPException):
    """A request body past its cap (413), raised from the body's read."""

    def __init__(self, cap: int) -> None:
        super().__init__(413, too_large_detail(cap))
        self.cap = cap


def too_large_detail(cap: int) -> str:
    return f"the request body is larger than the {cap:,}-byte cap; nothing was read past it"


class BodyLimit:
    """Refuse request bodies past ``cap`` bytes (``allowances`` for the paths that take
    files) with a 413 problem response."""

    def __init__(self, app: ASGIApp, *, cap: int, allowances: Allowances | None = None) -> None:
        self.app = app
        self.cap = cap
        self.allowances = dict(allowances or {})

    def cap_of(self, path: str) -> int:
        return max(self.cap, self.allowances.get(path, 0))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = self.cap_of(scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > cap:
            await _refuse(scope, send, cap)
            return
        read = 0
        started = False

        async def counted() -> Message:
            nonlocal read
            message = await receive()
            if message["type"] == "http.request":
                read += len(message.get("body", b""))
                if read > cap:
                    raise BodyTooLarge(cap)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            if started:
                raise
            await _refuse(scope, send, cap)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else None
    return None


async def _refuse(scope: Scope, send: Send, cap: int) -> None:
    body = json.dumps(
        {
            "type": "https://rxsupply.dev/problems/body-too-large",
            "title": "Body too large",
            "status": 413,
            "detail": too_large_detail(cap),
            "instance": scope.get("path", ""),
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", PROBLEM.encode()),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
