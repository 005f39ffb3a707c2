"""``rxsupply shortages alternatives`` and ``rxsupply shortages therapeutic add | list | remove
| import`` end to end on the example hospital: a file with an unknown item code refused naming
the file, row and field, nothing written; the example file imported; a row added; the
alternatives of the FDA's ondansetron shortage as JSON and as tables; a row removed."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import EXAMPLES
from tests.e2e.cli_runner import Rx
from tests.shortage_samples import yearly_2025


def test_alternatives_and_the_table_go_through_the_command_line(rx: Rx, tmp_path: Path) -> None:
    assert rx("import", "items", str(EXAMPLES / "items.csv")).code == 0
    assert rx("import", "prices", str(EXAMPLES / "prices.csv")).code == 0
    feed = tmp_path / "Drugshortages_2025.csv"
    feed.write_bytes(yearly_2025())
    assert rx("shortages", "import", str(feed)).code == 0
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "item_code,alternative_code,note,ratio\nONDA4INJ,GRAN1INJ,granisetron 1 mg IV,0.25\n"
    )

    refused = rx("shortages", "therapeutic", "import", str(bad))
    imported = rx(
        "shortages",
        "therapeutic",
        "import",
        str(EXAMPLES / "therapeutic-alternatives.csv"),
        "--json",
    )
    added = rx(
        "shortages",
        "therapeutic",
        "add",
        "--item",
        "ONDA4INJ",
        "--alternative",
        "MORPH2INJ",
        "--note",
        "a test pair",
        "--ratio",
        "0.5",
        "--json",
    )
    listed = rx("shortages", "therapeutic", "list", "--json")
    onda = next(
        s for s in rx("shortages", "list", "--json").json() if s["generic_name"].startswith("Ondan")
    )
    found = rx("shortages", "alternatives", str(onda["id"]), "--json")
    tables = rx("shortages", "alternatives", str(onda["id"]), "--item", "ONDA4INJ")
    wrong = rx("shortages", "alternatives", str(onda["id"]), "--item", "APAP325TAB")
    removed = rx(
        "shortages", "therapeutic", "remove", "--item", "ONDA4INJ", "--alternative", "MORPH2INJ"
    )
    after = rx("shortages", "therapeutic", "list", "--item", "ONDA4INJ", "--json")

    assert refused.code == 1
    assert "bad.csv, row 1, field alternative_code: no item has the code 'GRAN1INJ'" in (
        refused.message
    )
    assert imported.code == 0 and imported.json()["written"] == 1
    assert added.code == 0, added.err
    assert added.json()[0]["ratio"] == "0.5"
    assert [(r["item"], r["alternative"]) for r in listed.json()] == [
        ("MORPH2INJ", "APAP325TAB"),
        ("ONDA4INJ", "MORPH2INJ"),
    ]
    assert found.code == 0, found.err
    (item,) = found.json()["items"]
    assert [o["ndc"] for o in item["same_product"]] == ["98765-402-10"]
    assert [s["wholesaler"] for s in item["secondary_wholesalers"]] == ["Backup Pharma Supply"]
    assert [t["alternative"] for t in item["therapeutic"]] == ["MORPH2INJ"]
    assert "Same drug, other products" in tables.out and "98765-402-10" in tables.out
    assert "Secondary wholesalers" in tables.out and "direct from Example Labs" in tables.out
    assert wrong.code == 1 and "ONDA4INJ" in wrong.message
    assert removed.code == 0 and "removed ONDA4INJ -> MORPH2INJ" in removed.out
    assert after.json() == []
