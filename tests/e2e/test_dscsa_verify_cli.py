"""``rxsupply dscsa verify | verifications | responder`` on the example hospital (today
11/20/2026): exit 0 when verified, 1 with the reason when not; a router named by --router or
RXSUPPLY_VERIFICATION_ROUTER (the shipped responder, on a free port of 127.0.0.1); a router
that is down is a verification that fails, never a crash; the recorded verifications listed;
and a return batch's saleable packages verified when it ships."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import CLOCK, EXAMPLES, TESTER
from tests.e2e.cli_runner import Rx

from rxsupply.adapters.verification_responder import (
    make_server,
    read_commissioned,
    responder_url,
    serve_in_thread,
)
from rxsupply.domain.verification import VerificationRequest, VerificationResponse
from rxsupply.domain.verification_check import answer_from_commissioned

GS = "\x1d"
TRAY = "00398765401027"


def hospital(rx: Rx) -> None:
    for kind in ("items", "locations", "stock"):
        assert rx("import", kind, str(EXAMPLES / f"{kind}.csv")).code == 0


def receive(rx: Rx, serial: str, *, lot: str = "SX1", expiry: str = "280331") -> None:
    ran = rx(
        "receive-scan", f"]d201{TRAY}17{expiry}10{lot}{GS}21{serial}", "--location", "MAIN-STORE"
    )
    assert ran.code == 0, ran.err


@pytest.fixture
def manufacturer(tmp_path: Path) -> Iterator[str]:
    serials = tmp_path / "serials.csv"
    serials.write_text(f"gtin,serial,lot,expiry\n{TRAY},S1,SX1,2028-03-31\n", encoding="utf-8")
    commissioned = read_commissioned(serials)

    def answer(request: VerificationRequest) -> VerificationResponse:
        return answer_from_commissioned(request, commissioned, today=CLOCK.today())

    server = make_server(answer, port=0, today=CLOCK.today)
    serve_in_thread(server)
    yield responder_url(server)
    server.shutdown()
    server.server_close()


def test_verify_exits_0_when_the_package_matches_what_we_received(rx: Rx) -> None:
    hospital(rx)
    receive(rx, "S1")

    ran = rx("dscsa", "verify", TRAY, "S1", "SX1", "280331", "--json")
    said = rx("dscsa", "verify", TRAY, "S1", "SX1", "2028-03-31")

    assert ran.code == 0, ran.err
    assert ran.json()["verified"] is True
    assert ran.json()["local_result"] == "match"
    assert said.code == 0 and "verified" in said.out
    # no router set: said, unless --local-only says it is meant
    assert "checked against what we received only" in " ".join(said.out.split())
    meant = rx("dscsa", "verify", TRAY, "S1", "SX1", "280331", "--local-only")
    assert meant.code == 0 and "received only" not in meant.out


def test_verify_exits_1_and_prints_the_reason_when_the_lot_differs(rx: Rx) -> None:
    hospital(rx)
    receive(rx, "S1")

    ran = rx("dscsa", "verify", TRAY, "S1", "SX9", "280331")

    assert ran.code == 1
    assert "NOT verified: No_match_GTIN_Serial_Lot: lot: received SX1, asked SX9" in " ".join(
        ran.out.split()
    )


def test_a_malformed_identifier_exits_1_naming_the_field(rx: Rx) -> None:
    hospital(rx)

    ran = rx("dscsa", "verify", "00398765401028", "S1", "SX1", "280331")

    assert ran.code == 1
    assert "gtin" in ran.message and "check digit" in ran.message


def test_the_router_answers_for_a_package_never_scanned(rx: Rx, manufacturer: str) -> None:
    hospital(rx)

    known = rx("dscsa", "verify", TRAY, "S1", "SX1", "280331", "--router", manufacturer, "--json")
    unknown = rx("dscsa", "verify", TRAY, "S2", "SX1", "280331", "--router", manufacturer)

    assert known.code == 0, known.out + known.err
    assert known.json()["router_result"] == "verified"
    assert unknown.code == 1
    assert "router: No_match_GTIN_Serial" in unknown.out


def test_the_router_setting_is_used_by_default_and_a_router_down_is_not_a_crash(
    rx: Rx, monkeypatch: pytest.MonkeyPatch
) -> None:
    hospital(rx)
    receive(rx, "S1")
    down = make_server(lambda r: None, port=0, today=CLOCK.today)  # type: ignore[arg-type,return-value]
    url = responder_url(down)
    down.server_close()
    monkeypatch.setenv("RXSUPPLY_VERIFICATION_ROUTER", url)
    monkeypatch.setenv("RXSUPPLY_VERIFICATION_TIMEOUT", "2")

    ran = rx("dscsa", "verify", TRAY, "S1", "SX1", "280331", "--json")
    local = rx("dscsa", "verify", TRAY, "S1", "SX1", "280331", "--local-only", "--json")

    assert ran.code == 1
    assert ran.json()["router_url"] == url
    assert ran.json()["reason"].startswith("not verified: router unreachable")
    assert (local.code, local.json()["router_result"]) == (0, None)


def test_verifications_lists_what_was_recorded_newest_first(rx: Rx) -> None:
    hospital(rx)
    receive(rx, "S1")
    rx("dscsa", "verify", TRAY, "S1", "SX1", "280331")
    rx("dscsa", "verify", TRAY, "S1", "SX9", "280331")

    listed = rx("dscsa", "verifications", "--json")
    table = rx("dscsa", "verifications")

    assert listed.code == 0
    assert [(v["lot"], v["verified"]) for v in listed.json()] == [("SX9", False), ("SX1", True)]
    assert "Verifications" in table.out
    assert [v["requested_by"] for v in listed.json()] == [TESTER, TESTER]
    header = next(line for line in table.out.splitlines() if "requested_at" in line)
    assert "requested_by" in header  # who asked: the JSON had it, the table hid it
    assert TESTER in table.out


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_responder_command_answers_from_a_serials_file(rx: Rx, tmp_path: Path) -> None:
    serials = tmp_path / "serials.csv"
    serials.write_text(f"gtin,serial,lot,expiry,status\n{TRAY},S1,SX1,280331,\n", encoding="utf-8")
    port = free_port()
    command = "from rxsupply.entrypoints.cli import main; main()"
    args = ["dscsa", "responder", "--port", str(port), "--serials", str(serials)]
    process = subprocess.Popen(
        [sys.executable, "-c", command, "--db", str(tmp_path / "r.db"), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=os.environ | {"PYTHONPATH": os.pathsep.join(sys.path)},
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert process.poll() is None, process.communicate()[1].decode()
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        hospital(rx)
        verified = rx("dscsa", "verify", TRAY, "S1", "SX1", "280331", "--router", url, "--json")
        other = rx("dscsa", "verify", TRAY, "S1", "SX2", "280331", "--router", url, "--json")
    finally:
        process.terminate()
        process.wait(timeout=10)

    assert verified.code == 0, verified.out + verified.err
    assert verified.json()["router_result"] == "verified"
    assert other.json()["router_result"] == "No_match_GTIN_Serial_Lot"
