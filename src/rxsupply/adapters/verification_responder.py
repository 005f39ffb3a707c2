"""A local verification responder for tests and the demo: a small HTTP server (standard
library ``http.server``) answering GS1 Lightweight Messaging Standard requests, POSTed as JSON
or sent as the standard's GET Digital Link URI (``/01/{gtin}/10/{lot}/21/{serial}?17=...``).

What it answers comes from an ``answer`` function: a manufacturer's commissioned serials file
(:func:`read_commissioned`, CSV ``gtin,serial,lot,expiry,status``;
:func:`~rxsupply.domain.verification_check.answer_from_commissioned`) or the hospital's own
records (the CLI wires the service's ``answer_from_records``). A bad request is answered
HTTP 400 with ``{"error": reason}``; it binds where told (127.0.0.1 by default).
"""

from __future__ import annotations

import csv
import json
import threading
from collections.abc import Callable
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from rxsupply.domain.ndc import validate_gtin14
from rxsupply.domain.verification import (
    VerificationRequest,
    VerificationResponse,
    parse_digital_link,
    parse_expiration,
    parse_request,
)
from rxsupply.domain.verification_check import COMMISSIONED_STATUSES, Commissioned
from rxsupply.errors import InvalidValue, RxSupplyError

Answer = Callable[[VerificationRequest], VerificationResponse]
MAX_REQUEST_BYTES = 16 * 1024
COMMISSIONED_COLUMNS = ("gtin", "serial", "lot", "expiry")


def read_commissioned(path: Path) -> dict[tuple[str, str], Commissioned]:
    """A manufacturer's commissioned serials: CSV with a header ``gtin,serial,lot,expiry``
    (+ optional ``status``: blank/active, recalled, suspect, illegitimate, decommissioned);
    expiry ``YYYY-MM-DD`` or ``YYMMDD``.

    Raises:
        InvalidValue: a missing column, or a row's bad value (file, row and field named).
    """
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COMMISSIONED_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InvalidValue(path.name, "missing column(s) " + ", ".join(missing))
        out: dict[tuple[str, str], Commissioned] = {}
        for number, row in enumerate(reader, start=2):
            try:
                status = (row.get("status") or "").strip().lower()
                if status not in COMMISSIONED_STATUSES:
                    raise InvalidValue("status", "blank, " + ", ".join(COMMISSIONED_STATUSES[1:]))
                found = Commissioned(
                    gtin=validate_gtin14(row["gtin"] or ""),
                    serial=(row["serial"] or "").strip(),
                    lot=(row["lot"] or "").strip(),
                    expiry=parse_expiration(row["expiry"] or ""),
                    status=status,
                )
            except InvalidValue as exc:
                raise InvalidValue(f"{path.name} row {number} {exc.field}", exc.reason) from exc
            out[(found.gtin, found.serial)] = found
    return out


def _handler(answer: Answer, today: Callable[[], date]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "rxsupply-vrs/1"

        def _send(self, status: int, body: object) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _answer(self, read: Callable[[], VerificationRequest]) -> None:
            try:
                response = answer(read())
            except RxSupplyError as exc:
                self._send(400, {"error": str(exc)})
                return
            self._send(200, response.as_json())

        def do_POST(self) -> None:
            raw_length = self.headers.get("Content-Length") or "0"
            length = int(raw_length) if raw_length.isdigit() else 0
            if not 0 < length <= MAX_REQUEST_BYTES:
                self._send(400, {"error": f"a JSON body of 1 to {MAX_REQUEST_BYTES} bytes"})
                return
            body = self.rfile.read(length)

            def read() -> VerificationRequest:
                try:
                    obj = json.loads(body)
                except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                    raise InvalidValue("request", "not JSON") from exc
                return parse_request(obj, today=today())

            self._answer(read)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            self._answer(lambda: parse_digital_link(parts.path, parts.query, today=today()))

        def log_message(self, format: str, *args: object) -> None:
            return  # quiet: the CLI prints what it serves

    return Handler


def make_server(
    answer: Answer, *, host: str = "127.0.0.1", port: int = 8765, today: Callable[[], date]
) -> ThreadingHTTPServer:
    """A responder bound to ``host:port`` (port 0: a free one, read ``server_address``)."""
    server = ThreadingHTTPServer((host, port), _handler(answer, today))
    server.daemon_threads = True
    return server


def serve_in_thread(server: ThreadingHTTPServer) -> threading.Thread:
    """Serve in a daemon thread (tests, the demo); stop with ``server.shutdown()``."""
    thread = threading.Thread(target=server.serve_forever, name="rxsupply-vrs", daemon=True)
    thread.start()
    return thread


def responder_url(server: ThreadingHTTPServer) -> str:
    host, port = server.server_address[:2]
    return f"http://{host!s}:{port}/"
