"""Static files (``/static``): gzip-compressed when the browser accepts it, cached for a year
when asked for by a versioned URL, revalidated by ETag (304) otherwise.

Pages link their scripts and styles with :func:`StaticVersions.url` (``static_url`` in the
templates): ``/static/plotly.min.js?v=<first 12 hex digits of the file's SHA-256>``. A changed
file gets a new URL, so a versioned answer carries ``Cache-Control: public, max-age=31536000,
immutable``; an unversioned one ``no-cache`` (the browser revalidates with ``If-None-Match``
and gets a 304 while the file is unchanged).

Text files (JavaScript, CSS, SVG, JSON, HTML, text) are sent gzip-compressed to a browser whose
``Accept-Encoding`` names gzip, with ``Vary: Accept-Encoding`` and an ETag of their own (the
plain ETag with ``-gz``). Each file is compressed once per process and kept while its size and
time are unchanged: plotly.min.js is 4.8 MB plain and about 1.5 MB compressed.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from pathlib import Path

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Scope

YEAR = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")


class CachedStaticFiles(StaticFiles):
    """Starlette's StaticFiles with gzip, cache headers and versioned URLs (see the module)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._gzipped: dict[str, tuple[tuple[int, float], bytes]] = {}

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        request = Headers(scope=scope)
        plain = super().file_response(full_path, stat_result, scope, status_code)
        versioned = b"v=" in scope.get("query_string", b"")
        cache = YEAR if versioned else REVALIDATE
        media = plain.headers.get("content-type", "")
        if not media.startswith(COMPRESSIBLE):
            plain.headers["cache-control"] = cache
            return plain
        headers = {
            "cache-control": cache,
            "vary": "Accept-Encoding",
            "last-modified": plain.headers["last-modified"],
        }
        if "gzip" not in request.get("accept-encoding", "").lower():
            plain.headers.update(headers)
            return plain
        etag = plain.headers["etag"].removesuffix('"') + '-gz"'
        headers["etag"] = etag
        wanted = [t.strip().removeprefix("W/") for t in request.get("if-none-match", "").split(",")]
        if etag in wanted:
            return NotModifiedResponse(Headers(headers))
        body = self._compressed(str(full_path), stat_result)
        headers["content-encoding"] = "gzip"
        return Response(body, status_code=status_code, headers=headers, media_type=media)

    def _compressed(self, path: str, stat_result: os.stat_result) -> bytes:
        stamp = (stat_result.st_size, stat_result.st_mtime)
        kept = self._gzipped.get(path)
        if kept is not None and kept[0] == stamp:
            return kept[1]
        body = gzip.compress(Path(path).read_bytes(), compresslevel=6, mtime=0)
        self._gzipped[path] = (stamp, body)
        return body


class StaticVersions:
    """Versioned URLs of the static files: ``url("plotly.min.js")`` ->
    ``/static/plotly.min.js?v=<hash>``, the hash of the file found in ``directories``."""

    def __init__(self, directories: list[Path]) -> None:
        self.directories = directories
        self._known: dict[str, tuple[tuple[int, float], str]] = {}

    def url(self, name: str) -> str:
        for directory in self.directories:
            path = directory / name
            if path.is_file():
                found = path.stat()
                stamp = (found.st_size, found.st_mtime)
                kept = self._known.get(name)
                if kept is None or kept[0] != stamp:
                    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
                    kept = (stamp, digest)
                    self._known[name] = kept
                return f"/static/{name}?v={kept[1]}"
        return f"/static/{name}"
