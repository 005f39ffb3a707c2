"""What the internal logistics use cases (transfers) need from storage."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from rxsupply.domain.transfer import Transfer, TransferLine, TransferStatus


class TransferRepository(Protocol):
    def add(
        self,
        transfer: Transfer,
        *,
        from_id: int,
        to_id: int,
        item_id: int | None,
        product_id: int | None,
    ) -> str: ...
    def get(self, number: str, *, lock: bool = False) -> Transfer | None: ...
    def listed(self, *, status: TransferStatus | None, limit: int) -> list[Transfer]: ...
    def save_steps(self, transfer: Transfer) -> None: ...
    def replace_lines(self, transfer_id: int, lines: Sequence[TransferLine]) -> None: ...
    def set_received(self, transfer_id: int, received: dict[int, int]) -> None: ...
