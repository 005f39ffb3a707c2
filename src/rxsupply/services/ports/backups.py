"""What backing up and restoring the database needs from storage (:class:`DatabaseCopies`)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from rxsupply.services.ports.storage import AuditEntry


@dataclass(frozen=True, slots=True)
class DatabaseFacts:
    """What a database (live, backed up or staged for a restore) holds, in figures a person
    can compare: its migration ``revision``, how many ledger ``movements`` and the sum of every
    on-hand (dispense units)."""

    revision: str
    movements: int
    on_hand: int

    def as_dict(self) -> dict[str, object]:
        return {"revision": self.revision, "movements": self.movements, "on_hand": self.on_hand}


class StagedRestore(Protocol):
    """A backup copied beside the database it will replace, not yet in place."""

    def revision(self) -> str | None:
        """Its migration revision; ``None`` when it is not an rxsupply database."""
        ...

    def upgrade(self) -> None:
        """Bring it to this version's newest migration (before or as it is installed)."""
        ...

    def install(self) -> None:
        """Put it in place of the database, at once (a reader sees the old one or the new
        one, never a mix)."""
        ...


class DatabaseCopies(Protocol):
    """Copies of one configured database."""

    def revisions(self) -> list[str]:
        """The migration revisions this version of rxsupply knows, oldest first."""
        ...

    def back_up(self, target: Path) -> DatabaseFacts:
        """Write a consistent copy of the database to ``target`` while others keep writing
        (one snapshot: every transaction committed before it, none after); its facts."""
        ...

    def stage(self, source: Path) -> AbstractContextManager[StagedRestore]:
        """Copy the backup at ``source`` beside the database; a copy not installed is removed
        on leaving. Refused (:class:`~rxsupply.errors.RestoreRefused`) when another process
        has the database open."""
        ...

    def facts(self) -> DatabaseFacts:
        """What the database holds now."""
        ...

    def record(self, entry: AuditEntry) -> None:
        """Add an audit entry to the (live or just restored) database."""
        ...
