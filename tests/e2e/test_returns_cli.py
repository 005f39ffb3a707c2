"""``rxsupply returns`` on the example hospital (today 11/20/2026, every product Example Labs'):
the ``classify --json`` contract (one object per lot with returnability, returnable_from, reason,
expected_credit and the lot's identity), a batch built, its manifest per stream, shipped after
its Form 222 number, a credit memo file reconciled, the aging, and the RCRA list edited."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import EXAMPLES
from tests.e2e.cli_runner import Rx

CONTRACT = {"returnability", "returnable_from", "reason", "expected_credit"}
IDENTITY = {"ndc", "lot", "expiry", "location", "quantity", "labeler"}


def hospital(rx: Rx) -> None:
    for kind in ("items", "locations", "stock"):
        assert rx("import", kind, str(EXAMPLES / f"{kind}.csv")).code == 0


def test_classify_prints_one_object_per_lot_with_the_contract_keys(rx: Rx) -> None:
    hospital(rx)
    before = rx("returns", "classify", "--json")
    policy = rx(
        "returns", "policies", "set", "Example Labs", "--months-before", "6",
        "--months-after", "12", "--credit-share", "90%",
    )  # fmt: skip

    after = rx("returns", "classify", "--json")
    table = rx("returns", "classify")

    assert before.code == 0 and policy.code == 0, before.err + policy.err
    assert {r["returnability"] for r in before.json()} == {"never"}
    assert {r["expected_credit"] for r in before.json()} == {0}
    lots = {r["lot"]: r for r in after.json()}
    assert set(lots) == {"ON2411A", "ON2502B", "MS2409", "AP2406"}
    for row in lots.values():
        assert set(row) >= CONTRACT | IDENTITY
        assert isinstance(row["expected_credit"], int | float)
    assert (lots["ON2411A"]["returnability"], lots["ON2411A"]["returnable_from"]) == (
        "now",
        "2026-09-30",
    )
    assert (lots["ON2502B"]["returnability"], lots["ON2502B"]["returnable_from"]) == (
        "later",
        "2027-03-30",
    )
    assert lots["ON2411A"]["expected_credit"] == 185.63  # 11 full packages x 18.75 x 90%
    assert lots["ON2411A"]["location"] == "ICU-ADC1-P01, MAIN-STORE"
    assert "By returnability" in table.out


def test_a_batch_is_built_shipped_and_its_memo_reconciled_from_the_command_line(
    rx: Rx, tmp_path: Path
) -> None:
    hospital(rx)
    rx("returns", "policies", "set", "Example Labs", "--months-before", "6", "--months-after", "12")
    made = rx("returns", "batch", "create", "--all", "--distributor", "Demo Returns", "--json")
    number = made.json()["number"]

    refused = rx("returns", "batch", "ship", number)
    form = rx("returns", "batch", "form-222", number, "1", "CSOS-998877")
    shipped = rx("returns", "batch", "ship", number, "--json")
    csv_text = rx("returns", "batch", "manifest", number, "--stream", "creditable")
    page = rx("returns", "batch", "manifest", number, "--html")
    memo = tmp_path / "memo.csv"
    memo.write_text("ndc,lot,quantity,credit\n98765-401-02,ON2411A,250,187.50\n")
    reconciled = rx(
        "returns", "batch", "memo", number, str(memo), "--memo-number", "CM-1",
        "--memo-date", "2026-11-20", "--json",
    )  # fmt: skip
    aging = rx("returns", "aging", "--json")

    assert made.code == 0, made.err
    assert refused.code != 0 and "DEA Form 222" in refused.message
    assert form.code == 0 and shipped.json()["status"] == "shipped", shipped.err
    assert csv_text.out.splitlines()[0].startswith("batch,line,stream,ndc,product")
    assert [line.split(",")[3] for line in csv_text.out.splitlines()[1:]] == ["98765-401-02"]
    assert "Controlled substances (DEA)" in page.out and "MS2409" in page.out
    states = {r["lot"]: r["state"] for r in reconciled.json()["lines"]}
    assert states == {"ON2411A": "matched", "MS2409": "not_credited"}
    assert [b["bucket"] for b in aging.json()["batches"]] == ["0-30"]


def test_the_rcra_list_is_edited_from_the_command_line_and_never_takes_a_sewer(rx: Rx) -> None:
    shipped = rx("returns", "waste", "list", "--json")
    added = rx("returns", "waste", "add", "physostigmine", "P204", "--note", "checked", "--json")
    row = added.json()[0]
    changed = rx("returns", "waste", "change", str(row["id"]), "--note", "reviewed", "--json")
    removed = rx("returns", "waste", "remove", str(row["id"]))
    bad = rx("returns", "waste", "add", "mercury", "sewer")

    assert {r["code"] for r in shipped.json()} >= {"P001", "P042", "P075", "U248"}
    assert changed.json()[0]["note"] == "reviewed"
    assert removed.code == 0 and "removed P204" in removed.out
    assert bad.code != 0 and "P or U and three digits" in bad.message


def test_a_share_out_of_range_is_refused_and_every_returns_screen_still_reads(rx: Rx) -> None:
    hospital(rx)
    set_policy = ("returns", "policies", "set", "Example Labs", "--months-before", "6")

    tiny = rx(*set_policy, "--months-after", "12", "--credit-share", "0.00004")
    huge = rx(*set_policy, "--months-after", "12", "--credit-share", "1e99999999")
    fill = rx(*set_policy, "--months-after", "12", "--partial", "min_fill", "--min-fill", "1e-30")
    after = rx("returns", "classify", "--json")

    for refused in (tiny, huge, fill):
        assert refused.code != 0 and "Traceback" not in refused.err + refused.out
    assert "credit_share" in tiny.message and "credit_share" in huge.message
    assert "min_fill" in fill.message
    assert after.code == 0 and {r["returnability"] for r in after.json()} == {"never"}
