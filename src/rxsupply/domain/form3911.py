"""A pre-filled draft of FDA Form 3911 (Drug Notification) for an illegitimate product case.

FDA Form 3911 is how a trading partner notifies FDA of illegitimate product under FD&C Act
section 582(d)(4)(B) (and, for a dispenser, within 24 hours of the determination). Its
sections, as FDA publishes the form ("Drug Notification", OMB 0910-0806):

1. **Type of report**: initial notification, follow-up, or request for termination.
2. **Classification of notification**: illegitimate product (582: determination made), or
   product with a high risk of illegitimacy (a manufacturer's notice).
3. **Date company determined product was illegitimate.**
4. **Name of product as it appears on the label**, its drug use (human), the description
   (finished prescription drug), strength, dosage form, quantity, NDC, serial numbers, lot
   numbers and expiration dates.
5. **Notification category**: counterfeit, diverted, stolen, intentional adulteration,
   unfit for distribution, fraudulent transaction.
6. **Description of event or issue.**
7. **Company name and address**, its **category** (manufacturer, wholesale distributor,
   dispenser (pharmacy), repackager) and the **contact** (the reporter).

Numbered as on Form FDA 3911 (8/15) and FDA's instructions for it: 1 type of report, 2
incident number (FDA assigns it: blank on an initial notification), 3 date of initial
notification, 4 date the company determined the product illegitimate, 5 classification,
6 name of the product as on its label, 7 primary ingredient(s) (if known), 8 drug use,
9 drug description, 10 strength, 11 dosage form, 12 quantity (number and unit), 13 NDC,
14 serial numbers, 15 lot numbers, 16 expiration dates, 17 description of the event,
19 information submitted to FDA through another mechanism (BPDR, FAR, MedWatch 3500 or
3500A, other, none), 20 company name and address, 21 company category, 22 unique facility
number (GLN, FEI or DUNS), 23 contact (name, phone, email).

A field the hospital keeps no data for (the company's address, its facility numbers, the
contact's phone and email, the other reports submitted) is the text :data:`TO_COMPLETE`,
never a guess. The quantity says which it is: the units the hospital **holds** now, and the
units it **received** of the lot (or the serialised packages) are both given.

:func:`form_3911` maps a case onto those fields; the draft is what the pharmacist in charge
reviews and then enters in FDA's portal, whose incident number the case then records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from rxsupply.domain.suspect_case import SuspectReason

CATEGORY = {
    SuspectReason.COUNTERFEIT: "counterfeit",
    SuspectReason.DIVERTED: "diverted",
    SuspectReason.STOLEN: "stolen",
    SuspectReason.INTENTIONALLY_ADULTERATED: "intentional adulteration",
    SuspectReason.UNFIT_FOR_DISTRIBUTION: "unfit for distribution",
    SuspectReason.FRAUDULENT_TRANSACTION: "fraudulent transaction",
}
"""The form's notification category for each reason a case names."""

TO_COMPLETE = "(to complete)"
"""What a field the hospital keeps no data for reads: the pharmacist completes it in FDA's
portal."""


def _given(value: str) -> str:
    return value.strip() or TO_COMPLETE


@dataclass(frozen=True, slots=True)
class ProductLot:
    """One lot of a product a case names, as the hospital holds and received it."""

    name: str
    ndc: str
    dosage_form: str
    strength: str
    lot: str
    expiry: date | None
    dispense_unit: str = ""
    package_size: int = 1
    serials: Sequence[str] = field(default_factory=tuple)
    units_held: int = 0
    units_received: int = 0
    generic_name: str = ""  # the primary ingredient(s), when on record


@dataclass(frozen=True, slots=True)
class CompanyFacts:
    """What the hospital configured about itself for the form (items 20, 22, 23); blank when
    not configured."""

    address: str = ""
    gln: str = ""
    fei: str = ""
    duns: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class Reporter:
    facility: str  # the facility's name
    facility_code: str
    user: str  # the user's name as recorded
    user_name: str = ""  # the display name
    company: CompanyFacts = field(default_factory=CompanyFacts)


def form_3911(
    *,
    case_number: str,
    reason: SuspectReason,
    source: str,
    determined_at: datetime,
    determined_on: date,
    description: str,
    lots: Sequence[ProductLot],
    reporter: Reporter,
) -> dict[str, object]:
    """The draft's fields, section by section (see the module)."""
    facts = reporter.company
    products = []
    for lot in lots:
        unit = lot.dispense_unit or "units"
        products.append(
            {
                "name": lot.name,
                "primary_ingredients": _given(lot.generic_name),
                "drug_use": "human",
                "drug_description": "finished prescription drug",
                "ndc": lot.ndc,
                "strength": lot.strength,
                "dosage_form": lot.dosage_form,
                "lot": lot.lot,
                "expiry": None if lot.expiry is None else lot.expiry.isoformat(),
                "serials": list(lot.serials),
                "quantity_held": lot.units_held,
                "quantity_received": lot.units_received,
                "quantity_unit": unit,
                "quantity_text": (
                    f"{lot.units_held} {unit} held now; {lot.units_received} {unit} received"
                ),
                "units_held": lot.units_held,
                "units_received": lot.units_received,
            }
        )
    return {
        "form": "FDA Form 3911",
        "title": "Drug Notification",
        "draft": True,
        "case": case_number,
        "type_of_report": "initial notification",
        "incident_number": None,  # FDA assigns it on receipt of the initial notification
        "classification": "illegitimate product",
        "date_of_determination": determined_on.isoformat(),
        "determined_at": determined_at.isoformat(),
        "notification_category": CATEGORY[reason],
        "products": products,
        "description": description,
        "how_discovered": source.replace("_", " "),
        "other_reports_submitted": TO_COMPLETE,
        "company": {
            "name": reporter.facility,
            "code": reporter.facility_code,
            "address": _given(facts.address),
            "category": "dispenser (pharmacy)",
        },
        "unique_facility_number": {
            "gln": _given(facts.gln),
            "fei": _given(facts.fei),
            "duns": _given(facts.duns),
        },
        "contact": {
            "name": reporter.user_name or reporter.user,
            "phone": _given(facts.phone),
            "email": _given(facts.email),
        },
        "reporter": {
            "facility": reporter.facility,
            "user": reporter.user,
            "name": reporter.user_name or reporter.user,
        },
    }
