"""The drug catalogue of the demo hospital: sizes, NDCs, DEA schedules and real items."""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Iterator
from decimal import Decimal
from importlib.resources import files
from pathlib import Path

import pytest
from tests.conftest import shared_data

from rxsupply.adapters.demo_catalogue import DEMO_LABELER_CODES, demo_items
from rxsupply.domain.ndc import NDC
from rxsupply.services.ports import DemoItem

FDA_PRODUCT_FILE = ("fda-ndc", "product_full_20190429.txt.gz")
FDA_PACKAGE_FILE = ("fda-ndc", "package_full_20190429.txt.gz")

DEMANDS = {"high", "medium", "slow", "very-slow", "costly"}
CRITICALITIES = {"vital", "essential", "non-essential"}
AREAS = {"ED", "ICU", "OR", "L&D", "MEDSURG"}
SCHEDULES = {"CII", "CIII", "CIV", "CV"}


def _items_of(generic_name: str) -> list[DemoItem]:
    return [item for item in demo_items() if item.generic_name == generic_name]


def _item_named(name: str) -> DemoItem:
    matches = [item for item in demo_items() if item.name == name]
    assert matches, f"no demo item named {name!r}"
    return matches[0]


def _ndc11(segments: list[str]) -> str:
    return segments[0].zfill(5) + segments[1].zfill(4) + segments[2].zfill(2)


def _fda_column(path: Path, column: str) -> Iterator[str]:
    with gzip.open(path, "rt", encoding="latin-1", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            yield row[column].strip()


@pytest.fixture(scope="module")
def fda_codes(shared: Path) -> dict[str, set[str]]:
    """Labeler codes, 10-digit and 11-digit package codes of the FDA NDC Directory 2019-04-29."""
    product_file, package_file = shared_data(*FDA_PRODUCT_FILE), shared_data(*FDA_PACKAGE_FILE)
    labelers: set[str] = set()
    digits10: set[str] = set()
    digits11: set[str] = set()
    for product_ndc in _fda_column(product_file, "PRODUCTNDC"):
        labelers.add(product_ndc.split("-")[0])
    for package_ndc in _fda_column(package_file, "NDCPACKAGECODE"):
        segments = package_ndc.split("-")
        labelers.add(segments[0])
        digits10.add("".join(segments))
        digits11.add(_ndc11(segments))
    return {"labelers": labelers, "digits10": digits10, "digits11": digits11}


def test_the_catalogue_has_about_1500_items_and_2500_products() -> None:
    items = demo_items()

    products = [product for item in items for product in item.products]

    assert 1400 <= len(items) <= 1600
    assert 2300 <= len(products) <= 2700


def test_every_item_has_a_unique_code_and_name_and_one_to_three_products() -> None:
    items = demo_items()

    codes = [item.code for item in items]
    names = [item.name for item in items]

    assert codes == [f"ITM-{n:05d}" for n in range(1, len(items) + 1)]
    assert len(set(names)) == len(names)
    assert all(1 <= len(item.products) <= 3 for item in items)


def test_every_item_has_well_formed_fields() -> None:
    for item in demo_items():
        assert item.generic_name and item.dosage_form and item.route and item.dispense_unit
        assert item.name.startswith(item.generic_name), item.name
        assert item.dosage_form == item.dosage_form.upper()
        assert item.unit_cost > 0
        assert item.demand in DEMANDS
        assert item.criticality in CRITICALITIES
        assert item.trend in {"", "up", "down"}
        assert item.areas == ("ALL",) or (item.areas and set(item.areas) <= AREAS), item.areas
        assert item.dea_schedule is None or item.dea_schedule in SCHEDULES


def test_every_ndc_is_a_valid_hyphenated_ndc_in_all_three_patterns() -> None:
    ndcs = [product.ndc for item in demo_items() for product in item.products]

    parsed = [NDC.parse(ndc) for ndc in ndcs]

    assert [str(ndc) for ndc in parsed] == ndcs
    assert {ndc.pattern for ndc in parsed} == {"4-4-2", "5-3-2", "5-4-1"}


def test_ndcs_are_unique_as_written_as_10_digits_and_as_11_digit_billing_codes() -> None:
    parsed = [NDC.parse(p.ndc) for item in demo_items() for p in item.products]

    assert len({str(ndc) for ndc in parsed}) == len(parsed)
    assert len({ndc.digits for ndc in parsed}) == len(parsed)
    assert len({ndc.ndc11 for ndc in parsed}) == len(parsed)


def test_every_ndc_belongs_to_a_fictional_demo_labeler() -> None:
    products = [product for item in demo_items() for product in item.products]

    labeler_codes = {NDC.parse(product.ndc).labeler for product in products}

    assert labeler_codes == set(DEMO_LABELER_CODES)
    assert len(DEMO_LABELER_CODES) == len(set(DEMO_LABELER_CODES)) == 10
    assert all(product.labeler.startswith("Demo ") for product in products)


def test_demo_labeler_codes_occur_nowhere_in_the_fda_ndc_directory(
    fda_codes: dict[str, set[str]],
) -> None:
    real = fda_codes["labelers"]

    real_padded = {code.zfill(5) for code in real}

    assert not set(DEMO_LABELER_CODES) & real
    assert not {code.zfill(5) for code in DEMO_LABELER_CODES} & real_padded


def test_no_demo_ndc_has_the_digits_of_a_real_ndc(fda_codes: dict[str, set[str]]) -> None:
    parsed = [NDC.parse(p.ndc) for item in demo_items() for p in item.products]

    assert not {ndc.digits for ndc in parsed} & fda_codes["digits10"]
    assert not {ndc.ndc11 for ndc in parsed} & fda_codes["digits11"]


@pytest.mark.parametrize(
    ("generic_name", "schedule"),
    [
        ("morphine", "CII"),
        ("hydromorphone", "CII"),
        ("fentanyl", "CII"),
        ("oxycodone-acetaminophen", "CII"),
        ("hydrocodone-acetaminophen", "CII"),
        ("ketamine", "CIII"),
        ("buprenorphine", "CIII"),
        ("testosterone cypionate", "CIII"),
        ("lorazepam", "CIV"),
        ("midazolam", "CIV"),
        ("tramadol", "CIV"),
        ("phenobarbital", "CIV"),
        ("pregabalin", "CV"),
        ("lacosamide", "CV"),
        ("diphenoxylate-atropine", "CV"),
    ],
)
def test_controlled_substances_carry_their_dea_schedule(generic_name: str, schedule: str) -> None:
    items = _items_of(generic_name)

    assert items
    assert {item.dea_schedule for item in items} == {schedule}


def test_codeine_combinations_follow_the_schedule_of_their_strength() -> None:
    tablets = _item_named("acetaminophen-codeine 300 mg-30 mg tablet")
    elixir = _item_named("acetaminophen-codeine 120 mg-12 mg/5 mL 12.5 mL oral soln UD cup")

    assert tablets.dea_schedule == "CIII"
    assert elixir.dea_schedule == "CV"


@pytest.mark.parametrize(
    "generic_name",
    ["ondansetron", "propofol", "gabapentin", "nalbuphine", "dexmedetomidine", "naloxone"],
)
def test_drugs_that_are_not_controlled_carry_no_dea_schedule(generic_name: str) -> None:
    items = _items_of(generic_name)

    assert items
    assert {item.dea_schedule for item in items} == {None}


@pytest.mark.parametrize(
    "name",
    [
        "ondansetron 4 mg/2 mL inj vial",
        "acetaminophen 325 mg tablet",
        "heparin 5,000 units/mL 1 mL inj vial",
        "morphine 2 mg/mL 1 mL carpuject",
        "vancomycin 1 g inj vial",
        "sodium chloride 0.9% 1,000 mL bag",
        "propofol 10 mg/mL 20 mL inj emulsion vial",
        "rocuronium 10 mg/mL 5 mL inj vial",
        "succinylcholine 20 mg/mL 10 mL inj multi-dose vial",
        "sugammadex 200 mg/2 mL inj vial",
        "epinephrine 0.1 mg/mL 10 mL syringe",
        "amiodarone 150 mg/3 mL inj vial",
        "adenosine 6 mg/2 mL inj vial",
        "oxytocin 10 units/mL 1 mL inj vial",
        "methylergonovine 0.2 mg/mL 1 mL inj ampule",
        "magnesium sulfate 4 g/100 mL premix bag",
        "terbutaline 1 mg/mL 1 mL inj vial",
        "naloxone 0.4 mg/mL 1 mL inj vial",
        "flumazenil 0.1 mg/mL 5 mL inj vial",
        "insulin glargine 100 units/mL 3 mL pen",
        "albuterol 90 mcg/act 200 act inhaler",
        "fentanyl 25 mcg/hr patch",
        "influenza vaccine 45 mcg HA/0.5 mL syringe",
        "erythromycin 0.5% 1 g ophth oint",
        "acetaminophen 650 mg suppository",
    ],
)
def test_real_hospital_items_are_on_the_formulary(name: str) -> None:
    item = _item_named(name)

    assert item.products


def test_package_sizes_and_descriptions_look_like_hospital_packs() -> None:
    heparin = _item_named("heparin 5,000 units/mL 1 mL inj vial")
    morphine = _item_named("morphine 2 mg/mL 1 mL carpuject")
    saline = _item_named("sodium chloride 0.9% 1,000 mL bag")

    assert {p.package_size for p in heparin.products} == {25}
    assert heparin.dispense_unit == "VIAL"
    assert {p.package_size for p in morphine.products} == {10}
    assert morphine.dispense_unit == "CARTRIDGE"
    assert morphine.products[0].package_description == (
        "10 CARTRIDGE in 1 CARTON > 1 mL in 1 CARTRIDGE"
    )
    assert 12 in {p.package_size for p in saline.products}
    for item in demo_items():
        for product in item.products:
            assert re.match(r"^\.?\d", product.package_description), product.package_description
            assert " in 1 " in product.package_description


def test_package_cost_is_unit_cost_times_package_size_within_a_few_percent() -> None:
    for item in demo_items():
        for product in item.products:
            expected = item.unit_cost * product.package_size

            assert product.package_cost > 0
            ratio = product.package_cost / expected
            assert Decimal("0.90") <= ratio <= Decimal("1.10") or expected < Decimal("0.10")


def test_products_of_one_item_are_made_by_different_labelers_or_in_different_sizes() -> None:
    for item in demo_items():
        packs = [(product.labeler, product.package_size) for product in item.products]

        assert len(set(packs)) == len(packs), item.name


def test_respiratory_season_items_are_flagged_and_only_a_handful_trend() -> None:
    items = demo_items()

    seasonal = {item.generic_name for item in items if item.seasonal}
    trending = [item for item in items if item.trend]

    assert {"oseltamivir", "albuterol", "ipratropium", "influenza vaccine"} <= seasonal
    assert "ceftriaxone" in seasonal
    assert 5 <= len(trending) <= 30


def test_most_items_move_slowly_and_crash_cart_drugs_are_vital() -> None:
    items = demo_items()

    slow = [item for item in items if item.demand in {"slow", "very-slow"}]

    assert len(slow) > len(items) / 2
    assert _item_named("epinephrine 0.1 mg/mL 10 mL syringe").criticality == "vital"
    assert _item_named("naloxone 0.4 mg/mL 1 mL inj vial").criticality == "vital"
    assert _item_named("dantrolene 250 mg inj vial").criticality == "vital"


def test_a_fifth_of_the_items_make_most_of_the_spend() -> None:
    # units a day per item, roughly as the generator draws them ("costly": its rates, no price
    # factor). The ~110 costly items carry almost all of the spend (the seed-7 build: the top
    # fifth of items 98.9 % of invoice spend, steeper than a real formulary's 70 to 80 % in 10
    # to 20 % of items); the bound keeps the generic base from vanishing altogether
    daily_use = {"high": 20.0, "medium": 3.0, "slow": 0.4, "very-slow": 0.04, "costly": 8.0}
    spend = sorted(
        (float(item.unit_cost) * daily_use[item.demand] for item in demo_items()),
        reverse=True,
    )
    costly = [item for item in demo_items() if item.demand == "costly"]

    top_fifth = sum(spend[: len(spend) // 5]) / sum(spend)

    assert 0.7 <= top_fifth <= 0.995
    assert 90 <= len(costly) <= 130
    assert all(item.unit_cost >= 100 and item.criticality != "vital" for item in costly)


def test_the_catalogue_is_deterministic_and_built_once() -> None:
    first = demo_items()

    rebuilt = demo_items.__wrapped__()

    assert demo_items() is first
    assert rebuilt == first


def test_the_data_files_ship_in_the_package_and_hold_every_item_and_product() -> None:
    data = files("rxsupply.adapters") / "demo_data"
    items = demo_items()

    item_rows = list(csv.DictReader(io.StringIO((data / "items.csv").read_text("utf-8"))))
    product_rows = list(csv.DictReader(io.StringIO((data / "products.csv").read_text("utf-8"))))

    assert len(item_rows) == len(items)
    assert [row["code"] for row in item_rows] == [item.code for item in items]
    assert len(product_rows) == sum(len(item.products) for item in items)
