"""``rxsupply dscsa case`` on the example hospital (now 11/20/2026 10:00 in New York): a case
opened on acetaminophen lot AP2406 blocks it in the storeroom and both cabinet pockets; its
steps and evidence (a file's digest) are recorded; determined illegitimate, it shows the
24-hour clock and the Form 3911 draft (JSON and printable HTML); FDA's incident number stops
the clock. Another case is cleared and releases its lot. Each command with ``--json``."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.conftest import EXAMPLES
from tests.e2e.cli_runner import Rx

APAP_LOT = "98765-3250-01:AP2406"
ONDA_LOT = "98765-401-02:ON2411A"


def hospital(rx: Rx) -> None:
    for kind in ("items", "locations", "stock"):
        assert rx("import", kind, str(EXAMPLES / f"{kind}.csv")).code == 0


def statuses(rx: Rx, lot: str) -> set[str]:
    ran = rx("stock", "--json", "--limit", "10000")
    return {str(r.get("status")) for r in ran.json() if r["lot"] == lot}


def test_a_case_from_opening_to_the_fda_notification_on_the_command_line(
    rx: Rx, tmp_path: Path
) -> None:
    hospital(rx)
    photo = tmp_path / "carton.jpg"
    photo.write_bytes(b"not really a photo")

    opened = rx(
        "dscsa", "case", "open", "--lot", APAP_LOT, "--reason", "counterfeit",
        "--source", "visual inspection", "--note", "blurred label", "--json",
    )  # fmt: skip
    assert opened.code == 0, opened.err
    number = opened.json()["number"]
    stepped = rx("dscsa", "case", "step", number, "--note", "called the manufacturer", "--json")
    kept = rx("dscsa", "case", "evidence", number, "--file", str(photo), "--json")
    early = rx("dscsa", "case", "form3911", number, "--json")
    determined = rx("dscsa", "case", "illegitimate", number, "--note", "no such lot made", "--json")
    form = rx("dscsa", "case", "form3911", number, "--json")
    printed = rx("dscsa", "case", "form3911", number, "--html", str(tmp_path / "f.html"))
    too_early = rx(
        "dscsa", "case", "notified", number, "--fda", "IN-2026-77", "--at", "2026-11-20T09:59"
    )
    fda = rx(
        "dscsa", "case", "notified", number, "--fda", "IN-2026-77",
        "--at", "2026-11-20T10:00", "--json",
    )  # fmt: skip
    listed = rx("dscsa", "case", "list", "--open", "--json")
    table = rx("dscsa", "case", "show", number)

    assert number == "SC-2026-0001"
    assert {s["status"] for s in opened.json()["subject_details"]} == {"suspect"}
    assert [s["kind"] for s in stepped.json()["steps"]] == ["opened", "step"]
    assert kept.json()["evidence"][0]["evidence_name"] == "carton.jpg"
    assert (
        kept.json()["evidence"][0]["evidence_sha256"]
        == hashlib.sha256(b"not really a photo").hexdigest()
    )
    assert early.code == 1 and "not determined illegitimate" in early.message
    assert determined.json()["fda_clock"]["text"] == "24 h 00 min left"
    assert (form.json()["products"][0]["lot"], form.json()["products"][0]["quantity_held"]) == (
        "AP2406",
        2370,
    )
    assert printed.code == 0 and "FDA Form 3911" in (tmp_path / "f.html").read_text()
    assert too_early.code == 1 and "before the determination" in too_early.message
    assert fda.json()["fda_clock"]["state"] == "notified"
    assert fda.json()["fda_clock"]["notified_at"] == "2026-11-20T15:00:00+00:00"
    assert [r["number"] for r in listed.json()] == [number]
    assert "IN-2026-77" in table.out


def test_a_cleared_case_releases_its_lot_and_bad_input_is_refused(rx: Rx) -> None:
    hospital(rx)
    opened = rx(
        "dscsa", "case", "open", "--lot", ONDA_LOT, "--reason", "diverted",
        "--source", "trading_partner_notice", "--json",
    )  # fmt: skip
    number = opened.json()["number"]

    no_note = rx("dscsa", "case", "clear", number, "--note", " ")
    cleared = rx("dscsa", "case", "clear", number, "--note", "partner withdrew", "--json")
    bad_reason = rx(
        "dscsa", "case", "open", "--lot", ONDA_LOT, "--reason", "lost", "--source", "fda_notice"
    )
    both = rx("dscsa", "case", "notified", number, "--partner", "A", "--fda", "X")
    unknown = rx("dscsa", "case", "show", "SC-1999-0001")

    assert no_note.code == 1 and "say why" in no_note.message
    assert cleared.json()["status"] == "cleared"
    assert {s["status"] for s in cleared.json()["subject_details"]} == {"available"}
    assert cleared.json()["released"] == ["98765-401-02 lot ON2411A: suspect > available"]
    assert bad_reason.code == 1 and "counterfeit" in bad_reason.message
    assert both.code == 1 and "one of them" in both.message
    assert unknown.code == 1 and "unknown suspect product case" in unknown.message
