"""Controlled-substance wastes reported by a cabinet need a witness: a morphine waste (CII) with
no witness, or witnessed by the nurse who wasted it, is posted (the cabinet is the truth for
what left) and recorded as a discrepancy to resolve; a witnessed one, or a waste of a product
that is not controlled, records none."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from tests.conftest import CLOCK

from rxsupply.adapters.hl7_cabinet import read_message
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.cabinet import AckCode, CabinetAnswer
from rxsupply.services.cabinet import record_cabinet_message
from rxsupply.services.discrepancies import list_discrepancies

MSH = "MSH|^~\\&|PYXIS|MAIN-ICU|RXSUPPLY|MAIN|20261120090000-0500||RDS^O13^RDS_O13|{id}|P|2.5.1"
MORPHINE = "MORPH2INJ^morphine 2 mg/mL^RXITEM"  # 15 syringes at ICU-ADC1-P02, CII
ONDANSETRON = "ONDA4INJ^ondansetron 4 mg/2 mL^RXITEM"  # 30 vials at ICU-ADC1-P01


def waste(engine: Engine, control_id: str, code: str, pocket: str, zrx: str) -> CabinetAnswer:
    rxd = f"RXD|1|{code}|20261120085500-0500|2|EA|||||rn.jones^Jones^Ann|||{pocket}^^^MAIN"
    text = "\r".join([MSH.format(id=control_id), rxd, zrx]) + "\r"
    with SqlUnitOfWork(engine) as uow:
        return record_cabinet_message(
            uow, read_message(text, zone=CLOCK.zone), clock=CLOCK, receiver="adc-interface"
        )


@pytest.mark.parametrize("zrx", ["ZRX|W", "ZRX|W|rn.jones"])
def test_a_controlled_waste_without_a_distinct_witness_is_posted_as_a_discrepancy(
    hospital: Engine, zrx: str
) -> None:
    answer = waste(hospital, "W1", MORPHINE, "ICU-ADC1-P02", zrx)

    with SqlUnitOfWork(hospital, readonly=True) as uow:
        found, _ = list_discrepancies(uow)
    assert (answer.ack, answer.posted, answer.discrepancies) == (AckCode.ACCEPT, 1, 1)
    assert [d.kind for d in found] == ["unwitnessed_waste"]
    assert "without a witness" in answer.text and "ICU-ADC1-P02" in found[0].why()


@pytest.mark.parametrize(
    ("code", "pocket", "zrx"),
    [(MORPHINE, "ICU-ADC1-P02", "ZRX|W|rn.smith"), (ONDANSETRON, "ICU-ADC1-P01", "ZRX|W")],
)
def test_a_witnessed_waste_or_one_of_a_product_not_controlled_records_no_discrepancy(
    hospital: Engine, code: str, pocket: str, zrx: str
) -> None:
    answer = waste(hospital, "W2", code, pocket, zrx)

    assert (answer.ack, answer.posted, answer.discrepancies) == (AckCode.ACCEPT, 1, 0)
