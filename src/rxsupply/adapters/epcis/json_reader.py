"""Reader of EPCIS 2.0 JSON-LD: capture documents, query documents, bare events and queries.

The document is read through the :class:`GuardedStream` (so never past the size cap) and parsed
whole: JSON-LD has no streaming form that keeps document order cheaply, and the cap bounds the
memory. Nesting deeper than ``max_depth`` is refused before the events are read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from rxsupply.adapters.epcis.fields import STANDARD_FIELDS, RawEvent, build_event
from rxsupply.adapters.epcis.guarded import GuardedStream
from rxsupply.adapters.epcis.master_data import Header, read_json_header
from rxsupply.domain.epcis import ACTIONS, EVENT_TYPES, Event, parse_stamp
from rxsupply.errors import DocumentRejected, InvalidValue

_LISTS = {"epcList": "epcs", "childEPCs": "children", "inputEPCList": "inputs"}
_LISTS["outputEPCList"] = "outputs"
_QUANTITY_KEYS = frozenset({"epcClass", "quantity", "uom"})
#: EPCIS 2.0 §8.2.7.1 SimpleEventQuery parameters: fixed names, then the patterned ones.
_QUERY_NAMES = frozenset(
    [
        "eventType",
        "GE_eventTime",
        "LT_eventTime",
        "GE_recordTime",
        "LT_recordTime",
        "EQ_action",
        "EQ_bizStep",
        "EQ_disposition",
        "EQ_readPoint",
        "WD_readPoint",
        "EQ_bizLocation",
        "WD_bizLocation",
        "EQ_transformationID",
        "MATCH_epc",
        "MATCH_parentID",
        "MATCH_inputEPC",
        "MATCH_outputEPC",
        "MATCH_anyEPC",
        "MATCH_epcClass",
        "MATCH_inputEPCClass",
        "MATCH_outputEPCClass",
        "MATCH_anyEPCClass",
        "EQ_quantity",
        "GT_quantity",
        "GE_quantity",
        "LT_quantity",
        "LE_quantity",
        "EQ_eventID",
        "EXISTS_errorDeclaration",
        "GE_errorDeclarationTime",
        "LT_errorDeclarationTime",
        "EQ_errorReason",
        "EQ_correctiveEventID",
        "orderBy",
        "orderDirection",
        "eventCountLimit",
        "maxEventCount",
        "GE_startTime",
        "LT_startTime",
        "GE_endTime",
        "LT_endTime",
        "EQ_persistentDisposition_set",
        "EQ_persistentDisposition_unset",
    ]
)
_QUERY_PATTERNS = re.compile(
    r"^(EQ_bizTransaction_|EQ_source_|EQ_destination_|EQ_INNER_|EQ_ILMD_|EXISTS_|HASATTR_|"
    r"EQATTR_|EQ_value_|GT_value_|GE_value_|LT_value_|LE_value_|EQ_sensor|GE_INNER_|"
    r"LT_INNER_|GT_INNER_|LE_INNER_|GE_ILMD_|LT_ILMD_|GT_ILMD_|LE_ILMD_|EQ_type|EQ_device|"
    r"EQ_data|EQ_micro|EQ_chemical|EQ_uom|EQ_component|EQ_bizRules|EQ_stringValue|"
    r"EQ_booleanValue|EQ_hexBinaryValue|EQ_uriValue|GE_time|LT_time|EQ_exception)"
)


def read_json(
    stream: GuardedStream,
    *,
    file: str,
    max_depth: int,
    on_event: Callable[[Event], None],
    validate: Callable[[object], None],
) -> tuple[str, Header]:
    """Read a JSON-LD document, check it with ``validate`` (the schema), then pass each event
    to ``on_event`` in document order."""
    chunks = []
    while chunk := stream.read(1 << 20):
        chunks.append(chunk)
    try:
        document = json.loads(b"".join(chunks))
    except (ValueError, RecursionError) as exc:
        raise DocumentRejected(file, "", f"not readable JSON: {exc}", "json") from None
    _check_depth(document, max_depth, file)
    validate(document)
    if not isinstance(document, dict):
        raise DocumentRejected(file, "", "an EPCIS JSON-LD document is an object", "structure")
    kind = document.get("type")
    if kind is None and "@context" in document:
        check_query(document, file)
        return "2.0", Header()
    if "@context" not in document:
        raise DocumentRejected(file, "", "a JSON-LD document needs its @context", "structure")
    events: list[object]
    if kind in EVENT_TYPES:
        events = [document]
    elif kind == "EPCISDocument":
        events = _list(document.get("epcisBody", {}), "eventList")
    elif kind == "EPCISQueryDocument":
        results = document.get("epcisBody", {}).get("queryResults", {})
        events = _list(results.get("resultsBody", {}), "eventList")
    else:
        raise DocumentRejected(file, "", f"not an EPCIS document: type {kind!r}", "structure")
    for number, event in enumerate(events, start=1):
        on_event(build_event(_raw_event(event, number, file), file=file))
    return "2.0", read_json_header(document)


def check_query(query: dict[str, Any], file: str) -> None:
    """A SimpleEventQuery's parameters: known names, times with offsets, known actions."""
    for name, value in query.items():
        if name.startswith("@"):
            continue
        if name not in _QUERY_NAMES and not _QUERY_PATTERNS.match(name):
            raise DocumentRejected(file, "query", f"unknown query parameter {name}", "query")
        try:
            if name.startswith(("GE_", "LT_")) and name.endswith("Time"):
                parse_stamp(str(value), name)
        except InvalidValue as exc:
            raise DocumentRejected(file, "query", str(exc), "query") from None
        if name == "EQ_action" and any(v not in ACTIONS for v in _strings(value)):
            raise DocumentRejected(file, "query", "EQ_action takes ADD, OBSERVE, DELETE", "query")
        if name == "orderDirection" and value not in ("ASC", "DESC"):
            raise DocumentRejected(file, "query", "orderDirection is ASC or DESC", "query")
        if name == "eventType" and any(v not in EVENT_TYPES for v in _strings(value)):
            raise DocumentRejected(file, "query", "eventType names EPCIS event types", "query")


def _raw_event(event: object, number: int, file: str) -> RawEvent:
    where = f"event {number}"
    if not isinstance(event, dict):
        raise DocumentRejected(file, where, "an event is an object", "structure")
    kind = event.get("type")
    if kind not in EVENT_TYPES:
        raise DocumentRejected(file, where, f"unknown event type {kind!r}", "structure")
    raw = RawEvent(type=kind, where=where, present=list(event))
    for name, value in event.items():
        if not (name in STANDARD_FIELDS or ":" in name or name.startswith("@")):
            raise DocumentRejected(file, where, f"unknown field {name!r}", "structure")
        if name in _LISTS:
            getattr(raw, _LISTS[name]).extend(str(v) for v in _strings(value))
        elif isinstance(value, str):
            raw.texts[name] = value
        elif name == "ilmd" and isinstance(value, dict):
            _ilmd(raw, value, file)
        elif name in ("sourceList", "destinationList"):
            into = raw.sources if name == "sourceList" else raw.destinations
            key = "source" if name == "sourceList" else "destination"
            into.extend((str(i.get("type", "")), str(i.get(key, ""))) for i in _dicts(value))
        elif name == "certificationInfo":
            raise DocumentRejected(
                file, where, "certificationInfo is a URI (EPCIS 2.0 §7.3.9), not an object", "rule"
            )
        elif name.endswith("uantityList"):
            _quantities(value, where, file)
    return raw


def _ilmd(raw: RawEvent, ilmd: dict[str, Any], file: str) -> None:
    for key, value in ilmd.items():
        if ":" not in key and not key.startswith("@"):
            raise DocumentRejected(
                file, raw.where, f"ilmd field {key!r} has no namespace prefix", "structure"
            )
        raw.ilmd.append((key.rsplit(":", 1)[-1], str(value)))


def _quantities(value: object, where: str, file: str) -> None:
    for item in _dicts(value):
        unknown = set(item) - _QUANTITY_KEYS
        if unknown:
            raise DocumentRejected(
                file, where, f"unknown quantity field(s) {sorted(unknown)}", "structure"
            )
        quantity = item.get("quantity")
        if quantity is not None and not isinstance(quantity, int | float):
            raise DocumentRejected(file, where, f"quantity {quantity!r} is not a number", "rule")


def _check_depth(value: object, limit: int, file: str) -> None:
    todo = [(value, 1)]
    while todo:
        item, depth = todo.pop()
        if depth > limit:
            raise DocumentRejected(file, "", f"values nested deeper than {limit}", "depth")
        if isinstance(item, dict):
            todo.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            todo.extend((v, depth + 1) for v in item)


def _list(container: object, key: str) -> list[object]:
    found = container.get(key, []) if isinstance(container, dict) else []
    return found if isinstance(found, list) else []


def _dicts(value: object) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _strings(value: object) -> list[object]:
    return value if isinstance(value, list) else [value]
