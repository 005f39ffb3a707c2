"""What the suspect product cases need from storage (:class:`CaseRepository`): the cases, the
serials and lots they name, their steps, and the facts around those lots (what the hospital
holds and received, who sold them)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from rxsupply.domain.status import StockStatus
from rxsupply.domain.suspect_case import CaseSource, Step, SuspectReason


@dataclass(frozen=True, slots=True)
class CaseSubject:
    """A lot (``package_id`` None) or a serialised package a case names."""

    kind: str  # lot, serial
    product_id: int
    lot_id: int
    ndc: str
    lot_number: str
    status_before: StockStatus
    blocked: bool  # the case made it suspect
    reason_before: str = ""
    package_id: int | None = None
    gtin: str | None = None
    serial: str | None = None

    @property
    def key(self) -> tuple[str, int]:
        return ("serial", self.package_id) if self.package_id else ("lot", self.lot_id)

    @property
    def label(self) -> str:
        if self.serial:
            return f"{self.gtin} serial {self.serial}"
        return f"{self.ndc} lot {self.lot_number}"


@dataclass(slots=True)
class CaseRecord:
    """A case as stored: its row, subjects and steps in order."""

    id: int
    facility_id: int
    number: str
    opened_at: datetime
    opened_by: str
    reason: SuspectReason
    source: CaseSource
    subjects: list[CaseSubject] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    external_id: str | None = None  # the form or request that opened it (idempotency)
    step_external_ids: dict[int, str | None] = field(default_factory=dict)  # seq -> id


@dataclass(frozen=True, slots=True)
class LotFacts:
    """A lot's product, expiry, and the units the hospital holds and has received."""

    lot_id: int
    name: str
    ndc: str
    strength: str
    dosage_form: str
    dispense_unit: str
    package_size: int
    lot_number: str
    expiry: date | None
    units_held: int
    units_received: int
    generic_name: str = ""  # the primary ingredient(s), when on record


@dataclass(frozen=True, slots=True)
class Seller:
    """A trading partner that sold the hospital a lot or package, and how that is known
    (``via``: the purchase orders received, the EPCIS documents)."""

    name: str
    partner_id: int | None
    via: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ShippedOut:
    """Stock of a lot that left the hospital's hands or its facility: a return batch shipped
    to a distributor (``kind`` ``return``; ``to``: the distributor as written on the batch)
    or a transfer shipped between locations (``transfer``; ``from_code``, ``to``: location
    codes)."""

    kind: str  # return, transfer
    number: str
    lot_id: int
    to: str
    shipped_at: datetime | None
    partner_id: int | None = None  # the distributor's trading partner row, matched by name
    from_code: str = ""


class CaseRepository(Protocol):
    def lock_writes(self) -> None:
        """Serialise the case writes of this unit of work with every other one until it ends:
        two cases naming the same units must not each read the other's holds before either
        writes (PostgreSQL: a transaction-level advisory lock; SQLite: nothing to do, a
        writing unit of work holds the database's write lock from ``BEGIN IMMEDIATE``)."""
        ...

    def numbers_taken(self, prefix: str) -> int:
        """How many case numbers begin with ``prefix`` (``SC-2026-``)."""
        ...

    def add(
        self,
        *,
        facility_id: int,
        number: str,
        opened_at: datetime,
        opened_by: str,
        reason: SuspectReason,
        source: CaseSource,
        subjects: Iterable[CaseSubject],
        external_id: str | None = None,
    ) -> int: ...
    def add_step(self, case_id: int, step: Step, *, external_id: str | None = None) -> None: ...
    def get(self, case_id: int) -> CaseRecord | None: ...
    def by_number(self, number: str) -> int | None: ...
    def by_external_id(self, external_id: str) -> int | None:
        """The case a form opened, or whose step it recorded, under this external id."""
        ...

    def listed(self, limit: int) -> list[CaseRecord]:
        """Cases, the latest opened first, with their subjects and steps."""
        ...

    def naming(self, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], list[int]]:
        """For each subject key (``("lot", lot id)`` or ``("serial", package id)``), the ids of
        the cases that name it."""
        ...

    def lot_facts(self, lot_ids: Iterable[int]) -> dict[int, LotFacts]: ...
    def shipped_out(self, lot_ids: Iterable[int]) -> list[ShippedOut]:
        """Shipped return batches and shipped transfers holding these lots, oldest first."""
        ...

    def sellers(
        self, lot_ids: Iterable[int], identities: Iterable[tuple[str, str]]
    ) -> list[Seller]:
        """Who sold the hospital these lots (receipts against purchase orders; EPCIS
        documents shipping the lots) and packages (documents shipping them), by name."""
        ...
