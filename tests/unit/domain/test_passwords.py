"""The password rule (NIST SP 800-63B 5.1.1.2): long enough, not blank, not the username,
not a common password; no composition rules."""

from __future__ import annotations

import pytest

from rxsupply.domain.passwords import check_password_strength, common_passwords
from rxsupply.errors import InvalidValue


def test_ten_spaces_are_refused_as_blank() -> None:
    with pytest.raises(InvalidValue, match="blank") as caught:
        check_password_strength(" " * 10)

    assert caught.value.field == "password"


def test_tabs_and_newlines_only_are_refused_as_blank() -> None:
    with pytest.raises(InvalidValue, match="blank"):
        check_password_strength("\t\n \t\n \t\n \t")


def test_nine_characters_are_too_few() -> None:
    with pytest.raises(InvalidValue, match="at least 10"):
        check_password_strength("kx7#pq2!m")


@pytest.mark.parametrize("password", ["pharmacist.jones", "PHARMACIST.JONES", "senoj.tsicamrahp"])
def test_the_username_in_any_case_or_reversed_is_refused(password: str) -> None:
    with pytest.raises(InvalidValue, match="username"):
        check_password_strength(password, username="pharmacist.jones")


@pytest.mark.parametrize("password", ["1234567890", "Password123", "qwertyuiop", "iloveyou123"])
def test_common_passwords_are_refused_whatever_their_case(password: str) -> None:
    with pytest.raises(InvalidValue, match="most common"):
        check_password_strength(password)


def test_one_character_repeated_is_refused() -> None:
    with pytest.raises(InvalidValue, match="repeat"):
        check_password_strength("abababababab")


def test_a_long_uncommon_passphrase_is_accepted() -> None:
    check_password_strength("correct-horse-battery-staple", username="ana")


def test_the_shipped_list_holds_thousands_of_case_folded_passwords() -> None:
    listed = common_passwords()

    assert len(listed) > 5000
    assert {"password", "123456", "qwerty123", "letmein"} <= listed
    assert all(p == p.casefold() and p == p.strip() for p in listed)
