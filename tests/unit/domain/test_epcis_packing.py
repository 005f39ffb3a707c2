"""EPCIS rules in the domain: CBV short names, event times, and the aggregation replay
(EPCIS 2.0 §7.4.3: ADD packs the children, DELETE unpacks the children named or, naming none,
all of them)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from rxsupply.domain.epcis import Event, Packing, cbv_short_name, parse_action, parse_stamp
from rxsupply.errors import InvalidValue

WHEN = datetime(2026, 11, 19, 15, 0, tzinfo=UTC)


def aggregation(action: str, parent: str, *children: str) -> Event:
    return Event("AggregationEvent", action, "packing", None, WHEN, parent, children=children)


def shipping(*epcs: str) -> Event:
    return Event("ObjectEvent", "OBSERVE", "shipping", "in_transit", WHEN, epcs=epcs)


@pytest.mark.parametrize(
    "written",
    [
        "urn:epcglobal:cbv:bizstep:shipping",
        "https://ref.gs1.org/cbv/BizStep-shipping",
        "cbv:BizStep-shipping",
        "shipping",
    ],
)
def test_a_business_step_has_one_short_name_whatever_its_form(written: str) -> None:
    assert cbv_short_name("bizStep", written) == "shipping"


def test_a_user_vocabulary_is_kept_and_an_unknown_cbv_word_refused() -> None:
    assert cbv_short_name("bizStep", "ext1:summarising_discharge") == "ext1:summarising_discharge"
    with pytest.raises(InvalidValue, match="not a Core Business Vocabulary"):
        cbv_short_name("disposition", "urn:epcglobal:cbv:disp:in_transport")


def test_an_event_time_needs_its_offset_and_an_action_its_three_words() -> None:
    assert parse_stamp("2026-11-19T10:00:00.123456789-05:00").microsecond == 123456
    with pytest.raises(InvalidValue, match="with its offset"):
        parse_stamp("2026-11-19T10:00:00")
    with pytest.raises(InvalidValue, match="must say ADD, OBSERVE or DELETE"):
        parse_action(None, "ObjectEvent")
    assert parse_action(None, "TransformationEvent") is None


def test_a_delete_naming_no_children_empties_the_container() -> None:
    packing = Packing()
    for event in (
        aggregation("ADD", "case", "u1", "u2"),
        aggregation("ADD", "pallet", "case", "u3"),
        aggregation("DELETE", "case"),
        shipping("pallet", "case"),
    ):
        packing.apply(event)

    contents = packing.contents()

    assert contents == {"pallet": ["u3"]}
    assert packing.shipped(contents) == ["u3"]


def test_nested_containers_flatten_to_their_leaves_and_observe_changes_nothing() -> None:
    packing = Packing()
    for event in (
        aggregation("ADD", "case-1", "u1", "u2"),
        aggregation("ADD", "case-2", "u3"),
        aggregation("ADD", "pallet", "case-1", "case-2"),
        aggregation("OBSERVE", "pallet", "u9"),
        shipping("pallet", "loose-unit"),
    ):
        packing.apply(event)

    contents = packing.contents()

    assert contents["pallet"] == ["u1", "u2", "u3"]
    assert packing.shipped(contents) == ["loose-unit", "u1", "u2", "u3"]


def test_a_unit_packed_into_a_second_case_without_leaving_the_first_is_refused() -> None:
    """A unit is in one container at a time: the replay listed it in both cases."""
    packing = Packing()
    packing.apply(aggregation("ADD", "case-1", "u1", "u2"))

    with pytest.raises(InvalidValue) as refused:
        packing.apply(aggregation("ADD", "case-2", "u3", "u1"))

    assert str(refused.value) == (
        "childEPCs 'u1': already packed in case-1 and not unpacked from it (no aggregation "
        "DELETE): a unit is in one container at a time"
    )


def test_a_unit_unpacked_from_one_case_may_be_packed_into_another() -> None:
    packing = Packing()
    for event in (
        aggregation("ADD", "case-1", "u1", "u2"),
        aggregation("ADD", "case-1", "u1"),
        aggregation("DELETE", "case-1", "u1"),
        aggregation("ADD", "case-2", "u1"),
        aggregation("DELETE", "case-2"),
        aggregation("ADD", "case-3", "u1"),
    ):
        packing.apply(event)

    assert packing.contents() == {"case-1": ["u2"], "case-3": ["u1"]}
