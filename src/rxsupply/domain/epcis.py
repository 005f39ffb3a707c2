"""EPCIS events as rxsupply reads them, and what a document's events add up to.

EPCIS (GS1 EPCIS 1.2 and 2.0) records what happened to identified objects: an ``ObjectEvent``
(commissioning, shipping...), an ``AggregationEvent`` (packing units into a case, a case onto
a pallet: ``parentID`` + ``childEPCs``), ``TransactionEvent``, ``TransformationEvent`` and
``AssociationEvent``. Business step and disposition come from the GS1 Core Business Vocabulary
(CBV 2.0 §7.1, §7.2), written as a URN (``urn:epcglobal:cbv:bizstep:shipping``, EPCIS 1.2), a
GS1 web URI (``https://ref.gs1.org/cbv/BizStep-shipping``) or bare (``shipping``, JSON-LD).

This module keeps one form of each: the CBV short name, the canonical identifier
(:mod:`rxsupply.domain.epc_identifier`), the event time in its own zone offset. It replays the
aggregation events in document order (EPCIS 2.0 §7.4.3: ADD packs the children into the parent,
DELETE unpacks the children named, or all of them when none are named) to give each container's
saleable units at the end of the document, and the units that shipping events sent.
Standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone

from rxsupply.errors import InvalidValue

EVENT_TYPES = (
    "ObjectEvent",
    "AggregationEvent",
    "TransactionEvent",
    "TransformationEvent",
    "AssociationEvent",
)
ACTIONS = ("ADD", "OBSERVE", "DELETE")
#: Event types that must carry an action (EPCIS 2.0 §7.4; TransformationEvent has none).
NEEDS_ACTION = frozenset(EVENT_TYPES) - {"TransformationEvent"}

#: CBV 2.0 §7.1 business steps.
BIZ_STEPS = frozenset(
    [
        "accepting",
        "arriving",
        "assembling",
        "collecting",
        "commissioning",
        "consigning",
        "creating_class_instance",
        "cycle_counting",
        "decommissioning",
        "departing",
        "destroying",
        "disassembling",
        "dispensing",
        "encoding",
        "entering_exiting",
        "holding",
        "inspecting",
        "installing",
        "killing",
        "loading",
        "other",
        "packing",
        "picking",
        "receiving",
        "removing",
        "repackaging",
        "repairing",
        "replacing",
        "reserving",
        "retail_selling",
        "sampling",
        "sensor_reporting",
        "shipping",
        "staging_outbound",
        "stock_taking",
        "stocking",
        "storing",
        "transporting",
        "unloading",
        "unpacking",
        "void_shipping",
    ]
)
#: CBV 2.0 §7.2 dispositions.
DISPOSITIONS = frozenset(
    [
        "active",
        "available",
        "completeness_verified",
        "completeness_inferred",
        "conformant",
        "container_closed",
        "container_open",
        "damaged",
        "destroyed",
        "dispensed",
        "disposed",
        "encoded",
        "expired",
        "in_progress",
        "in_transit",
        "inactive",
        "mismatch_instance",
        "mismatch_class",
        "mismatch_quantity",
        "needs_replacement",
        "no_pedigree_match",
        "non_conformant",
        "non_sellable_other",
        "partially_dispensed",
        "recalled",
        "reserved",
        "retail_sold",
        "returned",
        "sellable_accessible",
        "sellable_not_accessible",
        "stolen",
        "unavailable",
        "unknown",
    ]
)
_VOCABULARY = {
    "bizStep": ("urn:epcglobal:cbv:bizstep:", "https://ref.gs1.org/cbv/BizStep-", BIZ_STEPS),
    "disposition": ("urn:epcglobal:cbv:disp:", "https://ref.gs1.org/cbv/Disp-", DISPOSITIONS),
}
_STAMP = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$"
)
_OFFSET = re.compile(r"^([+-])(\d{2}):(\d{2})$")


def cbv_short_name(kind: str, value: str) -> str:
    """The CBV short name of a business step (``kind="bizStep"``) or disposition, whatever the
    form; a user vocabulary (a URI or a ``prefix:name`` CURIE) is kept as written.

    Raises:
        InvalidValue: a CBV URN/URI or bare word that the CBV does not define (``in_transport``).
    """
    urn, web, known = _VOCABULARY[kind]
    text = value.strip()
    for prefix in (urn, web, "cbv:" + web.rsplit("/", 1)[1]):
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    else:
        if ":" in text:
            return text
    if text not in known:
        raise InvalidValue(kind, "not a Core Business Vocabulary (CBV 2.0) name", value)
    return text


def parse_action(value: str | None, event_type: str) -> str | None:
    """The event's action, checked: ADD, OBSERVE or DELETE where the type needs one."""
    if value is None:
        if event_type in NEEDS_ACTION:
            raise InvalidValue("action", f"an {event_type} must say ADD, OBSERVE or DELETE")
        return None
    if value not in ACTIONS:
        raise InvalidValue("action", "must be ADD, OBSERVE or DELETE", value)
    return value


def parse_stamp(value: str, what: str = "eventTime") -> datetime:
    """An XML Schema dateTime with its offset (``Z`` or ``±hh:mm``; digits past microseconds are
    dropped). A time without an offset is refused: EPCIS times are instants."""
    found = _STAMP.match(value.strip())
    if found is None:
        raise InvalidValue(what, "expected an ISO 8601 date and time with its offset", value)
    year, month, day, hour, minute, second, fraction, zone = found.groups()
    try:
        stamp = datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second),
            int((fraction or "0")[:6].ljust(6, "0")),
            tzinfo=UTC if zone == "Z" else parse_offset(zone, what),
        )
    except ValueError as exc:
        raise InvalidValue(what, str(exc), value) from None
    return stamp


def parse_offset(value: str, what: str = "eventTimeZoneOffset") -> timezone:
    """A zone offset ``±hh:mm`` (EPCIS eventTimeZoneOffset)."""
    found = _OFFSET.match(value.strip())
    if found is None or int(found.group(2)) > 14 or int(found.group(3)) > 59:
        raise InvalidValue(what, "expected an offset +hh:mm or -hh:mm", value)
    sign = -1 if found.group(1) == "-" else 1
    delta = timedelta(hours=int(found.group(2)), minutes=int(found.group(3)))
    return timezone(sign * delta)


@dataclass(frozen=True, slots=True)
class Event:
    """One EPCIS event with its identifiers canonical (``identifiers`` in the order the event
    names them: EPC list, parent, children, inputs, outputs; no quantity classes)."""

    type: str
    action: str | None
    biz_step: str | None
    disposition: str | None
    event_time: datetime
    parent: str | None = None
    epcs: tuple[str, ...] = ()
    children: tuple[str, ...] = ()
    inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    #: Instance/lot master data (ILMD) by local name, e.g. ``lotNumber``, ``itemExpirationDate``.
    ilmd: tuple[tuple[str, str], ...] = ()
    #: Source and destination lists as (CBV short type, id), e.g. ``("owning_party", ...)``.
    sources: tuple[tuple[str, str], ...] = ()
    destinations: tuple[tuple[str, str], ...] = ()

    @property
    def identifiers(self) -> tuple[str, ...]:
        named = [*self.epcs, *([self.parent] if self.parent else []), *self.children]
        return tuple(dict.fromkeys([*named, *self.inputs, *self.outputs]))

    def as_dict(self) -> dict[str, object]:
        return {
            "type": self.type,
            "action": self.action,
            "biz_step": self.biz_step,
            "disposition": self.disposition,
            "event_time": self.event_time.isoformat(),
            "parent": self.parent,
            "identifiers": list(self.identifiers),
        }


def event_time(stamp: datetime, offset: timezone) -> datetime:
    """The event's time shown in its own zone offset (the same instant)."""
    return stamp.astimezone(offset)


@dataclass(slots=True)
class Packing:
    """The aggregation replay: which children each container holds, in document order."""

    children: dict[str, dict[str, None]] = field(default_factory=dict)
    containers: set[str] = field(default_factory=set)
    shipped_roots: dict[str, None] = field(default_factory=dict)
    #: The container each packed child is in now.
    holder: dict[str, str] = field(default_factory=dict)

    def apply(self, event: Event) -> None:
        """Replay one event (aggregations pack and unpack; shipping events record what left).

        Raises:
            InvalidValue: an ADD packs a child still packed in another container (EPCIS 2.0
                §7.4.3: a child is in one parent at a time; it leaves the first by a DELETE).
        """
        if event.type == "AggregationEvent" and event.parent:
            self.containers.add(event.parent)
            held = self.children.setdefault(event.parent, {})
            if event.action == "ADD":
                for child in event.children:
                    other = self.holder.get(child, event.parent)
                    if other != event.parent:
                        raise InvalidValue(
                            "childEPCs",
                            f"already packed in {other} and not unpacked from it (no "
                            "aggregation DELETE): a unit is in one container at a time",
                            child,
                        )
                held.update(dict.fromkeys(event.children))
                self.holder.update(dict.fromkeys(event.children, event.parent))
            elif event.action == "DELETE":
                for child in event.children or tuple(held):
                    if held.pop(child, 0) is None:
                        del self.holder[child]
        if event.biz_step == "shipping" and event.action != "DELETE":
            self.shipped_roots.update(dict.fromkeys(event.identifiers))

    def contents(self) -> dict[str, list[str]]:
        """Each container's saleable units at the end (nested containers flattened to their
        leaves), sorted; a container left empty is not listed."""
        result = {}
        for parent in sorted(self.children):
            leaves = sorted(self._leaves(parent, set()))
            if leaves:
                result[parent] = leaves
        return result

    def shipped(self, contents: Mapping[str, Sequence[str]]) -> list[str]:
        """The saleable units the shipping events sent: a container stands for its contents
        at the end of the document; an empty container sends nothing."""
        units: set[str] = set()
        for root in self.shipped_roots:
            if root in contents:
                units.update(contents[root])
            elif root not in self.containers:
                units.add(root)
        return sorted(units)

    def _leaves(self, node: str, seen: set[str]) -> Iterable[str]:
        seen.add(node)
        for child in self.children.get(node, {}):
            if child in seen:
                continue
            if self.children.get(child):
                yield from self._leaves(child, seen)
            elif child not in self.containers:
                yield child


@dataclass(slots=True)
class EpcisDocument:
    """What an EPCIS document holds, in rxsupply's forms: the events in document order, each
    container's saleable units at the end, the units shipped, and the transaction information
    and statement (``{}`` when no event ships). ``as_dict()`` is the JSON of ``rxsupply dscsa
    inspect --json``, a contract."""

    epcis_version: str
    events: list[Event] = field(default_factory=list)
    contents: dict[str, list[str]] = field(default_factory=dict)
    shipped: list[str] = field(default_factory=list)
    transaction: dict[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "epcis_version": self.epcis_version,
            "events": [event.as_dict() for event in self.events],
            "contents": self.contents,
            "shipped": self.shipped,
            "transaction": self.transaction,
        }
