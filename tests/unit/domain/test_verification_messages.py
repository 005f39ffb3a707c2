"""The GS1 Lightweight Messaging Standard for verification (request and response JSON, the
Digital Link GET form) and the checks against our records and a manufacturer's serials."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from rxsupply.domain.verification import (
    SALEABLE_RETURN,
    AdditionalInfo,
    FailureReason,
    VerificationResponse,
    check_gln,
    parse_digital_link,
    parse_expiration,
    parse_request,
    parse_response,
    product_request,
)
from rxsupply.domain.verification_check import (
    Commissioned,
    RecordedPackage,
    answer_from_commissioned,
    check_received,
)
from rxsupply.errors import InvalidValue

GTIN = "00398765401027"
UUID = "3f1c2b6e-0c2d-4c8a-9a57-5b1d2b0c7e11"
REQUEST = {
    "gtin": GTIN,
    "serialNumber": "S100",
    "lotNumber": "SX1",
    "expirationDate": "280331",
    "requestorGLN": "0614141000005",
    "corrUUID": UUID,
    "context": "dscsaSaleableReturn",
}
TODAY = date(2026, 11, 20)


def asked(**kw: str) -> object:
    return parse_request(REQUEST | kw, today=TODAY)


def test_a_request_reads_the_standards_field_names() -> None:
    found = parse_request(REQUEST, today=TODAY)

    assert (found.gtin, found.serial, found.lot, found.expiry) == (
        GTIN,
        "S100",
        "SX1",
        date(2028, 3, 31),
    )
    assert (found.requestor_gln, found.corr_uuid, found.context) == (
        "0614141000005",
        UUID,
        SALEABLE_RETURN,
    )


def test_a_request_is_written_back_as_it_was_read() -> None:
    assert parse_request(REQUEST, today=TODAY).as_json() == REQUEST


def test_the_expiration_date_is_yymmdd_or_iso_and_day_00_is_the_months_last_day() -> None:
    assert parse_expiration("280200") == date(2028, 2, 29)
    assert parse_expiration("2028-03-31") == date(2028, 3, 31)


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("gtin", "00398765401028", "check digit"),
        ("expirationDate", "281301", "month 13"),
        ("expirationDate", "31/03/2028", "YYMMDD"),
        ("requestorGLN", "0614141000006", "check digit is 6"),
        ("corrUUID", "not-a-uuid", "UUID"),
        ("context", "saleable return", "a context is a word"),
        ("serialNumber", "S 100", "character"),
    ],
)
def test_a_malformed_request_field_is_named_with_its_reason(
    field: str, value: str, reason: str
) -> None:
    with pytest.raises(InvalidValue, match=reason):
        parse_request(REQUEST | {field: value}, today=TODAY)


def test_a_missing_request_field_is_named() -> None:
    body = {k: v for k, v in REQUEST.items() if k != "lotNumber"}

    with pytest.raises(InvalidValue, match="lotNumber: missing"):
        parse_request(body, today=TODAY)


def test_the_requestor_gln_may_come_as_the_query_parameters_name_reqgln() -> None:
    body = {k: v for k, v in REQUEST.items() if k != "requestorGLN"} | {"reqGLN": "0614141000005"}

    assert parse_request(body).requestor_gln == "0614141000005"


def test_the_digital_link_get_form_carries_the_same_request() -> None:
    request = parse_request(REQUEST, today=TODAY)

    link = request.digital_link()
    path, _, query = link.partition("?")

    assert path == f"/01/{GTIN}/10/SX1/21/S100"
    assert "17=280331" in query and "linkType=verificationService" in query
    assert parse_digital_link(path, query, today=TODAY) == request


def test_a_response_reads_verified_under_data_as_the_guideline_nests_it() -> None:
    found = parse_response(
        {
            "verificationTimestamp": "2026-11-20T15:00:00Z",
            "responderGLN": "0614141000005",
            "corrUUID": UUID,
            "data": {"verified": False, "verificationFailureReason": "No_match_GTIN_Serial_Lot"},
        }
    )

    assert not found.verified
    assert found.reason is FailureReason.NO_MATCH_LOT
    assert found.timestamp == datetime(2026, 11, 20, 15, tzinfo=UTC)
    assert found.describe() == "No_match_GTIN_Serial_Lot"


def test_a_flat_response_and_additional_information_are_read() -> None:
    found = parse_response({"corrUUID": UUID, "verified": True, "additionalInfo": "Recalled"})

    assert found.verified
    assert found.additional_info is AdditionalInfo.RECALLED
    assert found.describe() == "verified (Recalled)"


def test_a_response_not_verified_without_a_reason_reads_as_no_reason_provided() -> None:
    assert parse_response({"corrUUID": UUID, "data": {"verified": False}}).reason is (
        FailureReason.NO_REASON
    )


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ([], "expected a JSON object"),
        ({"corrUUID": UUID, "data": {"verified": "yes"}}, "verified 'yes': expected true"),
        (
            {"corrUUID": UUID, "data": {"verified": False, "verificationFailureReason": "Nope"}},
            "not a code of the standard",
        ),
        (
            {
                "corrUUID": UUID,
                "data": {"verified": True, "verificationFailureReason": "No_reason_provided"},
            },
            "a verified response has no failure reason",
        ),
        ({"data": {"verified": True}}, "corrUUID: missing"),
    ],
)
def test_a_malformed_response_is_refused_with_its_reason(body: object, reason: str) -> None:
    with pytest.raises(InvalidValue, match=reason):
        parse_response(body)


def test_a_built_response_parses_back_to_itself() -> None:
    response = VerificationResponse(
        False,
        corr_uuid=UUID,
        reason=FailureReason.NOT_FOR_REDISTRIBUTION,
        additional_info=AdditionalInfo.SUSPECT,
        responder_gln="0614141000005",
        timestamp=datetime(2026, 11, 20, 15, tzinfo=UTC),
    )

    assert parse_response(response.as_json()) == response


def test_a_gln_needs_thirteen_digits_and_its_check_digit() -> None:
    assert check_gln("0614141000005") == "0614141000005"
    with pytest.raises(InvalidValue, match="13 digits"):
        check_gln("061414100000")


# --- the checks --------------------------------------------------------------------------

REQ = product_request(gtin=GTIN, serial="S100", lot="SX1", expiry="280331", corr_uuid=UUID)


def received(**kw: object) -> RecordedPackage:
    args: dict[str, object] = {
        "gtin": GTIN,
        "serial": "S100",
        "lot": "SX1",
        "expiry": date(2028, 3, 31),
        "source": "received",
        "status": "available",
    }
    return RecordedPackage(**(args | kw))  # type: ignore[arg-type]


def test_a_gtin_and_serial_we_do_not_hold_need_no_lot_or_expiry_check() -> None:
    found = check_received(REQ, [received(serial="S999")], today=TODAY)

    assert (found.verified, found.code) == (False, "not_found")
    assert found.reason is FailureReason.NO_MATCH_GTIN_SERIAL


@pytest.mark.parametrize(
    ("lot", "expiry", "code"),
    [
        ("SX2", date(2028, 3, 31), "No_match_GTIN_Serial_Lot"),
        ("SX1", date(2028, 4, 30), "No_match_GTIN_Serial_Expiry"),
        ("SX2", date(2028, 4, 30), "No_match_GTIN_Serial_Lot_Expiry"),
    ],
)
def test_the_code_names_which_of_lot_and_expiry_differ(lot: str, expiry: date, code: str) -> None:
    found = check_received(REQ, [received(lot=lot, expiry=expiry)], today=TODAY)

    assert (found.verified, found.code) == (False, code)


@pytest.mark.parametrize("status", ["quarantined", "recalled", "suspect", "dispensed", "opened"])
def test_a_matching_package_that_is_blocked_or_gone_is_not_for_redistribution(
    status: str,
) -> None:
    found = check_received(REQ, [received(status=status)], today=TODAY)

    assert (found.verified, found.code) == (False, status)
    assert found.reason is FailureReason.NOT_FOR_REDISTRIBUTION


def test_a_matching_available_package_in_date_is_verified() -> None:
    found = check_received(REQ, [received()], today=TODAY)

    assert (found.verified, found.code, found.detail) == (
        True,
        "match",
        "matches what we received (received)",
    )


def test_the_manufacturer_answers_from_its_commissioned_serials() -> None:
    serials = {
        (GTIN, "S100"): Commissioned(GTIN, "S100", "SX1", date(2028, 3, 31)),
        (GTIN, "R1"): Commissioned(GTIN, "R1", "SX1", date(2028, 3, 31), "recalled"),
        (GTIN, "OLD"): Commissioned(GTIN, "OLD", "SX1", date(2026, 1, 31)),
    }
    recalled = product_request(gtin=GTIN, serial="R1", lot="SX1", expiry="280331", corr_uuid=UUID)
    old = product_request(gtin=GTIN, serial="OLD", lot="SX1", expiry="260131", corr_uuid=UUID)
    other_lot = product_request(
        gtin=GTIN, serial="S100", lot="SX2", expiry="280331", corr_uuid=UUID
    )

    def answer(request: object) -> str:
        return answer_from_commissioned(request, serials, today=TODAY).describe()  # type: ignore[arg-type]

    assert answer(REQ) == "verified"
    assert answer(recalled) == "Not_for_re-distribution (Recalled)"
    assert answer(old) == "verified (Expired)"
    assert answer(other_lot) == "No_match_GTIN_Serial_Lot"
