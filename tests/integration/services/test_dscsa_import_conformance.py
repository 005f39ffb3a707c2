"""The conformance documents (``../shared/data/epcis/openepcis``) imported, not just read, on
each database: every accepted document with a shipping event is recorded with each unit it
ships and its chain entry; an accepted document that ships nothing is refused (no transaction
to record); every document of an ``Invalid`` folder is refused; a refused document writes
nothing. The counts are printed (``pytest -s``)."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from tests.conftest import CLOCK, TESTER, shared_data

from rxsupply.adapters import tables
from rxsupply.adapters.epcis import read_epcis
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.location import Location, LocationKind
from rxsupply.errors import DocumentRejected, InvalidValue
from rxsupply.services.dscsa.importing import import_epcis

ROOT = shared_data("epcis", "openepcis")
SCHEMAS = shared_data("epcis", "schemas")
DOCUMENTS = sorted(p for p in ROOT.rglob("*") if p.suffix in (".xml", ".json"))
DSCSA_TABLES = (
    tables.dscsa_document,
    tables.dscsa_package,
    tables.dscsa_event,
    tables.dscsa_record,
)


@pytest.fixture
def database(engine: Engine, shared: Path) -> Engine:
    with SqlUnitOfWork(engine) as uow:
        uow.locations.save_many([Location("MAIN", "Hospital", LocationKind.FACILITY)], {})
        uow.commit()
    return engine


def rows(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t.name: conn.scalar(select(func.count()).select_from(t)) or 0 for t in DSCSA_TABLES}


def import_file(engine: Engine, path: Path) -> str:
    """``imported``, ``already imported``, ``refused: <why>`` or ``rejected: <rule>``."""
    try:
        document = read_epcis(path, schemas=SCHEMAS)
    except DocumentRejected as exc:
        return f"rejected: {exc.rule}"
    try:
        with SqlUnitOfWork(engine) as uow:
            imported = import_epcis(
                uow,
                document=document,
                file_name=path.name,
                sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                facility=None,
                order=None,
                user=TESTER,
                clock=CLOCK,
            )
            packages = uow.dscsa_documents.packages_of_document(imported.id)
            entries = uow.records.of_subject(f"document:{imported.id}")
    except InvalidValue as exc:
        return f"refused: {exc.field}"
    assert sorted(p.identifier for p in packages) == document.shipped
    assert [e.kind for e in entries] == ["document"]
    return "already imported" if imported.already_imported else "imported"


def test_the_conformance_documents_import_exactly_when_accepted_and_shipping(
    database: Engine,
) -> None:
    found: dict[Path, str] = {}
    for path in DOCUMENTS:
        before = rows(database)
        found[path] = import_file(database, path)
        if not found[path].endswith("imported"):
            assert rows(database) == before, path.name

    counts = Counter(found.values())
    print("\nconformance import:", dict(counts))
    invalid = [p for p in DOCUMENTS if "Invalid" in p.parts]
    assert all(found[p].startswith("rejected") for p in invalid)
    assert not [p.name for p in DOCUMENTS if p not in invalid and found[p].startswith("rejected")]
    assert counts["imported"] + counts["already imported"] == 20
    assert counts["refused: document"] == len(DOCUMENTS) - len(invalid) - 20
    assert rows(database)["dscsa_record"] == counts["imported"]
