"""A browser walks a shortage from the FDA's list to the bulletin (issue 12): the file imported
on the board, the ondansetron shortage opened with its impact, a reallocation proposed and
applied (the ICU cabinet uses none, the ED cabinet uses it), the moves seen in the ledger, and
the step on the bulletin. The example hospital on a server of its own (the walk moves stock)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine
from tests.conftest import load_examples
from tests.shortage_samples import yearly_2025

from .conftest import Snap
from .harness import PASSWORD, build_hospital, on_hand

ONDANSETRON = ("98765-401-02", "98765-402-10")


def units(engine: Engine, location: str) -> int:
    """Units of ondansetron (both its products) in one pocket."""
    return sum(on_hand(engine, location=location, ndc=ndc) for ndc in ONDANSETRON)


@pytest.fixture(scope="module")
def walk_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = build_hospital(tmp_path_factory.mktemp("shortage-walk") / "rx.db")
    load_examples(engine, "dispenses")  # the ED cabinet uses ondansetron, the ICU none
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def served_engine(walk_engine: Engine) -> Engine:
    """This module's server serves its own hospital."""
    return walk_engine


def test_a_shortage_from_the_fda_list_to_the_bulletin(
    page: Page, snap: Snap, walk_engine: Engine, tmp_path: Path
) -> None:
    icu_before = units(walk_engine, "ICU-ADC1-P01")
    ed_before = units(walk_engine, "ED-ADC1-P01")
    upload = tmp_path / "Drugshortages_2025.csv"
    upload.write_bytes(yearly_2025())
    page.goto("/login?next=%2Fshortages")
    page.fill("#username", "admin")
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url("**/shortages")

    # the FDA's list imported on the board
    page.set_input_files("#file", str(upload))
    page.locator("#import-shortages button").click()
    expect(page.locator("#flash")).to_contain_text("Imported Drugshortages_2025.csv: 4 records")
    row = page.locator("#board tr[data-item=ONDA4INJ]")
    expect(row).to_have_count(1)
    snap(page, "board")

    # the shortage with its impact and the run-out chart
    row.locator("td").first.locator("a").click()
    expect(page.locator("h1")).to_contain_text("Ondansetron Injection")
    expect(page.locator("#impact tr[data-item=ONDA4INJ] [data-on-hand]")).to_have_text(
        re.compile(r"\d")
    )
    expect(page.locator("#chart-runout .main-svg").first).to_be_visible()

    # a reallocation proposed: the ICU pocket keeps 10, the ED pocket takes what fits
    page.select_option("#realloc", "ONDA4INJ")
    page.fill("#floor", "10")
    page.locator("#realloc-form button").click()
    moves = page.locator("#plan-moves tbody tr")
    expect(moves).to_have_count(1)
    expect(moves.first).to_contain_text("ICU-ADC1-P01")
    expect(moves.first).to_contain_text("ED-ADC1-P01")
    moved = int(moves.first.locator("td").nth(2).inner_text().replace(",", ""))
    assert 0 < moved <= icu_before - 10
    snap(page, "plan")
    page.fill("#realloc-reason", "the ED uses ondansetron, the ICU none")
    page.locator("#apply-realloc").click()
    expect(page.locator("#flash")).to_contain_text(f"Reallocated {moved} units of ONDA4INJ")
    expect(page.locator("#actions")).to_contain_text(f"moved {moved} units of ONDA4INJ")

    # the moves in the ledger
    page.goto("/ledger?item=ONDA4INJ&location=ED-ADC1-P01")
    expect(page.locator("main")).to_contain_text("ICU-ADC1-P01")
    snap(page, "ledger")

    # and the step on the bulletin
    page.go_back()
    page.locator("#bulletin-link").click()
    expect(page.locator("#bulletin-steps")).to_contain_text(f"moved {moved} units of ONDA4INJ")
    expect(page.locator("#bulletin-impact")).to_contain_text("ONDA4INJ")
    snap(page, "bulletin")

    assert units(walk_engine, "ICU-ADC1-P01") == icu_before - moved
    assert units(walk_engine, "ED-ADC1-P01") == ed_before + moved
