"""What the demo needs to send itself its sellers' EPCIS documents (:class:`ShipmentDocuments`):
a shipment written as the seller's EPCIS 1.2 document (``rxsupply.adapters.epcis.writer``) and
read back as any imported document is."""

from __future__ import annotations

from typing import Protocol

from rxsupply.domain.epcis import EpcisDocument
from rxsupply.domain.epcis_outbound import Shipment


class ShipmentDocuments(Protocol):
    def document(self, shipment: Shipment) -> tuple[bytes, EpcisDocument]:
        """The shipment's document as its seller sends it (the file's bytes), and as read."""
        ...
