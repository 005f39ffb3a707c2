"""What every import shares: :class:`ImportResult` (rows read, written and skipped), the
``Progress`` callback, the content key of a row, and the finish that audits an import and
commits it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from rxsupply.errors import RxSupplyError
from rxsupply.services.audit import record
from rxsupply.services.ports import UnitOfWork

Progress = Callable[[int], None]


@dataclass(slots=True)
class ImportResult:
    kind: str
    file: str
    rows: int
    written: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    discrepancies: int = 0  # reported dispenses beyond the usable stock on record

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "kind": self.kind,
            "file": self.file,
            "rows": self.rows,
            "written": self.written,
            "skipped": dict(self.skipped),
        }
        if self.discrepancies:
            out["discrepancies"] = self.discrepancies
        return out


def _key(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:32]


def _finish(uow: UnitOfWork, result: ImportResult, *, now: datetime, user: str) -> ImportResult:
    """Audit the import in its own transaction: who imported which file, and what it wrote.
    An import that wrote nothing (the same file again) leaves no trace at all."""
    if result.written:
        record(
            uow,
            user=user,
            action=f"import_{result.kind.replace('-', '_')}",
            entity="file",
            key=result.file,
            now=now,
            after=result.as_dict(),
        )
    uow.commit()
    return result


def _tick(progress: Progress | None, n: int) -> None:
    if progress is not None:
        progress(n)


def field_of(exc: RxSupplyError, default: str) -> str:
    """The file field a command's error is about: the field it names, else ``default``."""
    field = getattr(exc, "field", None)
    return field if isinstance(field, str) else default


def reason_of(exc: RxSupplyError) -> str:
    """What a row error says: the reason of a bad value, else the whole message."""
    reason = getattr(exc, "reason", None)
    return reason if isinstance(reason, str) else str(exc)
