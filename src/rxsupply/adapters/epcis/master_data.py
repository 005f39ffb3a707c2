"""DSCSA transaction information and statement from an EPCIS document (GS1 US guideline).

The GS1 US Implementation Guideline for DSCSA (Release 1.3) carries the transaction
information (TI) and statement (TS) in the EPCIS header and events:

- product master data in the header's ``EPCISMasterData``, vocabulary ``EPCClass``, one element
  per GTIN pattern (``urn:epc:idpat:sgtin:030001.0012345.*``) with CBV master data attributes
  ``regulatedProductName``, ``strengthDescription``, ``dosageFormType``,
  ``netContentDescription`` (container size), ``additionalTradeItemIdentification`` (the NDC
  when its type code is ``US_FDA_NDC``);
- party names and addresses in vocabulary ``Location`` (``name``, ``streetAddressOne``...);
- the shipping event's source/destination lists (``owning_party``) for seller and buyer (the
  SBDH sender and receiver when absent), its time for the shipment date;
- lot and expiry in the commissioning events' ILMD (``lotNumber``, ``itemExpirationDate``);
- the statement in ``gs1ushc:dscsaTransactionStatement`` (``affirmTransactionStatement``,
  ``legalNotice``) beside ``gs1ushc:guidelineVersion``.

The transaction date is the shipping event's date in its own offset: the guideline's examples
ship on the day the seller transacts, and no other date is given.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from rxsupply.domain.epc_identifier import canonical_identifier
from rxsupply.domain.epcis import Event
from rxsupply.errors import InvalidValue

_ADDRESS = ("streetAddressOne", "streetAddressTwo", "city", "state", "postalCode", "countryCode")


@dataclass(slots=True)
class Header:
    """What the header says: master data by vocabulary type and id, the SBDH parties, the
    transaction statement."""

    vocabularies: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    sender: str | None = None
    receiver: str | None = None
    statement: dict[str, str] = field(default_factory=dict)


def read_header(element: Any) -> Header:
    """The :class:`Header` of an XML ``EPCISHeader`` element."""
    header = Header()
    for node in element.iter():
        if not isinstance(node.tag, str):
            continue
        name = etree.QName(node).localname
        if name == "Vocabulary":
            kind = _short_vocabulary(node.get("type", ""))
            elements = header.vocabularies.setdefault(kind, {})
            for item in node.iter("{*}VocabularyElement"):
                elements[item.get("id", "")] = {
                    _attribute_name(attr.get("id", "")): (attr.text or "").strip()
                    for attr in item.iter("{*}attribute")
                }
        elif name in ("Sender", "Receiver"):
            ident = next(node.iter("{*}Identifier"), None)
            value = (ident.text or "").strip() if ident is not None else None
            if name == "Sender":
                header.sender = value
            else:
                header.receiver = value
        elif name in ("affirmTransactionStatement", "legalNotice", "guidelineVersion"):
            header.statement[name] = (node.text or "").strip()
    return header


def read_json_header(document: dict[str, Any]) -> Header:
    """The :class:`Header` of a JSON-LD document's ``epcisHeader``."""
    header = Header()
    found = document.get("epcisHeader")
    if not isinstance(found, dict):
        return header
    master = found.get("epcisMasterData", {})
    for vocabulary in master.get("vocabularyList", []) if isinstance(master, dict) else []:
        kind = _short_vocabulary(str(vocabulary.get("type", "")))
        elements = header.vocabularies.setdefault(kind, {})
        for item in vocabulary.get("vocabularyElementList", []):
            elements[str(item.get("id", ""))] = {
                _attribute_name(str(attr.get("id", ""))): str(attr.get("attribute", ""))
                for attr in item.get("attributes", [])
                if isinstance(attr, dict)
            }
    return header


def transaction(header: Header, events: list[Event], shipped: list[str]) -> dict[str, object]:
    """The transaction information and statement, or an empty dict when nothing ships."""
    shipping = next((e for e in events if e.biz_step == "shipping"), None)
    if shipping is None:
        return {}
    locations = header.vocabularies.get("Location", {})
    seller = dict(shipping.sources).get("owning_party") or header.sender
    buyer = dict(shipping.destinations).get("owning_party") or header.receiver
    day = shipping.event_time.date().isoformat()
    return {
        "products": _products(header, events, shipping),
        "transaction_date": day,
        "shipment_date": day,
        "seller": _party(seller, locations),
        "buyer": _party(buyer, locations),
        "ship_from": _party(dict(shipping.sources).get("location"), locations),
        "ship_to": _party(dict(shipping.destinations).get("location"), locations),
        "package_identifiers": shipped,
        "statement": {
            "affirmed": header.statement.get("affirmTransactionStatement") == "true",
            "legal_notice": header.statement.get("legalNotice"),
            "guideline_version": header.statement.get("guidelineVersion"),
        },
    }


def _products(header: Header, events: list[Event], shipping: Event) -> list[dict[str, object]]:
    lots: dict[str, set[str]] = defaultdict(set)
    expiries: dict[str, set[str]] = defaultdict(set)
    for event in events:
        ilmd = dict(event.ilmd)
        for epc in event.epcs:
            of = _gtin(epc) or ""
            if "lotNumber" in ilmd:
                lots[of].add(ilmd["lotNumber"])
            if "itemExpirationDate" in ilmd:
                expiries[of].add(ilmd["itemExpirationDate"])
    sent = _sent_with_containers(events, shipping)
    products: list[dict[str, object]] = []
    for pattern, attributes in header.vocabularies.get("EPCClass", {}).items():
        gtin = _class_gtin(pattern)
        is_ndc = attributes.get("additionalTradeItemIdentificationTypeCode") == "US_FDA_NDC"
        products.append(
            {
                "gtin": gtin,
                "product_name": attributes.get("regulatedProductName"),
                "strength": attributes.get("strengthDescription"),
                "dosage_form": attributes.get("dosageFormType"),
                "ndc": attributes.get("additionalTradeItemIdentification") if is_ndc else None,
                "container_size": attributes.get("netContentDescription"),
                "number_of_containers": sum(1 for unit in sent if _gtin(unit) == gtin),
                "lots": sorted(lots.get(gtin or "", ())),
                "expiry_dates": sorted(expiries.get(gtin or "", ())),
                "manufacturer": attributes.get("manufacturerOfTradeItemPartyName"),
            }
        )
    # a GTIN shipped that the master data does not describe is listed all the same, with its
    # containers and lots and its description empty: the TI does not leave a product out
    described = {product["gtin"] for product in products}
    for gtin in sorted({g for g in map(_gtin, sent) if g is not None} - described):
        products.append(
            {
                "gtin": gtin,
                "product_name": None,
                "strength": None,
                "dosage_form": None,
                "ndc": None,
                "container_size": None,
                "number_of_containers": sum(1 for unit in sent if _gtin(unit) == gtin),
                "lots": sorted(lots.get(gtin, ())),
                "expiry_dates": sorted(expiries.get(gtin, ())),
                "manufacturer": None,
            }
        )
    return products


def _sent_with_containers(events: list[Event], shipping: Event) -> set[str]:
    """Every identifier the shipment carries, at any packing level."""
    children: dict[str, set[str]] = defaultdict(set)
    for event in events:
        if event.type == "AggregationEvent" and event.parent and event.action == "ADD":
            children[event.parent].update(event.children)
    sent: set[str] = set()
    todo = list(shipping.identifiers)
    while todo:
        unit = todo.pop()
        if unit not in sent:
            sent.add(unit)
            todo.extend(children.get(unit, ()))
    return sent


def _party(ident: str | None, locations: dict[str, dict[str, str]]) -> dict[str, object] | None:
    if ident is None:
        return None
    attributes = locations.get(ident, {})
    return {
        "id": ident,
        "name": attributes.get("name"),
        "address": {key: attributes[key] for key in _ADDRESS if key in attributes},
    }


def _gtin(identifier: str) -> str | None:
    return identifier[2:16] if identifier.startswith("01") else None


def _class_gtin(pattern: str) -> str | None:
    """The GTIN of an EPC class pattern (``urn:epc:idpat:sgtin:CP.IR.*``) or Digital Link."""
    text = pattern.replace("urn:epc:idpat:sgtin:", "urn:epc:id:sgtin:").replace(".*", ".0")
    try:
        return _gtin(canonical_identifier(text))
    except InvalidValue:
        return None


def _short_vocabulary(kind: str) -> str:
    for prefix in ("urn:epcglobal:epcis:vtype:", "https://ref.gs1.org/epcis/vtype/"):
        if kind.startswith(prefix):
            return kind[len(prefix) :]
    return kind


def _attribute_name(ident: str) -> str:
    """``urn:epcglobal:cbv:mda#city``, ``cbvmda:city`` and ``https://gs1.org/voc/city`` alike."""
    for separator in ("#", "/", ":"):
        if separator in ident:
            ident = ident.rsplit(separator, 1)[1]
    return ident
