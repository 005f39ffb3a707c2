"""Hostile documents fed to the import, on each database: a billion-laughs document, an
external-entity document and a 2 GB stream cut short are each refused quickly with their
reason, in bounded memory (tracemalloc's peak), and nothing is written: no row in any DSCSA
table and no chain entry.

The 2 GB stream is made on demand (never held whole) and stops in the middle of an element:
read with the size cap below its length it is refused at the cap; with the cap above where it
stops, as truncated XML. The API's upload spool meets the same 2 GB as an async stream and stops
at its cap."""

from __future__ import annotations

import asyncio
import threading
import time
import tracemalloc
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from tests.conftest import CLOCK, TESTER
from tests.unit.adapters.test_epcis_hostile import EXTERNAL, LAUGHS, TWO_GB, EndlessShipment

from rxsupply.adapters import tables
from rxsupply.adapters.epcis import read_epcis
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.location import Location, LocationKind
from rxsupply.entrypoints.api.dscsa_import import spool
from rxsupply.errors import DocumentRejected
from rxsupply.services.dscsa.importing import import_epcis

DSCSA_TABLES = (
    tables.dscsa_document,
    tables.dscsa_package,
    tables.dscsa_event,
    tables.dscsa_record,
)
MIB = 1024**2
CAP = 256 * 1024  # small: tracemalloc slows the parsing of every byte read


class CutShort(EndlessShipment):
    """A stream that claims 2 GB (``size``) but stops after ``stop`` bytes, mid-element."""

    def __init__(self, stop: int) -> None:
        super().__init__(TWO_GB)
        self.stop = stop

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        room = self.stop - self.handed
        if room <= 0:
            return 0
        return super().readinto(memoryview(buffer)[: min(len(buffer), room)])


@pytest.fixture
def facility(engine: Engine) -> Engine:
    with SqlUnitOfWork(engine) as uow:
        uow.locations.save_many([Location("MAIN", "Hospital", LocationKind.FACILITY)], {})
        uow.commit()
    return engine


def rows(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t.name: conn.scalar(select(func.count()).select_from(t)) or 0 for t in DSCSA_TABLES}


def import_source(engine: Engine, source: Any, *, max_bytes: int) -> None:
    """What ``import-epcis`` and the API do: read the document, then record it."""
    document = read_epcis(source, name="hostile.xml", max_bytes=max_bytes)
    with SqlUnitOfWork(engine) as uow:
        import_epcis(
            uow,
            document=document,
            file_name="hostile.xml",
            sha256="0" * 64,
            facility=None,
            order=None,
            user=TESTER,
            clock=CLOCK,
        )


def refused(work: Callable[[], object]) -> tuple[DocumentRejected, float, int]:
    """Run ``work`` expecting a refusal: the error, the seconds taken, the traced peak bytes."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(DocumentRejected) as caught:
            work()
        return caught.value, time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("content", [LAUGHS, EXTERNAL], ids=["billion laughs", "external entity"])
def test_a_document_with_a_doctype_is_refused_and_nothing_written(
    facility: Engine, tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "hostile.xml"
    path.write_bytes(content)

    error, seconds, peak = refused(lambda: import_source(facility, path, max_bytes=MIB))

    assert error.rule == "unsafe" and "DTDs and entities are refused" in error.reason
    assert seconds < 60 and peak < 16 * MIB
    assert set(rows(facility).values()) == {0}


def test_a_2_gb_stream_is_refused_at_the_size_cap_and_nothing_written(facility: Engine) -> None:
    source = CutShort(stop=3 * CAP)

    error, seconds, peak = refused(lambda: import_source(facility, source, max_bytes=CAP))

    assert error.rule == "size" and "larger than the 262,144-byte cap" in error.reason
    assert source.handed <= CAP + 1
    assert seconds < 60 and peak < 64 * MIB
    assert set(rows(facility).values()) == {0}


def test_a_2_gb_stream_that_stops_mid_element_is_refused_as_truncated(facility: Engine) -> None:
    source = CutShort(stop=CAP + 37)

    error, seconds, peak = refused(lambda: import_source(facility, source, max_bytes=4 * CAP))

    assert error.rule == "xml" and "not well-formed XML" in error.reason
    assert source.handed == CAP + 37
    assert seconds < 60 and peak < 64 * MIB
    assert set(rows(facility).values()) == {0}


def test_the_upload_spool_stops_a_2_gb_body_at_its_cap_in_bounded_memory(tmp_path: Path) -> None:
    source = EndlessShipment(TWO_GB)

    async def body() -> AsyncIterator[bytes]:
        while chunk := source.read(65536):
            yield chunk

    def work() -> None:
        # in a thread of its own: a browser test in the same worker may hold this thread's loop
        failed: list[BaseException] = []

        def run() -> None:
            with (tmp_path / "upload").open("wb") as into:
                try:
                    asyncio.run(spool(body(), into, name="upload.xml", cap=8 * MIB))
                except BaseException as exc:
                    failed.append(exc)

        thread = threading.Thread(target=run)
        thread.start()
        thread.join()
        if failed:
            raise failed[0]

    error, seconds, peak = refused(work)

    assert error.rule == "size" and "larger than the 8,388,608-byte cap" in error.reason
    assert source.handed <= 8 * MIB + 65536
    assert (tmp_path / "upload").stat().st_size <= 8 * MIB
    assert seconds < 60 and peak < 16 * MIB
