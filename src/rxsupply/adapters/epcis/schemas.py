"""Validation against the published EPCIS schemas, when a schema folder is configured.

The folder (``--schemas DIR`` or ``RXSUPPLY_EPCIS_SCHEMAS``) holds GS1's files as published:
``xsd-1.2/``, ``xsd-2.0/`` and ``EPCIS-JSON-Schema.json``. rxsupply ships none of them; without
the folder only our own rules apply (they catch what the schemas catch on the conformance set,
and more).

GS1's own example documents do not all pass GS1's schemas, so a few findings are tolerated,
each for a stated reason; everything else rejects the document:

- XML: libxml2 stops at the first finding. A value of the wrong type or outside its enumeration
  on an event's ``eventTime``, ``recordTime``, ``eventTimeZoneOffset`` or ``action``, and a
  missing required child, reject. Other content-model findings (element order, qualified event
  names, 2.0 fields inside 1.2 documents, unqualified ``QueryResults``) appear in GS1/OpenEPCIS
  examples that EPCIS 2.0 §9 converters accept; our own rules then judge the document.
- JSON: the JSON schema requires ``type`` on every ``sensorReport``, which EPCIS 2.0 §7.3.6
  makes optional (GS1's sensor example omits it): that finding alone is tolerated.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO

from jsonschema import Draft7Validator
from lxml import etree

from rxsupply.adapters.epcis.guarded import GuardedStream
from rxsupply.errors import DocumentRejected

_XSD = {
    ("EPCISDocument", "urn:epcglobal:epcis:xsd:1"): "xsd-1.2/EPCglobal-epcis-1_2.xsd",
    ("EPCISDocument", "urn:epcglobal:epcis:xsd:2"): "xsd-2.0/EPCglobal-epcis-2_0.xsd",
    (
        "EPCISQueryDocument",
        "urn:epcglobal:epcis-query:xsd:1",
    ): "xsd-1.2/EPCglobal-epcis-query-1_2.xsd",
    (
        "EPCISQueryDocument",
        "urn:epcglobal:epcis-query:xsd:2",
    ): "xsd-2.0/EPCglobal-epcis-query-2_0.xsd",
}
_STRICT_ELEMENTS = ("'eventTime'", "'recordTime'", "'eventTimeZoneOffset'", "'action'")


def validate_xml(open_stream: Any, folder: Path, *, file: str) -> None:
    """Validate the XML document ``open_stream()`` returns (a fresh :class:`GuardedStream`)
    against the XSD for its root element, streaming.

    Raises:
        DocumentRejected: the schema's first finding, unless tolerated (see the module).
    """
    root = _root(open_stream())
    relative = _XSD.get(root)
    if relative is None or not (folder / relative).exists():
        return
    schema = _schema(str(folder / relative))
    try:
        for _kind, element in etree.iterparse(
            open_stream(),
            events=("end",),
            schema=schema,
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
        ):
            element.clear(keep_tail=False)
    except etree.XMLSyntaxError as exc:
        last = exc.error_log.last_error
        message = last.message if last is not None else str(exc)
        line = last.line if last is not None else exc.lineno
        if _rejects(message):
            raise DocumentRejected(
                file, f"line {line}" if line else "", f"schema {relative}: {message}", "schema"
            ) from None


def validate_json(document: object, folder: Path, *, file: str) -> None:
    """Validate a JSON-LD document or event against ``EPCIS-JSON-Schema.json``."""
    path = folder / "EPCIS-JSON-Schema.json"
    if not path.exists() or not isinstance(document, dict) or "type" not in document:
        return
    for error in _json_validator(str(path)).iter_errors(document):
        where = "/".join(str(part) for part in error.absolute_path)
        if "sensorReport" in where and error.validator == "required":
            continue
        raise DocumentRejected(
            file, where or "document", f"JSON schema: {error.message[:300]}", "schema"
        )


def _rejects(message: str) -> bool:
    if "Missing child element" in message:
        return True
    if "not a valid value" in message or "not an element of the set" in message:
        return any(name in message for name in _STRICT_ELEMENTS)
    return False


def _root(stream: GuardedStream | BinaryIO) -> tuple[str, str]:
    try:
        for _kind, element in etree.iterparse(
            stream, events=("start",), resolve_entities=False, no_network=True, load_dtd=False
        ):
            name = etree.QName(element)
            return name.localname, name.namespace or ""
    except etree.XMLSyntaxError:
        return "", ""
    return "", ""


@cache
def _schema(path: str) -> etree.XMLSchema:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.XMLSchema(etree.parse(path, parser))


@cache
def _json_validator(path: str) -> Any:
    schema = json.loads(Path(path).read_text(encoding="utf-8"))
    return Draft7Validator(schema)
