"""The FDA Form 3911 draft: each section filled from the case (FD&C Act 582(d)(4)(B))."""

from __future__ import annotations

from datetime import UTC, date, datetime

from rxsupply.domain.form3911 import ProductLot, Reporter, form_3911
from rxsupply.domain.suspect_case import SuspectReason

LOT = ProductLot(
    name="Acetaminophen 325 mg tablets",
    ndc="98765-3250-1",
    dosage_form="TABLET",
    strength="325 mg",
    lot="AP2406",
    expiry=date(2028, 6, 30),
    dispense_unit="TABLET",
    package_size=100,
    serials=("S1", "S2"),
    units_held=200,
    units_received=300,
)


def draft(reason: SuspectReason = SuspectReason.INTENTIONALLY_ADULTERATED, **kw: object) -> dict:  # type: ignore[type-arg]
    lot = ProductLot(**{**{f: getattr(LOT, f) for f in LOT.__slots__}, **kw})
    return form_3911(
        case_number="SC-2026-0001",
        reason=reason,
        source="trading_partner_notice",
        determined_at=datetime(2026, 11, 21, 3, 30, tzinfo=UTC),
        determined_on=date(2026, 11, 20),
        description="tampered seals",
        lots=[lot],
        reporter=Reporter("Example General Hospital", "MAIN", "pic", "Pat In-Charge"),
    )


def test_the_draft_is_an_initial_notification_of_illegitimate_product_by_a_dispenser() -> None:
    form = draft()

    assert (form["form"], form["type_of_report"], form["classification"]) == (
        "FDA Form 3911",
        "initial notification",
        "illegitimate product",
    )
    assert form["company"] == {
        "name": "Example General Hospital",
        "code": "MAIN",
        "category": "dispenser (pharmacy)",
    }
    assert form["reporter"] == {
        "facility": "Example General Hospital",
        "user": "pic",
        "name": "Pat In-Charge",
    }


def test_the_date_of_determination_is_the_facilitys_day_not_utcs() -> None:
    assert draft()["date_of_determination"] == "2026-11-20"


def test_each_reason_maps_to_the_forms_notification_category() -> None:
    assert draft()["notification_category"] == "intentional adulteration"
    assert draft(SuspectReason.FRAUDULENT_TRANSACTION)["notification_category"] == (
        "fraudulent transaction"
    )


def test_the_product_section_carries_label_ndc_lot_expiry_serials_and_the_units_held() -> None:
    (product,) = draft()["products"]

    assert product == {
        "name": "Acetaminophen 325 mg tablets",
        "drug_use": "human",
        "drug_description": "finished prescription drug",
        "ndc": "98765-3250-1",
        "strength": "325 mg",
        "dosage_form": "TABLET",
        "lot": "AP2406",
        "expiry": "2028-06-30",
        "serials": ["S1", "S2"],
        "quantity": 200,
        "quantity_unit": "TABLET",
        "units_held": 200,
        "units_received": 300,
    }


def test_a_lot_no_longer_held_reports_the_quantity_received() -> None:
    (product,) = draft(units_held=0)["products"]

    assert product["quantity"] == 300
