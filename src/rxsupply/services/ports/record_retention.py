"""What verifying and purging the DSCSA records needs from storage beyond the chain itself
(:class:`RecordRetentionRepository`): the rows present, the chain's anchors, and the deletes a
purge past the six-year retention makes (the database refuses younger ones)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from rxsupply.domain.record_chain import ChainEntry
from rxsupply.domain.record_retention import ChainAnchor


class RecordRetentionRepository(Protocol):
    def anchor(self, facility_id: int) -> ChainAnchor | None:
        """The facility's latest anchor (the highest ``first_seq``), or ``None`` when its chain
        was never purged."""
        ...

    def add_anchor(self, anchor: ChainAnchor) -> None: ...

    def heads(self) -> list[tuple[int, ChainEntry]]:
        """Each facility's chain in one row: how many entries it holds, and its newest."""
        ...

    def stored_documents(self) -> list[tuple[int, int]]:
        """Every imported document present, as (facility id, document id)."""
        ...

    def delete_entries(self, facility_id: int, *, below_seq: int) -> int:
        """Delete the facility's chain entries numbered below ``below_seq``; how many."""
        ...

    def delete_documents(self, document_ids: Sequence[int]) -> int:
        """Delete whole documents: their events, packages and the documents; how many
        documents."""
        ...

    def stored_case_steps(self) -> list[tuple[int, int, int]]:
        """Every suspect case step present, as (facility id, case id, step seq)."""
        ...

    def stored_verifications(self) -> list[tuple[int, int]]:
        """Every verification present, as (facility id, verification id)."""
        ...

    def exception_steps(self, facility_id: int) -> dict[int, tuple[int, int | None]]:
        """The facility's exception steps: step id -> (its exception's id, the document that
        exception refers to or ``None``)."""
        ...

    def delete_cases(self, case_ids: Sequence[int]) -> int:
        """Delete whole suspect cases: their steps, subjects and the cases; how many cases."""
        ...

    def delete_exceptions(self, step_ids: Sequence[int]) -> int:
        """Delete whole exceptions, named by any of their steps: every step and the
        exceptions; how many exceptions."""
        ...

    def delete_verifications(self, verification_ids: Sequence[int]) -> int:
        """Delete verifications; how many."""
        ...

    def delete_scans(self, scan_ids: Sequence[int]) -> int:
        """Delete receipt scans; how many."""
        ...
