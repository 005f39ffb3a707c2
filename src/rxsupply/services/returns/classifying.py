"""Classifying the lots on hand: :func:`classify_lots`, one row per lot (all its locations
together), with its returnability under its labeler's policy
(:func:`rxsupply.domain.return_policy.classify`) and its waste stream
(:func:`rxsupply.domain.waste_stream.stream_of`).

A lot is classified on all its places (each place's units counted against the package size);
:meth:`ClassifiedLot.shipping` classifies it again on the places a return batch takes units
from (:func:`~rxsupply.services.ports.returns.pharmacy_places`: never a cabinet's pockets).

A lot's categories come from its product and its history: ``refrigerated`` (the product's
storage is refrigerated or frozen), ``repackaged`` (the lot was made by repackaging a bulk
lot), ``controlled`` (the product has a DEA schedule), ``hazardous`` (an RCRA row of the
pharmacy's list matches it).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from rxsupply.domain.return_policy import (
    Classification,
    LotFacts,
    Returnability,
    ReturnPolicy,
    classify,
)
from rxsupply.domain.status import StockStatus
from rxsupply.domain.waste_stream import HazardousListing, WasteStream, listing_for, stream_of
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.ports.returns import LotOnHand, pharmacy_places

CONTRACT = ("returnability", "returnable_from", "reason", "expected_credit")
"""The keys ``rxsupply returns classify --json`` always prints, a contract other tools read."""


@dataclass(frozen=True, slots=True)
class ClassifiedLot:
    """A lot on hand, its classification and its stream."""

    lot: LotOnHand
    found: Classification
    stream: WasteStream
    stream_reason: str
    listing: HazardousListing | None
    today: date
    policy: ReturnPolicy | None = None
    also: tuple[str, ...] = ()

    @property
    def expired(self) -> bool:
        return False if self.lot.expiry is None else self.lot.expiry < self.today

    @property
    def status(self) -> str:
        """The lot's status as shown: ``expired`` for an available lot past its expiry."""
        return "expired" if self.expired and self.lot.status == "available" else self.lot.status

    @property
    def cabinet_units(self) -> int:
        return sum(p.quantity for p in self.lot.places if p.in_cabinet)

    def shipping(self) -> ClassifiedLot | None:
        """The lot classified on the places a return batch takes it from (None: no units
        there)."""
        places = pharmacy_places(self.lot.places)
        if not places:
            return None
        return _classified(
            replace(self.lot, places=places), self.policy, self.listing, self.also, self.today
        )

    def as_dict(self) -> dict[str, Any]:
        lot = self.lot
        return {
            "ndc": lot.ndc,
            "product": lot.product,
            "labeler": lot.labeler,
            "lot": lot.lot,
            "expiry": lot.expiry.isoformat() if lot.expiry else None,
            "quantity": lot.quantity,
            "package_size": lot.package_size,
            "location": ", ".join(p.location for p in lot.places),
            "locations": [{"location": p.location, "quantity": p.quantity} for p in lot.places],
            "status": self.status,
            "cabinet_units": self.cabinet_units,
            "schedule": lot.schedule,
            "price_basis": lot.price_basis,
            **self.found.as_dict(),
            "stream": self.stream.value,
            "stream_reason": self.stream_reason,
            "listing_code": self.listing.code if self.listing else None,
        }


def categories_of(lot: LotOnHand, listing: HazardousListing | None) -> frozenset[str]:
    found = set()
    if lot.storage in ("refrigerated", "frozen"):
        found.add("refrigerated")
    if lot.repackaged:
        found.add("repackaged")
    if lot.schedule:
        found.add("controlled")
    if listing is not None:
        found.add("hazardous")
    return frozenset(found)


def classify_one(
    lot: LotOnHand,
    policies: dict[str, ReturnPolicy],
    listings: list[HazardousListing],
    today: date,
) -> ClassifiedLot:
    listing, also = listing_for(
        listings, generic_name=lot.generic_name, name=lot.product, dosage_form=lot.dosage_form
    )
    return _classified(lot, policies.get(lot.labeler), listing, tuple(also), today)


def _classified(
    lot: LotOnHand,
    policy: ReturnPolicy | None,
    listing: HazardousListing | None,
    also: tuple[str, ...],
    today: date,
) -> ClassifiedLot:
    facts = LotFacts(
        expiry=lot.expiry,
        quantity=lot.quantity,
        package_size=lot.package_size,
        categories=categories_of(lot, listing),
        package_price=lot.package_price,
        price_basis=lot.price_basis,
        places=tuple(p.quantity for p in lot.places),
        status=_status(lot.status),
    )
    found = classify(facts, policy, today)
    stream, why = stream_of(
        returnability=found.returnability,
        controlled=lot.schedule,
        listing=listing,
        also=list(also),
    )
    return ClassifiedLot(lot, found, stream, why, listing, today, policy, also)


def _status(text: str) -> StockStatus:
    try:
        return StockStatus(text)
    except ValueError:
        return StockStatus.AVAILABLE


def classify_lots(
    uow: UnitOfWork,
    *,
    today: date,
    ndc: str | None = None,
    labeler: str | None = None,
    returnability: Returnability | str | None = None,
    stream: WasteStream | str | None = None,
) -> list[ClassifiedLot]:
    """Every lot on hand (of one NDC or labeler when named), classified on ``today``; only
    those of one returnability or stream when asked. Earliest expiry first."""
    policies = {p.labeler: p for p in uow.returns.policies()}
    listings = uow.returns.listings()
    out = [
        classify_one(lot, policies, listings, today)
        for lot in uow.returns.lots_on_hand(today=today, ndc=ndc, labeler=labeler)
    ]
    if returnability:
        wanted = Returnability(returnability)
        out = [c for c in out if c.found.returnability is wanted]
    if stream:
        kind = WasteStream(stream)
        out = [c for c in out if c.stream is kind]
    return out


def classification_totals(rows: list[ClassifiedLot]) -> list[dict[str, Any]]:
    """Lots, units and expected credit by returnability."""
    out = []
    for kind in Returnability:
        mine = [c for c in rows if c.found.returnability is kind]
        credit = sum((c.found.expected_credit for c in mine), start=0)
        out.append(
            {
                "returnability": kind.value,
                "lots": len(mine),
                "units": sum(c.lot.quantity for c in mine),
                "expected_credit": f"{credit:.2f}",
            }
        )
    return out
