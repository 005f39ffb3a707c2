"""The DSCSA transaction record pages over HTTP: the list of imported EPCIS documents (all, or
one purchase order's) and one document with its transaction information per product, its
statement, its parties and its packages by lot; what ``/api/dscsa/documents`` returns. An
auditor (compliance) reads them."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine
from tests.conftest import CLOCK, shared_data
from tests.epcis_samples import SELLER, read, sha256, shipment

from rxsupply.adapters.epcis import read_epcis
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.entrypoints.app import create_app
from rxsupply.services.dscsa.importing import ImportedDocument, import_epcis

from .harness import build_hospital, client_for


def record(engine: Engine, data: bytes, name: str) -> ImportedDocument:
    with SqlUnitOfWork(engine) as uow:
        return import_epcis(
            uow,
            document=read(data, name),
            file_name=name,
            sha256=sha256(data),
            facility=None,
            order=None,
            user="buyer",
            clock=CLOCK,
        )


@pytest.fixture(scope="module")
def documents_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, Engine]]:
    engine: Engine = build_hospital(tmp_path_factory.mktemp("dscsa-pages") / "rx.db")
    record(engine, shipment(loose=["S9"]), "asn-88120.xml")
    yield create_app(engine), engine
    engine.dispose()


def test_the_list_shows_each_document_with_its_seller_and_packages(
    documents_app: tuple[FastAPI, Engine],
) -> None:
    app, _ = documents_app
    with client_for(app, "auditor") as auditor:
        page = auditor.get("/dscsa/documents")
        none = auditor.get("/dscsa/documents", params={"order": "PO-NONE"})

    assert page.status_code == 200, page.text
    row = re.search(r'<tr data-document="1">.*?</tr>', page.text, re.S)
    assert row is not None and "asn-88120.xml" in row[0] and SELLER in row[0]
    assert ">4</td>" in row[0] and "not affirmed" in row[0]
    assert "No EPCIS document recorded for this order" in none.text


def test_a_document_shows_its_parties_statement_and_packages_by_lot(
    documents_app: tuple[FastAPI, Engine],
) -> None:
    app, _ = documents_app
    with client_for(app, "auditor") as auditor:
        page = auditor.get("/dscsa/documents/1")
        missing = auditor.get("/dscsa/documents/999")

    assert page.status_code == 200, page.text
    assert SELLER in page.text and "Example General Hospital" in page.text
    packages = re.search(r'<table id="dscsa-packages">.*?</table>', page.text, re.S)
    assert packages is not None and "L2611A" in packages[0] and ">4</td>" in packages[0]
    assert "4 package identifiers" in packages[0]
    assert missing.status_code == 404


def test_the_gs1_us_example_shows_its_transaction_information_and_statement(
    documents_app: tuple[FastAPI, Engine],
) -> None:
    app, engine = documents_app
    path = shared_data(
        "epcis", "openepcis", "1.2", "EPCIS", "XML", "Capture", "Documents",
        "GS1_US_Pharma_Example_2_2_1_1.xml",
    )  # fmt: skip
    data = path.read_bytes()
    with SqlUnitOfWork(engine) as uow:
        found = import_epcis(
            uow,
            document=read_epcis(path),
            file_name=path.name,
            sha256=sha256(data),
            facility=None,
            order=None,
            user="buyer",
            clock=CLOCK,
        )
    with client_for(app, "auditor") as auditor:
        page = auditor.get(f"/dscsa/documents/{found.id}")

    products = re.search(r'<table id="dscsa-products">.*?</table>', page.text, re.S)
    assert products is not None and "Epcistra" in products[0] and "0001-0123-45" in products[0]
    statement = re.search(r'<p id="dscsa-statement">.*?</p>', page.text, re.S)
    assert statement is not None and "Affirmed" in statement[0]
    assert "581(27)(A)-(G)" in statement[0]
