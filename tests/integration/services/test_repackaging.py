"""Unit-dose repackaging through the ledger, and its label decoded back with zxing-cpp."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import numpy as np
import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import Engine, select
from tests.conftest import CLOCK, NOW, TESTER, post
from tests.integration.services.test_putaway import units_at

from rxsupply.adapters import tables as t
from rxsupply.adapters.csv_files import read_csv_table
from rxsupply.adapters.labels import label_images
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.status import StockStatus
from rxsupply.errors import InsufficientStock, InvalidValue, UnusableStock
from rxsupply.services import imports
from rxsupply.services.ledger import Receive, SetStatus
from rxsupply.services.repackaging import Repackaged, repackage

HOUSE_NDC = "99999-325-01"
HOUSE_GTIN = "00399999325011"
HOUSE_ROW = (
    "APAP325TAB,acetaminophen 325 mg tablet unit dose,non-essential,99999-325-01,"
    "Acetaminophen 325 mg unit dose (repackaged),Example General Hospital Pharmacy,"
    "acetaminophen,325 mg,TABLET,ORAL,1,TABLET,1 TABLET in 1 BLISTER PACK,,0.05\n"
)


def add_house_product(engine: Engine, tmp_path: Path) -> None:
    """The hospital's own unit-dose NDC for acetaminophen, a product of the same item."""
    path = tmp_path / "house.csv"
    header = (Path(__file__).parents[3] / "examples" / "items.csv").read_text().splitlines()[0]
    path.write_text(header + "\n" + HOUSE_ROW)
    required, optional = imports.COLUMNS["items"]
    table = read_csv_table(path, required=required, optional=optional)
    with SqlUnitOfWork(engine) as uow:
        imports.import_items(uow, table, now=NOW, user=TESTER)


@pytest.fixture
def pharmacy(hospital: Engine, tmp_path: Path) -> Engine:
    add_house_product(hospital, tmp_path)
    return hospital


def run(engine: Engine, lot: str = "AP2406", **kw: object) -> Repackaged:
    with SqlUnitOfWork(engine) as uow:
        return repackage(
            uow,
            location="MAIN-STORE",
            product="98765-3250-01",
            lot=lot,
            units=int(str(kw.get("units", 30))),
            to_product=HOUSE_NDC,
            to_lot=str(kw.get("to_lot", "RP1")),
            bud_days=int(str(kw.get("bud_days", 180))),
            serial=None if kw.get("serial") is None else str(kw["serial"]),
            user=TESTER,
            clock=CLOCK,
        )


def test_repackaging_moves_units_out_of_the_bulk_lot_into_a_new_lot_in_one_linked_posting(
    pharmacy: Engine,
) -> None:
    done = run(pharmacy, units=30, bud_days=90)

    assert done.label.expiry == date(2027, 2, 18)  # 2026-11-20 + 90 days, before 2028-06-30
    assert units_at(pharmacy, "MAIN-STORE", "AP2406") == 1970
    assert units_at(pharmacy, "MAIN-STORE", "RP1") == 30
    with pharmacy.connect() as conn:
        rows = conn.execute(
            select(t.movement.c.kind, t.movement.c.external_id, t.movement.c.reference)
        ).all()
    moved = [r for r in rows if r.kind == "repackage"]
    assert len(moved) == 2
    assert {r.external_id for r in moved} == {f"repackage:{HOUSE_NDC}-RP1"}
    assert len({r.reference for r in moved}) == 1


def test_the_original_expiry_caps_the_repackaged_lot(pharmacy: Engine) -> None:
    post(
        pharmacy,
        Receive(
            user=TESTER,
            product="98765-3250-01",
            lot="SOON",
            expiry=date(2027, 1, 15),
            quantity=100,
            location="MAIN-STORE",
        ),
    )

    done = run(pharmacy, lot="SOON", to_lot="RP2", bud_days=180)

    assert done.label.expiry == date(2027, 1, 15)
    assert done.original_expiry == date(2027, 1, 15)


def test_blocked_expired_or_short_bulk_lots_are_refused_and_nothing_moves(
    pharmacy: Engine,
) -> None:
    post(
        pharmacy,
        SetStatus(
            user=TESTER,
            product="98765-3250-01",
            lot="AP2406",
            status=StockStatus.RECALLED,
            reason="recall 26-114",
        ),
    )

    with pytest.raises(UnusableStock, match="recalled"):
        run(pharmacy)
    with pytest.raises(InvalidValue, match="bulk product's item"), SqlUnitOfWork(pharmacy) as uow:
        repackage(
            uow,
            location="MAIN-STORE",
            product="98765-3250-01",
            lot="AP2406",
            units=1,
            to_product="98765-401-02",
            user=TESTER,
            clock=CLOCK,
        )

    assert units_at(pharmacy, "MAIN-STORE", "AP2406") == 2000
    with SqlUnitOfWork(pharmacy, readonly=True) as uow:
        assert (
            uow.lots.find([p for ids in uow.items.products_of().values() for p in ids], "RP1") == {}
        )


def test_more_units_than_the_lot_holds_are_refused(pharmacy: Engine) -> None:
    with pytest.raises(InsufficientStock):
        run(pharmacy, units=2001)


def test_repackaging_into_the_same_lot_again_is_a_duplicate_that_writes_nothing(
    pharmacy: Engine,
) -> None:
    first = run(pharmacy, units=10)

    again = run(pharmacy, units=10, to_lot="RP1")

    assert (first.posted.duplicate, again.posted.duplicate) == (False, True)
    assert units_at(pharmacy, "MAIN-STORE", "RP1") == 10
    assert units_at(pharmacy, "MAIN-STORE", "AP2406") == 1990


def test_the_label_png_decodes_to_the_gs1_element_string_and_dates(pharmacy: Engine) -> None:
    done = run(pharmacy, units=10, bud_days=30, serial="U0001")

    images = label_images(done.label, title="acetaminophen 325 mg")
    pixels = np.asarray(Image.open(io.BytesIO(images.png)).convert("L"))
    (found,) = zxingcpp.read_barcodes(pixels)

    assert found.format == zxingcpp.BarcodeFormat.DataMatrix
    assert found.symbology_identifier == "]d2"  # GS1 DataMatrix: FNC1 first
    assert found.bytes.decode() == f"01{HOUSE_GTIN}17261220" + "10RP1\x1d21U0001"
    assert found.text == f"(01){HOUSE_GTIN}(17)261220(10)RP1(21)U0001"
    assert "(01)00399999325011(17)261220(10)RP1(21)U0001" in images.svg
    assert "EXP 2026-12-20" in images.svg
