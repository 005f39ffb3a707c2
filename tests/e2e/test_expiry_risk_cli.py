"""``rxsupply expiry risk`` and ``rxsupply expiry transfer-at-risk`` on the example hospital
(today 11/20/2026) with its dispenses: the ED pocket used 3 ondansetron vials in the last 12
weeks, the ICU pocket none (one dispensed and returned)."""

from __future__ import annotations

from tests.conftest import EXAMPLES
from tests.e2e.cli_runner import Rx


def hospital(rx: Rx) -> None:
    for kind in ("items", "locations", "stock", "dispenses"):
        assert rx("import", kind, str(EXAMPLES / f"{kind}.csv")).code == 0


def test_expiry_risk_json_lists_what_expires_unused_and_why_no_transfer_helps(rx: Rx) -> None:
    hospital(rx)

    ran = rx("expiry", "risk", "--json")
    table = rx("expiry", "risk")

    assert ran.code == 0, ran.err
    found = ran.json()
    lots = {(r["location"], r["lot"]): r for r in found["lots"]}
    icu = lots[("ICU-ADC1-P01", "ON2411A")]
    assert (icu["on_hand"], icu["projected_use"], icu["expired_units"]) == (30, 0, 30)
    assert (icu["expired_value"], icu["expires_on"]) == ("22.50", "2027-04-01")
    # ED: 3 in 84 days, over the 315 days through 09/30/2027 it uses 11 of its 42 vials
    ed = lots[("ED-ADC1-P01", "ON2502B")]
    assert (ed["demand_source"], ed["projected_use"], ed["expired_units"]) == (
        "recent outflow",
        11,
        31,
    )
    assert ed["expired_value"] == "27.59"  # $8.90 a carton of 10
    # the ED pocket could use 4 of the ICU's vials by 03/31/2027, but then 4 more of its own
    # lot would expire in September: no transfer
    assert found["transfers"] == []
    assert found["totals"]["lots_at_risk"] == len(found["lots"])
    assert len(found["weekly"]) == 53
    assert "Lots at risk, most value first" in table.out


def test_a_transfer_at_risk_moves_the_lot_and_a_bad_one_is_refused_naming_why(rx: Rx) -> None:
    hospital(rx)
    move = ("expiry", "transfer-at-risk", "--product", "98765-401-02", "--lot", "ON2411A")

    done = rx(*move, "--from", "ICU-ADC1-P01", "--to", "OR-SAT", "--units", "10", "--json")
    too_many = rx(*move, "--from", "ICU-ADC1-P01", "--to", "OR-SAT", "--units", "500")
    after = rx("expiry", "risk", "--json").json()

    assert done.code == 0, done.err
    assert [m["quantity"] for m in done.json()["movements"]] == [10]
    lots = {(r["location"], r["lot"]): r["on_hand"] for r in after["lots"]}
    assert (lots[("ICU-ADC1-P01", "ON2411A")], lots[("OR-SAT", "ON2411A")]) == (20, 10)
    assert too_many.code == 1
    assert "ICU-ADC1-P01: only 20 on hand" in too_many.message


def test_a_limit_below_one_is_refused_naming_the_option(rx: Rx) -> None:
    refused = rx("expiry", "risk", "--limit", "-5")

    assert refused.code != 0 and "--limit" in refused.err + refused.out
