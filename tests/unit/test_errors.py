"""Errors name a value without echoing it whole: the first 80 characters and its length."""

from __future__ import annotations

from rxsupply.errors import InvalidValue, NotFound, clip


def test_a_short_text_is_shown_whole() -> None:
    assert clip("ON2411A") == "ON2411A"
    assert clip("x" * 80) == "x" * 80


def test_a_long_text_is_cut_to_80_characters_and_its_length() -> None:
    assert clip("x" * 81) == "x" * 80 + "... (81 characters)"


def test_an_invalid_value_of_5_mb_makes_a_short_message() -> None:
    error = InvalidValue("barcode", f"cannot read {'A' * 5_000_000}", "A" * 5_000_000)

    message = str(error)

    assert len(message) < 700
    assert message.startswith("barcode 'AAAA")
    assert "(5,000,002 characters)" in message
    assert error.reason.endswith("... (5,000,012 characters)")


def test_an_unknown_key_of_5_mb_makes_a_short_message() -> None:
    message = str(NotFound("location", "L" * 5_000_000, hint="L" * 5_000_000))

    assert len(message) < 700
    assert message.startswith("unknown location 'LLLL")
