"""The conformance run over OpenEPCIS's test documents (``../shared/data/epcis/openepcis``):
every document in a folder named ``Invalid`` is rejected with a reason, every other one is
accepted. Documents are validated against GS1's schemas (``../shared/data/epcis/schemas``)
and then by our own rules; the second run shows our own rules alone reject every invalid one
too. The counts by reason are printed (``pytest -s``)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from tests.conftest import shared_data

from rxsupply.adapters.epcis import read_epcis
from rxsupply.errors import DocumentRejected

ROOT = shared_data("epcis", "openepcis")
SCHEMAS = shared_data("epcis", "schemas")
DOCUMENTS = sorted(p for p in ROOT.rglob("*") if p.suffix in (".xml", ".json"))


def outcome(path: Path, schemas: Path | None) -> str:
    """``accepted``, or ``rejected: <rule>`` when the message names the file and a reason."""
    try:
        read_epcis(path, schemas=schemas)
    except DocumentRejected as exc:
        named = str(exc).startswith(path.name) and bool(exc.reason)
        return f"rejected: {exc.rule}" if named else f"rejected without a reason: {exc}"
    return "accepted"


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_document_is_rejected_exactly_when_it_sits_in_an_invalid_folder(path: Path) -> None:
    expected = "rejected" if "Invalid" in path.parts else "accepted"

    got = outcome(path, SCHEMAS)

    assert got.startswith(expected) and "without a reason" not in got


@pytest.mark.parametrize("schemas", [SCHEMAS, None], ids=["schemas and own rules", "own rules"])
def test_the_counts_of_the_conformance_run(schemas: Path | None) -> None:
    invalid = sum("Invalid" in p.parts for p in DOCUMENTS)

    found = {path: outcome(path, schemas) for path in DOCUMENTS}
    counts = Counter(found.values())

    print(
        f"\nconformance ({'schemas + own rules' if schemas else 'own rules only'}):", dict(counts)
    )
    assert [
        p.name for p, what in found.items() if what.startswith("rejected") != ("Invalid" in p.parts)
    ] == []
    assert counts["accepted"] == len(DOCUMENTS) - invalid
    assert sum(n for what, n in counts.items() if what != "accepted") == invalid == 30
