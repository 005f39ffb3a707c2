"""A verification router client over HTTP: the GS1 Lightweight Messaging Standard request as a
JSON body POSTed to the router's URL, its JSON response read
(:mod:`rxsupply.domain.verification`).

Standard library only (``urllib.request``). Anything that keeps an answer from coming back
(a refused connection, a name that does not resolve, a timeout, HTTP 4xx/5xx, a body that is
not an LMS response) raises :class:`~rxsupply.errors.RouterUnavailable` with the reason; the
verification records it as *not verified: router unreachable*.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from rxsupply.domain.verification import VerificationRequest, VerificationResponse, parse_response
from rxsupply.errors import InvalidValue, RouterUnavailable

DEFAULT_TIMEOUT = 10.0
MAX_RESPONSE_BYTES = 64 * 1024


def check_router_url(url: str) -> str:
    """An ``http`` or ``https`` URL with a host."""
    raw = url.strip()
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidValue("router", "an http:// or https:// URL with a host", raw)
    return raw


class HttpVerificationRouter:
    """``HttpVerificationRouter("https://vrs.example/verify").verify(request)``."""

    def __init__(self, url: str, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self._url = check_router_url(url)
        self.timeout = timeout

    @property
    def url(self) -> str:
        return self._url

    def verify(self, request: VerificationRequest) -> tuple[VerificationResponse, str]:
        body = json.dumps(request.as_json()).encode()
        http_request = urllib.request.Request(
            self._url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(http_request, timeout=self.timeout) as answer:
                raw = answer.read(MAX_RESPONSE_BYTES + 1)
        except urllib.error.HTTPError as exc:
            raise RouterUnavailable(f"{self._url} answered HTTP {exc.code} {exc.reason}") from exc
        except urllib.error.URLError as exc:
            raise RouterUnavailable(f"{self._url}: {exc.reason}") from exc
        except TimeoutError as exc:
            raise RouterUnavailable(f"{self._url}: no answer within {self.timeout:g} s") from exc
        except OSError as exc:
            raise RouterUnavailable(f"{self._url}: {exc}") from exc
        if len(raw) > MAX_RESPONSE_BYTES:
            raise RouterUnavailable(f"{self._url}: the answer is over {MAX_RESPONSE_BYTES} bytes")
        text = raw.decode("utf-8", errors="replace")
        try:
            return parse_response(json.loads(text)), text
        except json.JSONDecodeError as exc:
            raise RouterUnavailable(f"{self._url}: the answer is not JSON ({exc.msg})") from exc
        except InvalidValue as exc:
            raise RouterUnavailable(f"{self._url}: not an LMS response: {exc}") from exc
