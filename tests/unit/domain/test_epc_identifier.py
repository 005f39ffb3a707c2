"""One canonical form for EPCIS instance identifiers (EPC URI, Digital Link, element string).

The worked examples are GS1 EPC Tag Data Standard §6.3.1 (SGTIN) and §6.3.2 (SSCC):
``urn:epc:id:sgtin:0614141.812345.6789`` is (01) 80614141123458 (21) 6789 and
``urn:epc:id:sscc:0614141.1234567890`` is (00) 106141412345678908.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rxsupply.domain.epc_identifier import canonical_identifier, epc_uri_with_prefix
from rxsupply.errors import InvalidValue

SGTIN = "0180614141123458216789"
SSCC = "00106141412345678908"


@pytest.mark.parametrize(
    "written",
    [
        "urn:epc:id:sgtin:0614141.812345.6789",
        "https://id.gs1.org/01/80614141123458/21/6789",
        "https://pharma.example.com/products/01/80614141123458/21/6789",
        "HTTPS://id.gs1.org/01/80614141123458/21/6789?17=261231",  # a data attribute, not a key
        "https://id.gs1.org/01/80614141123458/21/6789#label",
        "(01)80614141123458(21)6789",
        "0180614141123458216789",
    ],
)
def test_a_serialised_gtin_reads_the_same_in_every_form(written: str) -> None:
    assert canonical_identifier(written) == SGTIN


@pytest.mark.parametrize(
    "written",
    [
        "urn:epc:id:sscc:0614141.1234567890",
        "https://id.gs1.org/00/106141412345678908",
        "(00)106141412345678908",
        "00106141412345678908",
    ],
)
def test_an_sscc_reads_the_same_in_every_form(written: str) -> None:
    assert canonical_identifier(written) == SSCC


def test_a_gtin_13_in_a_digital_link_is_padded_to_14_digits() -> None:
    assert canonical_identifier("https://id.gs1.org/01/0614141073467/21/2017") == (
        "0100614141073467212017"
    )


def test_the_indicator_digit_moves_to_the_front_of_the_gtin() -> None:
    assert canonical_identifier("urn:epc:id:sgtin:030001.1012345.110") == "011030001012345221110"


def test_an_escaped_serial_in_an_epc_uri_is_unescaped() -> None:
    assert canonical_identifier("urn:epc:id:sgtin:0614141.812345.A%2FB") == (
        "0180614141123458" + "21A/B"
    )


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("https://id.gs1.org/01/80614141123457/21/6789", "GS1 check digit is 8"),
        ("(00)106141412345678907", "GS1 check digit is 8"),
        ("urn:epc:id:sgtin:0614141.81234.6789", "13 digits"),
        ("urn:epc:id:sgtin:0614141.812345", "3 non-empty parts"),
        ("urn:epc:id:sscc:0614141.123456789", "17 digits"),
        ("0180614141123458106789", "(21) serial"),
    ],
)
def test_a_malformed_gs1_identifier_is_refused_with_the_reason(written: str, reason: str) -> None:
    with pytest.raises(InvalidValue, match=reason.replace("(", r"\(").replace(")", r"\)")):
        canonical_identifier(written)


def test_identifiers_of_other_schemes_are_kept_as_written() -> None:
    assert canonical_identifier("urn:uuid:bf602366-6657-49fb-a729-9610ccef086e") == (
        "urn:uuid:bf602366-6657-49fb-a729-9610ccef086e"
    )


@given(
    prefix_length=st.integers(6, 12),
    digits=st.text("0123456789", min_size=13, max_size=13),
    serial=st.text("ABCXYZabc0123456789-_", min_size=1, max_size=20),
)
def test_a_serialised_gtin_survives_the_trip_through_its_epc_uri(
    prefix_length: int, digits: str, serial: str
) -> None:
    body = digits
    check = (10 - sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(body[::-1]))) % 10
    element = f"01{body}{check}21{serial}"

    uri = epc_uri_with_prefix(element, prefix_length)

    assert canonical_identifier(uri) == element
    assert uri.split(":")[4].split(".")[0] == body[1 : 1 + prefix_length]


@given(prefix_length=st.integers(6, 12), digits=st.text("0123456789", min_size=17, max_size=17))
def test_an_sscc_survives_the_trip_through_its_epc_uri(prefix_length: int, digits: str) -> None:
    check = (10 - sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(digits[::-1]))) % 10
    element = f"00{digits}{check}"

    assert canonical_identifier(epc_uri_with_prefix(element, prefix_length)) == element
