"""What a shortage's conservation needs from storage (:class:`ConservationRepository`): its
action log, and the use of an item per cabinet pocket."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol

from rxsupply.domain.conservation import ActionKind, ShortageAction


class ConservationRepository(Protocol):
    def add_action(self, action: ShortageAction) -> int:
        """Record one action; its id."""
        ...

    def actions(self, shortage_id: int) -> list[ShortageAction]:
        """A shortage's actions, oldest first (item and location codes filled in)."""
        ...

    def active(
        self,
        *,
        shortage_id: int | None = None,
        kinds: Iterable[ActionKind] = (),
        item_ids: Iterable[int] | None = None,
        lock: bool = False,
    ) -> list[ShortageAction]:
        """The settings in force (state active), oldest first; of one shortage, of these
        kinds, of these items when given; locked when ``lock``."""
        ...

    def set_reverted(self, action_ids: Sequence[int], *, at: datetime, by: str) -> int:
        """Mark active actions reverted; how many were still active."""
        ...

    def recorded(self, external_id: str) -> ShortageAction | None:
        """The action recorded under this external id (a plan applied), if any."""
        ...

    def pocket_use(
        self, product_ids: Sequence[int], location_ids: Sequence[int], *, since: datetime
    ) -> dict[int, int]:
        """Units of these products dispensed from each location since ``since``, less the
        patient returns to it."""
        ...

    def dispensed(
        self, product_ids: Sequence[int], location_ids: Sequence[int], *, since: datetime
    ) -> int:
        """Units of these products dispensed from these locations since ``since``, less the
        patient returns to them."""
        ...
