"""``rxsupply open``: a multi-dose vial opened at the storeroom carries its beyond-use date,
and the expiry report shows the opened units under it (today 11/20/2026)."""

from __future__ import annotations

from tests.conftest import EXAMPLES
from tests.e2e.cli_runner import Rx


def test_opening_a_vial_prints_its_beyond_use_date_and_the_report_lists_it(rx: Rx) -> None:
    for kind in ("items", "locations", "stock"):
        assert rx("import", kind, str(EXAMPLES / f"{kind}.csv")).code == 0

    opened = rx("open", "MAIN-STORE", "98765-3250-01", "AP2406", "--units", "100", "--json")
    report = rx("expiry", "report", "--within-days", "30", "--json")
    refused = rx("open", "MAIN-STORE", "98765-3250-01", "NOSUCH")

    assert opened.code == 0, opened.err
    assert opened.json()["opened_lot"] == "AP2406-O261120"
    assert opened.json()["beyond_use_date"] == "2026-12-18"  # 28 days (USP <797>)
    assert {(r["location"], r["lot"], r["expiry"], r["quantity"]) for r in report.json()} == {
        ("MAIN-STORE", "AP2406-O261120", "2026-12-18", 100)
    }
    assert refused.code != 0 and "NOSUCH" in refused.err + refused.out


def test_a_retried_open_with_its_external_id_opens_once_and_an_opened_lot_is_not_reopened(
    rx: Rx,
) -> None:
    for kind in ("items", "locations", "stock"):
        assert rx("import", kind, str(EXAMPLES / f"{kind}.csv")).code == 0
    vial = ("open", "MAIN-STORE", "98765-3250-01", "AP2406", "--units", "100")

    first = rx(*vial, "--external-id", "open-17", "--json")
    retry = rx(*vial, "--external-id", "open-17")
    stock = rx("stock", "--json")
    again = rx("open", "MAIN-STORE", "98765-3250-01", "AP2406-O261120", "--units", "5")

    assert first.code == 0 and first.json()["duplicate"] is False
    assert retry.code == 0 and "already recorded" in retry.out
    opened = [r for r in stock.json() if r.get("lot") == "AP2406-O261120"]
    assert sum(r["quantity"] for r in opened) == 100
    assert again.code != 0 and "open already" in again.err + again.out
