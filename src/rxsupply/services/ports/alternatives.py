"""What finding alternatives to a short item reads, and the therapeutic alternatives table
(:mod:`rxsupply.services.alternatives`, :mod:`rxsupply.services.therapeutic_alternatives`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from rxsupply.domain.alternatives import TherapeuticAlternative


@dataclass(frozen=True, slots=True, kw_only=True)
class CandidateProduct:
    """A product as the alternatives read it: from the catalogue (``source`` "item-file",
    "demo"...) or the imported NDC Directory (``source`` "fda"), with the items it stocks."""

    id: int
    ndc: str
    ndc11: str
    digits10: str
    name: str
    generic_name: str
    labeler: str
    strength: str
    dosage_form: str
    route: str
    package_size: int
    dispense_unit: str
    package_description: str
    source: str
    marketing_end: date | None = None
    items: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ShortNdc:
    """An NDC on a current presentation of a current shortage (either form may be unknown)."""

    shortage_id: int
    ndc11: str | None
    digits10: str | None


@dataclass(frozen=True, slots=True)
class Partner:
    """A trading partner: ``kind`` wholesaler, gpo or manufacturer; ``role`` primary,
    secondary or blank."""

    name: str
    kind: str
    role: str


class AlternativeRepository(Protocol):
    def products_named(self, words: Sequence[str]) -> list[CandidateProduct]:
        """Products whose generic name or name contains one of these words (any case)."""
        ...

    def products(self, product_ids: Iterable[int]) -> list[CandidateProduct]: ...

    def usable_units(self, product_ids: Iterable[int], *, today: date) -> dict[int, int]:
        """Usable units on hand hospital-wide per product (expired, blocked and quarantined
        stock left out); products with none are absent."""
        ...

    def short_ndcs(self, ndc11s: Iterable[str], digits: Iterable[str]) -> list[ShortNdc]:
        """The NDCs among these (in either form) on a current presentation of a current
        shortage."""
        ...

    def active_shortages(self, item_ids: Iterable[int]) -> dict[int, list[int]]:
        """Per item, the current shortages matched to it (ids, ascending)."""
        ...

    def partners(self) -> list[Partner]: ...

    def therapeutic(self, item_ids: Iterable[int] | None = None) -> list[TherapeuticAlternative]:
        """The rows of these items (all when None), by item code then alternative code."""
        ...

    def find_therapeutic(
        self, item_id: int, alternative_id: int
    ) -> TherapeuticAlternative | None: ...

    def add_therapeutic(self, row: TherapeuticAlternative) -> int: ...

    def update_therapeutic(self, row: TherapeuticAlternative) -> None:
        """Its note, ratio, who and when (by its id)."""
        ...

    def remove_therapeutic(self, row_id: int) -> None: ...
