"""A byte stream that refuses what an EPCIS document never needs and stops at a size cap.

EPCIS documents have no use for a document type declaration: a ``<!DOCTYPE`` (and with it
every ``<!ENTITY``: internal entities make a billion-laughs bomb, external ones read
``file:///etc/passwd`` or the network) is refused outright, before the parser sees it. The
parser is hardened as well (no DTD loading, no entity resolution, no network, no huge trees);
this check is the first wall. The stream also counts what it hands out and stops once the cap
is passed, so a 2 GB (or endless) stream costs at most the cap and one chunk.
"""

from __future__ import annotations

from typing import BinaryIO

from rxsupply.errors import DocumentRejected

#: The largest document read by default: 512 MiB (a 100,000-event document is about 60 MB).
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
#: The deepest element nesting read by default (EPCIS documents go about 12 deep).
DEFAULT_MAX_DEPTH = 64
_FORBIDDEN = (b"<!DOCTYPE", b"<!ENTITY")
_OVERLAP = max(len(marker) for marker in _FORBIDDEN) - 1


class GuardedStream:
    """A file-like reader over ``raw`` for lxml and json: ``read(n)`` only."""

    def __init__(self, raw: BinaryIO, *, name: str, max_bytes: int, markup: bool) -> None:
        self._raw = raw
        self._name = name
        self._max_bytes = max_bytes
        self._markup = markup
        self._tail = b""
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        want = 65536 if size is None or size < 0 else size
        chunk = self._raw.read(min(want, self._max_bytes + 1 - self.count))
        self.count += len(chunk)
        if self.count > self._max_bytes:
            raise DocumentRejected(
                self._name,
                f"byte {self._max_bytes:,}",
                f"the document is larger than the {self._max_bytes:,}-byte cap; "
                "nothing was read past it",
                "size",
            )
        if self._markup and chunk:
            window = self._tail + chunk
            start = self.count - len(chunk) - len(self._tail)
            for marker in _FORBIDDEN:
                if marker in window:
                    raise DocumentRejected(
                        self._name,
                        f"byte {start + window.index(marker):,}",
                        f"a {marker.decode()} declaration: DTDs and entities are refused "
                        "(entity expansion and external entities are unsafe)",
                        "unsafe",
                    )
            self._tail = window[-_OVERLAP:]
        return chunk
