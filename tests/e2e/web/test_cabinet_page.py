"""The cabinet interface's page over HTTP: the listener's messages and the open discrepancies,
and resolving one with what was found (managers only)."""

from __future__ import annotations

import re

from fastapi import FastAPI
from sqlalchemy import Engine
from tests.conftest import CLOCK

from rxsupply.adapters.hl7_cabinet import read_message
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.services.cabinet import record_cabinet_message

from .harness import client_for, csrf_of

MESSAGE = (
    "MSH|^~\\&|PYXIS|MAIN-ED|RXSUPPLY|MAIN|20261120090000-0500||RDS^O13^RDS_O13|{id}|P|2.5.1\r"
    "RXD|1|ONDA4INJ^ondansetron^RXITEM|20261120085500-0500|999|VIAL|||||rn.page|||ED-ADC1-P01\r"
)


def flash(html: str) -> str:
    found = re.search(r'id="flash">(.*?)</div>', html, re.S)
    return found[1] if found else ""


def over_dispense(engine: Engine, control_id: str) -> None:
    with SqlUnitOfWork(engine) as uow:
        record_cabinet_message(
            uow,
            read_message(MESSAGE.format(id=control_id), zone=CLOCK.zone),
            clock=CLOCK,
            receiver="tests",
        )


def test_the_page_shows_the_message_and_its_discrepancy_and_a_manager_resolves_it(
    web_app: FastAPI, web_engine: Engine
) -> None:
    over_dispense(web_engine, "PAGE-1")

    with client_for(web_app, "manager") as manager:
        page = manager.get("/adc")
        assert page.status_code == 200
        assert "PAGE-1" in page.text and "rn.page" in page.text
        row = page.text.split('data-discrepancy="', 1)[1]
        discrepancy_id = row.split('"', 1)[0]
        done = manager.post(
            f"/adc/discrepancies/{discrepancy_id}/resolve",
            data={"csrf_token": csrf_of(manager, "/adc"), "resolution": "counted, corrected"},
        )
        after = manager.get("/adc")

    assert (done.status_code, done.headers["location"]) == (303, "/adc")
    assert "Resolved: dispense of 999 ONDA4INJ" in flash(after.text)
    assert f'data-discrepancy="{discrepancy_id}"' not in after.text


def test_a_technician_sees_the_page_without_the_resolve_forms(
    web_app: FastAPI, web_engine: Engine
) -> None:
    over_dispense(web_engine, "PAGE-2")

    with client_for(web_app, "tech") as tech:
        page = tech.get("/adc")
        refused = tech.post(
            "/adc/discrepancies/1/resolve",
            data={"csrf_token": csrf_of(tech, "/adc"), "resolution": "not mine to say"},
        )

    assert page.status_code == 200 and "PAGE-2" in page.text
    assert "/resolve" not in page.text
    assert refused.status_code == 403
