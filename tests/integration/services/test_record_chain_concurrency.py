"""Many writers appending DSCSA records to one facility's chain at once: every record gets its
own place, the links hold and none is refused (each waits for the one before, not a retry)."""

from __future__ import annotations

import threading

from sqlalchemy import Engine
from tests.conftest import CLOCK, load_examples

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.location import LocationKind
from rxsupply.domain.record_chain import digest, verify_chain
from rxsupply.services.dscsa.records import append_record

THREADS = 8
EACH = 12


def _content(subject: str) -> dict[str, int]:
    _, writer, n = subject.split(":")
    return {"writer": int(writer), "n": int(n)}


def test_concurrent_appends_to_one_chain_each_get_the_next_place(engine: Engine) -> None:
    load_examples(engine, "items", "locations")
    with SqlUnitOfWork(engine) as uow:
        facility = uow.locations.of_kind(LocationKind.FACILITY)[0].id or 0
    failures: list[BaseException] = []

    def write(writer: int) -> None:
        for n in range(EACH):
            try:
                with SqlUnitOfWork(engine) as uow:
                    append_record(
                        uow,
                        facility_id=facility,
                        kind="test",
                        subject=f"test:{writer}:{n}",
                        content={"writer": writer, "n": n},
                        user=f"user{writer}",
                        clock=CLOCK,
                    )
                    uow.commit()
            except BaseException as exc:
                failures.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    with SqlUnitOfWork(engine) as uow:
        entries = list(uow.records.entries(facility))
    contents = {
        e.subject: digest(
            {"writer": int(e.subject.split(":")[1]), "n": int(e.subject.split(":")[2])}
        )
        for e in entries
    }
    assert failures == []
    assert [e.seq for e in entries] == list(range(1, THREADS * EACH + 1))
    assert verify_chain(entries, lambda e: contents[e.subject]) == []
