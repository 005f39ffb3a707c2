"""The wholesaler's X12 855 read back: its order, its lines' answers, and a document for
another buyer or one that cannot be read refused with the segment at fault."""

from __future__ import annotations

import pytest

from rxsupply.adapters.x12_inbound import read_855
from rxsupply.domain.purchasing import LineAck
from rxsupply.errors import InvalidValue


def acknowledgement(receiver: str = "RXSUPPLY", body: str = "") -> str:
    isa = (
        "ISA*00*          *00*          *ZZ*EXAMPLEWHOLESAL*ZZ*"
        f"{receiver:<15}*261121*0900*U*00401*000000077*0*P*>"
    )
    rest = body or "~\n".join(
        [
            "GS*PR*EXAMPLEWHOLESAL*RXSUPPLY*20261121*0900*77*X*004010",
            "ST*855*0001",
            "BAK*00*AC*PO000012*20261120",
            "PO1*1*10*EA*15.00**N4*98765040102",
            "ACK*IA*10*EA",
            "PO1*2*6*EA*31.20**N4*98765021001",
            "ACK*IB*6*EA",
            "PO1*3*1*EA*3.50**N4*98765325001",
            "ACK*IQ*4*EA",
            "CTT*3",
            "SE*10*0001",
            "GE*1*77",
            "IEA*1*000000077~\n",
        ]
    )
    return f"{isa}~\n{rest}"


def test_an_855_reads_as_its_order_and_each_lines_answer() -> None:
    ack = read_855(acknowledgement())

    assert (ack.po_number, ack.ack_type, ack.sender) == ("PO000012", "AC", "EXAMPLEWHOLESAL")
    assert ack.lines == [LineAck(1, "IA", 10), LineAck(2, "IB", 6), LineAck(3, "IQ", 4)]


def test_an_855_for_another_buyer_is_refused() -> None:
    with pytest.raises(InvalidValue) as caught:
        read_855(acknowledgement(receiver="OTHERHOSPITAL"))

    assert caught.value.field == "ISA08"
    assert "OTHERHOSPITAL" in str(caught.value)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("ST*850*0001~BAK*00*AC*PO1~", "ST"),
        ("ST*855*0001~BAK*00*AC~", "BAK"),
        ("ST*855*0001~BAK*00*AC*PO1~ACK*IA*1~", "ACK"),
        ("ST*855*0001~BAK*00*AC*PO1~PO1*one*1~", "PO1"),
    ],
)
def test_an_855_that_cannot_be_read_names_the_segment(body: str, field: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        read_855(acknowledgement(body=body))

    assert caught.value.field == field


def test_text_that_is_not_x12_is_refused() -> None:
    with pytest.raises(InvalidValue) as caught:
        read_855("po_number,line\nPO1,1\n")

    assert caught.value.field == "ISA"
