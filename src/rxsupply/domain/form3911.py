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


@dataclass(frozen=True, slots=True)
class Reporter:
    facility: str  # the facility's name
    facility_code: str
    user: str  # the user's name as recorded
    user_name: str = ""  # the display name


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
    products = []
    for lot in lots:
        quantity = lot.units_held if lot.units_held else lot.units_received
        products.append(
            {
                "name": lot.name,
                "drug_use": "human",
                "drug_description": "finished prescription drug",
                "ndc": lot.ndc,
                "strength": lot.strength,
                "dosage_form": lot.dosage_form,
                "lot": lot.lot,
                "expiry": None if lot.expiry is None else lot.expiry.isoformat(),
                "serials": list(lot.serials),
                "quantity": quantity,
                "quantity_unit": lot.dispense_unit or "units",
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
        "classification": "illegitimate product",
        "date_of_determination": determined_on.isoformat(),
        "determined_at": determined_at.isoformat(),
        "notification_category": CATEGORY[reason],
        "products": products,
        "description": description,
        "how_discovered": source.replace("_", " "),
        "company": {
            "name": reporter.facility,
            "code": reporter.facility_code,
            "category": "dispenser (pharmacy)",
        },
        "reporter": {
            "facility": reporter.facility,
            "user": reporter.user,
            "name": reporter.user_name or reporter.user,
        },
    }
