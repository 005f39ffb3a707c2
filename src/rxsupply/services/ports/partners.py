"""What the trading partner use cases need from storage (:class:`PartnerRepository`): the
partners with their DSCSA type, and each one's authorizations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from rxsupply.domain.trading_partner import Authorization, Partner, PartnerType


class PartnerRepository(Protocol):
    def find(self, key: str) -> Partner | None:
        """A partner by its name (any case) or its id."""
        ...

    def all(self) -> list[Partner]:
        """Every partner, by name."""
        ...

    def by_edi_id(self, edi_id: str) -> Partner | None:
        """The partner whose EDI id (ISA06) this is."""
        ...

    def set_edi_id(self, partner_id: int, edi_id: str | None) -> None:
        """Record the partner's EDI id, or clear it (None)."""
        ...

    def authorizations(self, partner_ids: Iterable[int]) -> dict[int, list[Authorization]]:
        """Each partner's authorizations, newest recorded first (an empty list for none)."""
        ...

    def add_authorization(
        self, partner_id: int, authorization: Authorization, *, external_id: str | None = None
    ) -> int: ...
    def by_external_id(self, external_id: str) -> int | None:
        """The partner whose authorization was recorded under this external id."""
        ...

    def set_type(self, partner_id: int, partner_type: PartnerType) -> None: ...
