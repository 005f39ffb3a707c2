"""The PAR review's batch filter (``ProposalFilter``): a class or kind is read in any case, and
one it does not know is refused naming it, never read as no filter (the whole batch)."""

from __future__ import annotations

import pytest

from rxsupply.domain.levels import ProposalFilter
from rxsupply.errors import InvalidValue


def test_a_class_and_a_kind_are_read_in_any_case() -> None:
    match = ProposalFilter(cabinet=" icu-adc1 ", abc=" a", kind="Pocket ")

    assert (match.cabinet, match.abc, match.kind) == ("icu-adc1", "A", "pocket")
    assert match.as_dict() == {"cabinet": "icu-adc1", "abc": "A", "kind": "pocket"}


@pytest.mark.parametrize("kind", ["pocket", "storeroom", "satellite", "SATELLITE", ""])
def test_each_kind_a_run_proposes_for_is_taken(kind: str) -> None:
    assert ProposalFilter(kind=kind).kind == kind.lower()


@pytest.mark.parametrize("kind", ["adc", "foo", "pockets", "facility"])
def test_a_kind_a_run_never_proposes_for_is_refused_naming_it(kind: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        ProposalFilter(kind=kind)

    assert refused.value.field == "kind"
    assert str(refused.value) == f"kind '{kind}': must be pocket, storeroom or satellite"


def test_a_class_outside_a_b_and_c_is_refused_naming_it() -> None:
    with pytest.raises(InvalidValue, match="class 'D': must be A, B or C"):
        ProposalFilter(abc="d")
