"""A seller's EPCIS 1.2 document for an order of the example hospital (written by the
shipment writer, read and imported as any document is), for the DSCSA tests."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import Engine

from rxsupply.adapters.epcis import read_epcis
from rxsupply.adapters.epcis.writer import shipment_xml
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.clock import FixedClock
from rxsupply.domain.epcis_outbound import Case, Party, Shipment, ShippedUnit, TradeItem, sscc
from rxsupply.services.dscsa.importing import import_epcis
from tests.conftest import EASTERN, NOW, TESTER

GTIN = "00398765401027"  # ondansetron 4 mg/2 mL, 25 vials a tray (NDC 98765-401-02)
SELLER = Party(
    "urn:epc:id:sgln:0312345.00001.0",
    "Example Wholesale Drug Co",
    "100 Distribution Way",
    "Columbus",
    "OH",
    "43004",
)
BUYER = Party(
    "urn:epc:id:sgln:0398765.00010.0",
    "Example General Hospital",
    "1 Hospital Drive",
    "Philadelphia",
    "PA",
    "19104",
)
TRAY = TradeItem(
    gtin=GTIN,
    ndc="98765-401-02",
    name="Ondansetron injection",
    strength="4 mg/2 mL",
    dosage_form="INJECTION, SOLUTION",
    container_size="25 vials",
    manufacturer="Example Labs",
)

Package = tuple[str, str, date]  # serial, lot, expiry


def shipment(order: str, packages: Sequence[Package], *, at: datetime = NOW) -> Shipment:
    """The trays, six to a case, shipped against ``order``."""
    units = [ShippedUnit(GTIN, serial, lot, expiry) for serial, lot, expiry in packages]
    cases = tuple(
        Case(sscc("0312345", n + 1), tuple(units[start : start + 6]))
        for n, start in enumerate(range(0, len(units), 6))
    )
    return Shipment(
        seller=SELLER,
        buyer=BUYER,
        ship_from=SELLER,
        ship_to=BUYER,
        items=(TRAY,),
        cases=cases,
        shipped_at=at.astimezone(EASTERN),
        order_number=order,
        document_number=f"ASN-{order}",
    )


def without_lot(data: bytes, lot: str, expiry: date) -> bytes:
    """The document with the lot and expiry of the trays commissioned with them left out
    (they are commissioned without ILMD: the document gives no lot or expiry for them)."""
    ilmd = (
        f"<cbvmda:lotNumber>{lot}</cbvmda:lotNumber><cbvmda:itemExpirationDate>"
        f"{expiry.isoformat()}</cbvmda:itemExpirationDate>"
    ).encode()
    assert ilmd in data, f"no tray commissioned with lot {lot} and expiry {expiry}"
    return data.replace(ilmd, b"")


def ship(
    engine: Engine,
    order: str,
    packages: Sequence[Package],
    *,
    at: datetime = NOW,
    unlotted: Sequence[str] = (),
) -> int:
    """Import a document for ``order`` shipping these trays; its id. The trays of the lots in
    ``unlotted`` are shipped without their lot and expiry (:func:`without_lot`)."""
    data = shipment_xml(shipment(order, packages, at=at))
    for lot, expiry in {(lot, expiry) for _, lot, expiry in packages if lot in unlotted}:
        data = without_lot(data, lot, expiry)
    name = f"{order}-{hashlib.sha256(data).hexdigest()[:8]}.xml"
    document = read_epcis(io.BytesIO(data), name=name)
    with SqlUnitOfWork(engine) as uow:
        return import_epcis(
            uow,
            document=document,
            file_name=name,
            sha256=hashlib.sha256(data).hexdigest(),
            facility="MAIN",
            order=order,
            user=TESTER,
            clock=FixedClock(at, EASTERN),
        ).id
