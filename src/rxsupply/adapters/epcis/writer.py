"""Writing EPCIS 1.2 XML as the GS1 US DSCSA Implementation Guideline (R1.3) draws a seller's
shipment to its buyer (section 2.2.1, direct purchase; the shape of its
``GS1_US_Pharma_Example_2_2_1_1.xml``):

- the header: the SBDH sender and receiver (the seller's and the buyer's GLNs), the master
  data (vocabulary ``EPCClass``: one element per GTIN with ``regulatedProductName``,
  ``strengthDescription``, ``dosageFormType``, ``netContentDescription``,
  ``manufacturerOfTradeItemPartyName`` and the NDC as ``additionalTradeItemIdentification`` of
  type ``US_FDA_NDC``; vocabulary ``Location``: each party's name and address), the guideline
  version and the ``dscsaTransactionStatement``;
- commissioning ``ObjectEvent`` s of the saleable units, one per GTIN, lot and expiry, with the
  lot and expiry in their ILMD;
- each case (SSCC) commissioned and packed (``AggregationEvent``, bizStep packing);
- one shipping ``ObjectEvent`` naming the cases, with the purchase order in its business
  transactions and the seller and buyer (owning party) and their places (location) as source
  and destination.

Events are written as text, one at a time (:func:`event_xml`), so a document of any size
streams to a file (``bench/epcis.py`` writes its 100,000-event document with the same
functions). :func:`shipment_xml` gives a whole shipment's document as bytes; ``rxsupply dscsa
inspect`` and :func:`rxsupply.adapters.epcis.read_epcis` read it back.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TextIO
from xml.sax.saxutils import escape, quoteattr

from rxsupply.adapters.epcis import read_epcis
from rxsupply.domain.epc_identifier import epc_uri_with_prefix
from rxsupply.domain.epcis import EpcisDocument
from rxsupply.domain.epcis_outbound import Party, Shipment, TradeItem
from rxsupply.domain.ndc import gs1_check_digit

NAMESPACES = (
    'xmlns:epcis="urn:epcglobal:epcis:xsd:1" xmlns:cbvmda="urn:epcglobal:cbv:mda" '
    'xmlns:sbdh="http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader" '
    'xmlns:gs1ushc="http://epcis.gs1us.org/hc/ns"'
)
GUIDELINE = "GS1 US DSCSA R1.3"
LEGAL_NOTICE = "Seller has complied with each applicable subsection of FDCA Sec. 581(27)(A)-(G)."
MDA = "urn:epcglobal:cbv:mda#"
SSCC_PREFIX_LENGTH = 7


def document_start(*, created: datetime, header: str = "") -> str:
    """The document's opening up to its event list (``header``: an ``EPCISHeader``)."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<epcis:EPCISDocument {NAMESPACES} schemaVersion="1.2" '
        f'creationDate="{_stamp(created)}">\n{header}<EPCISBody><EventList>\n'
    )


DOCUMENT_END = "</EventList></EPCISBody></epcis:EPCISDocument>\n"


def epcs(values: Iterable[str]) -> str:
    """``<epc>`` elements of EPC URIs."""
    return "".join(f"<epc>{escape(v)}</epc>" for v in values)


def event_xml(
    kind: str,
    *,
    time: str,
    offset: str,
    body: str,
    action: str,
    biz_step: str,
    disposition: str,
    where: str = "",
    extension: str = "",
) -> str:
    """One event: ``time`` an ISO 8601 instant, ``offset`` its zone (``-05:00``), ``body`` the
    identifiers' elements (epcList, or parentID and childEPCs), the CBV business step and
    disposition by short name, ``where`` the read point, business location and business
    transactions, ``extension`` the 1.2 extension's content (sources, destinations, ILMD)."""
    return (
        f"<{kind}><eventTime>{time}</eventTime><eventTimeZoneOffset>{offset}"
        f"</eventTimeZoneOffset>{body}<action>{action}</action>"
        f"<bizStep>urn:epcglobal:cbv:bizstep:{biz_step}</bizStep>"
        f"<disposition>urn:epcglobal:cbv:disp:{disposition}</disposition>{where}"
        + (f"<extension>{extension}</extension>" if extension else "")
        + f"</{kind}>\n"
    )


def write_shipment(shipment: Shipment, out: TextIO) -> None:
    """Write a shipment's EPCIS 1.2 document (see the module) to a text stream."""
    items = {item.gtin: item for item in shipment.items}
    prefix = {gtin: item.prefix_length for gtin, item in items.items()}
    at = shipment.shipped_at
    offset = _offset(at)
    origin = _where(shipment.ship_from.id)
    out.write(document_start(created=at, header=_header(shipment)))
    minute = 0

    def stamp() -> str:
        nonlocal minute
        minute += 1
        return _stamp(at.replace(second=0, microsecond=0) - timedelta(minutes=120 - minute))

    groups: dict[tuple[str, str, str], list[str]] = {}
    for unit in shipment.units:
        uri = epc_uri_with_prefix(unit.identifier, prefix.get(unit.gtin, 7))
        groups.setdefault((unit.gtin, unit.lot, unit.expiry.isoformat()), []).append(uri)
    for (_gtin, lot, expiry), uris in groups.items():
        ilmd = (
            f"<ilmd><cbvmda:lotNumber>{escape(lot)}</cbvmda:lotNumber>"
            f"<cbvmda:itemExpirationDate>{expiry}</cbvmda:itemExpirationDate></ilmd>"
        )
        out.write(
            event_xml(
                "ObjectEvent",
                time=stamp(),
                offset=offset,
                body=f"<epcList>{epcs(uris)}</epcList>",
                action="ADD",
                biz_step="commissioning",
                disposition="active",
                where=origin,
                extension=ilmd,
            )
        )
    cases = [epc_uri_with_prefix(case.identifier, SSCC_PREFIX_LENGTH) for case in shipment.cases]
    for case, uri in zip(shipment.cases, cases, strict=True):
        children = [epc_uri_with_prefix(u.identifier, prefix.get(u.gtin, 7)) for u in case.units]
        out.write(
            event_xml(
                "ObjectEvent",
                time=stamp(),
                offset=offset,
                body=f"<epcList>{epcs([uri])}</epcList>",
                action="ADD",
                biz_step="commissioning",
                disposition="active",
                where=origin,
            )
        )
        out.write(
            event_xml(
                "AggregationEvent",
                time=stamp(),
                offset=offset,
                body=f"<parentID>{escape(uri)}</parentID><childEPCs>{epcs(children)}</childEPCs>",
                action="ADD",
                biz_step="packing",
                disposition="in_progress",
                where=origin,
            )
        )
    out.write(
        event_xml(
            "ObjectEvent",
            time=_stamp(at),
            offset=offset,
            body=f"<epcList>{epcs(cases)}</epcList>",
            action="OBSERVE",
            biz_step="shipping",
            disposition="in_transit",
            where=_where(shipment.ship_from.id, bizlocation=False) + _transactions(shipment),
            extension=_parties(shipment),
        )
    )
    out.write(DOCUMENT_END)


def shipment_xml(shipment: Shipment) -> bytes:
    """A shipment's EPCIS 1.2 document, UTF-8."""
    out = io.StringIO()
    write_shipment(shipment, out)
    return out.getvalue().encode("utf-8")


def _header(shipment: Shipment) -> str:
    parties = {p.id: p for p in (shipment.seller, shipment.ship_from, shipment.buyer)}
    parties.setdefault(shipment.ship_to.id, shipment.ship_to)
    created = _stamp(shipment.shipped_at)
    return (
        "<EPCISHeader><sbdh:StandardBusinessDocumentHeader>"
        "<sbdh:HeaderVersion>1.0</sbdh:HeaderVersion>"
        f'<sbdh:Sender><sbdh:Identifier Authority="GS1">{escape(shipment.seller.id)}'
        "</sbdh:Identifier></sbdh:Sender>"
        f'<sbdh:Receiver><sbdh:Identifier Authority="GS1">{escape(shipment.buyer.id)}'
        "</sbdh:Identifier></sbdh:Receiver>"
        "<sbdh:DocumentIdentification><sbdh:Standard>EPCglobal</sbdh:Standard>"
        "<sbdh:TypeVersion>1.0</sbdh:TypeVersion>"
        f"<sbdh:InstanceIdentifier>{escape(shipment.document_number)}</sbdh:InstanceIdentifier>"
        "<sbdh:Type>Events</sbdh:Type>"
        f"<sbdh:CreationDateAndTime>{created}</sbdh:CreationDateAndTime>"
        "</sbdh:DocumentIdentification></sbdh:StandardBusinessDocumentHeader>"
        "<extension><EPCISMasterData><VocabularyList>"
        '<Vocabulary type="urn:epcglobal:epcis:vtype:EPCClass"><VocabularyElementList>'
        + "".join(_trade_item(item) for item in shipment.items)
        + "</VocabularyElementList></Vocabulary>"
        '<Vocabulary type="urn:epcglobal:epcis:vtype:Location"><VocabularyElementList>'
        + "".join(_location(party) for party in parties.values())
        + "</VocabularyElementList></Vocabulary>"
        "</VocabularyList></EPCISMasterData></extension>"
        f"<gs1ushc:guidelineVersion>{GUIDELINE}</gs1ushc:guidelineVersion>"
        "<gs1ushc:dscsaTransactionStatement><gs1ushc:affirmTransactionStatement>"
        f"{'true' if shipment.affirmed else 'false'}</gs1ushc:affirmTransactionStatement>"
        f"<gs1ushc:legalNotice>{escape(LEGAL_NOTICE)}</gs1ushc:legalNotice>"
        "</gs1ushc:dscsaTransactionStatement></EPCISHeader>\n"
    )


def _trade_item(item: TradeItem) -> str:
    company = item.gtin[1 : 1 + item.prefix_length]
    reference = item.gtin[0] + item.gtin[1 + item.prefix_length : 13]
    attributes = [
        ("additionalTradeItemIdentification", item.ndc),
        ("additionalTradeItemIdentificationTypeCode", "US_FDA_NDC"),
        ("regulatedProductName", item.name),
        ("manufacturerOfTradeItemPartyName", item.manufacturer),
        ("dosageFormType", item.dosage_form),
        ("strengthDescription", item.strength),
        ("netContentDescription", item.container_size),
    ]
    return (
        f'<VocabularyElement id="urn:epc:idpat:sgtin:{company}.{reference}.*">'
        + _attributes(attributes)
        + "</VocabularyElement>"
    )


def _location(party: Party) -> str:
    attributes = [
        ("name", party.name),
        ("streetAddressOne", party.street),
        ("city", party.city),
        ("state", party.state),
        ("postalCode", party.postal_code),
        ("countryCode", party.country),
    ]
    return (
        f"<VocabularyElement id={quoteattr(party.id)}>"
        + _attributes(attributes)
        + "</VocabularyElement>"
    )


def _attributes(pairs: list[tuple[str, str]]) -> str:
    return "".join(
        f'<attribute id="{MDA}{name}">{escape(value)}</attribute>' for name, value in pairs if value
    )


def _where(place: str, *, bizlocation: bool = True) -> str:
    point = f"<readPoint><id>{escape(place)}</id></readPoint>"
    return point + (f"<bizLocation><id>{escape(place)}</id></bizLocation>" if bizlocation else "")


def _transactions(shipment: Shipment) -> str:
    buyer_gln = _gln(shipment.buyer.id)
    return (
        '<bizTransactionList><bizTransaction type="urn:epcglobal:cbv:btt:po">'
        f"urn:epcglobal:cbv:bt:{escape(buyer_gln)}:{escape(shipment.order_number)}"
        "</bizTransaction></bizTransactionList>"
    )


def _parties(shipment: Shipment) -> str:
    sdt = "urn:epcglobal:cbv:sdt:"
    return (
        f'<sourceList><source type="{sdt}owning_party">{escape(shipment.seller.id)}</source>'
        f'<source type="{sdt}location">{escape(shipment.ship_from.id)}</source></sourceList>'
        f'<destinationList><destination type="{sdt}owning_party">{escape(shipment.buyer.id)}'
        f'</destination><destination type="{sdt}location">{escape(shipment.ship_to.id)}'
        "</destination></destinationList>"
    )


def _stamp(at: datetime) -> str:
    return at.astimezone(at.tzinfo).isoformat(timespec="seconds")


def _offset(at: datetime) -> str:
    delta = at.utcoffset()
    minutes = 0 if delta is None else int(delta.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _gln(sgln: str) -> str:
    """The 13-digit GLN of an SGLN EPC URI (company prefix + location reference + check)."""
    parts = sgln.rsplit(":", 1)[-1].split(".")
    digits = "".join(parts[:2])
    if len(parts) != 3 or len(digits) != 12 or not digits.isdigit():
        return sgln
    return digits + gs1_check_digit(digits)


class ShipmentDocumentWriter:
    """Shipments as EPCIS 1.2 documents, read back by :func:`read_epcis` (the demo's
    ``ShipmentDocuments``)."""

    def document(self, shipment: Shipment) -> tuple[bytes, EpcisDocument]:
        data = shipment_xml(shipment)
        name = f"{shipment.document_number}.xml"
        return data, read_epcis(io.BytesIO(data), name=name)
