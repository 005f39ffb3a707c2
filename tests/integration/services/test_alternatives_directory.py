"""Alternatives from the real NDC Directory for a real shortage: the example hospital with the
FDA's hospital subset of the directory (2019) imported and the FDA's 2025 shortage records;
its morphine 2 mg/mL syringe is short by name, strength and form ("Morphine Sulfate
Injection"), and the directory's morphine sulfate 2 mg/mL injections (Hospira's and Fresenius
Kabi's) are its alternatives, flagged package by package: Hospira's carpuject carton and
Fresenius Kabi's vial box are short themselves in 2025 by their NDCs; Hospira's syringe carton
and Fresenius Kabi's glass syringes are not (the FDA lists 76045-004-11, a package the 2019
directory does not have)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from tests.conftest import CLOCK, NOW, TESTER, load_examples

from rxsupply.adapters.fda_ndc import as_products, read_ndc_directory
from rxsupply.adapters.fda_shortages import read_shortage_file
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.services import imports, shortages
from rxsupply.services.alternatives import find_alternatives
from rxsupply.services.shortage_feed import import_shortage_feed


def test_the_directory_gives_a_real_shortage_item_its_alternatives(
    sqlite_engine: Engine, shared: Path
) -> None:
    load_examples(sqlite_engine, "items", "locations", "stock")
    ndc = shared / "fda-ndc"
    directory = read_ndc_directory(
        ndc / "ndc_product_hospital_subset.tsv.gz", ndc / "ndc_package_hospital_subset.tsv.gz"
    )
    with SqlUnitOfWork(sqlite_engine) as uow:
        imports.import_products(
            uow,
            as_products(directory),
            source="fda",
            file="ndc_package_hospital_subset.tsv.gz",
            rows=directory.counts.packages_read,
            now=NOW,
            user=TESTER,
        )
    feed = read_shortage_file(shared / "fda-shortages" / "Drugshortages_2025_partial.csv")
    with SqlUnitOfWork(sqlite_engine) as uow:
        import_shortage_feed(uow, feed, user=TESTER, clock=CLOCK)
        (morphine,) = [
            s
            for s in shortages.list_shortages(uow)
            if s.generic_name == "Morphine Sulfate Injection"
        ]

    with SqlUnitOfWork(sqlite_engine, readonly=True) as uow:
        found = find_alternatives(uow, shortage_id=morphine.id or 0, item="MORPH2INJ", clock=CLOCK)

    (item,) = found.items
    directory_rows = {
        o.product.ndc: (o.product.labeler, o.on_shortage != [], o.available)
        for o in item.same_product
        if o.found_in == "ndc_directory"
    }
    assert item.match == "name_strength_form"
    assert {labeler for labeler, _, _ in directory_rows.values()} == {
        "Hospira, Inc.",
        "Fresenius Kabi USA, LLC",
    }
    assert all(
        "morphine" in o.product.generic_name.lower() and "INJECTION" in o.product.dosage_form
        for o in item.same_product
    )
    short = sorted(n for n, (_, is_short, _) in directory_rows.items() if is_short)
    assert short == ["0409-1890-01", "63323-452-01"]  # backordered in the FDA's 2025 records
    assert {"0409-1890-11", "76045-004-10"} <= directory_rows.keys() - set(short)
    assert item.same_product[0].product.ndc == "98765-0210-1"  # the item's own, in stock
    assert {d.labeler for d in item.direct} >= {"Hospira, Inc.", "Fresenius Kabi USA, LLC"}
