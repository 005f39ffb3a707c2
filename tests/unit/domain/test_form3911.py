"""The FDA Form 3911 draft: each section filled from the case (FD&C Act 582(d)(4)(B))."""

from __future__ import annotations

from datetime import UTC, date, datetime

from rxsupply.domain.form3911 import TO_COMPLETE, CompanyFacts, ProductLot, Reporter, form_3911
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


def draft(
    reason: SuspectReason = SuspectReason.INTENTIONALLY_ADULTERATED,
    company: CompanyFacts | None = None,
    **kw: object,
) -> dict:  # type: ignore[type-arg]
    lot = ProductLot(**{**{f: getattr(LOT, f) for f in LOT.__slots__}, **kw})
    return form_3911(
        case_number="SC-2026-0001",
        reason=reason,
        source="trading_partner_notice",
        determined_at=datetime(2026, 11, 21, 3, 30, tzinfo=UTC),
        determined_on=date(2026, 11, 20),
        description="tampered seals",
        lots=[lot],
        reporter=Reporter(
            "Example General Hospital", "MAIN", "pic", "Pat In-Charge", company or CompanyFacts()
        ),
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
        "address": TO_COMPLETE,
        "category": "dispenser (pharmacy)",
    }
    assert form["incident_number"] is None
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
        "primary_ingredients": TO_COMPLETE,
        "drug_use": "human",
        "drug_description": "finished prescription drug",
        "ndc": "98765-3250-1",
        "strength": "325 mg",
        "dosage_form": "TABLET",
        "lot": "AP2406",
        "expiry": "2028-06-30",
        "serials": ["S1", "S2"],
        "quantity_held": 200,
        "quantity_received": 300,
        "quantity_unit": "TABLET",
        "quantity_text": "200 TABLET held now; 300 TABLET received",
        "units_held": 200,
        "units_received": 300,
    }


def test_a_lot_no_longer_held_says_none_is_held_and_what_was_received() -> None:
    (product,) = draft(units_held=0)["products"]

    assert (product["quantity_held"], product["quantity_received"]) == (0, 300)
    assert product["quantity_text"] == "0 TABLET held now; 300 TABLET received"


def test_the_primary_ingredient_is_the_generic_name_when_on_record() -> None:
    (product,) = draft(generic_name="acetaminophen")["products"]

    assert product["primary_ingredients"] == "acetaminophen"


def test_company_address_facility_numbers_and_contact_come_from_what_is_configured() -> None:
    form = draft(company=CompanyFacts(address="1 Main St, Albany NY 12207", gln="0614141000005"))

    assert form["company"]["address"] == "1 Main St, Albany NY 12207"
    assert form["unique_facility_number"] == {
        "gln": "0614141000005",
        "fei": TO_COMPLETE,
        "duns": TO_COMPLETE,
    }
    assert form["contact"] == {"name": "Pat In-Charge", "phone": TO_COMPLETE, "email": TO_COMPLETE}
    assert form["other_reports_submitted"] == TO_COMPLETE
