"""``rxsupply adc listen`` as a cabinet meets it: HL7 v2 messages over a real MLLP socket to the
command running in its own process, each acknowledged, the ledger checked after."""

from __future__ import annotations

import asyncio
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from tests.conftest import TESTER, load_examples, migrated_sqlite, post

from rxsupply.adapters import tables
from rxsupply.adapters.hl7_cabinet import read_ack
from rxsupply.entrypoints.cabinet_listener import send
from rxsupply.services import ledger

MSH = "MSH|^~\\&|PYXIS|MAIN-ED|RXSUPPLY|MAIN|20261120090000-0500||RDS^O13^RDS_O13|{id}|P|2.5.1"


def rxd(quantity: int) -> str:
    # no RXD-3: the listener runs on the real clock, and a message without a time is posted now
    return (
        f"RXD|1|ONDA4INJ^ondansetron 4 mg/2 mL^RXITEM||{quantity}|VIAL|||||rn.jones^Jones^Ann"
        "|||ED-ADC1-P01^^^MAIN"
    )


def message(control_id: str, *segments: str) -> str:
    return "\r".join([MSH.format(id=control_id), *segments]) + "\r"


@pytest.fixture
def database(tmp_path: Path) -> Iterator[tuple[Path, Engine]]:
    """The example hospital in a SQLite file, with a lot that will not expire in any test run
    (the listener's process works on today's date)."""
    path = tmp_path / "rx.db"
    engine = migrated_sqlite(path)
    load_examples(engine, "items", "locations", "stock")
    post(
        engine,
        ledger.Receive(
            user=TESTER,
            product="98765-402-10",
            lot="FAR2099",
            expiry=date(2099, 12, 31),
            quantity=10,
            location="ED-ADC1-P01",
        ),
    )
    yield path, engine
    engine.dispose()


@pytest.fixture
def listener(database: tuple[Path, Engine]) -> Iterator[int]:
    """``rxsupply adc listen --port 0`` in its own process; the port it bound."""
    path, _ = database
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from rxsupply.entrypoints.cli import main; main()",
            "--db",
            str(path),
            "--user",
            "adc-interface",
            "adc",
            "listen",
            "--port",
            "0",
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    line = process.stderr.readline()
    found = re.search(r"MLLP on 127\.0\.0\.1:(\d+)", line)
    assert found, f"the listener did not start: {line}"
    yield int(found.group(1))
    process.send_signal(signal.SIGINT)
    try:
        _, rest = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    assert "stopped; answered AA 6, AE 0, AR 2" in rest


def test_a_cabinet_session_over_mllp_is_acknowledged_and_posted_once(
    listener: int, database: tuple[Path, Engine]
) -> None:
    _, engine = database
    messages = [
        message("ED-1", rxd(3)),
        message("ED-2", rxd(1), "ZRX|R"),
        message("ED-3", rxd(1), "ZRX|W|rn.smith"),
        message("ED-1", rxd(3)),  # resent: a duplicate
        "MSH|^~\\&|PYXIS|MAIN-ED|RXSUPPLY|MAIN|20261120||ADT^A01^ADT_A01|ED-4|P|2.5.1\rPID|1\r",
        "this is not an HL7 message",
        message("ED-5", rxd(100)),  # beyond what the pocket holds: a discrepancy, accepted
        message("ED-6", rxd(1), "ZRX|W"),  # nothing usable left: accepted, a discrepancy
    ]

    # in a thread of its own: a browser test before it may have left Playwright's event loop
    # running in this process's main thread
    with ThreadPoolExecutor(1) as thread:
        sent = thread.submit(asyncio.run, send(messages, host="127.0.0.1", port=listener))
        acks = [read_ack(a) for a in sent.result(timeout=60)]

    codes = [(code, control_id) for code, control_id, _ in acks]
    assert codes == [
        ("AA", "ED-1"),
        ("AA", "ED-2"),
        ("AA", "ED-3"),
        ("AA", "ED-1"),
        ("AR", "ED-4"),
        ("AR", ""),
        ("AA", "ED-5"),
        ("AA", "ED-6"),
    ]
    texts = [text for _, _, text in acks]
    assert texts[0] == "posted 1 of 1 transactions"
    assert texts[3].startswith("duplicate of message ED-1 received")
    assert "ADT^A01" in texts[4]
    assert "MSH" in texts[5]
    assert "to resolve: dispense of 100 ONDA4INJ" in texts[6]
    with engine.connect() as conn:
        pocket = conn.execute(
            select(func.sum(tables.on_hand.c.quantity))
            .join(tables.location, tables.location.c.id == tables.on_hand.c.location_id)
            .where(tables.location.c.code == "ED-ADC1-P01")
        ).scalar_one()
        kinds = conn.execute(
            select(tables.movement.c.kind, func.sum(tables.movement.c.quantity))
            .where(tables.movement.c.external_id.like("hl7:%"))
            .group_by(tables.movement.c.kind)
        ).all()
        found = conn.execute(
            select(
                tables.stock_discrepancy.c.kind,
                tables.stock_discrepancy.c.reported,
                tables.stock_discrepancy.c.posted,
            ).order_by(tables.stock_discrepancy.c.id)
        ).all()
        recorded = conn.execute(
            select(
                tables.interface_message.c.control_id, tables.interface_message.c.ack_code
            ).order_by(tables.interface_message.c.id)
        ).all()
    dispensed = {k: int(q) for k, q in kinds}
    # 55 on hand (45 of the example lot, 10 of FAR2099): 3 out, 1 back, 1 wasted, then the
    # rest of what is usable out for the report of 100, and nothing for the last waste
    assert pocket == 0 or pocket == 45  # the example lot expires on 2027-09-30
    assert dispensed["patient_return"] == 1
    assert dispensed["waste"] == 1
    assert [(k, r) for k, r, _ in found] == [("dispense", 100), ("waste", 1)]
    assert found[0][2] == dispensed["dispense"] - 3  # what was usable when 100 were reported
    assert found[1][2] == 0
    assert [tuple(r) for r in recorded] == [
        ("ED-1", "AA"),
        ("ED-2", "AA"),
        ("ED-3", "AA"),
        ("ED-4", "AR"),
        ("ED-5", "AA"),
        ("ED-6", "AA"),
    ]
