"""``rxsupply shortages import | list | show | add | resolve`` end to end on the example
hospital: a file with a changed header refused naming the file and the column, nothing
written; the FDA file imported with its counts, and again with nothing new; a shortage shown
with its presentations, items and events; one added by hand and resolved."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import EXAMPLES
from tests.e2e.cli_runner import Rx
from tests.shortage_samples import YEARLY_HEADER, yearly, yearly_2025


def test_the_shortage_feed_goes_through_the_command_line(rx: Rx, tmp_path: Path) -> None:
    assert rx("import", "items", str(EXAMPLES / "items.csv")).code == 0
    good, changed = tmp_path / "Drugshortages_2025.csv", tmp_path / "Drugshortages_2026.csv"
    good.write_bytes(yearly_2025())
    changed.write_bytes(yearly(header=YEARLY_HEADER.replace("update_date", "updated")))

    refused = rx("shortages", "import", str(changed))
    nothing = rx("shortages", "list", "--json")
    done = rx("shortages", "import", str(good), "--json")
    again = rx("shortages", "import", str(good))
    active = rx("shortages", "list", "--active", "--json")
    onda = next(s for s in active.json() if s["generic_name"] == "Ondansetron Injection")
    shown = rx("shortages", "show", str(onda["id"]), "--json")
    table = rx("shortages", "show", str(onda["id"]))
    added = rx("shortages", "add", "--item", "APAP325TAB", "--reason", "wholesaler backorder")
    resolved = rx("shortages", "resolve", str(onda["id"]), "--json")
    twice = rx("shortages", "resolve", str(onda["id"]))

    assert refused.code == 1
    assert "Drugshortages_2026.csv" in refused.message
    assert "field update_date: missing column" in refused.message
    assert "field updated: unknown column" in refused.message
    assert nothing.json() == []
    assert done.code == 0, done.err
    facts = done.json()
    assert (facts["records"], facts["shortages"], facts["ndcs"]) == (4, 4, 4)
    assert facts["events"] == {"new": 4, "updated": 0, "resolved": 0, "discontinued": 0}
    assert facts["items_matched"] == {"ndc": 1, "name_strength_form": 1, "name": 1}
    assert "nothing new: nothing written" in " ".join(again.out.split())
    assert [s["generic_name"] for s in active.json()] == [
        "Morphine Sulfate Injection",
        "Ondansetron Injection",
    ]  # the latest updated first; acetaminophen is to be discontinued, zinc resolved
    assert shown.json()["items"] == [
        {
            "item": "ONDA4INJ",
            "item_name": "ondansetron 4 mg/2 mL injection vial",
            "method": "ndc",
            "detail": "98765-401-02",
        }
    ]
    assert shown.json()["ndcs"] == ["98765040102"]
    assert [e["kind"] for e in shown.json()["events"]] == ["new"]
    assert "Formulary items" in table.out and "ONDA4INJ" in table.out
    assert added.code == 0 and "(manual): current" in added.out
    assert (resolved.json()["status"], resolved.json()["resolved_on"]) == (
        "resolved",
        "2026-11-20",
    )
    assert twice.code == 1 and "was resolved on 2026-11-20" in twice.message
