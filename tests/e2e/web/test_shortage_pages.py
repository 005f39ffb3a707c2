"""The shortage pages over HTTP on the example hospital: the FDA file uploaded on the board, a
shortage's page with its impact and chart, its bulletin (HTML and Markdown), the weekly
summary, the board as Excel, the stress test; a buyer records a shortage by hand."""

from __future__ import annotations

import io
import re

import openpyxl
from fastapi import FastAPI
from tests.shortage_samples import yearly_2025

from .harness import alert, client_for, csrf_of


def test_a_manager_imports_the_fda_list_and_reads_a_shortage_and_its_bulletin(
    web_app: FastAPI,
) -> None:
    with client_for(web_app, "admin") as admin:
        imported = admin.post(
            "/shortages/import",
            data={"csrf_token": csrf_of(admin, "/shortages")},
            files={"file": ("Drugshortages_2025.csv", yearly_2025(), "text/csv")},
            follow_redirects=True,
        )
    with client_for(web_app, "manager") as manager:
        after = manager.get("/shortages")
        link = re.search(r'data-shortage="(\d+)" data-item="ONDA4INJ"', after.text)
        assert link is not None, after.text[:2000]
        number = link[1]
        page = manager.get(f"/shortages/{number}")
        bulletin = manager.get(f"/shortages/{number}/bulletin")
        markdown = manager.get(f"/shortages/{number}/bulletin.md")
        weekly = manager.get("/shortages/weekly")
        book = manager.get("/shortages.xlsx")
        stress = manager.get("/stress-test", params={"supplier": "Example Labs", "days": "30"})
        nobody = manager.get("/stress-test", params={"supplier": "Nobody", "days": "30"})

    assert imported.status_code == 200
    assert "Imported Drugshortages_2025.csv: 4 records, 4 shortages" in imported.text
    assert page.status_code == 200
    assert 'id="impact"' in page.text and 'data-item="ONDA4INJ"' in page.text
    assert "chart-runout" in page.text  # the projected stock-out chart
    assert "Drug shortage bulletin: Ondansetron Injection" in bulletin.text
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert markdown.text.startswith("# Drug shortage bulletin: Ondansetron Injection")
    assert "| ONDA4INJ ondansetron 4 mg/2 mL injection vial |" in markdown.text
    assert "Ondansetron Injection" in weekly.text
    sheet = openpyxl.load_workbook(io.BytesIO(book.content)).active
    assert sheet is not None
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert header[:2] == ["Shortage", "Shortage name"]
    item = header.index("Item")
    assert any(row[item] == "ONDA4INJ" for row in sheet.iter_rows(min_row=2, values_only=True))
    assert 'id="stress"' in stress.text and "ONDA4INJ" in stress.text
    assert "unknown supplier" in alert(nobody.text)


def test_a_buyer_records_a_shortage_by_hand_and_a_wrong_item_is_refused(web_app: FastAPI) -> None:
    with client_for(web_app, "admin") as buyer:
        token = csrf_of(buyer, "/shortages")
        added = buyer.post(
            "/shortages",
            data={"csrf_token": token, "item": "MORPH2INJ", "reason": "wholesaler backorder"},
            follow_redirects=True,
        )
        wrong = buyer.post(
            "/shortages",
            data={"csrf_token": token, "item": "NOPE", "reason": "wholesaler backorder"},
            follow_redirects=True,
        )

    assert "recorded" in added.text and 'data-item="MORPH2INJ"' in added.text
    assert "Not added: unknown item &#39;NOPE&#39;" in alert(wrong.text)


def test_a_manager_restricts_limits_and_reverts_from_the_shortage_page(web_app: FastAPI) -> None:
    with client_for(web_app, "admin") as admin:
        token = csrf_of(admin, "/shortages")
        added = admin.post(
            "/shortages",
            data={"csrf_token": token, "item": "APAP325TAB", "reason": "wholesaler backorder"},
        )
        page = added.headers["location"]
        number = page.rsplit("/", 1)[1]
        restricted = admin.post(
            f"/shortages/{number}/restrictions",
            data={"csrf_token": token, "item": "APAP325TAB", "text": "ICU only", "areas": "ICU"},
            follow_redirects=True,
        )
        limited = admin.post(
            f"/shortages/{number}/limits",
            data={"csrf_token": token, "item": "APAP325TAB", "location": "ED-ADC1", "per_day": "4"},
            follow_redirects=True,
        )
        wrong = admin.post(
            f"/shortages/{number}/par-reductions",
            data={
                "csrf_token": token,
                "item": "APAP325TAB",
                "location": "NOWHERE",
                "max_level": "5",
            },
            follow_redirects=True,
        )
        reverted = admin.post(
            f"/shortages/{number}/revert",
            data={"csrf_token": token, "reason": "over"},
            follow_redirects=True,
        )

    assert "APAP325TAB restricted: ICU only (areas ICU)" in restricted.text
    assert "allocation limit for APAP325TAB at ED-ADC1: at most 4 units a day" in limited.text
    assert "Not done:" in alert(wrong.text) and "NOWHERE" in alert(wrong.text)
    assert "2 setting(s) reverted" in reverted.text
    assert (
        'data-action="lift_restriction"' in reverted.text or "restriction lifted" in reverted.text
    )


def test_the_expiry_page_lists_the_lots_expiring_within_the_days_chosen(web_app: FastAPI) -> None:
    with client_for(web_app, "tech") as tech:
        soon = tech.get("/expiry", params={"days": "90"})
        year = tech.get("/expiry", params={"days": "365"})
        odd = tech.get("/expiry", params={"days": "²"})

    assert soon.status_code == 200
    assert 'data-lot="MS2409" data-location="MAIN-STORE"' in soon.text  # 01/31/2027: 72 days
    assert 'data-lot="ON2502B"' not in soon.text  # 09/30/2027
    assert 'data-lot="ON2502B"' in year.text
    assert odd.status_code == 200 and "within 90 days" in odd.text  # an odd choice: the default
