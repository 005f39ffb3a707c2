"""Many writers posting to the ledger at once, each also appending to its facility's DSCSA
chain in the same transaction: every transaction gets one ledger chain entry, in commit order,
the chain checks clean, and no writer deadlocks on the two chains' locks."""

from __future__ import annotations

import threading

from sqlalchemy import Engine
from tests.conftest import CLOCK, TESTER, load_examples

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.ledger_chain import Cover
from rxsupply.domain.location import LocationKind
from rxsupply.services import ledger
from rxsupply.services.dscsa.records import append_record
from rxsupply.services.ledger.chain_check import verify_ledger_chain

THREADS = 6
EACH = 8


def test_concurrent_writers_each_seal_their_own_rows_into_one_entry(engine: Engine) -> None:
    load_examples(engine, "items", "locations", "stock")
    with SqlUnitOfWork(engine) as uow:
        facility = uow.locations.of_kind(LocationKind.FACILITY)[0].id or 0
        before = len(list(uow.ledger_chain.entries()))
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
                        user=TESTER,
                        clock=CLOCK,
                    )
                    posted = ledger.post_one(
                        uow,
                        ledger.Dispense(
                            user=TESTER,
                            location="MAIN-STORE",
                            item="APAP325TAB",
                            quantity=1,
                            external_id=ExternalId("txn", f"W{writer}-{n}"),
                        ),
                        clock=CLOCK,
                    )
                    assert not posted.duplicate
            except BaseException as exc:
                failures.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    with SqlUnitOfWork(engine, readonly=True) as uow:
        report = verify_ledger_chain(uow)
        added = list(uow.ledger_chain.entries())[before:]
        dscsa = list(uow.records.entries(facility))
    assert (report.ok, report.breaks) == (True, [])
    assert [e.seq for e in dscsa] == list(range(1, THREADS * EACH + 1))
    assert len(added) == THREADS * EACH
    # each entry holds one dispense: its movement, its audit entry and its external id
    assert all(
        [Cover.parse(e.subject).count(t) for t in ("movement", "audit", "external_ref")]
        == [1, 1, 1]
        for e in added
    )
