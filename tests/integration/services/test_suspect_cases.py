"""Suspect product cases through their use cases, on each database: opening one blocks every
unit of its lots and packages at once (storeroom, cabinet pockets), so nothing of them is
dispensed, picked or refilled; clearing releases them back to what they were, unless another
case still holds them; an illegitimate case keeps them blocked, lists the partners that sold
them and fills the Form 3911; every step is chained and the tables refuse edits."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, insert, select, text
from sqlalchemy.exc import DBAPIError
from tests.conftest import CLOCK, NOW, TESTER, post

from rxsupply.adapters import tables as t
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.clock import FixedClock
from rxsupply.domain.levels import StockLevel
from rxsupply.domain.ndc import NDC
from rxsupply.domain.record_chain import digest, verify_chain
from rxsupply.domain.status import StockStatus
from rxsupply.domain.suspect_case import CaseSource, StepKind, SuspectReason
from rxsupply.errors import CaseRefused, InsufficientStock, InvalidValue, NotFound
from rxsupply.services.dscsa import cases
from rxsupply.services.dscsa.case_views import case_view, form_3911_draft, list_cases
from rxsupply.services.ledger import Dispense, Move, Receive, ReturnToVendor, SetStatus
from rxsupply.services.picking import refill_pick_list

APAP = "98765-3250-01"  # lot AP2406: 2,000 in MAIN-STORE, 150 in ICU-ADC1-P03, 220 in ED-ADC1-P02
ONDA = "98765-401-02"
ONDA_GTIN = NDC.parse(ONDA).gtin14()
LATER = FixedClock(NOW + timedelta(hours=5), CLOCK.zone)


def open_case(engine: Engine, *, lots: list[str] = (), serials: list[str] = ()) -> str:  # type: ignore[assignment]
    with SqlUnitOfWork(engine) as uow:
        found = cases.open_case(
            uow,
            serials=list(serials),
            lots=list(lots),
            reason=SuspectReason.COUNTERFEIT,
            source=CaseSource.VISUAL_INSPECTION,
            note="label print blurred",
            user=TESTER,
            clock=CLOCK,
        )
    return found.number


def lot_status(engine: Engine, lot: str) -> str:
    with engine.connect() as conn:
        return str(conn.execute(select(t.lot.c.status).where(t.lot.c.lot_number == lot)).scalar())


def package_status(engine: Engine, serial: str) -> str:
    with engine.connect() as conn:
        query = select(t.serial_package.c.status).where(t.serial_package.c.serial == serial)
        return str(conn.execute(query).scalar())


def receive_serial(engine: Engine, serial: str, lot: str = "ON2611X", reference: str = "") -> None:
    post(
        engine,
        Receive(
            user=TESTER,
            product=ONDA_GTIN,
            lot=lot,
            expiry=date(2028, 3, 31),
            packages=1,
            serial=serial,
            reference=reference,
        ),
    )


def dispose(engine: Engine, number: str, kind: StepKind, note: str = "checked") -> None:
    with SqlUnitOfWork(engine) as uow:
        if kind is StepKind.CLEARED:
            cases.clear_case(uow, case=number, note=note, user=TESTER, clock=LATER)
        else:
            cases.declare_illegitimate(uow, case=number, note=note, user=TESTER, clock=LATER)


def view(engine: Engine, number: str, clock: FixedClock = LATER) -> dict[str, object]:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return case_view(uow, cases.find_case(uow, number), clock=clock)


def test_opening_a_case_blocks_the_lot_everywhere_at_once_with_a_change_naming_the_case(
    hospital: Engine,
) -> None:
    number = open_case(hospital, lots=[f"{APAP}:AP2406"])

    assert number == "SC-2026-0001"
    assert lot_status(hospital, "AP2406") == "suspect"
    with hospital.connect() as conn:
        changes = conn.execute(
            select(t.status_change.c.status, t.status_change.c.reason, t.status_change.c.user_name)
        ).all()
    assert changes == [
        ("suspect", "suspect case SC-2026-0001: counterfeit (visual_inspection)", TESTER)
    ]
    with pytest.raises(InsufficientStock, match="150 more are expired or blocked"):
        post(hospital, Dispense(user=TESTER, location="ICU-ADC1", item="APAP325TAB", quantity=1))
    with pytest.raises(InsufficientStock):
        post(hospital, Dispense(user=TESTER, location="ED-ADC1", item="APAP325TAB", quantity=1))
    with pytest.raises(InsufficientStock):
        post(
            hospital,
            Move(
                user=TESTER,
                from_location="MAIN-STORE",
                to_location="ICU-ADC1",
                item="APAP325TAB",
                quantity=10,
                refill=True,
            ),
        )
    with pytest.raises(InsufficientStock):
        post(
            hospital,
            Move(
                user=TESTER,
                from_location="MAIN-STORE",
                to_location="OR-SAT",
                item="APAP325TAB",
                quantity=10,
            ),
        )


def test_the_refill_pick_list_skips_a_suspect_lot_and_takes_the_next_usable_one(
    hospital: Engine,
) -> None:
    with SqlUnitOfWork(hospital) as uow:
        pocket, item = uow.locations.get("ICU-ADC1-P01"), uow.items.get("ONDA4INJ")
        assert pocket is not None and pocket.id and item is not None and item.id
        uow.stock_levels.save(StockLevel(pocket.id, item.id, 30, 40), now=NOW, user=TESTER)
        uow.commit()
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        before = {line.lot for line in refill_pick_list(uow, clock=CLOCK, cabinet="ICU-ADC1")}

    open_case(hospital, lots=[f"{ONDA}:ON2411A"])

    with SqlUnitOfWork(hospital, readonly=True) as uow:
        after = {line.lot for line in refill_pick_list(uow, clock=CLOCK, cabinet="ICU-ADC1")}
    assert (before, after) == ({"ON2411A"}, {"ON2502B"})


def test_a_serial_named_is_blocked_alone_and_its_lot_stays_usable(hospital: Engine) -> None:
    receive_serial(hospital, "SN-A")
    receive_serial(hospital, "SN-B")

    open_case(hospital, serials=[f"{ONDA_GTIN}:SN-A"])

    assert (package_status(hospital, "SN-A"), package_status(hospital, "SN-B")) == (
        "suspect",
        "available",
    )
    assert lot_status(hospital, "ON2611X") == "available"


def test_clearing_releases_the_units_back_to_what_they_were_before(hospital: Engine) -> None:
    post(
        hospital,
        SetStatus(
            user=TESTER, product=APAP, lot="AP2406", status=StockStatus.QUARANTINED, reason="damp"
        ),
    )
    receive_serial(hospital, "SN-A")
    number = open_case(hospital, lots=[f"{APAP}:AP2406"], serials=[f"{ONDA_GTIN}:SN-A"])

    dispose(hospital, number, StepKind.CLEARED, "manufacturer confirmed the lot genuine")

    assert lot_status(hospital, "AP2406") == "quarantined"
    assert package_status(hospital, "SN-A") == "available"
    shown = view(hospital, number)
    assert (shown["status"], shown["fda_clock"]) == ("cleared", None)
    with pytest.raises(CaseRefused, match="cleared"):
        dispose(hospital, number, StepKind.ILLEGITIMATE)


def test_clearing_leaves_a_lot_another_open_case_names_suspect(hospital: Engine) -> None:
    first = open_case(hospital, lots=[f"{APAP}:AP2406"])
    second = open_case(hospital, lots=[f"{APAP}:AP2406"])

    dispose(hospital, first, StepKind.CLEARED)
    still = lot_status(hospital, "AP2406")
    dispose(hospital, second, StepKind.CLEARED)

    assert second == "SC-2026-0002"
    assert (still, lot_status(hospital, "AP2406")) == ("suspect", "available")


def test_an_illegitimate_case_keeps_its_units_blocked_and_starts_the_fda_clock(
    hospital: Engine,
) -> None:
    number = open_case(hospital, lots=[f"{APAP}:AP2406"])

    dispose(hospital, number, StepKind.ILLEGITIMATE, "no such lot at the manufacturer")
    shown = view(hospital, number, FixedClock(NOW + timedelta(hours=8), CLOCK.zone))

    assert lot_status(hospital, "AP2406") == "suspect"
    assert shown["status"] == "illegitimate"
    assert shown["fda_clock"] == {
        "determined_at": (NOW + timedelta(hours=5)).isoformat(),
        "due": (NOW + timedelta(hours=29)).isoformat(),
        "notified_at": None,
        "incident": None,
        "state": "running",
        "seconds_left": 21 * 3600,
        "text": "21 h 00 min left",
        "due_shown": {
            "local": "2026-11-21 15:00 EST",
            "utc": "2026-11-21 20:00 UTC",
            "zone": "America/New_York",
        },
        "notified_shown": None,
    }
    with pytest.raises(CaseRefused, match="FDA notification"), SqlUnitOfWork(hospital) as uow:
        cases.add_case_step(
            uow, case=number, kind=StepKind.CLOSED, note="", user=TESTER, clock=LATER
        )
    with SqlUnitOfWork(hospital) as uow:
        cases.add_case_step(
            uow,
            case=number,
            kind=StepKind.FDA_NOTIFIED,
            incident="IN-123",
            user=TESTER,
            clock=LATER,
        )
    after = view(hospital, number, FixedClock(NOW + timedelta(days=3), CLOCK.zone))
    assert after["fda_clock"]["state"] == "notified"  # type: ignore[index]


def test_the_partners_that_sold_the_lots_are_listed_with_their_notified_marks(
    hospital: Engine,
) -> None:
    with hospital.begin() as conn:
        partner = conn.execute(
            insert(t.trading_partner)
            .values(name="Acme Wholesale", kind="wholesaler")
            .returning(t.trading_partner.c.id)
        ).scalar_one()
        store = conn.execute(
            select(t.location.c.id).where(t.location.c.code == "MAIN-STORE")
        ).scalar_one()
        conn.execute(
            insert(t.purchase_order).values(
                number="PO-7",
                partner_id=partner,
                location_id=store,
                status="sent",
                created_at=NOW,
                created_by=TESTER,
            )
        )
        facility = conn.execute(
            select(t.location.c.id).where(t.location.c.code == "MAIN")
        ).scalar_one()
        document = conn.execute(
            insert(t.dscsa_document)
            .values(
                facility_id=facility,
                file_name="ship-1.xml",
                sha256="0" * 64,
                epcis_version="1.2",
                seller="Beta Distributors",
                statement_affirmed=True,
                transaction="{}",
                event_count=1,
                package_count=1,
                imported_at=NOW,
                imported_by=TESTER,
            )
            .returning(t.dscsa_document.c.id)
        ).scalar_one()
        conn.execute(
            insert(t.dscsa_package).values(
                document_id=document,
                identifier=f"01{ONDA_GTIN}21SN-B",
                gtin=ONDA_GTIN,
                serial="SN-B",
                lot="ON2612Y",
            )
        )
    receive_serial(hospital, "SN-A", reference="PO-7")
    receive_serial(hospital, "SN-B", lot="ON2612Y")
    number = open_case(hospital, serials=[f"{ONDA_GTIN}:SN-A", f"{ONDA_GTIN}:SN-B"])
    dispose(hospital, number, StepKind.ILLEGITIMATE)

    with SqlUnitOfWork(hospital) as uow:
        cases.add_case_step(
            uow,
            case=number,
            kind=StepKind.PARTNER_NOTIFIED,
            partner="acme wholesale",
            user=TESTER,
            clock=LATER,
        )
    partners = view(hospital, number)["partners"]

    assert [(p["name"], p["via"], p["notified"]) for p in partners] == [  # type: ignore[attr-defined]
        ("Acme Wholesale", ["purchase order PO-7"], True),
        ("Beta Distributors", ["document ship-1.xml"], False),
    ]


def test_the_form_3911_draft_holds_the_product_its_lot_serials_and_quantity(
    hospital: Engine,
) -> None:
    receive_serial(hospital, "SN-A")
    number = open_case(hospital, lots=[f"{APAP}:AP2406"], serials=[f"{ONDA_GTIN}:SN-A"])
    with SqlUnitOfWork(hospital, readonly=True) as uow, pytest.raises(CaseRefused):
        form_3911_draft(uow, cases.find_case(uow, number), clock=LATER)
    dispose(hospital, number, StepKind.ILLEGITIMATE, "FDA confirmed counterfeit")

    with SqlUnitOfWork(hospital, readonly=True) as uow:
        form = form_3911_draft(uow, cases.find_case(uow, number), clock=LATER)

    assert (form["classification"], form["notification_category"]) == (
        "illegitimate product",
        "counterfeit",
    )
    assert form["date_of_determination"] == "2026-11-20"
    products = {p["lot"]: p for p in form["products"]}  # type: ignore[attr-defined]
    assert (products["AP2406"]["ndc"], products["AP2406"]["quantity_held"]) == (
        "98765-3250-1",
        2370,
    )
    assert products["AP2406"]["dosage_form"] == "TABLET"
    assert (products["ON2611X"]["serials"], products["ON2611X"]["quantity_held"]) == (["SN-A"], 25)
    assert form["company"]["name"] == "Example General Hospital"  # type: ignore[index]


def test_every_step_is_chained_and_the_case_tables_refuse_edits(hospital: Engine) -> None:
    number = open_case(hospital, lots=[f"{APAP}:AP2406"])
    with SqlUnitOfWork(hospital) as uow:
        cases.add_case_step(
            uow,
            case=number,
            kind=StepKind.EVIDENCE,
            note="photo of the carton",
            evidence_name="carton.jpg",
            evidence_sha256="ab" * 32,
            user=TESTER,
            clock=LATER,
        )

    with SqlUnitOfWork(hospital, readonly=True) as uow:
        (facility,) = uow.records.facilities()
        entries = [e for e in uow.records.entries(facility) if e.kind == cases.KIND]
        found = cases.find_case(uow, number)
        digests = [digest(cases.case_step_content(uow, e.subject)) for e in entries]
        breaks = verify_chain(
            list(uow.records.entries(facility)),
            lambda e: digest(cases.case_step_content(uow, e.subject)),
        )
    assert [e.subject for e in entries] == [f"case:{found.id}:1", f"case:{found.id}:2"]
    assert digests == [e.digest for e in entries]
    assert breaks == []
    for table in ("dscsa_case", "dscsa_case_subject", "dscsa_case_step"):
        with pytest.raises(DBAPIError, match="kept 6 years"), hospital.begin() as conn:
            conn.execute(text(f"DELETE FROM {table}"))


def test_bad_subjects_are_refused_and_nothing_is_blocked(hospital: Engine) -> None:
    with pytest.raises(NotFound, match="lot"):
        open_case(hospital, lots=[f"{APAP}:AP2406", f"{APAP}:NOPE"])
    with pytest.raises(InvalidValue, match="named twice"):
        open_case(hospital, lots=[f"{APAP}:AP2406", f"{APAP}:AP2406"])
    with pytest.raises(InvalidValue, match="NDC:LOT"):
        open_case(hospital, lots=["AP2406"])

    assert lot_status(hospital, "AP2406") == "available"
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        assert list_cases(uow, clock=CLOCK) == []


def test_the_determination_blocks_again_a_unit_released_meanwhile_and_skips_one_gone(
    hospital: Engine,
) -> None:
    receive_serial(hospital, "SN-A")
    receive_serial(hospital, "SN-B", lot="ON2612Y")
    number = open_case(hospital, serials=[f"{ONDA_GTIN}:SN-A", f"{ONDA_GTIN}:SN-B"])
    post(
        hospital,
        SetStatus(
            user=TESTER,
            product=ONDA,
            lot=None,
            serial="SN-A",
            status=StockStatus.AVAILABLE,
            reason="released by mistake",
        ),
    )
    post(
        hospital,
        ReturnToVendor(
            user=TESTER, location="MAIN-STORE", product=ONDA, lot="ON2612Y", quantity=25
        ),
    )
    gone = package_status(hospital, "SN-B")

    dispose(hospital, number, StepKind.ILLEGITIMATE)

    assert (package_status(hospital, "SN-A"), gone, package_status(hospital, "SN-B")) == (
        "suspect",
        "returned",
        "returned",
    )
    assert view(hospital, number)["status"] == "illegitimate"
