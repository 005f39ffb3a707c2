"""FHIR R4 MedicationDispense read as dispense rows: a Bundle, one resource or NDJSON; only
completed dispenses; every problem named by file, entry, FHIR path and reason."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import EXAMPLES

from rxsupply.adapters.fhir_dispenses import read_fhir_dispenses
from rxsupply.errors import ImportRejected


def dispense(**changes: Any) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "MedicationDispense",
        "id": "d1",
        "identifier": [{"value": "ED1-F1"}],
        "status": "completed",
        "medicationCodeableConcept": {
            "coding": [{"system": "http://hl7.org/fhir/sid/ndc", "code": "98765-402-10"}]
        },
        "performer": [{"actor": {"identifier": {"value": "rn.jones"}}}],
        "location": {"reference": "Location/ED-ADC1-P01"},
        "quantity": {"value": 2},
        "whenHandedOver": "2026-11-05T10:15:00-05:00",
    }
    resource.update(changes)
    return {k: v for k, v in resource.items() if v is not None}


def write(tmp_path: Path, content: object, name: str = "bundle.json") -> Path:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), "utf-8")
    return path


def bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for r in resources],
    }


def rejected(path: Path) -> list[tuple[int, str, str]]:
    with pytest.raises(ImportRejected) as caught:
        read_fhir_dispenses(path)
    return [(e.row, e.field, e.reason) for e in caught.value.errors]


def test_the_example_bundle_reads_its_completed_dispenses_only() -> None:
    table = read_fhir_dispenses(EXAMPLES / "fhir-dispenses.json")

    assert table.rows == 2
    assert table.get("transaction_id") == ["ED1-FHIR-0001", "ED1-FHIR-0002"]
    assert table.get("ndc") == ["98765-402-10", ""]
    assert table.get("item") == ["", "APAP325TAB"]
    assert table.get("location") == ["ED-ADC1-P01", "ED-ADC1-P02"]
    assert table.get("quantity") == ["2", "4"]
    assert table.get("user") == ["rn.jones", "rn.lee"]
    assert table.get("timestamp")[0] == "2026-11-05T10:15:00-05:00"


def test_one_resource_and_ndjson_read_alike(tmp_path: Path) -> None:
    one = read_fhir_dispenses(write(tmp_path, dispense()))
    lines = "\n".join(json.dumps(dispense(identifier=[{"value": f"ED1-F{n}"}])) for n in (1, 2))
    many = read_fhir_dispenses(write(tmp_path, lines + "\n", "export.ndjson"))

    assert one.get("transaction_id") == ["ED1-F1"]
    assert many.get("transaction_id") == ["ED1-F1", "ED1-F2"]


def test_a_location_and_a_user_are_read_from_identifiers_first(tmp_path: Path) -> None:
    table = read_fhir_dispenses(
        write(
            tmp_path,
            dispense(
                location={"identifier": {"value": "ICU-ADC1-P01"}, "reference": "Location/x"},
                performer=[{"actor": {"display": "Ann Jones"}}],
            ),
        )
    )

    assert (table.get("location"), table.get("user")) == (["ICU-ADC1-P01"], ["Ann Jones"])


@pytest.mark.parametrize(
    ("changes", "where", "reason"),
    [
        ({"quantity": {"value": 1.5}}, "MedicationDispense.quantity.value", "whole units"),
        ({"quantity": {"value": 0}}, "MedicationDispense.quantity.value", "whole units"),
        ({"whenHandedOver": "2026-11-05"}, "MedicationDispense.whenHandedOver", "a time"),
        ({"location": None}, "MedicationDispense.location", "pocket or cabinet"),
        (
            {
                "medicationCodeableConcept": {
                    "coding": [
                        {"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "1"}
                    ]
                }
            },
            "MedicationDispense.medicationCodeableConcept",
            "http://hl7.org/fhir/sid/ndc",
        ),
        ({"identifier": None, "id": None}, "MedicationDispense.identifier", "identifier"),
    ],
)
def test_a_dispense_that_cannot_be_posted_names_its_entry_and_path(
    tmp_path: Path, changes: dict[str, Any], where: str, reason: str
) -> None:
    path = write(tmp_path, bundle({"resourceType": "Patient", "id": "p"}, dispense(**changes)))

    ((row, field, why),) = rejected(path)

    assert (row, field) == (2, where)
    assert reason in why


def test_a_resource_the_fhir_model_refuses_names_the_path(tmp_path: Path) -> None:
    path = write(tmp_path, bundle(dispense(whenHandedOver="yesterday")))

    ((row, field, _),) = rejected(path)

    assert (row, field) == (1, "MedicationDispense.whenHandedOver")


def test_text_that_is_not_fhir_is_refused(tmp_path: Path) -> None:
    ((row, field, why),) = rejected(write(tmp_path, "transaction_id,quantity\n1,2\n", "x.csv"))

    assert (row, field) == (1, "json")
    assert "not a FHIR Bundle" in why


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("1e999999999", "does not match"),  # infinite as JSON reads it: FHIR's own check
        ("1e25", "at most 1,000,000,000"),
        ("1000000001", "at most 1,000,000,000"),
    ],
)
def test_a_quantity_past_a_billion_is_refused_at_once(
    tmp_path: Path, value: str, reason: str
) -> None:
    text = json.dumps(bundle(dispense())).replace('"value": 2}', f'"value": {value}}}')

    ((row, field, why),) = rejected(write(tmp_path, text))

    assert (row, field) == (1, "MedicationDispense.quantity.value")
    assert reason in why
