"""Verifying product identifiers on each database, on the example hospital (today 2026-11-20):
against what we received (scanned packages and imported EPCIS documents' listings), their
status, and through a verification router (the shipped local responder on a free port of
127.0.0.1); every verification recorded and chained."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import DBAPIError
from tests.conftest import CLOCK, TESTER, post

from rxsupply.adapters import tables
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.adapters.verification_responder import (
    make_server,
    read_commissioned,
    responder_url,
    serve_in_thread,
)
from rxsupply.adapters.verification_router import HttpVerificationRouter
from rxsupply.domain.location import Location, LocationKind
from rxsupply.domain.record_chain import digest, verify_chain
from rxsupply.domain.status import StockStatus
from rxsupply.domain.verification import VerificationRequest, VerificationResponse
from rxsupply.domain.verification_check import answer_from_commissioned
from rxsupply.errors import InvalidValue
from rxsupply.services import ledger
from rxsupply.services.dscsa.verification import verification_content, verify_product
from rxsupply.services.ports.verification import VerificationRecord

TRAY_NDC = "98765-401-02"
TRAY = "00398765401027"  # GTIN-14 of the 25-vial tray
EXPIRY = date(2028, 3, 31)


def receive_scanned(
    engine: Engine, serial: str, *, lot: str = "SX1", expiry: date = EXPIRY
) -> None:
    post(
        engine,
        ledger.Receive(
            user=TESTER,
            product=TRAY,
            lot=lot,
            expiry=expiry,
            packages=1,
            serial=serial,
            location="MAIN-STORE",
        ),
    )


def verify(engine: Engine, serial: str, **kw: object) -> VerificationRecord:
    args: dict[str, object] = {
        "gtin": TRAY,
        "serial": serial,
        "lot": "SX1",
        "expiry": "280331",
        "user": TESTER,
        "clock": CLOCK,
    }
    with SqlUnitOfWork(engine) as uow:
        return verify_product(uow, **(args | kw))  # type: ignore[arg-type]


def test_a_package_we_received_by_scan_is_verified_against_its_lot_and_expiry(
    hospital: Engine,
) -> None:
    receive_scanned(hospital, "S100")

    found = verify(hospital, "S100")

    assert found.verified
    assert found.reason == ""
    assert found.local_result == "match"
    assert found.router_result is None


def test_a_different_lot_is_named_with_both_values(hospital: Engine) -> None:
    receive_scanned(hospital, "S101")

    found = verify(hospital, "S101", lot="SX9")

    assert not found.verified
    assert found.local_result == "No_match_GTIN_Serial_Lot"
    assert found.reason == "No_match_GTIN_Serial_Lot: lot: received SX1, asked SX9"


def test_a_different_lot_and_expiry_give_the_combined_code(hospital: Engine) -> None:
    receive_scanned(hospital, "S102")

    found = verify(hospital, "S102", lot="SX9", expiry="2028-04-30")

    assert found.local_result == "No_match_GTIN_Serial_Lot_Expiry"
    assert "expiry: received 2028-03-31, asked 2028-04-30" in found.reason


def test_a_serial_we_never_received_is_not_verified_without_a_router(hospital: Engine) -> None:
    found = verify(hospital, "NEVER1")

    assert not found.verified
    assert found.local_result == "not_found"
    assert found.reason.startswith("No_match_GTIN_Serial: GTIN 00398765401027 serial NEVER1")


def test_a_recalled_lot_makes_its_package_not_for_redistribution(hospital: Engine) -> None:
    receive_scanned(hospital, "S103")
    post(
        hospital,
        ledger.SetStatus(
            user=TESTER, product=TRAY_NDC, lot="SX1", status=StockStatus.RECALLED, reason="R-77"
        ),
    )

    found = verify(hospital, "S103")

    assert not found.verified
    assert found.local_result == "recalled"
    assert found.reason.startswith("Not_for_re-distribution: the package is recalled")
    assert "R-77" in found.reason


def test_a_suspect_package_is_not_verified(hospital: Engine) -> None:
    receive_scanned(hospital, "S104")
    post(
        hospital,
        ledger.SetStatus(
            user=TESTER,
            product=TRAY_NDC,
            lot=None,
            serial="S104",
            status=StockStatus.SUSPECT,
            reason="seal broken",
        ),
    )

    found = verify(hospital, "S104")

    assert (found.verified, found.local_result) == (False, "suspect")
    assert "seal broken" in found.reason


def test_an_expired_package_is_not_for_redistribution(hospital: Engine) -> None:
    receive_scanned(hospital, "S105", lot="OLD1", expiry=date(2026, 12, 31))

    found = verify(
        hospital, "S105", lot="OLD1", expiry="261231", clock=_at(datetime(2027, 1, 5, tzinfo=UTC))
    )

    assert (found.verified, found.local_result) == (False, "expired")


def _at(now: datetime) -> object:
    from rxsupply.domain.clock import FixedClock

    return FixedClock(now, CLOCK.zone)


def _document(engine: Engine, gtin: str, serial: str, lot: str, expiry: date) -> int:
    with SqlUnitOfWork(engine) as uow:
        facility = uow.locations.get("MAIN")
        assert facility is not None
        conn = uow.connection
        doc = conn.execute(
            insert(tables.dscsa_document)
            .values(
                facility_id=facility.id,
                file_name="asn.xml",
                sha256="0" * 64,
                epcis_version="1.2",
                statement_affirmed=True,
                transaction="{}",
                event_count=1,
                package_count=1,
                imported_at=CLOCK.now(),
                imported_by=TESTER,
            )
            .returning(tables.dscsa_document.c.id)
        ).scalar_one()
        conn.execute(
            insert(tables.dscsa_package).values(
                document_id=doc,
                identifier=f"01{gtin}21{serial}",
                gtin=gtin,
                serial=serial,
                lot=lot,
                expiry=expiry,
                product_id=conn.execute(
                    select(tables.product.c.id).where(tables.product.c.ndc == TRAY_NDC)
                ).scalar_one_or_none(),
            )
        )
        uow.commit()
    return int(doc)


def test_a_package_an_imported_epcis_document_lists_is_checked_against_it(
    hospital: Engine,
) -> None:
    doc = _document(hospital, TRAY, "E200", "SX1", EXPIRY)

    same = verify(hospital, "E200", context="dscsaOther")
    other = verify(hospital, "E200", expiry="280430")

    assert same.verified
    assert same.local_detail == f"matches what we received (EPCIS document {doc})"
    assert other.reason == (
        f"No_match_GTIN_Serial_Expiry: expiry: EPCIS document {doc} 2028-03-31, asked 2028-04-30"
    )


def test_every_verification_is_a_chained_record_that_cannot_be_edited(hospital: Engine) -> None:
    receive_scanned(hospital, "S106")
    first = verify(hospital, "S106")
    verify(hospital, "S106", lot="SX9")

    with SqlUnitOfWork(hospital, readonly=True) as uow:
        facility = uow.locations.get("MAIN")
        assert facility is not None and facility.id is not None
        entries = list(uow.records.entries(facility.id))
        breaks = verify_chain(entries, lambda e: _digest(verification_content(uow, e.subject)))
        assert [e.subject for e in entries][-2:] == [f"verification:{first.id}", "verification:2"]
        assert [e.kind for e in entries][-2:] == ["verification", "verification"]
    assert breaks == []
    with SqlUnitOfWork(hospital) as uow, pytest.raises(DBAPIError):
        uow.connection.execute(update(tables.dscsa_verification).values(verified=True))


def _digest(content: object | None) -> str | None:
    return None if content is None else digest(content)


def test_a_malformed_identifier_names_the_field_and_writes_nothing(hospital: Engine) -> None:
    with pytest.raises(InvalidValue, match=r"gtin .*check digit"):
        verify(hospital, "S1", gtin="00398765401028")
    with pytest.raises(InvalidValue, match="expirationDate"):
        verify(hospital, "S1", expiry="2028-02-30")

    with SqlUnitOfWork(hospital, readonly=True) as uow:
        rows = uow.connection.execute(select(tables.dscsa_verification)).all()
    assert rows == []


# --- through a router: the local responder on a free port of 127.0.0.1 -------------------


@pytest.fixture
def manufacturer(tmp_path: Path) -> Iterator[str]:
    serials = tmp_path / "commissioned.csv"
    serials.write_text(
        "gtin,serial,lot,expiry,status\n"
        f"{TRAY},S100,SX1,2028-03-31,\n"
        f"{TRAY},R1,SX1,280331,recalled\n",
        encoding="utf-8",
    )
    commissioned = read_commissioned(serials)

    def answer(request: VerificationRequest) -> VerificationResponse:
        return answer_from_commissioned(
            request, commissioned, today=CLOCK.today(), responder_gln="0614141000005"
        )

    server = make_server(answer, port=0, today=CLOCK.today)
    serve_in_thread(server)
    yield responder_url(server)
    server.shutdown()
    server.server_close()


def test_the_router_confirms_a_package_we_received(hospital: Engine, manufacturer: str) -> None:
    receive_scanned(hospital, "S100")

    found = verify(hospital, "S100", router=HttpVerificationRouter(manufacturer))

    assert found.verified
    assert found.router_result == "verified"
    assert found.router_url == manufacturer
    assert '"responderGLN": "0614141000005"' in (found.router_response or "")


def test_a_package_never_scanned_rests_on_the_routers_answer(
    hospital: Engine, manufacturer: str
) -> None:
    router = HttpVerificationRouter(manufacturer)

    known = verify(hospital, "S100", router=router)
    unknown = verify(hospital, "X404", router=router)
    recalled = verify(hospital, "R1", router=router)

    assert (known.verified, known.local_result) == (True, "not_found")
    assert (unknown.verified, unknown.router_result) == (False, "No_match_GTIN_Serial")
    assert unknown.reason == "router: No_match_GTIN_Serial"
    assert recalled.reason == "router: Not_for_re-distribution (Recalled)"


def test_a_router_that_is_down_gives_not_verified_router_unreachable(hospital: Engine) -> None:
    receive_scanned(hospital, "S100")
    down = make_server(lambda r: None, port=0, today=CLOCK.today)  # type: ignore[arg-type,return-value]
    url = responder_url(down)
    down.server_close()  # the port is closed: the connection is refused

    found = verify(hospital, "S100", router=HttpVerificationRouter(url, timeout=2))

    assert not found.verified
    assert found.router_result == "unreachable"
    assert found.reason.startswith("not verified: router unreachable")


def test_the_hospitals_own_records_answer_as_a_responder(hospital: Engine) -> None:
    from rxsupply.services.dscsa.verification import answer_from_records

    receive_scanned(hospital, "S100")

    def answer(request: VerificationRequest) -> VerificationResponse:
        with SqlUnitOfWork(hospital, readonly=True) as uow:
            return answer_from_records(uow, request, today=CLOCK.today(), responder_gln=None)

    server = make_server(answer, port=0, today=CLOCK.today)
    serve_in_thread(server)
    try:
        router = HttpVerificationRouter(responder_url(server))
        found = verify(hospital, "S100", router=router, lot="SX9")
    finally:
        server.shutdown()
        server.server_close()

    assert found.router_result == "No_match_GTIN_Serial_Lot"
    assert found.local_result == "No_match_GTIN_Serial_Lot"


def test_the_facility_must_be_named_when_several_and_no_record_points_to_one(
    hospital: Engine,
) -> None:
    with SqlUnitOfWork(hospital) as uow:
        west = Location(code="WEST", name="West campus", kind=LocationKind.FACILITY)
        uow.locations.save_many([west], {})
        uow.commit()

    with pytest.raises(InvalidValue, match="name the facility"):
        verify(hospital, "NEVER2")
    found = verify(hospital, "NEVER2", facility="WEST")

    assert not found.verified


def test_the_responder_answers_a_bad_request_with_400_and_its_reason() -> None:
    import json
    import urllib.error
    import urllib.request

    server = make_server(lambda r: None, port=0, today=CLOCK.today)  # type: ignore[arg-type,return-value]
    serve_in_thread(server)
    url = responder_url(server)
    try:
        with pytest.raises(urllib.error.HTTPError) as bad_json:
            urllib.request.urlopen(urllib.request.Request(url, data=b"{nope", method="POST"))
        with pytest.raises(urllib.error.HTTPError) as bad_gtin:
            urllib.request.urlopen(url + "01/00398765401028/10/SX1/21/S1?17=280331&corrUUID=x")
    finally:
        server.shutdown()
        server.server_close()

    assert bad_json.value.code == 400
    assert json.loads(bad_json.value.read()) == {"error": "request: not JSON"}
    assert bad_gtin.value.code == 400
    assert "check digit" in json.loads(bad_gtin.value.read())["error"]


def test_a_saleable_return_of_a_package_only_a_document_lists_is_not_verified_not_received(
    hospital: Engine,
) -> None:
    doc = _document(hospital, TRAY, "E300", "SX1", EXPIRY)

    found = verify(hospital, "E300")

    assert not found.verified
    assert found.local_result == "not_received"
    assert found.local_detail == (
        f"not received: listed by EPCIS document {doc} but never scanned into our stock"
    )


def test_a_package_only_a_document_lists_is_not_verified_when_its_lot_is_recalled(
    hospital: Engine,
) -> None:
    receive_scanned(hospital, "S400")
    _document(hospital, TRAY, "E400", "SX1", EXPIRY)
    post(
        hospital,
        ledger.SetStatus(
            user=TESTER, product=TRAY_NDC, lot="SX1", status=StockStatus.RECALLED, reason="R-78"
        ),
    )

    found = verify(hospital, "E400", context="dscsaOther")

    assert not found.verified
    assert found.local_result == "recalled"
    assert "R-78" in found.local_detail
