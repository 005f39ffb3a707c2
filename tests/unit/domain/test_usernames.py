"""New usernames are NFKC, of one script, and compared by a key that reads look-alike letters
as the Latin letter they look like."""

from __future__ import annotations

import pytest

from rxsupply.domain import usernames
from rxsupply.errors import InvalidValue


def test_full_width_letters_are_stored_as_their_ascii_letters() -> None:
    assert usernames.normalised("ａｄｍｉｎ") == "admin"


def test_a_latin_name_with_one_cyrillic_letter_is_refused_naming_both_scripts() -> None:
    with pytest.raises(InvalidValue, match="one script only, not Cyrillic and Latin") as caught:
        usernames.normalised("\u0430dmin")  # Cyrillic a

    assert caught.value.field == "username"


def test_a_latin_name_with_one_greek_letter_is_refused() -> None:
    with pytest.raises(InvalidValue, match="Greek and Latin"):
        usernames.normalised("j\u03bfhn")  # Greek omicron


def test_a_name_in_one_other_script_is_accepted() -> None:
    assert usernames.normalised("Иван.Петров") == "Иван.Петров"


def test_digits_and_punctuation_belong_to_no_script() -> None:
    assert usernames.normalised(" ana.smith-2@icu ") == "ana.smith-2@icu"


@pytest.mark.parametrize("name", ["", "   ", "a" * 65, "ana smith", "ana/smith", "ana\x00"])
def test_empty_long_and_odd_characters_are_refused(name: str) -> None:
    with pytest.raises(InvalidValue, match="username"):
        usernames.normalised(name)


@pytest.mark.parametrize(
    "look_alike",
    [
        "ADMIN",
        "ａｄｍｉｎ",
        "\u0430\u0501\u043c\u0456\u043f",  # all Cyrillic: а ԁ м і п
        "\u0410DMIN",  # Cyrillic capital A
    ],
)
def test_look_alikes_of_a_name_share_its_key(look_alike: str) -> None:
    assert usernames.key(look_alike) == usernames.key("admin") == "admin"


def test_different_names_have_different_keys() -> None:
    assert usernames.key("ana") != usernames.key("ann")
