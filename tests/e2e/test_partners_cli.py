"""``rxsupply partners list | show | authorize`` on the example hospital (today 11/20/2026), and
``orders receive`` refused from a wholesaler whose licence expired, against its ship notice too,
then received once the renewed licence is recorded; each with ``--json``."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import EXAMPLES, priced_storeroom
from tests.e2e.cli_runner import Rx
from tests.x12_samples import SENDER, ship_notice

from rxsupply.adapters.database import make_engine

WHOLESALER = "Example Wholesale Drug Co"
TRAY11 = "98765040102"


@pytest.fixture
def order(rx: Rx, tmp_path: Path) -> str:
    """A sent order of the example hospital to Example Wholesale Drug Co: ondansetron trays."""
    for kind in ("items", "locations", "stock"):
        assert rx("import", kind, str(EXAMPLES / f"{kind}.csv")).code == 0
    engine = make_engine(f"sqlite:///{rx.db}")
    priced_storeroom(engine, {"ONDA4INJ": (400, 600)}, authorized=False)
    engine.dispose()
    (draft,) = rx("orders", "suggest", "--json").json()["orders"]
    assert rx("orders", "approve", draft["number"], "--out-dir", str(tmp_path)).code == 0
    return str(draft["number"])


def licence(rx: Rx, number: str, expires: str, verified_on: str) -> dict:  # type: ignore[type-arg]
    ran = rx(
        "partners", "authorize", WHOLESALER, "--kind", "state_wholesale_license",
        "--number", number, "--state", "PA", "--expires", expires,
        "--verified-on", verified_on, "--source", "PA board lookup", "--json",
    )  # fmt: skip
    assert ran.code == 0, ran.err
    return ran.json()  # type: ignore[no-any-return]


def receive(rx: Rx, order: str, *extra: str) -> tuple[int, str]:
    ran = rx(
        "orders", "receive", order, "--ndc", "98765-401-02", "--lot", "ON2611X",
        "--expiry", "2028-06-30", "--packages", "2", *extra,
    )  # fmt: skip
    return ran.code, ran.message


def test_a_receipt_is_refused_while_the_licence_is_expired_and_received_once_renewed(
    rx: Rx, order: str, tmp_path: Path
) -> None:
    notice = tmp_path / "ours.856"
    notice.write_text(ship_notice(order, [(TRAY11, "ON2611X", "20280630", 10)]))
    assert rx("orders", "asn", str(notice)).code == 0
    before = rx.stock()

    expired = licence(rx, "WH-1001", "2026-11-19", "2025-12-01")
    refused = receive(rx, order)
    refused_asn = receive(rx, order, "--asn", "SHP-5501")
    unchanged = rx.stock()
    renewed = licence(rx, "WH-2002", "2027-11-30", "2026-11-20")
    received = receive(rx, order, "--asn", "SHP-5501")

    assert expired["authorized"] is False
    assert "expired on 2026-11-19" in expired["reason"]
    for code, message in (refused, refused_asn):
        assert code == 1
        assert f"nothing is received from {WHOLESALER}" in message
        assert "WH-1001 (PA) expired on 2026-11-19" in message
    assert unchanged == before
    assert renewed["authorized"] is True and renewed["expiring"] is None
    assert [a["number"] for a in renewed["authorizations"]] == ["WH-2002", "WH-1001"]
    assert received[0] == 0
    assert rx.stock()[("MAIN-STORE", "ON2611X")] == before.get(("MAIN-STORE", "ON2611X"), 0) + 50


def test_list_and_show_say_who_is_authorized_and_what_runs_out(rx: Rx, order: str) -> None:
    licence(rx, "WH-3003", "2026-12-10", "2026-11-01")

    listed = rx("partners", "list", "--json")
    shown = rx("partners", "show", WHOLESALER.lower())
    table = rx("partners", "list")

    by_name = {p["name"]: p for p in listed.json()}
    assert (by_name[WHOLESALER]["authorized"], by_name[WHOLESALER]["expiring"]) == (
        True,
        "2026-12-10",
    )
    assert by_name[WHOLESALER]["authorizations"][0]["verified_by"] == "tester"
    assert by_name["Example Purchasing Alliance"]["type"] is None
    assert "expires 2026-12-10: renew it" in shown.out
    assert "WH-3003" in shown.out
    assert "n/a" in table.out


def test_with_the_requirement_on_a_partner_with_nothing_on_file_is_refused(
    rx: Rx, order: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RXSUPPLY_REQUIRE_PARTNER_AUTHORIZATION", "1")

    code, message = receive(rx, order)

    assert code == 1
    assert "has no fda wholesale license or state wholesale license on file" in message


def test_by_default_a_partner_with_nothing_on_file_is_refused_and_0_lets_it_through(
    rx: Rx, order: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RXSUPPLY_REQUIRE_PARTNER_AUTHORIZATION", raising=False)
    refused_code, refused_message = receive(rx, order)
    monkeypatch.setenv("RXSUPPLY_REQUIRE_PARTNER_AUTHORIZATION", "0")

    code, message = receive(rx, order)

    assert refused_code == 1 and "on file" in refused_message
    assert code == 0, message


def test_a_bad_kind_or_state_exits_1_naming_the_field_and_records_nothing(
    rx: Rx, order: str
) -> None:
    bad_kind = rx(
        "partners", "authorize", WHOLESALER, "--kind", "wdd", "--number", "1",
        "--state", "PA", "--expires", "2027-01-01",
    )  # fmt: skip
    bad_state = rx(
        "partners", "authorize", WHOLESALER, "--kind", "state_wholesale_license",
        "--number", "1", "--state", "ZZ", "--expires", "2027-01-01",
    )  # fmt: skip
    unknown = rx("partners", "show", "Nobody Drug")

    assert bad_kind.code == 1 and "kind 'wdd': one of state_wholesale_license" in bad_kind.message
    assert bad_state.code == 1 and "state 'ZZ'" in bad_state.message
    assert unknown.code == 1 and "unknown trading partner 'Nobody Drug'" in unknown.message
    assert rx("partners", "show", WHOLESALER, "--json").json()["authorizations"] == []


def test_an_edi_id_set_on_the_wholesaler_refuses_a_ship_notice_from_another_sender(
    rx: Rx, order: str, tmp_path: Path
) -> None:
    theirs, ours = tmp_path / "SHP-9.856", tmp_path / "SHP-5501.856"
    theirs.write_text(
        ship_notice(order, [(TRAY11, "ON2611X", "20280630", 1)], shipment="SHP-9", sender="OTHERCO")
    )
    ours.write_text(ship_notice(order, [(TRAY11, "ON2611X", "20280630", 10)]))

    unchecked = rx("orders", "asn", str(theirs), "--json")
    set_ = rx("partners", "edi-id", WHOLESALER, SENDER)
    shown = rx("partners", "show", WHOLESALER)
    table = rx("partners", "list")
    refused = rx("orders", "asn", str(theirs))  # recorded before the id was on file
    checked = rx("orders", "asn", str(ours))
    cleared = rx("partners", "edi-id", WHOLESALER, "--clear", "--json")

    assert unchecked.code == 0, unchecked.message
    assert unchecked.json()["warnings"] == [
        f"the sender was not checked: {WHOLESALER}, the wholesaler of order {order}, has no "
        "EDI id on file (the document's ISA06 is 'OTHERCO')"
    ]
    assert set_.code == 0, set_.message
    assert f"EDI id {SENDER}" in shown.out and SENDER in table.out
    assert refused.code == 1
    assert refused.message == (
        f"error: {theirs}, ISA06: sent by 'OTHERCO', not by {WHOLESALER}, the wholesaler of order "
        f"{order} (its EDI id on file is '{SENDER}'): nothing recorded"
    )
    assert checked.code == 0 and "warning" not in checked.err
    assert cleared.json()["edi_id"] is None


def test_an_edi_id_isa06_cannot_carry_or_another_partner_has_exits_1_naming_it(
    rx: Rx, order: str
) -> None:
    too_long = rx("partners", "edi-id", WHOLESALER, "EXAMPLEWHOLESALE1")
    neither = rx("partners", "edi-id", WHOLESALER)
    rx("partners", "edi-id", WHOLESALER, SENDER)
    taken = rx("partners", "edi-id", "Example Purchasing Alliance", SENDER)

    assert too_long.code == 1 and "at most 15 characters" in too_long.message
    assert neither.code != 0 and "--clear" in neither.message
    assert taken.code == 1 and f"on file for {WHOLESALER} already" in taken.message
