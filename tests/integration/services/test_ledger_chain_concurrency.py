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


def _dispense_one(uow: SqlUnitOfWork, txn: str) -> ledger.Posted:
    """One unit of acetaminophen dispensed from the storeroom (ADC transaction ``txn``)."""
    return ledger.post_one(
        uow,
        ledger.Dispense(
            user=TESTER,
            location="MAIN-STORE",
            item="APAP325TAB",
            quantity=1,
            external_id=ExternalId("txn", txn),
        ),
        clock=CLOCK,
    )


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
                    posted = _dispense_one(uow, f"W{writer}-{n}")
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


def test_a_check_reads_one_snapshot_while_others_keep_posting(engine: Engine) -> None:
    """A write committed while the chain is being checked is neither an inserted row (its
    rows newer than the entries read) nor a break: the check sees the ledger as it was."""
    load_examples(engine, "items", "locations", "stock")

    def dispense(n: int) -> None:
        with SqlUnitOfWork(engine) as uow:
            _dispense_one(uow, f"S{n}")
            uow.commit()

    dispense(0)
    with SqlUnitOfWork(engine, snapshot=True) as uow:
        entries = len(list(uow.ledger_chain.entries()))  # the snapshot starts here
        rows = uow.ledger_chain.count("movement")
        dispense(1)  # committed by another user while the check reads
        assert uow.ledger_chain.count("movement") == rows
        report = verify_ledger_chain(uow)
    assert (report.ok, report.breaks, report.entries) == (True, [], entries)
    with SqlUnitOfWork(engine, readonly=True) as uow:
        after = verify_ledger_chain(uow)
    assert (after.ok, after.entries) == (True, entries + 1)
