"""The commands that change stock, and what posting one answers.

Every change of stock is one of these, posted through :func:`rxsupply.services.ledger.post`
(one at a time or many together) whatever face it comes from: the CLI, the API, a web form, a
file import, the demo build. Each names its ``user`` (required) and may carry an
:class:`~rxsupply.domain.external_id.ExternalId` that makes a resend a no-op. Codes are as a
user types them: location and item codes, an NDC in any form or a GTIN-14.

A second user (``approval``) is needed for an adjustment above the configured value or of a
controlled substance, and for an override that moves blocked or expired stock anywhere but
into quarantine or out of the hospital (``override`` says why).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from rxsupply.domain.discrepancy import Discrepancy
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.limits import Approval
from rxsupply.domain.movement import Movement, MovementKind
from rxsupply.domain.status import StockStatus


@dataclass(frozen=True, slots=True, kw_only=True)
class Receive:
    """Receive one lot of a product. ``location`` None receives into the facility's storeroom.
    ``quantity`` is in dispense units, or ``packages`` counts what the product text names (a
    case GTIN counts cases). A scanned package carries its ``serial``: it receives exactly one
    package (or case) and records it. The expiry is required unless the item is non-expiring."""

    user: str
    product: str
    lot: str
    expiry: date | None
    quantity: int | None = None
    packages: int | None = None
    location: str | None = None
    serial: str | None = None
    reference: str = ""
    unit_cost: Decimal | None = None
    occurred_at: datetime | None = None
    external_id: ExternalId | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Move:
    """Transfer (or, ``refill``, restock an ADC) ``quantity`` units of an item or a product,
    earliest expiry first among usable stock, or of one named lot (sealed serialised packages
    on the lines taken follow whole when the quantity covers them). Into a cabinet, the units
    go to the item's pocket there (or the ``pocket`` named); a pocket takes no more than its
    capacity. Blocked or expired stock moves only into a quarantine location, or with an
    ``override`` reason and a manager's ``approval``. ``here_only`` takes from the from
    location itself, not from the places below it (a storeroom's floor, not its bins)."""

    user: str
    from_location: str
    to_location: str
    quantity: int
    item: str | None = None
    product: str | None = None
    lot: str | None = None
    pocket: str | None = None
    refill: bool = False
    here_only: bool = False
    override: str = ""
    approval: Approval | None = None
    reference: str = ""
    occurred_at: datetime | None = None
    external_id: ExternalId | None = None

    @property
    def kind(self) -> MovementKind:
        return MovementKind.REFILL if self.refill else MovementKind.TRANSFER


@dataclass(frozen=True, slots=True, kw_only=True)
class Dispense:
    """A dispense, waste or patient return at a cabinet, pocket or satellite. A dispense or
    waste takes usable stock earliest expiry first; a waste that names its ``lot`` may take
    expired or blocked stock (it leaves the hospital). A patient return goes back to the lot
    that would be dispensed next.

    ``reported``: a cabinet (or its feed) reports what already left it, and it is the truth
    for that. A reported dispense or waste beyond the usable stock on record issues what is
    usable and records the rest as a :class:`~rxsupply.domain.discrepancy.Discrepancy` to
    resolve, instead of refusing the report."""

    user: str
    location: str
    quantity: int
    item: str | None = None
    product: str | None = None
    lot: str | None = None
    kind: MovementKind = MovementKind.DISPENSE
    note: str = ""
    occurred_at: datetime | None = None
    external_id: ExternalId | None = None
    reported: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ReturnToVendor:
    """Send units of one lot back to the manufacturer or a reverse distributor (any status:
    this is how blocked and expired stock leaves)."""

    user: str
    location: str
    product: str
    lot: str
    quantity: int
    reference: str = ""
    occurred_at: datetime | None = None
    external_id: ExternalId | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Adjust:
    """Correct one lot's on-hand by a signed quantity with a ``reason`` (``count``: a
    cycle-count variance). A new lot needs its expiry unless the item is non-expiring.
    ``opening`` stock (the stock import) is an increase noted "opening stock" whose authority
    is the import (its audit entry names the file and who imported it): no second user."""

    user: str
    location: str
    product: str
    lot: str
    quantity: int
    reason: str
    count: bool = False
    opening: bool = False
    expiry: date | None = None
    approval: Approval | None = None
    occurred_at: datetime | None = None
    external_id: ExternalId | None = None

    @property
    def kind(self) -> MovementKind:
        return MovementKind.COUNT_VARIANCE if self.count else MovementKind.ADJUSTMENT


@dataclass(frozen=True, slots=True, kw_only=True)
class SetStatus:
    """Quarantine, recall or mark suspect (``status``) a lot everywhere at once, pockets
    included, or one serialised package (``serial``); or release it (``status`` available:
    the faces let only managers do that). Nothing moves: picking stops (or starts again)
    taking it. A package already of ``status`` is refused, unless ``restate``: then it keeps
    its status under the new reason, recorded in its history (a hold passing from one reason
    to another, such as a DSCSA exception resolved while another still holds the package)."""

    user: str
    product: str
    lot: str | None
    status: StockStatus
    reason: str
    serial: str | None = None
    external_id: ExternalId | None = None
    restate: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Repackage:
    """Repackage ``quantity`` dispense units of one usable lot at a location into a new lot
    ``to_lot`` of another product (a unit-dose package with its own NDC and GTIN) expiring
    ``to_expiry``: one movement out of the bulk lot and one into the repackaged lot, in the
    same place, with the same reference and external id. Expired or blocked lots are refused;
    the repackaged lot must be new."""

    user: str
    location: str
    product: str
    lot: str
    quantity: int
    to_product: str
    to_lot: str
    to_expiry: date
    reference: str = ""
    occurred_at: datetime | None = None
    external_id: ExternalId | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Open:
    """Open a package (a multi-dose vial, a bottle, an inhaler) of one usable lot at a
    location: its ``quantity`` units leave the sealed lot and become the opened lot ``to_lot``
    of the same product, whose expiry ``to_expiry`` is the package's beyond-use date. From then
    on every rule that reads expiry (picking, the expiry report, the daily sweep) reads the
    beyond-use date for those units; a block of the sealed lot (a recall) reaches them. Units
    opened on the same day from the same lot share one opened lot."""

    user: str
    location: str
    product: str
    lot: str
    quantity: int
    to_lot: str
    to_expiry: date
    reference: str = ""
    occurred_at: datetime | None = None
    external_id: ExternalId | None = None


Command = Receive | Move | Dispense | ReturnToVendor | Adjust | SetStatus | Repackage | Open


@dataclass(frozen=True, slots=True)
class Posted:
    """What a command wrote. ``duplicate`` is True when the external id was already recorded
    and nothing was written; ``changed`` lists status changes (lots and packages);
    ``discrepancies`` what a reported dispense or waste left unaccounted for."""

    movements: list[Movement] = field(default_factory=list)
    duplicate: bool = False
    changed: list[dict[str, object]] = field(default_factory=list)
    discrepancies: list[Discrepancy] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """What the CLI (``--json``) and the API answer after a command."""
        out: dict[str, object] = {
            "duplicate": self.duplicate,
            "movements": [
                {
                    "kind": m.kind.value,
                    "quantity": m.quantity,
                    "product_id": m.product_id,
                    "lot_id": m.lot_id,
                    "from_location_id": m.from_location_id,
                    "to_location_id": m.to_location_id,
                }
                for m in self.movements
            ],
        }
        if self.changed:
            out["changed"] = self.changed
        if self.discrepancies:
            out["discrepancies"] = [d.as_dict() for d in self.discrepancies]
        return out
