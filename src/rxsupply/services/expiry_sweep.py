"""The daily expiry sweep: expired stock leaves the shelves and the pockets for quarantine.

A lot is usable through its expiry date; from the next day picking no longer takes it
(:mod:`rxsupply.domain.status`), but its units still sit where they were. The sweep finds
every lot on hand that has expired (an opened package's beyond-use date counts: it is its
lot's expiry) outside quarantine and transit, and:

- **shelves** (the storeroom, its bins, satellites): moves the units into the facility's
  quarantine location, one ledger transfer per lot-location under the user who runs it: the
  technician doing the morning outdate check, whose list this is. Each move carries the day,
  the place and the lot as its external id, so a second sweep that day posts nothing twice.
- **pockets** of the cabinets: a technician must take the units out at the cabinet, so the
  sweep leaves them for the **refill run**: every run started afterwards carries, for its
  cabinets, a pull line per expired lot in a pocket (:mod:`rxsupply.services.refilling`), and
  confirming it moves the units from the pocket into quarantine. Until then they are listed
  here, pocket by pocket, with the cabinet they are in.

A facility without a quarantine location cannot be swept: its lots are listed with no
destination and nothing moves (add one: ``rxsupply import locations``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from rxsupply.domain.clock import Clock
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.location import Location, LocationKind
from rxsupply.errors import RxSupplyError
from rxsupply.services.audit import require_user
from rxsupply.services.ledger import Move, Posted, post
from rxsupply.services.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class Pull:
    """Expired units of one lot at one location, and where they go."""

    location: str
    kind: str
    cabinet: str | None  # the cabinet of a pocket
    item: str
    ndc: str
    lot: str
    expiry: date
    quantity: int
    value: Decimal
    to_location: str | None  # the facility's quarantine location, if it has one

    @property
    def in_pocket(self) -> bool:
        """In a cabinet's pocket (a storeroom's bins are shelves)."""
        return self.cabinet is not None

    def as_dict(self) -> dict[str, object]:
        return {
            "location": self.location,
            "kind": self.kind,
            "cabinet": self.cabinet,
            "item": self.item,
            "ndc": self.ndc,
            "lot": self.lot,
            "expiry": self.expiry.isoformat(),
            "quantity": self.quantity,
            "value": str(self.value),
            "to_location": self.to_location,
            "how": (
                "no quarantine location in its facility"
                if self.to_location is None
                else "on the refill run's pick list"
                if self.in_pocket
                else "moved by the sweep"
            ),
        }


@dataclass(slots=True)
class Swept:
    """What a sweep did: ``moved`` to quarantine, ``pockets`` left for the refill run,
    ``stuck`` with no quarantine location to go to, ``refused`` with the ledger's reason."""

    day: date
    moved: list[Pull] = field(default_factory=list)
    pockets: list[Pull] = field(default_factory=list)
    stuck: list[Pull] = field(default_factory=list)
    refused: list[tuple[Pull, str]] = field(default_factory=list)
    duplicates: int = 0

    def as_dict(self) -> dict[str, object]:
        def total(rows: Sequence[Pull]) -> dict[str, object]:
            return {
                "lots": len(rows),
                "units": sum(p.quantity for p in rows),
                "value": str(sum((p.value for p in rows), Decimal("0.00"))),
            }

        return {
            "day": self.day.isoformat(),
            "moved": total(self.moved),
            "pockets": total(self.pockets),
            "stuck": total(self.stuck),
            "already_swept": self.duplicates,
            "lines": [p.as_dict() for p in [*self.moved, *self.pockets, *self.stuck]],
            "refused": [{**p.as_dict(), "reason": why} for p, why in self.refused],
        }


def expired_pulls(uow: UnitOfWork, *, clock: Clock, cabinets: Sequence[str] = ()) -> list[Pull]:
    """Every lot on hand expired today outside quarantine and transit (of the pockets of
    ``cabinets`` only, when named), by location and expiry."""
    today = clock.today()
    found = uow.ledger.expired_on_hand(on=today)
    if not found:
        return []
    everything = uow.locations.all()
    by_id = {loc.id: loc for loc in everything}
    quarantine = _quarantines(everything, by_id)
    products = uow.products.find_many("id", sorted({str(p) for _, p, _, _ in found}))
    lot_ids = {lot for _, _, lot, _ in found}
    numbers = uow.lots.numbers(lot_ids)
    expiries = uow.lots.expiries(lot_ids)
    item_of = {
        pid: code
        for code, item in uow.items.get_many(
            {loc.item_code for loc in everything if loc.item_code}
        ).items()
        for pid in item.product_ids
    }
    wanted = set(cabinets)
    out: list[Pull] = []
    for loc_id, product_id, lot_id, units in found:
        loc = by_id[loc_id]
        cabinet = _cabinet(loc, by_id)
        if wanted and cabinet not in wanted:
            continue
        product = products[str(product_id)]
        expiry = expiries.get(lot_id)
        assert expiry is not None  # only lots with an expiry are expired
        out.append(
            Pull(
                location=loc.code,
                kind=loc.kind.value,
                cabinet=cabinet,
                item=loc.item_code or item_of.get(product_id, ""),
                ndc=str(product.ndc),
                lot=numbers.get(lot_id, ""),
                expiry=expiry,
                quantity=units,
                value=(Decimal(units) * (product.unit_cost or Decimal(0))).quantize(
                    Decimal("0.01")
                ),
                to_location=quarantine.get(_facility(loc, by_id)),
            )
        )
    return out


def sweep_expired(uow: UnitOfWork, *, user: str, clock: Clock) -> Swept:
    """The daily sweep (see the module's notes): expired lots on the shelves move into their
    facility's quarantine location in one transaction; those in pockets wait for the refill
    run."""
    require_user(user)
    today = clock.today()
    pulls = expired_pulls(uow, clock=clock)
    done = Swept(day=today)
    to_move: list[Pull] = []
    for p in pulls:
        if p.to_location is None:
            done.stuck.append(p)
        elif p.in_pocket:
            done.pockets.append(p)
        else:
            to_move.append(p)
    commands = [
        Move(
            user=user,
            from_location=p.location,
            to_location=p.to_location or "",
            product=p.ndc,
            lot=p.lot,
            quantity=p.quantity,
            here_only=True,
            reference=f"expiry sweep {today.isoformat()}",
            external_id=ExternalId("expiry-sweep", f"{today}:{p.location}:{p.ndc}:{p.lot}"),
        )
        for p in to_move
    ]
    answers = post(uow, commands, clock=clock, commit=False) if commands else []
    for p, answer in zip(to_move, answers, strict=True):
        if isinstance(answer, RxSupplyError):
            done.refused.append((p, str(answer)))
        elif isinstance(answer, Posted) and answer.duplicate:
            done.duplicates += 1
        else:
            done.moved.append(p)
    uow.commit()
    return done


def _quarantines(
    everything: Sequence[Location], by_id: dict[int | None, Location]
) -> dict[int | None, str]:
    """Each facility's quarantine location (the first by code)."""
    out: dict[int | None, str] = {}
    for loc in sorted(everything, key=lambda x: x.code):
        if loc.kind is LocationKind.QUARANTINE:
            out.setdefault(_facility(loc, by_id), loc.code)
    return out


def _facility(loc: Location, by_id: dict[int | None, Location]) -> int | None:
    here: Location | None = loc
    while here is not None and here.kind is not LocationKind.FACILITY:
        here = by_id.get(here.parent_id)
    return here.id if here is not None else None


def _cabinet(loc: Location, by_id: dict[int | None, Location]) -> str | None:
    if loc.kind is not LocationKind.POCKET:
        return None
    parent = by_id.get(loc.parent_id)
    return parent.code if parent is not None and parent.kind is LocationKind.ADC else None
