"""Every reader of outside input, fuzzed: arbitrary and mutated GS1 scans, CSV files of every
import, FDA files, demand files, HL7 cabinet messages (read, and answered by the listener) and
EPCIS documents are read or refused with an explained error, never another exception.

``make test`` runs :data:`EXAMPLES` cases per parser (``RXSUPPLY_FUZZ_EXAMPLES``, 400 by
default); ``bench/fuzz_parsers.py`` runs 10,000 each and prints the counts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import migrated_sqlite
from tests.fuzz_targets import _HL7_ALPHABET, _HL7_SEEDS, Target, cabinet_check, mutated, targets

EXAMPLES = int(os.environ.get("RXSUPPLY_FUZZ_EXAMPLES", "400"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.parametrize("target", targets(), ids=lambda t: t.name)
def test_a_parser_reads_or_explains_every_input(target: Target) -> None:
    @FUZZ
    @given(target.inputs)
    def fuzz(value: object) -> None:
        target.check(value)

    fuzz()


def test_the_cabinet_listener_answers_every_message_with_an_ack(tmp_path: Path) -> None:
    engine = migrated_sqlite(tmp_path / "rx.db")
    check = cabinet_check(engine)

    @FUZZ
    @given(st.one_of(mutated(_HL7_SEEDS, _HL7_ALPHABET), st.text()))
    def fuzz(text: str) -> None:
        check(text)

    try:
        fuzz()
    finally:
        engine.dispose()
