"""Backing up the database and restoring a backup: an administrator's actions, each one
named in the audit trail with its user."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rxsupply.domain.clock import Clock
from rxsupply.errors import RestoreRefused
from rxsupply.services.audit import entry, require_user
from rxsupply.services.ports.backups import DatabaseCopies, DatabaseFacts


@dataclass(frozen=True, slots=True)
class Restored:
    """What a restore put in place; ``upgraded_from`` is the backup's own revision when it
    was older than this version's and was brought up to date."""

    source: Path
    facts: DatabaseFacts
    upgraded_from: str | None

    def as_dict(self) -> dict[str, object]:
        return {
            "source": str(self.source),
            **self.facts.as_dict(),
            "upgraded_from": self.upgraded_from,
        }


def back_up_database(
    copies: DatabaseCopies, *, target: Path, user: str, clock: Clock
) -> DatabaseFacts:
    """Write a consistent copy of the running database to ``target`` and record who took it
    (in the live database, after the copy)."""
    require_user(user)
    facts = copies.back_up(target)
    copies.record(
        entry(
            user=user,
            action="back_up",
            entity="database",
            key=str(target),
            after=facts.as_dict(),
            now=clock.now(),
        )
    )
    return facts


def restore_database(copies: DatabaseCopies, *, source: Path, user: str, clock: Clock) -> Restored:
    """Put the backup at ``source`` in place of the database, all at once: it must be an
    rxsupply database at a revision this version knows (an older one is upgraded first, a
    newer one refused); the restore is recorded, with its user, in the restored database."""
    require_user(user)
    known = copies.revisions()
    with copies.stage(source) as staged:
        revision = staged.revision()
        if revision is None:
            raise RestoreRefused(
                f"{source} is not an rxsupply database (it has no migration revision)"
            )
        if revision not in known:
            raise RestoreRefused(
                f"{source} is at migration revision {revision}, which this version of rxsupply "
                f"does not know (its newest is {known[-1]}): restore it with the version that "
                "made it, or upgrade rxsupply first"
            )
        upgraded_from = None
        if revision != known[-1]:
            staged.upgrade()
            upgraded_from = revision
        staged.install()
    facts = copies.facts()
    copies.record(
        entry(
            user=user,
            action="restore",
            entity="database",
            key=str(source),
            after={**facts.as_dict(), "upgraded_from": upgraded_from},
            now=clock.now(),
        )
    )
    return Restored(source=source, facts=facts, upgraded_from=upgraded_from)
