"""The audit trail read back in words (``queries.audit_rows``), on SQLite and PostgreSQL: a
receipt's entry names the NDC, product, lot and expiry, the location's code and name, on hand
before and after, and the user; no internal id reaches the readable fields."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine
from tests.conftest import post

from rxsupply.adapters import queries
from rxsupply.adapters.queries.audit import audit_export_rows
from rxsupply.services import ledger


def test_a_receipts_audit_entry_reads_as_ndc_lot_and_location(hospital: Engine) -> None:
    post(
        hospital,
        ledger.Receive(
            user="tech",
            product="98765-401-02",
            lot="ON2611Z",
            expiry=date(2028, 6, 30),
            packages=2,
            location="MAIN-STORE",
        ),
    )

    with hospital.connect() as conn:
        entry = queries.audit_rows(conn, action="receipt", limit=1)[0]

    assert (entry["user"], entry["action"], entry["entity"]) == ("tech", "receipt", "stock")
    assert entry["lines"] == [
        {
            "ndc": "98765-401-02",
            "product": "Ondansetron injection 4 mg/2 mL",
            "lot": "ON2611Z",
            "expiry": "2028-06-30",
            "location": "MAIN-STORE",
            "location_name": "Main pharmacy storeroom",
            "before": 0,
            "after": 50,
        }
    ]
    assert [(m["quantity"], m["lot"], m["to"], m["to_name"]) for m in entry["movements"]] == [
        (50, "ON2611Z", "MAIN-STORE", "Main pharmacy storeroom")
    ]
    assert "_id" not in str(entry["details"])
    exported = audit_export_rows([entry])
    assert [(r["ndc"], r["lot"], r["location_name"], r["after"]) for r in exported] == [
        ("98765-401-02", "ON2611Z", "Main pharmacy storeroom", 50)
    ]


def test_an_entry_without_stock_lines_is_one_export_row_in_words(hospital: Engine) -> None:
    with hospital.connect() as conn:
        entries = queries.audit_rows(conn, limit=1000)

    imports = [e for e in entries if not e["lines"]]
    exported = audit_export_rows(imports)

    assert imports and len(exported) == len(imports)
    assert all("_id" not in r["details"] for r in exported)
