"""An event's identifiers are stored as compact JSON text: the fast path writes exactly what
``json`` writes, whatever the identifiers hold."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from rxsupply.adapters.repositories.dscsa_documents import identifiers_json


@given(st.lists(st.text(max_size=30), max_size=6))
def test_identifiers_are_written_as_json_would_write_them(identifiers: list[str]) -> None:
    expected = json.dumps(identifiers, separators=(",", ":"), ensure_ascii=False)

    assert identifiers_json(tuple(identifiers)) == expected


def test_plain_identifiers_skip_the_encoder_and_read_back() -> None:
    identifiers = ("010039876540102721S1", "00003987650000000015")

    assert json.loads(identifiers_json(identifiers)) == list(identifiers)
