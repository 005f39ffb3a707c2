"""Our own rules for one EPCIS event, shared by the XML and the JSON-LD readers.

A schema lets through documents that are wrong for us: an action spelled ``OBSERV`` in a type
the schema does not restrict, a business step the CBV does not define (``transforming``), an
eventTime without an offset, an identifier with a wrong check digit. Each reader hands the
event's fields here as plain values; this module checks them and builds the domain event.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rxsupply.domain.epc_identifier import canonical_identifier
from rxsupply.domain.epcis import (
    Event,
    cbv_short_name,
    event_time,
    parse_action,
    parse_offset,
    parse_stamp,
)
from rxsupply.domain.epcis_shipment import MAX_LOT, item_expiration_date
from rxsupply.errors import DocumentRejected, InvalidValue

#: The standard fields an event may carry (EPCIS 2.0 §7.4, with 1.2's wrappers), by the
#: name both syntaxes use.
STANDARD_FIELDS = frozenset(
    [
        "eventTime",
        "recordTime",
        "eventTimeZoneOffset",
        "eventID",
        "errorDeclaration",
        "certificationInfo",
        "baseExtension",
        "extension",
        "epcList",
        "parentID",
        "childEPCs",
        "action",
        "bizStep",
        "disposition",
        "readPoint",
        "bizLocation",
        "bizTransactionList",
        "quantityList",
        "childQuantityList",
        "inputEPCList",
        "inputQuantityList",
        "outputEPCList",
        "outputQuantityList",
        "transformationID",
        "sourceList",
        "destinationList",
        "sensorElementList",
        "persistentDisposition",
        "ilmd",
        "type",
    ]
)
_RULES = {
    "action": "action",
    "eventTime": "time",
    "recordTime": "time",
    "eventTimeZoneOffset": "time",
    "bizStep": "vocabulary",
    "disposition": "vocabulary",
    "identifier": "identifier",
    "itemExpirationDate": "time",
}


@dataclass(slots=True)
class RawEvent:
    """An event's fields as read, before our rules."""

    type: str
    where: str
    present: list[str] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    epcs: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    ilmd: list[tuple[str, str]] = field(default_factory=list)
    sources: list[tuple[str, str]] = field(default_factory=list)
    destinations: list[tuple[str, str]] = field(default_factory=list)


def build_event(raw: RawEvent, *, file: str) -> Event:
    """Apply our rules to ``raw`` and return the domain event.

    Raises:
        DocumentRejected: a required field missing, a malformed time, action, vocabulary
            name or identifier; the reason names the field.
    """
    try:
        return _build(raw)
    except InvalidValue as exc:
        raise DocumentRejected(file, raw.where, str(exc), _RULES.get(exc.field, "rule")) from None


def _build(raw: RawEvent) -> Event:
    texts = raw.texts
    for required in ("eventTime", "eventTimeZoneOffset"):
        if not texts.get(required):
            raise InvalidValue(required, f"an {raw.type} must have its {required}")
    if raw.type == "ObjectEvent" and not {"epcList", "quantityList"} & set(raw.present):
        raise InvalidValue("epcList", "an ObjectEvent names its objects (epcList or quantityList)")
    action = parse_action(texts.get("action"), raw.type)
    stamp = parse_stamp(texts["eventTime"])
    if texts.get("recordTime"):
        parse_stamp(texts["recordTime"], "recordTime")
    offset = parse_offset(texts["eventTimeZoneOffset"])
    for name, value in raw.ilmd:
        if name == "itemExpirationDate":
            item_expiration_date(value)
        elif name == "lotNumber" and len(value) > MAX_LOT:
            raise InvalidValue("lotNumber", f"longer than {MAX_LOT} characters (AI 10)", value)
    biz_step = texts.get("bizStep")
    disposition = texts.get("disposition")
    parent = texts.get("parentID")
    return Event(
        type=raw.type,
        action=action,
        biz_step=cbv_short_name("bizStep", biz_step) if biz_step else None,
        disposition=cbv_short_name("disposition", disposition) if disposition else None,
        event_time=event_time(stamp, offset),
        parent=canonical_identifier(parent) if parent else None,
        epcs=_canonical(raw.epcs),
        children=_canonical(raw.children),
        inputs=_canonical(raw.inputs),
        outputs=_canonical(raw.outputs),
        ilmd=tuple(raw.ilmd),
        sources=tuple((_short_type(kind), value) for kind, value in raw.sources),
        destinations=tuple((_short_type(kind), value) for kind, value in raw.destinations),
    )


def _short_type(kind: str) -> str:
    """A CBV source/destination type's short name (``urn:epcglobal:cbv:sdt:owning_party``,
    ``https://ref.gs1.org/cbv/SDT-owning_party`` and ``owning_party`` alike)."""
    for prefix in ("urn:epcglobal:cbv:sdt:", "https://ref.gs1.org/cbv/SDT-", "cbv:SDT-"):
        if kind.startswith(prefix):
            return kind[len(prefix) :]
    return kind


def _canonical(values: list[str]) -> tuple[str, ...]:
    return tuple(canonical_identifier(value) for value in values if value.strip())
