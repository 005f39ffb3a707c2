"""Tables read from files, and collecting row errors before anything is written."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from rxsupply.domain.fields import check_text
from rxsupply.errors import ImportRejected, InvalidValue, RowError

T = TypeVar("T")
REASON_LIMIT = 240
"""The longest reason a row error keeps: a reason quoting a huge value is cut."""


@dataclass(slots=True)
class Table:
    """A file's rows as text columns. ``name`` is the file's name for messages; data rows are
    numbered from 1 (the header is line 1 of the file, data row 1 is line 2)."""

    name: str
    columns: dict[str, list[str]]
    rows: int

    def get(self, column: str) -> list[str]:
        return self.columns.get(column) or [""] * self.rows


@dataclass(slots=True)
class Errors:
    """Row errors of one file. Keeps the first ``cap`` and counts the rest."""

    file: str
    cap: int = 100
    found: list[RowError] = field(default_factory=list)
    total: int = 0

    def add(self, row: int, column: str, reason: str, *, line: int = 0) -> None:
        """Record one error; a reason quoting a long value is cut to :data:`REASON_LIMIT`."""
        self.total += 1
        if len(reason) > REASON_LIMIT:
            reason = f"{reason[: REASON_LIMIT - 40]}... ({len(reason):,} characters)"
        if len(self.found) < self.cap:
            self.found.append(RowError(self.file, row, column, reason, line))

    def value(
        self, row: int, column: str, parse: Callable[[str], T], text: str, *, line: int = 0
    ) -> T | None:
        """Parse ``text``; on failure record the error (showing the start of a long value)
        and return None."""
        try:
            return parse(text)
        except InvalidValue as exc:
            shown = text if len(text) <= 40 else text[:40] + "..."
            self.add(row, column, f"{exc.reason} (got {shown!r})", line=line)
            return None

    def fits(self, row: int, limits: Mapping[str, tuple[str, int]], *, line: int = 0) -> bool:
        """Each named value (column -> (text, most characters)) within its length and free of
        control characters; the errors are recorded and False returned otherwise."""
        good = True
        for column, (text, limit) in limits.items():
            try:
                check_text(column, text, limit=limit)
            except InvalidValue as exc:
                self.add(row, column, exc.reason, line=line)
                good = False
        return good

    @property
    def full(self) -> bool:
        return len(self.found) >= self.cap

    def raise_if_any(self) -> None:
        if self.total:
            raise ImportRejected(self.found, self.total)


def require_columns(name: str, header: Sequence[str], required: Sequence[str]) -> None:
    missing = [c for c in required if c not in header]
    if missing:
        found = ", ".join(c if len(c) <= 40 else c[:40] + "..." for c in header[:30])
        found += f" and {len(header) - 30:,} more" if len(header) > 30 else ""
        errors = [
            RowError(name, 0, c, f"missing column; the header has {found or 'nothing'}")
            for c in missing
        ]
        raise ImportRejected(errors)
