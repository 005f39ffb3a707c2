"""Small hand-written EPCIS 1.2 documents for the DSCSA import tests: a seller's shipment as the
GS1 US DSCSA guideline draws it (units commissioned with their lot and expiry, packed on a
pallet, the pallet shipped from the seller to the buyer), and its variants."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence

from rxsupply.adapters.epcis import read_epcis
from rxsupply.domain.epcis import EpcisDocument
from rxsupply.domain.ndc import gtin14_from_ndc_digits

ONDANSETRON_TRAY = "9876540102"  # NDC 98765-401-02 of the example hospital, its 10 digits
SELLER = "Example Wholesale Drug Co"
BUYER = "Example General Hospital"
PALLET_SERIAL = 1
STAMP = "<eventTime>{}</eventTime><eventTimeZoneOffset>-05:00</eventTimeZoneOffset>"


def gtin_of(ndc_digits: str) -> str:
    return gtin14_from_ndc_digits(ndc_digits)


def sgtin(ndc_digits: str, serial: str) -> str:
    """The EPC URI of a unit of an NDC-based GTIN (company prefix 0 + 3 + labeler: 7 digits)."""
    gtin = gtin_of(ndc_digits)
    return f"urn:epc:id:sgtin:{gtin[1:8]}.{gtin[0]}{gtin[8:13]}.{serial}"


def sscc(ndc_digits: str, serial: int) -> str:
    return f"urn:epc:id:sscc:{gtin_of(ndc_digits)[1:8]}.0{serial:09d}"


def canonical_sscc(ndc_digits: str, serial: int) -> str:
    from rxsupply.domain.epc_identifier import canonical_identifier

    return canonical_identifier(sscc(ndc_digits, serial))


def _epcs(values: Sequence[str]) -> str:
    return "".join(f"<epc>{v}</epc>" for v in values)


def _location(ident: str, name: str) -> str:
    return (
        f'<VocabularyElement id="{ident}">'
        f'<attribute id="urn:epcglobal:cbv:mda#name">{name}</attribute>'
        '<attribute id="urn:epcglobal:cbv:mda#city">Philadelphia</attribute>'
        "</VocabularyElement>"
    )


def shipment(
    *,
    serials: Sequence[str] = ("S1", "S2", "S3"),
    loose: Sequence[str] = (),
    ndc_digits: str = ONDANSETRON_TRAY,
    lot: str = "L2611A",
    expiry: str = "2028-06-30",
    seller: str = SELLER,
    ship: bool = True,
    day: str = "2026-11-18",
) -> bytes:
    """A shipment of ``serials`` on one pallet (SSCC) and ``loose`` units beside it, all
    commissioned in ``lot`` expiring ``expiry``; without ``ship``, nothing is shipped."""
    units = [sgtin(ndc_digits, s) for s in serials]
    spare = [sgtin(ndc_digits, s) for s in loose]
    pallet = sscc(ndc_digits, PALLET_SERIAL)
    when = STAMP.format(f"{day}T14:00:00Z")
    ilmd = (
        f"<extension><ilmd><cbvmda:lotNumber>{lot}</cbvmda:lotNumber>"
        f"<cbvmda:itemExpirationDate>{expiry}</cbvmda:itemExpirationDate></ilmd></extension>"
    )
    events = [
        f"<ObjectEvent>{when}<epcList>{_epcs(units + spare)}</epcList><action>ADD</action>"
        "<bizStep>urn:epcglobal:cbv:bizstep:commissioning</bizStep>"
        f"<disposition>urn:epcglobal:cbv:disp:active</disposition>{ilmd}</ObjectEvent>",
        f"<AggregationEvent>{when}<parentID>{pallet}</parentID><childEPCs>{_epcs(units)}"
        "</childEPCs><action>ADD</action><bizStep>urn:epcglobal:cbv:bizstep:packing</bizStep>"
        "</AggregationEvent>",
    ]
    if ship:
        events.append(
            f"<ObjectEvent>{STAMP.format(f'{day}T16:30:00Z')}<epcList>"
            f"{_epcs([pallet, *spare])}</epcList><action>OBSERVE</action>"
            "<bizStep>urn:epcglobal:cbv:bizstep:shipping</bizStep>"
            "<disposition>urn:epcglobal:cbv:disp:in_transit</disposition><extension>"
            '<sourceList><source type="urn:epcglobal:cbv:sdt:owning_party">'
            "urn:epc:id:sgln:0398765.00001.0</source></sourceList>"
            '<destinationList><destination type="urn:epcglobal:cbv:sdt:owning_party">'
            "urn:epc:id:sgln:0399999.00001.0</destination></destinationList>"
            "</extension></ObjectEvent>"
        )
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<epcis:EPCISDocument '
        'xmlns:epcis="urn:epcglobal:epcis:xsd:1" xmlns:cbvmda="urn:epcglobal:cbv:mda" '
        'schemaVersion="1.2" creationDate="2026-11-18T17:00:00Z"><EPCISHeader><extension>'
        '<EPCISMasterData><VocabularyList><Vocabulary type="urn:epcglobal:epcis:vtype:Location">'
        "<VocabularyElementList>"
        + _location("urn:epc:id:sgln:0398765.00001.0", seller)
        + _location("urn:epc:id:sgln:0399999.00001.0", BUYER)
        + "</VocabularyElementList></Vocabulary></VocabularyList></EPCISMasterData></extension>"
        "</EPCISHeader><EPCISBody><EventList>" + "".join(events) + "</EventList></EPCISBody>"
        "</epcis:EPCISDocument>\n"
    )
    return text.encode("utf-8")


def read(data: bytes, name: str = "shipment.xml") -> EpcisDocument:
    return read_epcis(io.BytesIO(data), name=name)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
