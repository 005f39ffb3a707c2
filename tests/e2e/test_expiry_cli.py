"""``rxsupply expiry report`` on the example hospital (today 11/20/2026): the JSON contract
(lot-locations with location, ndc, lot, expiry, quantity, value) and the totals."""

from __future__ import annotations

from tests.conftest import EXAMPLES
from tests.e2e.cli_runner import Rx

CONTRACT = ["location", "ndc", "lot", "expiry", "quantity", "value"]


def test_the_expiry_report_lists_lots_within_the_days_asked(rx: Rx) -> None:
    for kind in ("items", "locations", "stock"):
        assert rx("import", kind, str(EXAMPLES / f"{kind}.csv")).code == 0

    soon = rx("expiry", "report", "--within-days", "90", "--json")
    year = rx("expiry", "report", "--within-days", "365", "--json")
    table = rx("expiry", "report", "--within-days", "365")

    assert soon.code == 0, soon.err
    # morphine MS2409 expires 01/31/2027: 72 days away; ondansetron's lots in 2027-03 and later
    assert [list(r) for r in soon.json()] == [CONTRACT] * len(soon.json())
    assert {(r["location"], r["lot"], r["expiry"]) for r in soon.json()} == {
        ("MAIN-STORE", "MS2409", "2027-01-31"),
        ("ICU-ADC1-P02", "MS2409", "2027-01-31"),
    }
    store = next(r for r in soon.json() if r["location"] == "MAIN-STORE")
    assert (store["quantity"], store["value"]) == (60, "187.20")  # $31.20 a carton of 10
    assert {r["lot"] for r in year.json()} >= {"MS2409", "ON2411A", "ON2502B"}
    expiries = [r["expiry"] for r in year.json()]
    assert expiries == sorted(expiries)
    assert "By window (days to expiry)" in table.out and "By wholesaler" in table.out
