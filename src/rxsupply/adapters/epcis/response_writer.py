"""A trace's response package as an EPCIS 1.2 XML document of our own events: one ObjectEvent
(action OBSERVE) per receipt (business step ``receiving``, disposition ``in_progress``) and per
dispense (``dispensing``, ``dispensed``), in the order they happened. Moves inside the hospital
and patient returns are not written as events (they are in the JSON and the printable page).

What an event names (GS1 EPCIS 1.2 §7.3.6, CBV 1.2 §7.2 and §8.2; Tag Data Standard 1.x §6):

- a serialised package received by scan, or the traced package dispensed whole: its SGTIN in
  the ``epcList`` (``urn:epc:id:sgtin:CompanyPrefix.IndicatorItemRef.Serial``);
- units of a lot: an empty ``epcList`` and a ``quantityList`` with the lot's EPC class
  (``urn:epc:class:lgtin:CompanyPrefix.IndicatorItemRef.Lot``). Without a unit of measure the
  quantity counts trade items (packages): whole packages are written that way; a part of a
  package (a dispense of 3 vials from a carton of 10) is written in dispense units with the
  UN/ECE Recommendation 20 code ``EA`` (each).

An NDC-based GTIN-14 is the indicator, ``03`` + the NDC's 10 digits and a check digit (GS1 US,
"Healthcare GTIN allocation"); its GS1 company prefix is ``03`` + the labeler code, so its
length follows from the NDC's first segment (``98765-402-10``: 7 digits).

``readPoint`` and ``bizLocation`` name our own location by a URN of ours,
``urn:rxsupply:location:<code>`` (a hospital without GLNs for its cabinets); a receipt against
a purchase order carries it as a ``po`` business transaction. Every event ends with our own
element ``rxsupply:units`` (the units in dispense units, the lot, the ledger movement id).
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from urllib.parse import quote

from lxml import etree

from rxsupply.domain.epc_identifier import URI_SAFE, epc_uri_with_prefix
from rxsupply.domain.trace import LedgerEntry, Trace, TracedLot

EPCIS_NS = "urn:epcglobal:epcis:xsd:1"
RX_NS = "urn:rxsupply:epcis:1"
LOCATION_URN = "urn:rxsupply:location:"
ORDER_URN = "urn:rxsupply:po:"
_BIZ_STEP = "urn:epcglobal:cbv:bizstep:"
_DISPOSITION = "urn:epcglobal:cbv:disp:"
_PO = "urn:epcglobal:cbv:btt:po"


def company_prefix_length(ndc: str) -> int:
    """The GS1 company prefix length of an NDC-based GTIN: ``03`` + the labeler code."""
    labeler = ndc.split("-", 1)[0]
    return 2 + len(labeler) if "-" in ndc and labeler.isdigit() else 7


def sgtin_uri(gtin: str, serial: str, prefix_length: int) -> str:
    return epc_uri_with_prefix(f"01{gtin}21{serial}", prefix_length)


def lgtin_uri(gtin: str, lot: str, prefix_length: int) -> str:
    company, item = _split(gtin, prefix_length)
    return f"urn:epc:class:lgtin:{company}.{item}.{quote(lot, safe=URI_SAFE)}"


def location_urn(code: str) -> str:
    return LOCATION_URN + quote(code, safe=URI_SAFE)


def _split(gtin: str, prefix_length: int) -> tuple[str, str]:
    """TDS §6.3.1: the company prefix, and the indicator + item reference (no check digit)."""
    return gtin[1 : 1 + prefix_length], gtin[0] + gtin[1 + prefix_length : 13]


def response_epcis(trace: Trace, *, zone: tzinfo, created: datetime) -> bytes:
    """The trace's receiving and dispensing events as an EPCIS 1.2 document (UTF-8 XML)."""
    root = etree.Element(
        f"{{{EPCIS_NS}}}EPCISDocument",
        nsmap={"epcis": EPCIS_NS, "rxsupply": RX_NS},
        schemaVersion="1.2",
        creationDate=_stamp(created, zone),
    )
    events = etree.SubElement(etree.SubElement(root, "EPCISBody"), "EventList")
    lots = {lot.id: lot for lot in trace.lots}
    package = trace.package
    whole_dispense = package is not None and package.status == "dispensed"
    mine = None if package is None else (package.gtin, package.serial)
    steps = [(r.entry, "receiving", "in_progress", r.order, r.package) for r in trace.receipts]
    steps += [
        (d, "dispensing", "dispensed", None, mine if whole_dispense else None)
        for d in trace.dispenses
        if d.kind == "dispense"
    ]
    for entry, step, disposition, order, serial in sorted(
        steps, key=lambda s: (s[0].occurred_at, s[0].id)
    ):
        lot = lots.get(entry.lot_id)
        if lot is not None:
            _event(events, entry, lot, step, disposition, order, serial, zone)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _event(
    events: etree._Element,
    entry: LedgerEntry,
    lot: TracedLot,
    step: str,
    disposition: str,
    order: str | None,
    serial: tuple[str, str] | None,
    zone: tzinfo,
) -> None:
    prefix = company_prefix_length(lot.ndc)
    event = etree.SubElement(events, "ObjectEvent")
    _text(event, "eventTime", _stamp(entry.occurred_at, zone))
    _text(event, "eventTimeZoneOffset", _offset(entry.occurred_at, zone))
    epcs = etree.SubElement(event, "epcList")
    if serial is not None:
        _text(epcs, "epc", sgtin_uri(serial[0], serial[1], prefix))
    _text(event, "action", "OBSERVE")
    _text(event, "bizStep", _BIZ_STEP + step)
    _text(event, "disposition", _DISPOSITION + disposition)
    place = entry.place
    if place is not None:
        _text(etree.SubElement(event, "readPoint"), "id", location_urn(place.code))
        _text(etree.SubElement(event, "bizLocation"), "id", location_urn(place.code))
    if order:
        trans = etree.SubElement(event, "bizTransactionList")
        _text(trans, "bizTransaction", ORDER_URN + quote(order, safe=URI_SAFE)).set("type", _PO)
    if serial is None:
        extension = etree.SubElement(event, "extension")
        element = etree.SubElement(etree.SubElement(extension, "quantityList"), "quantityElement")
        _text(element, "epcClass", lgtin_uri(lot.gtin, lot.lot, prefix))
        packages, part = divmod(entry.quantity, max(lot.package_size, 1))
        if part == 0:
            _text(element, "quantity", str(packages))
        else:
            _text(element, "quantity", str(entry.quantity))
            _text(element, "uom", "EA")
    units = _text(event, f"{{{RX_NS}}}units", str(entry.quantity))
    units.set("unit", lot.dispense_unit)
    units.set("lot", lot.lot)
    units.set("movement", str(entry.id))


def _text(parent: etree._Element, tag: str, value: str) -> etree._Element:
    element = etree.SubElement(parent, tag)
    element.text = value
    return element


def _stamp(at: datetime, zone: tzinfo) -> str:
    return at.astimezone(zone).isoformat(timespec="milliseconds")


def _offset(at: datetime, zone: tzinfo) -> str:
    text = at.astimezone(zone).strftime("%z") or "+0000"
    return f"{text[:3]}:{text[3:]}"
