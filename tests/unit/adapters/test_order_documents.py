"""A purchase order as the wholesaler receives it: the CSV order file and the X12 850."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from rxsupply.adapters.order_documents import order_csv, x12_850
from rxsupply.domain.purchasing import LineStatus, OrderLine, OrderStatus, PurchaseOrder

SENT = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)


def order() -> PurchaseOrder:
    return PurchaseOrder(
        id=12,
        number="PO000012",
        wholesaler="Example Wholesale Drug Co",
        status=OrderStatus.SENT,
        created_at=SENT,
        created_by="buyer",
        approved_by="buyer",
        approved_at=SENT,
        lines=[
            OrderLine(
                line_number=1,
                product_id=1,
                ndc="98765-401-02",
                item_code="ONDA4INJ",
                item_name="=ondansetron 4 mg/2 mL*tray",
                package_size=25,
                packages=10,
                package_price=Decimal("15.0000"),
                contract="GPO-2026-117",
            ),
            OrderLine(
                line_number=2,
                product_id=2,
                ndc="98765-0210-1",
                item_code="MORPH2INJ",
                item_name="morphine 2 mg/mL syringe",
                package_size=10,
                packages=6,
                package_price=Decimal("31.2000"),
                schedule="CII",
                dea_form_number="261234567",
            ),
            OrderLine(
                line_number=3,
                product_id=3,
                ndc="98765-3250-01",
                item_code="APAP325TAB",
                item_name="acetaminophen",
                package_size=100,
                packages=1,
                package_price=Decimal("3.5"),
                status=LineStatus.CANCELLED,
            ),
        ],
    )


def test_the_csv_has_a_row_per_live_line_with_both_ndc_forms_and_no_formula() -> None:
    lines = order_csv(order()).splitlines()

    assert lines[0] == (
        "po_number,line,ndc,ndc11,item,description,packages,package_price,contract,dea_form_number"
    )
    assert lines[1] == (
        "PO000012,1,98765-401-02,98765040102,ONDA4INJ,'=ondansetron 4 mg/2 mL*tray,10,15.00,"
        "GPO-2026-117,"
    )
    assert lines[2] == (
        "PO000012,2,98765-0210-1,98765021001,MORPH2INJ,morphine 2 mg/mL syringe,6,31.20,,261234567"
    )
    assert len(lines) == 3  # the cancelled line is not ordered


def test_the_850_has_its_envelope_lines_and_counts() -> None:
    text = x12_850(order(), ship_to="Main pharmacy storeroom", now=SENT, control_number=12)

    segments = text.rstrip("~\n").split("~\n")
    assert segments[0] == (
        "ISA*00*          *00*          *ZZ*RXSUPPLY       *ZZ*EXAMPLEWHOLESAL*261120*1530*U*"
        "00401*000000012*0*P*>"
    )
    assert len(segments[0]) == 105  # ISA is fixed width
    assert segments[1] == "GS*PO*RXSUPPLY*EXAMPLEWHOLESAL*20261120*1530*12*X*004010"
    assert segments[2:6] == [
        "ST*850*0001",
        "BEG*00*SA*PO000012**20261120",
        "N1*ST*Main pharmacy storeroom*92*RXSUPPLY",
        "PO1*1*10*EA*15.00**N4*98765040102",
    ]
    assert "PID*F****=ondansetron 4 mg/2 mL tray" in segments  # no element separator inside
    assert "REF*ZZ*261234567" in segments
    assert "CTT*2" in segments
    st, se = segments.index("ST*850*0001"), next(s for s in segments if s.startswith("SE*"))
    assert se == f"SE*{segments.index(se) - st + 1}*0001"
    assert segments[-2:] == ["GE*1*12", "IEA*1*000000012"]
