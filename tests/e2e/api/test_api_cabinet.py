"""The cabinet interface's endpoints over HTTP, on SQLite and PostgreSQL: the discrepancies a
cabinet's report left, resolving one (once), and the listener's messages with their ACKs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from tests.conftest import CLOCK

from rxsupply.adapters.hl7_cabinet import read_message
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.users import Role
from rxsupply.services.cabinet import record_cabinet_message

from .harness import Hospital, QuickHasher, open_hospital, problem

MESSAGE = (
    "MSH|^~\\&|PYXIS|MAIN-ED|RXSUPPLY|MAIN|20261120090000-0500||RDS^O13^RDS_O13|{id}|P|2.5.1\r"
    "RXD|1|ONDA4INJ^ondansetron^RXITEM|20261120085500-0500|{units}|VIAL|||||rn.api"
    "|||ED-ADC1-P01\r"
)


@pytest.fixture
def pharmacy(hospital: Engine) -> Iterator[Hospital]:
    with open_hospital(hospital, QuickHasher()) as opened:
        yield opened


def report(engine: Engine, control_id: str, units: int) -> None:
    with SqlUnitOfWork(engine) as uow:
        record_cabinet_message(
            uow,
            read_message(MESSAGE.format(id=control_id, units=units), zone=CLOCK.zone),
            clock=CLOCK,
            receiver="tests",
        )


def test_a_discrepancy_is_listed_resolved_once_and_then_listed_as_resolved(
    pharmacy: Hospital,
) -> None:
    report(pharmacy.engine, "API-1", 50)
    tech, manager = pharmacy.token(Role.TECHNICIAN), pharmacy.token(Role.MANAGER)

    listed = pharmacy.api.get("/api/adc/discrepancies", token=tech).json()
    (found,) = listed["data"]
    first = pharmacy.api.post(
        f"/api/adc/discrepancies/{found['id']}/resolve",
        token=manager,
        json={"resolution": "refill of 5 not scanned"},
    )
    again = pharmacy.api.post(
        f"/api/adc/discrepancies/{found['id']}/resolve",
        token=manager,
        json={"resolution": "twice"},
    )
    resolved = pharmacy.api.get(
        "/api/adc/discrepancies", token=tech, params={"status": "resolved"}
    ).json()

    assert listed["total"] == 1
    assert (found["location"], found["reported"], found["posted"], found["missing"]) == (
        "ED-ADC1-P01",
        50,
        45,
        5,
    )
    assert first.status_code == 200
    assert (first.json()["status"], first.json()["resolved_by"]) == ("resolved", "manager")
    problem(again, 409)
    assert [d["resolution"] for d in resolved["data"]] == ["refill of 5 not scanned"]


def test_a_technician_may_not_resolve_a_discrepancy(pharmacy: Hospital) -> None:
    report(pharmacy.engine, "API-2", 60)
    tech = pharmacy.token(Role.TECHNICIAN)
    (found,) = pharmacy.api.get("/api/adc/discrepancies", token=tech).json()["data"]

    refused = pharmacy.api.post(
        f"/api/adc/discrepancies/{found['id']}/resolve", token=tech, json={"resolution": "x"}
    )

    problem(refused, 403)


def test_the_messages_received_show_with_their_ack_and_the_days_counts(
    pharmacy: Hospital,
) -> None:
    report(pharmacy.engine, "API-3", 1)
    report(pharmacy.engine, "API-4", 100)

    got = pharmacy.api.get("/api/adc/messages", token=pharmacy.token(Role.TECHNICIAN)).json()

    assert [(m["control_id"], m["ack_code"], m["discrepancies"]) for m in got["data"]] == [
        ("API-4", "AA", 1),
        ("API-3", "AA", 0),
    ]
    assert got["last_24_hours"] == {"AA": 2, "AE": 0, "AR": 0}
