"""What the refill run's use cases need from storage: :class:`RefillRunRepository`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from rxsupply.domain.refilling import RefillRun, RunStatus


class RefillRunRepository(Protocol):
    def add(self, run: RefillRun) -> str:
        """Save a run and its lines; its number."""
        ...

    def get(self, number: str, *, lock: bool = False) -> RefillRun | None: ...
    def listed(self, *, status: RunStatus | None, limit: int) -> list[RefillRun]: ...
    def open_cabinets(self) -> dict[str, str]:
        """The cabinets on an open run, each with the run's number."""
        ...

    def progress(
        self, line_id: int, *, scanned: int, reported: int, posted: int, user: str, at: datetime
    ) -> None:
        """Add units scanned, reported by the cabinet and posted to a line."""
        ...

    def close(
        self,
        run_id: int,
        *,
        allowed: Iterable[RunStatus],
        status: RunStatus,
        user: str,
        at: datetime,
    ) -> bool: ...
