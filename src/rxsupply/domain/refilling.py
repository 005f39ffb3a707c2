"""The refill run: a technician's round of the cabinets with one saved pick list.

A run is started from the refill pick list (every pocket at or below its min, filled up to its
max from its facility's storeroom, earliest expiry first) and saved, so the list that was
printed is the list that is confirmed. Its lines are grouped by cabinet, the cabinets in the
order of the run's **route** (the cabinets named when it was started, else by code). At the
pocket, each package is confirmed by scanning it: the scan must be the product and lot the line
names (a different lot is refused: the line says which to take), and it counts that package's
units (or the units the technician says, for an opened package), never more than the line
holds. The cabinet may report the same refill (its own refill transaction): the two are two
witnesses of one event, so a line posts, as a ledger refill from the storeroom to the pocket,
the larger of what was scanned and what the cabinet reported, never their sum. A run is
**open** until it is **completed** (what its lines still lack stays on them) or **cancelled**
(only before anything was confirmed: what was refilled stays on the books and is completed
instead).

A run also carries the **pulls** of its cabinets: the expired units the daily sweep found in
their pockets (:mod:`rxsupply.services.expiry_sweep`). A pull line names the pocket, the
expired lot, its units and the facility's quarantine location (``to_location``); confirming it
(by scanning the package, or the units counted out) moves the units from the pocket into
quarantine. The run's ``units`` and ``confirmed`` count what goes into the pockets; ``pull_units``
and ``pulled`` what comes out.

A run read back carries each line's **lot status** as it is now, in the words of the stock
lists (available, quarantined, recalled, suspect; expired when an available lot is past its
expiry on the facility's day): a lot blocked or expired after the run started is refused at the
pocket, and a line that still has units to take from it is marked (``lot_blocked`` says why),
so the technician learns it before walking to the cabinet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from rxsupply.domain.fields import check_units
from rxsupply.domain.status import StatusNote, StockStatus, is_expired, why_unusable
from rxsupply.errors import InvalidValue


class RunStatus(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


@dataclass(slots=True, kw_only=True)
class RefillLine:
    """Take ``quantity`` units of one lot from the storeroom ``from_location`` to ``pocket``;
    ``confirmed`` units were scanned in so far. ``short`` is what the storeroom could not give
    when the run was started; ``remove`` the expired or blocked units to take out of the pocket.
    A line with no lot (``quantity`` 0) is a pocket the storeroom cannot fill at all."""

    line_number: int
    cabinet: str
    pocket: str
    item: str
    from_location: str
    ndc: str
    lot: str
    expiry: date | None
    quantity: int
    short: int = 0
    remove: int = 0
    confirmed: int = 0  # units posted: the larger of scanned and reported
    scanned: int = 0  # units confirmed by scanning at the pocket
    reported: int = 0  # units the cabinet reported refilled
    confirmed_by: str = ""
    confirmed_at: datetime | None = None
    to_location: str = ""  # a pull: the quarantine location the units go to
    id: int | None = None
    lot_status: str = ""  # the lot's status when the run was read ("" before, or no lot)
    unusable: str = ""  # why the lot may not be handed out then ("" when it may)

    @property
    def pull(self) -> bool:
        """A pull: expired units out of the pocket into ``to_location``."""
        return bool(self.to_location)

    @property
    def left(self) -> int:
        """Units still to put in the pocket."""
        return max(self.quantity - self.confirmed, 0)

    @property
    def lot_blocked(self) -> str | None:
        """Why the lot this line still has units to take may not be taken now (blocked or
        expired since the run started: the scan refuses it); None when it may, and on a pull
        (expired or blocked units are what it takes out) or a line with nothing left."""
        if self.pull or self.left == 0 or not self.unusable:
            return None
        return self.unusable

    def note_lot(self, note: StatusNote | None, *, expiry: date | None, today: date) -> None:
        """Record the lot's status on ``today`` (the facility's day): ``note`` when it is
        blocked (None when available), ``expiry`` its expiry on record."""
        status = StockStatus.AVAILABLE.value if note is None else note.status.value
        if note is None and is_expired(expiry, today):
            status = "expired"
        self.lot_status = status
        self.unusable = (
            why_unusable(expiry=expiry, on=today, note=note, lot=f"lot {self.lot}") or ""
        )

    def scan(self, units: int) -> tuple[int, int]:
        """A package scanned at the pocket: the units it counts on the line (never more than
        the line holds) and the units to post (none when the cabinet reported them first)."""
        check_units("units", units)
        if self.scanned >= self.quantity:
            raise InvalidValue(
                "scan",
                f"line {self.line_number} ({self.pocket}, lot {self.lot}) is already filled",
            )
        counted = min(units, self.quantity - self.scanned)
        return counted, max(self.scanned + counted, self.reported) - self.confirmed

    def report(self, units: int) -> tuple[int, int]:
        """A refill the cabinet reported for this line: the units the line takes (what it
        holds that the cabinet has not reported yet) and of them the units to post (none for
        units already scanned in)."""
        on_line = min(units, max(self.quantity - self.reported, 0))
        return on_line, max(self.scanned, self.reported + on_line) - self.confirmed

    def as_dict(self) -> dict[str, object]:
        return {
            "line_number": self.line_number,
            "cabinet": self.cabinet,
            "pocket": self.pocket,
            "item": self.item,
            "from_location": self.from_location,
            "ndc": self.ndc,
            "lot": self.lot,
            "expiry": self.expiry.isoformat() if self.expiry else None,
            "quantity": self.quantity,
            "confirmed": self.confirmed,
            "scanned": self.scanned,
            "reported": self.reported,
            "left": self.left,
            "short": self.short,
            "remove": self.remove,
            "confirmed_by": self.confirmed_by,
            "confirmed_at": self.confirmed_at.isoformat() if self.confirmed_at else None,
            "pull": self.pull,
            "to_location": self.to_location or None,
            "lot_status": self.lot_status or None,
            "lot_blocked": self.lot_blocked,
        }


@dataclass(slots=True, kw_only=True)
class RefillRun:
    number: str
    route: str
    status: RunStatus
    created_by: str
    created_at: datetime
    lines: list[RefillLine] = field(default_factory=list)
    closed_by: str = ""
    closed_at: datetime | None = None
    id: int | None = None

    @property
    def cabinets(self) -> list[str]:
        """The cabinets in route order (the order of the lines)."""
        return list(dict.fromkeys(line.cabinet for line in self.lines))

    @property
    def units(self) -> int:
        """Units to put into the pockets."""
        return sum(line.quantity for line in self.lines if not line.pull)

    @property
    def confirmed(self) -> int:
        return sum(line.confirmed for line in self.lines if not line.pull)

    @property
    def pull_units(self) -> int:
        """Expired units to take out of the pockets."""
        return sum(line.quantity for line in self.lines if line.pull)

    @property
    def pulled(self) -> int:
        return sum(line.confirmed for line in self.lines if line.pull)

    def line_for(self, pocket: str, ndc: str, lot: str) -> RefillLine:
        """The line a package scanned at ``pocket`` fills: same product and lot, with units
        left (the first such line). A scan the pocket's lines do not name is refused, naming
        what the pocket is waiting for."""
        at_pocket = [ln for ln in self.lines if ln.pocket == pocket]
        if not at_pocket:
            raise InvalidValue("pocket", f"run {self.number} has no line for pocket {pocket}")
        same = [ln for ln in at_pocket if ln.ndc == ndc and ln.lot == lot]
        open_lines = [ln for ln in same if ln.left > 0]
        if open_lines:
            return open_lines[0]
        if same:
            return same[0]  # take() says it is filled
        wanted = ", ".join(
            f"NDC {ln.ndc} lot {ln.lot} ({ln.left} left)" for ln in at_pocket if ln.lot
        )
        raise InvalidValue(
            "scan",
            f"NDC {ndc} lot {lot} is not on the pick list for {pocket}: "
            + (f"take {wanted}" if wanted else "the storeroom had nothing for it"),
        )

    def as_dict(self, *, lines: bool = True) -> dict[str, object]:
        out: dict[str, object] = {
            "number": self.number,
            "route": self.route,
            "status": self.status.value,
            "created_by": self.created_by,
            "created_at": self.created_at.isoformat(),
            "closed_by": self.closed_by,
            "closed_at": self.closed_at.isoformat() if self.closed_at else None,
            "cabinets": self.cabinets,
            "units": self.units,
            "confirmed": self.confirmed,
            "left": self.units - self.confirmed,
            "pull_units": self.pull_units,
            "pulled": self.pulled,
        }
        if lines:
            out["lines"] = [line.as_dict() for line in self.lines]
        return out
