"""The ledger chain's covers: id ranges written compactly, read back exactly, and the rows no
cover names found."""

from __future__ import annotations

import pytest

from rxsupply.domain.ledger_chain import Cover, ranges, uncovered
from rxsupply.errors import InvalidValue


def test_ids_become_runs_of_consecutive_ids() -> None:
    assert ranges([7, 1, 3, 2, 9, 8, 3]) == ((1, 3), (7, 9))


def test_a_cover_is_written_in_table_order_and_read_back_as_it_was() -> None:
    cover = Cover({"external_ref": ((4, 4),), "movement": ((1, 3), (7, 7))})

    subject = cover.subject()

    assert subject == "movement:1-3,7;external_ref:4"
    assert Cover.parse(subject) == Cover({"movement": ((1, 3), (7, 7)), "external_ref": ((4, 4),)})
    assert (list(cover.ids("movement")), cover.count("movement"), cover.count("audit")) == (
        [1, 2, 3, 7],
        4,
        0,
    )


@pytest.mark.parametrize(
    "subject",
    [
        "ledger:1",
        "movement:1-x",
        "movement:1;movement:2",
        "movement:-3",
        "movement:1-3,2-4",
        "movement:5,3",
        "movement:4-2",
    ],
)
def test_a_subject_that_is_not_a_cover_is_refused_naming_it(subject: str) -> None:
    with pytest.raises(InvalidValue, match="subject"):
        Cover.parse(subject)


def test_the_ids_no_run_covers_are_found_in_one_pass() -> None:
    assert uncovered([1, 2, 5, 6, 9, 12], [(1, 2), (4, 5), (9, 11)]) == [6, 12]
