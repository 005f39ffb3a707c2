"""Saleable returns carry their product identifiers and are verified first (DSCSA, 21 U.S.C.
360eee-1(c)(4)(D), (d)(4)(D); issue 14, item 7).

A return batch line is a **saleable return** when what it sends back could be sold again:
creditable stream, in date on the day it ships, its lot available (not quarantined, recalled
or suspect). Expired, blocked and disposal lines are non-saleable returns and are not
verified (no one resells them).

The sealed serialised packages a saleable line ships (:func:`saleable_packages`: those of its
lot in the places the line takes its units from) are its product identifiers (GTIN, serial,
lot, expiry). :func:`verify_saleable_returns` verifies each before the batch ships
(:func:`~rxsupply.services.dscsa.verification.check_product`, context
``dscsaSaleableReturn``, reference ``<batch>:<line>``; every package is asked before any is
recorded, so no lock waits on the router). One that fails **holds the batch**:
nothing ships, every package that failed is named with its reason, and the verifications
stay recorded. A batch ships as one carton under one manifest and one credit request; a
pharmacy buyer does not send a carton with a package that may be suspect in it, and holding
it is how a missing DEA Form 222 already works. Shipping again verifies again (a router back
up, a record corrected). When they all verify, the verifications are recorded in the shipment's
transaction (a shipment the ledger then refuses records none).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rxsupply.domain.clock import Clock
from rxsupply.domain.return_batch import ReturnBatch, ReturnLine
from rxsupply.domain.serial import SerialPackage
from rxsupply.domain.status import StockStatus, is_expired
from rxsupply.domain.verification import SALEABLE_RETURN
from rxsupply.domain.waste_stream import WasteStream
from rxsupply.errors import ReturnRefused
from rxsupply.services.dscsa.verification import check_product, record_verification
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.ports.returns import pharmacy_places
from rxsupply.services.ports.verification import VerificationRecord, VerificationRouter


@dataclass(frozen=True, slots=True)
class LineIdentifiers:
    """A saleable line's packages: their product identifiers."""

    line: ReturnLine
    packages: tuple[SerialPackage, ...]

    def as_dicts(self) -> list[dict[str, object]]:
        expiry = self.line.expiry.isoformat() if self.line.expiry else None
        return [
            {"gtin": p.gtin, "serial": p.serial, "lot": self.line.lot, "expiry": expiry}
            for p in self.packages
        ]


def is_saleable(line: ReturnLine, lot_status: str, today: date) -> bool:
    """Whether a line is a saleable return (see the module's notes)."""
    return (
        line.stream is WasteStream.CREDITABLE
        and not is_expired(line.expiry, today)
        and lot_status == StockStatus.AVAILABLE.value
    )


def saleable_packages(uow: UnitOfWork, batch: ReturnBatch, *, today: date) -> list[LineIdentifiers]:
    """The saleable lines of an open batch with the sealed packages each ships (a saleable
    line of loose units, none scanned at receipt, has no packages to verify)."""
    out: list[LineIdentifiers] = []
    for line in batch.lines:
        lots = [x for x in uow.returns.lots_on_hand(today=today, ndc=line.ndc) if x.lot == line.lot]
        if not lots or not is_saleable(line, lots[0].status, today):
            continue
        codes = [p.location for x in lots for p in pharmacy_places(x.places)]
        ids = {loc.id for loc in uow.locations.get_many(codes).values()}
        packages = tuple(p for p in uow.packages.sealed([line.lot_id]) if p.location_id in ids)
        out.append(LineIdentifiers(line, packages))
    return out


def verify_saleable_returns(
    uow: UnitOfWork,
    batch: ReturnBatch,
    *,
    router: VerificationRouter | None,
    user: str,
    clock: Clock,
) -> list[VerificationRecord]:
    """Verify every package of the batch's saleable lines, in the caller's transaction; the
    verifications. One that fails: the verifications are committed and the batch is held
    (:class:`~rxsupply.errors.ReturnRefused` naming each package and why)."""
    checked: list[tuple[ReturnLine, VerificationRecord]] = []
    for found in saleable_packages(uow, batch, today=clock.today()):
        line = found.line
        assert line.expiry is not None  # a saleable line is in date, so it has an expiry
        for package in found.packages:
            record = check_product(
                uow,
                gtin=package.gtin,
                serial=package.serial,
                lot=line.lot,
                expiry=line.expiry,
                router=router,
                context=SALEABLE_RETURN,
                reference=f"{batch.number}:{line.line_number}",
                user=user,
                clock=clock,
            )
            checked.append((line, record))
    done = [(line, record_verification(uow, r, clock=clock)) for line, r in checked]
    failed = [(line, r) for line, r in done if not r.verified]
    if failed:
        uow.commit()  # the verifications are records, shipped or not
        named = "; ".join(
            f"line {line.line_number} ({line.ndc} lot {line.lot}) serial {r.serial}: {r.reason}"
            for line, r in failed
        )
        raise ReturnRefused(
            f"batch {batch.number} held: saleable returns must be verified before they ship, "
            f"and {len(failed)} package(s) were not: {named}. Investigate them (suspect "
            "product) before the batch ships; shipping again verifies again"
        )
    return [r for _, r in done]


def batch_identifiers(
    uow: UnitOfWork, batch: ReturnBatch, *, today: date
) -> dict[int, list[dict[str, object]]]:
    """Each saleable line's product identifiers: for an open batch the packages it will ship
    (``verified`` None until it ships), for a shipped one the packages verified when it
    shipped (its last verification of each)."""
    if batch.status.value == "open":
        return {
            found.line.line_number: [x | {"verified": None} for x in found.as_dicts()]
            for found in saleable_packages(uow, batch, today=today)
        }
    out: dict[int, dict[str, dict[str, object]]] = {}
    for record in reversed(uow.verifications.latest(limit=10_000, reference=f"{batch.number}:")):
        line = int(record.reference.rpartition(":")[2] or 0)
        out.setdefault(line, {})[record.serial] = {
            "gtin": record.gtin,
            "serial": record.serial,
            "lot": record.lot,
            "expiry": record.expiry.isoformat(),
            "verified": record.verified,
        }
    return {line: list(found.values()) for line, found in sorted(out.items())}
