"""The rules of a recall: its class, its NDCs and lots as typed, and when it may close."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from rxsupply.domain.recall import (
    Disposition,
    OnHand,
    Recall,
    RecallClass,
    RecallEntry,
    RecallStatus,
    close,
    new_recall,
    parse_class,
    parse_disposition,
    parse_entries,
    unknown_lots,
)
from rxsupply.errors import InvalidValue, RecallRefused

AT = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
TODAY = date(2026, 11, 20)


def recall(**kw: object) -> Recall:
    args: dict[str, object] = {
        "number": "D-0123-2027",
        "recall_class": RecallClass.II,
        "reason": "subpotent",
        "initiated": date(2026, 11, 18),
        "entries": [RecallEntry("98765-3250-1", ("AP2406",))],
        "today": TODAY,
        "at": AT,
        "by": "buyer",
    }
    return new_recall(**(args | kw))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I", RecallClass.I),
        ("ii", RecallClass.II),
        ("Class III", RecallClass.III),
        ("2", RecallClass.II),
    ],
)
def test_a_class_is_read_in_roman_or_arabic_numerals_with_or_without_the_word(
    text: str, expected: RecallClass
) -> None:
    assert parse_class(text) is expected


@pytest.mark.parametrize("text", ["IV", "0", "", "class"])
def test_a_class_other_than_i_ii_or_iii_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(InvalidValue, match="class"):
        parse_class(text)


def test_one_ndc_a_line_with_its_lots_after_it_and_an_ndc_alone_means_every_lot() -> None:
    found = parse_entries("98765-3250-01 AP2406, AP2407\n\n98765-401-02\n98765-402-10: L1;L2\n")

    assert found == [
        RecallEntry("98765-3250-01", ("AP2406", "AP2407")),
        RecallEntry("98765-401-02", ()),
        RecallEntry("98765-402-10", ("L1", "L2")),
    ]
    assert found[1].all_lots


def test_an_ndc_on_two_lines_has_its_lots_together_and_all_lots_when_one_line_names_none() -> None:
    assert parse_entries("98765-3250-01 A\n98765-3250-01 B A") == [
        RecallEntry("98765-3250-01", ("A", "B"))
    ]
    assert parse_entries("98765-3250-01 A\n98765-3250-01") == [RecallEntry("98765-3250-01", ())]


def test_a_line_that_is_not_an_ndc_is_refused_naming_its_line() -> None:
    with pytest.raises(InvalidValue, match="line 2"):
        parse_entries("98765-3250-01 AP2406\nacetaminophen AP2407")


def test_a_lot_longer_than_a_lot_number_can_be_is_refused() -> None:
    with pytest.raises(InvalidValue, match="line 1"):
        parse_entries("98765-3250-01 " + "L" * 41)


def test_a_recall_needs_a_number_a_reason_an_ndc_and_a_start_not_in_the_future() -> None:
    with pytest.raises(InvalidValue, match="number"):
        recall(number="  ")
    with pytest.raises(InvalidValue, match="reason"):
        recall(reason="")
    with pytest.raises(InvalidValue, match="ndcs"):
        recall(entries=[])
    with pytest.raises(InvalidValue, match="initiated"):
        recall(initiated=date(2026, 11, 21))
    assert recall(initiated=TODAY).initiated == TODAY


def test_a_recall_begun_before_1900_is_a_typing_mistake_and_is_refused() -> None:
    with pytest.raises(InvalidValue, match=r"from 1900-01-01 to today"):
        recall(initiated=date(1800, 1, 1))
    assert recall(initiated=date(1900, 1, 1)).initiated == date(1900, 1, 1)


def test_a_lot_named_that_is_not_on_record_is_said_with_its_close_matches() -> None:
    recorded = ["AP2406", "AP2407", "ZZ9"]

    said = unknown_lots("98765-3250-1", ("ap 2406", "AP24O6", "QQQQQQ"), recorded)

    assert said == [
        "98765-3250-1 lot AP24O6 is not on record here; close to AP2406, AP2407",
        "98765-3250-1 lot QQQQQQ is not on record here",
    ]


def test_only_a_class_i_recall_is_flagged_for_patient_follow_up() -> None:
    assert recall(recall_class=RecallClass.I).follow_up
    assert not recall(recall_class=RecallClass.II).follow_up
    assert not recall(recall_class=RecallClass.III).follow_up


def test_closing_while_units_are_on_hand_and_usable_is_refused() -> None:
    open_one = recall()

    with pytest.raises(RecallRefused, match="3 unit"):
        close(
            open_one,
            disposition=Disposition.RETURNED,
            note="shipped",
            on_hand=OnHand(units=10, unblocked=3),
            at=AT,
            by="buyer",
        )
    assert open_one.status is RecallStatus.OPEN


def test_blocked_units_still_on_hand_need_the_note_to_say_why_it_closes() -> None:
    open_one = recall()
    held = OnHand(units=10, unblocked=0)

    with pytest.raises(InvalidValue, match="note"):
        close(open_one, disposition=Disposition.DESTROYED, note="", on_hand=held, at=AT, by="b")
    close(
        open_one,
        disposition=Disposition.DESTROYED,
        note="awaiting the destruction vendor's pickup",
        on_hand=held,
        at=AT,
        by="b",
    )

    assert (open_one.status, open_one.disposition) == (RecallStatus.CLOSED, Disposition.DESTROYED)
    assert open_one.closed_by == "b"


def test_none_on_hand_is_refused_while_units_are_on_hand() -> None:
    with pytest.raises(RecallRefused, match="on hand"):
        close(
            recall(),
            disposition=Disposition.NONE_ON_HAND,
            note="checked",
            on_hand=OnHand(units=1, unblocked=0),
            at=AT,
            by="b",
        )


def test_a_release_needs_the_firms_withdrawal_named_and_may_close_with_usable_units() -> None:
    with pytest.raises(InvalidValue, match="withdrawal"):
        close(
            recall(),
            disposition=Disposition.RELEASED,
            note="",
            on_hand=OnHand(units=5, unblocked=5),
            at=AT,
            by="m",
        )
    released = recall()
    close(
        released,
        disposition=Disposition.RELEASED,
        note="firm's letter of 2026-11-19",
        on_hand=OnHand(units=5, unblocked=5),
        at=AT,
        by="m",
    )
    assert released.status is RecallStatus.CLOSED


def test_a_closed_recall_is_not_closed_again() -> None:
    done = recall()
    nothing = OnHand(units=0, unblocked=0)
    close(done, disposition=Disposition.NONE_ON_HAND, note="", on_hand=nothing, at=AT, by="b")

    with pytest.raises(RecallRefused, match="closed"):
        close(done, disposition=Disposition.RETURNED, note="", on_hand=nothing, at=AT, by="b")


def test_a_disposition_is_read_as_typed_and_anything_else_is_refused() -> None:
    assert parse_disposition("None on hand") is Disposition.NONE_ON_HAND
    with pytest.raises(InvalidValue, match="disposition"):
        parse_disposition("sold")


def test_an_entry_names_its_lots_in_any_case_and_spacing_and_an_entry_with_none_every_lot() -> None:
    some = RecallEntry("0409-4888-02", ("AB 123", "ab124"))
    every = RecallEntry("0409-4888-02")

    assert some.names("0409-4888-02", "ab123")
    assert some.names("0409-4888-02", "AB124")
    assert not some.names("0409-4888-02", "AB125")
    assert not some.names("0409-4888-03", "AB123")  # another NDC
    assert every.names("0409-4888-02", "anything")
    assert some == RecallEntry("0409-4888-02", ("AB 123", "ab124"))  # the keys are not compared
