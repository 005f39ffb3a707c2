"""The cabinet interface's HL7 v2 profile: what a message says, what is refused and where, and
the ACK written back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rxsupply.adapters.hl7_cabinet import ack, read_ack, read_message
from rxsupply.domain.cabinet import (
    AckCode,
    CabinetAnswer,
    CabinetMessageRejected,
    ErrorCode,
    MessageProblem,
    TransactionKind,
)

EASTERN = ZoneInfo("America/New_York")
MSH = "MSH|^~\\&|PYXIS|ED|RXSUPPLY|MAIN|20261120090000-0500||{type}|{id}|{processing}|{version}"
RXD = (
    "RXD|1|ONDA4INJ^ondansetron 4 mg/2 mL^RXITEM|20261120085500-0500|2|VIAL|||||rn.jones^Jones"
    "|||ED-ADC1-P01^^^MAIN"
)


def message(
    *segments: str,
    kind: str = "RDS^O13^RDS_O13",
    control_id: str = "M1",
    processing: str = "P",
    version: str = "2.5.1",
) -> str:
    head = MSH.format(type=kind, id=control_id, processing=processing, version=version)
    return "\r".join([head, *segments]) + "\r"


def refusal(text: str) -> CabinetMessageRejected:
    with pytest.raises(CabinetMessageRejected) as caught:
        read_message(text, zone=EASTERN)
    return caught.value


def test_a_dispense_message_reads_as_its_sender_control_id_and_transaction() -> None:
    read = read_message(message("PID|1||MRN1", "ORC|RE|O1", RXD), zone=EASTERN)

    assert (read.sender, read.facility, read.control_id, read.message_type, read.version) == (
        "PYXIS",
        "ED",
        "M1",
        "RDS^O13",
        "2.5.1",
    )
    (t,) = read.transactions
    assert (t.number, t.kind, t.code, t.by_ndc, t.location, t.quantity, t.user) == (
        "1",
        TransactionKind.DISPENSE,
        "ONDA4INJ",
        False,
        "ED-ADC1-P01",
        2,
        "rn.jones",
    )
    assert t.occurred_at == datetime(2026, 11, 20, 13, 55, tzinfo=UTC)


def test_the_zrx_segment_makes_a_return_or_a_witnessed_waste() -> None:
    read = read_message(
        message(RXD, "ZRX|R", RXD.replace("RXD|1|", "RXD|2|"), "ZRX|W|rn.smith"), zone=EASTERN
    )

    assert [(t.number, t.kind, t.witness) for t in read.transactions] == [
        ("1", TransactionKind.PATIENT_RETURN, ""),
        ("2", TransactionKind.WASTE, "rn.smith"),
    ]


def test_an_ndc_coded_product_and_a_lot_are_read() -> None:
    line = RXD.replace("ONDA4INJ^ondansetron 4 mg/2 mL^RXITEM", "98765-402-10^ondansetron^NDC")
    line += "|||||ON2502B"

    (t,) = read_message(message(line), zone=EASTERN).transactions

    assert (t.code, t.by_ndc, t.lot) == ("98765-402-10", True, "ON2502B")


def test_a_time_without_an_offset_is_the_facilitys_local_time() -> None:
    line = RXD.replace("20261120085500-0500", "202611200855")

    (t,) = read_message(message(line), zone=EASTERN).transactions

    assert t.occurred_at == datetime(2026, 11, 20, 8, 55, tzinfo=EASTERN)
    assert t.occurred_at.utcoffset() == timedelta(hours=-5)


def test_escaped_delimiters_are_read_back() -> None:
    line = RXD.replace("ondansetron 4 mg/2 mL", "ondansetron \\T\\ more")

    read = read_message(message(line), zone=EASTERN)

    assert read.transactions[0].code == "ONDA4INJ"


@pytest.mark.parametrize(
    ("text", "code", "where"),
    [
        ("PID|1\r", ErrorCode.SEGMENT_SEQUENCE, "MSH"),
        (message(RXD, control_id=""), ErrorCode.REQUIRED_FIELD_MISSING, "MSH-10"),
        (message(RXD, kind="ADT^A01^ADT_A01"), ErrorCode.UNSUPPORTED_MESSAGE_TYPE, "MSH-9"),
        (message(RXD, kind="RDS^O01"), ErrorCode.UNSUPPORTED_EVENT, "MSH-9"),
        (message(RXD, processing="T"), ErrorCode.UNSUPPORTED_PROCESSING_ID, "MSH-11"),
        (message(RXD, version="3.0"), ErrorCode.UNSUPPORTED_VERSION, "MSH-12"),
        (message("PID|1"), ErrorCode.SEGMENT_SEQUENCE, "RXD"),
    ],
)
def test_a_message_not_of_the_profile_is_rejected_with_where_and_why(
    text: str, code: ErrorCode, where: str
) -> None:
    refused = refusal(text)

    assert refused.ack is AckCode.REJECT
    assert (refused.problem.code, refused.problem.where) == (code, where)


@pytest.mark.parametrize(
    ("old", "new", "code", "where"),
    [
        ("|2|VIAL|", "|two|VIAL|", ErrorCode.DATA_TYPE, "RXD(1)-4"),
        ("|2|VIAL|", "|0|VIAL|", ErrorCode.DATA_TYPE, "RXD(1)-4"),
        ("|2|VIAL|", "|-3|VIAL|", ErrorCode.DATA_TYPE, "RXD(1)-4"),
        ("ED-ADC1-P01^^^MAIN", "", ErrorCode.REQUIRED_FIELD_MISSING, "RXD(1)-13"),
        ("rn.jones^Jones", "", ErrorCode.REQUIRED_FIELD_MISSING, "RXD(1)-10"),
        ("ONDA4INJ^ondansetron 4 mg/2 mL^RXITEM", "", ErrorCode.REQUIRED_FIELD_MISSING, "RXD(1)-2"),
        ("20261120085500-0500", "20261131085500-0500", ErrorCode.DATA_TYPE, "RXD(1)-3"),
        ("20261120085500-0500", "yesterday", ErrorCode.DATA_TYPE, "RXD(1)-3"),
        ("20261120085500-0500", "20261120085500+1600", ErrorCode.DATA_TYPE, "RXD(1)-3"),
    ],
)
def test_a_transaction_that_cannot_be_posted_is_an_application_error_on_its_field(
    old: str, new: str, code: ErrorCode, where: str
) -> None:
    refused = refusal(message(RXD.replace(old, new)))

    assert refused.ack is AckCode.ERROR
    assert (refused.problem.code, refused.problem.where) == (code, where)
    assert (refused.control_id, refused.sender) == ("M1", "PYXIS")


def test_an_unknown_transaction_type_names_the_zrx_field() -> None:
    refused = refusal(message(RXD, "ZRX|X"))

    assert (refused.ack, refused.problem.code, refused.problem.where) == (
        AckCode.ERROR,
        ErrorCode.TABLE_VALUE_NOT_FOUND,
        "ZRX(1)-1",
    )


def test_the_ack_swaps_sender_and_receiver_and_carries_code_control_id_and_text() -> None:
    answer = CabinetAnswer(
        ack=AckCode.ACCEPT, text="posted 1 of 1 transactions", control_id="M1", sender="PYXIS"
    )

    text = ack(answer, now=datetime(2026, 11, 20, 14, 0, tzinfo=UTC), control_id="RX1")

    msh, msa = text.rstrip("\r").split("\r")
    assert msh == "MSH|^~\\&|RXSUPPLY||PYXIS||20261120140000+0000||ACK^O13^ACK|RX1|P|2.5.1"
    assert msa == "MSA|AA|M1|posted 1 of 1 transactions"
    assert read_ack(text) == ("AA", "M1", "posted 1 of 1 transactions")


def test_an_error_ack_has_an_err_segment_with_the_hl7_code_and_escaped_text() -> None:
    problem = MessageProblem(ErrorCode.UNKNOWN_KEY, "RXD(2)-13", "unknown location 'A|B'")
    answer = CabinetAnswer(
        ack=AckCode.ERROR, text="nothing posted", control_id="M2", sender="PYXIS", problem=problem
    )

    text = ack(answer, now=datetime(2026, 11, 20, 14, 0, tzinfo=UTC), control_id="RX2")

    err = text.rstrip("\r").split("\r")[2]
    assert (
        err == "ERR||RXD(2)-13|204^Unknown key identifier^HL70357|E||||unknown location 'A\\F\\B'"
    )


def outcome(text: str) -> tuple[AckCode, str] | None:
    """None when the message reads; else its code and reason."""
    try:
        read_message(text, zone=EASTERN)
    except CabinetMessageRejected as exc:
        return exc.ack, str(exc.problem)
    return None


@given(st.text(max_size=400))
def test_any_text_is_read_or_refused_with_a_reason_never_a_crash(text: str) -> None:
    got = outcome(text)

    assert got is None or (got[0] in (AckCode.ERROR, AckCode.REJECT) and got[1])


@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=60))
def test_any_rxd_field_content_is_read_or_refused_never_a_crash(value: str) -> None:
    for field in (1, 2, 3, 4, 10, 13, 18):
        parts = RXD.split("|")
        while len(parts) <= field:
            parts.append("")
        parts[field] = value

        got = outcome(message("|".join(parts), "ZRX|" + value))

        assert got is None or got[1]
