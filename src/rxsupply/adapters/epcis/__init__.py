"""Reading EPCIS documents: 1.2 XML, 2.0 XML and 2.0 JSON-LD, streaming, bounded and hardened.

:func:`read_epcis` is the one entry point: it refuses unsafe documents (a DTD or entity, more
bytes than the cap, deeper nesting than the limit), validates against the published schemas when
a schema folder is given, applies our own rules to every event, and returns an
:class:`EpcisDocument`: the events in document order, each container's contents at the end,
what was shipped, and the DSCSA transaction information and statement.

``EpcisDocument.as_dict()`` is the JSON of ``rxsupply dscsa inspect --json``, a contract:
``epcis_version``, ``events`` (``type``, ``action``, ``biz_step``, ``disposition``,
``event_time``, ``parent``, ``identifiers``), ``contents`` (an object: each container's
canonical identifier -> the sorted canonical identifiers of its saleable units, nested
containers flattened; containers left empty are not listed), ``shipped`` (a sorted list), and
the extra key ``transaction`` (``{}`` when no event ships).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import BinaryIO

from rxsupply.adapters.epcis.guarded import DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, GuardedStream
from rxsupply.adapters.epcis.json_reader import read_json
from rxsupply.adapters.epcis.master_data import transaction
from rxsupply.adapters.epcis.schemas import validate_json, validate_xml
from rxsupply.adapters.epcis.xml_reader import read_xml
from rxsupply.domain.epcis import EpcisDocument, Event, Packing
from rxsupply.domain.epcis_shipment import Commissioning
from rxsupply.errors import DocumentRejected, InvalidValue

__all__ = ["DEFAULT_MAX_BYTES", "DEFAULT_MAX_DEPTH", "EpcisDocument", "read_epcis", "schema_folder"]
SCHEMAS_ENV = "RXSUPPLY_EPCIS_SCHEMAS"


def schema_folder(option: Path | None = None) -> Path | None:
    """The schema folder: the option, else ``RXSUPPLY_EPCIS_SCHEMAS``, else none."""
    if option is not None:
        return option
    found = os.environ.get(SCHEMAS_ENV)
    return Path(found) if found else None


def read_epcis(
    source: Path | BinaryIO,
    *,
    name: str | None = None,
    schemas: Path | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> EpcisDocument:
    """Read an EPCIS document from a file or a binary stream.

    The schemas apply to a file (they need a second, streaming pass); a stream gets our own
    rules only. Nothing is written anywhere.

    Raises:
        DocumentRejected: the document is unsafe, too large, too deep, or invalid; the
            message names the file, the place and the reason.
    """
    file = name or (source.name if isinstance(source, Path) else "document")
    with ExitStack() as stack:

        def open_stream() -> GuardedStream:
            try:
                raw = source.open("rb") if isinstance(source, Path) else source
            except OSError as exc:
                why = exc.strerror or type(exc).__name__
                raise DocumentRejected(file, "", f"cannot read the file: {why}", "file") from None
            if isinstance(source, Path):
                stack.enter_context(raw)
            return GuardedStream(raw, name=file, max_bytes=max_bytes, markup=True)

        first = open_stream()
        head = first.read(1)
        while head.isspace():
            head = first.read(1)
        if not head:
            raise DocumentRejected(file, "", "the document is empty", "structure")
        if head == b"[":
            raise DocumentRejected(
                file,
                "",
                "a JSON array: an EPCIS JSON-LD document is one object ({...}), not a list",
                "structure",
            )
        stream = _Replay(head, first)
        packing = Packing()
        commissioning = Commissioning()
        events: list[Event] = []

        def on_event(event: Event) -> None:
            try:
                packing.apply(event)
                commissioning.apply(event)
            except InvalidValue as exc:  # the document contradicts itself
                where = f"event {len(events) + 1}"
                raise DocumentRejected(file, where, str(exc), "structure") from None
            events.append(event)

        try:
            if head == b"{":
                version, header = read_json(
                    stream,
                    file=file,
                    max_depth=max_depth,
                    on_event=on_event,
                    validate=_json_check(schemas, file),
                )
            else:
                if schemas is not None and isinstance(source, Path):
                    validate_xml(open_stream, schemas, file=file)
                version, header = read_xml(
                    stream, file=file, max_depth=max_depth, on_event=on_event
                )
        except DocumentRejected as exc:
            if not exc.file:
                raise DocumentRejected(file, exc.where, exc.reason, exc.rule) from None
            raise
    contents = packing.contents()
    shipped = packing.shipped(contents)
    return EpcisDocument(
        epcis_version=version,
        events=events,
        contents=contents,
        shipped=shipped,
        transaction=transaction(header, events, shipped),
    )


def _json_check(schemas: Path | None, file: str) -> Callable[[object], None]:
    def check(document: object) -> None:
        if schemas is not None:
            validate_json(document, schemas, file=file)

    return check


class _Replay(GuardedStream):
    """The guarded stream with the bytes already peeked put back in front."""

    def __init__(self, head: bytes, rest: GuardedStream) -> None:
        self._head = head
        self._rest = rest

    def read(self, size: int = -1) -> bytes:
        if self._head:
            head, self._head = self._head, b""
            return head + self._rest.read(max(size - len(head), 1) if size > 0 else size)
        return self._rest.read(size)
