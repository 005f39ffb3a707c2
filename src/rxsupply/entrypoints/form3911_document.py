"""The FDA Form 3911 draft of an illegitimate product case as a printable HTML page, the same
for the CLI (``rxsupply dscsa case form3911 N --html FILE``) and the web
(``/dscsa/cases/{n}/form3911``): the form's sections in order, filled from
:func:`rxsupply.services.dscsa.case_views.form_3911_draft`."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #111; max-width: 60rem; }
h1 { font-size: 1.3rem; } h2 { font-size: 1.05rem; margin-top: 1.4rem; }
table { border-collapse: collapse; font-size: 0.9rem; width: 100%; }
th, td { border: 1px solid #999; padding: 3px 6px; text-align: left; vertical-align: top; }
th { width: 16rem; background: #f3f3f3; } td.n { text-align: right; }
.draft { border: 2px solid #a00; color: #a00; padding: 4px 8px; display: inline-block; }
.sign { margin-top: 2.5rem; display: flex; gap: 4rem; }
.sign div { border-top: 1px solid #000; padding-top: 4px; min-width: 14rem; }
@media print { a { display: none; } }
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _rows(pairs: Sequence[tuple[str, object]], test_ids: Mapping[str, str] | None = None) -> str:
    ids = test_ids or {}
    out = []
    for label, value in pairs:
        tid = f' data-testid="{ids[label]}"' if label in ids else ""
        out.append(f"<tr><th scope='row'>{_e(label)}</th><td{tid}>{_e(value)}</td></tr>")
    return "<table>" + "".join(out) + "</table>"


def form_3911_html(form: Mapping[str, Any], *, back: str | None = None) -> str:
    """The draft as a standalone printable page (``back``: a link back to the case), its
    fields numbered as on Form FDA 3911."""
    company: Mapping[str, Any] = form["company"]
    contact: Mapping[str, Any] = form["contact"]
    numbers: Mapping[str, Any] = form["unique_facility_number"]
    reporter: Mapping[str, Any] = form["reporter"]
    products = []
    for p in form["products"]:
        products.append(
            "<h3>"
            + _e(p["name"])
            + "</h3>"
            + _rows(
                [
                    ("6. Name of product as it appears on the label", p["name"]),
                    ("7. Primary ingredient(s)", p["primary_ingredients"]),
                    ("8. Drug use", p["drug_use"]),
                    ("9. Drug description", p["drug_description"]),
                    ("10. Strength", p["strength"]),
                    ("11. Dosage form", p["dosage_form"]),
                    ("12. Quantity", p["quantity_text"]),
                    ("13. NDC", p["ndc"]),
                    ("14. Serial numbers", ", ".join(p["serials"]) or "(the whole lot)"),
                    ("15. Lot number", p["lot"]),
                    ("16. Expiration date", p["expiry"] or "unknown"),
                ],
                {
                    "13. NDC": "form3911-ndc",
                    "15. Lot number": "form3911-lot",
                    "12. Quantity": "form3911-quantity",
                    "14. Serial numbers": "form3911-serials",
                },
            )
        )
    link = f'<p><a href="{_e(back)}">Back to the case</a></p>' if back else ""
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>FDA Form 3911 draft: case {_e(form['case'])}</title>"
        f"<style>{_STYLE}</style></head><body>{link}"
        f"<h1 data-testid='form3911-title'>FDA Form 3911: Drug Notification "
        f"<span class='draft'>DRAFT</span></h1>"
        f"<p>Pre-filled from suspect product case <strong data-testid='form3911-case'>"
        f"{_e(form['case'])}</strong>. Review it, complete every field marked "
        "<em>(to complete)</em>, then submit it through FDA's portal within 24 hours of the "
        "determination and record the incident number FDA gives on the case.</p>"
        "<h2>Notification</h2>"
        + _rows(
            [
                ("1. Type of report", form["type_of_report"]),
                ("2. Incident number", "(assigned by FDA on receipt)"),
                (
                    "4. Date company determined product was illegitimate",
                    form["date_of_determination"],
                ),
                ("5. Classification of notification", form["classification"]),
                ("Notification category", form["notification_category"]),
            ],
            {
                "5. Classification of notification": "form3911-classification",
                "4. Date company determined product was illegitimate": "form3911-date",
                "Notification category": "form3911-category",
            },
        )
        + "<h2>Description of product</h2>"
        + "".join(products)
        + "<h2>17. Description of event or issue</h2>"
        + f"<p data-testid='form3911-description'>{_e(form['description'])}</p>"
        + _rows(
            [
                ("How it was discovered", form["how_discovered"]),
                ("19. Other reports submitted to FDA", form["other_reports_submitted"]),
            ]
        )
        + "<h2>Company and facility</h2>"
        + _rows(
            [
                ("20. Company name", company["name"]),
                ("20. Company address", company["address"]),
                ("21. Company category", company["category"]),
                ("22. Unique facility number: GLN", numbers["gln"]),
                ("22. Unique facility number: FEI", numbers["fei"]),
                ("22. Unique facility number: DUNS", numbers["duns"]),
                ("23. Contact name", f"{contact['name']} ({reporter['user']})"),
                ("23. Contact phone", contact["phone"]),
                ("23. Contact email", contact["email"]),
            ],
            {"21. Company category": "form3911-company-category"},
        )
        + "<div class='sign'><div>Pharmacist in charge</div><div>Date</div></div>"
        + "</body></html>"
    )
