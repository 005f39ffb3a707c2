"""Request dependencies of the JSON endpoints only: paging parameters and the batching writer."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request

from rxsupply.domain.fields import ROWS_LIMIT
from rxsupply.entrypoints.api.writer import LedgerWriter

Limit = Annotated[int, Query(ge=1, le=1000, description="Page size.")]
Offset = Annotated[int, Query(ge=0, le=ROWS_LIMIT, description="Rows to skip.")]


def writer_of(request: Request) -> LedgerWriter:
    """The process's batching writer of receipts and dispenses."""
    writer: LedgerWriter = request.app.state.writer
    return writer
