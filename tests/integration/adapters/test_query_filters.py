"""The filters the stock, ledger and proposal queries share: a location and everything below it
in any case, and a product by an NDC in any form, a scanned barcode or part of an NDC."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from rxsupply.adapters import queries
from rxsupply.adapters.queries import StockFilter


def _places(engine: Engine, **filters: str) -> set[str]:
    with engine.connect() as conn:
        rows = queries.stock_rows(conn, StockFilter(**filters))  # type: ignore[arg-type]
    return {r["location"] for r in rows}


def _ndcs(engine: Engine, **filters: str) -> set[str]:
    with engine.connect() as conn:
        rows = queries.stock_rows(conn, StockFilter(**filters))  # type: ignore[arg-type]
    return {r["ndc"] for r in rows}


@pytest.mark.parametrize("code", ["ICU-ADC1", "icu-adc1", " Icu-Adc1 "])
def test_a_location_takes_its_pockets_in_any_case(hospital: Engine, code: str) -> None:
    assert _places(hospital, location=code) == {"ICU-ADC1-P01", "ICU-ADC1-P02", "ICU-ADC1-P03"}


def test_a_facility_takes_everything_below_it(hospital: Engine) -> None:
    everywhere = _places(hospital)
    assert _places(hospital, location="main") == everywhere
    assert "MAIN-STORE" in everywhere and "ICU-ADC1-P01" in everywhere


def test_an_unknown_location_takes_nothing(hospital: Engine) -> None:
    assert _places(hospital, location="ICU-ADC9") == set()


@pytest.mark.parametrize(
    "written",
    [
        "98765-401-02",  # as printed
        "9876540102",  # ten digits
        "98765040102",  # the 11-digit billing form
        "98765 401 02",  # typed with spaces
        "00398765401027",  # GTIN-14
        "398765401027",  # the UPC-A a scanner reads
        "0398765401027",  # EAN-13
    ],
)
def test_a_product_is_found_however_its_ndc_is_written(hospital: Engine, written: str) -> None:
    assert _ndcs(hospital, ndc=written) == {"98765-401-02"}


def test_part_of_an_ndc_matches_it_anywhere(hospital: Engine) -> None:
    assert _ndcs(hospital, ndc="401-0") == {"98765-401-02"}
    assert _ndcs(hospital, ndc="0402") == {"98765-402-10"}


@pytest.mark.parametrize("wildcard", ["_", "%", "9876_"])
def test_a_like_wildcard_is_matched_as_itself(hospital: Engine, wildcard: str) -> None:
    assert _ndcs(hospital, ndc=wildcard) == set()
    assert _places(hospital, search=wildcard) == set()
