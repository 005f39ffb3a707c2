"""Alternatives to a short item on each database: the example hospital's ondansetron short by
the NDC of its 25-vial tray, the products of the same drug from its own carton, the catalogue
and NDC Directory products (a salt named or not, a product off the market, one short itself, a
tablet left out), with prices, stock and wholesalers; the secondary wholesaler against the
contract price; the direct purchase through a manufacturer partner; the therapeutic
alternatives with their own stock and shortages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine
from tests.conftest import CLOCK, TESTER, priced_storeroom
from tests.shortage_samples import ONDANSETRON, yearly

from rxsupply.adapters.fda_shortages import read_shortage_bytes
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.ndc import NDC
from rxsupply.domain.product import Product
from rxsupply.errors import NotFound
from rxsupply.services import shortages
from rxsupply.services.alternative_options import Alternatives
from rxsupply.services.alternatives import find_alternatives
from rxsupply.services.shortage_feed import import_shortage_feed
from rxsupply.services.therapeutic_alternatives import add_therapeutic_alternative

SALT_SHORT = (
    '9,Ondansetron Hydrochloride Injection,Far Pharma,"Ondansetron, Injection, 2 mg/mL '
    '(NDC 55555-0123-25)",New,9/1/25,,,,Demand increase for the drug,Gastroenterology,'
    "Current,,"
)


def directory_product(ndc: str, labeler: str, **facts: object) -> Product:
    """A product as the NDC Directory importer makes it (source ``fda``)."""
    values: dict[str, object] = {
        "generic_name": "Ondansetron",
        "strength": "2 mg/mL",
        "dosage_form": "INJECTION, SOLUTION",
        "route": "INTRAMUSCULAR; INTRAVENOUS",
        "package_size": 25,
        "dispense_unit": "VIAL",
        "package_description": "25 VIAL in 1 CARTON > 2 mL in 1 VIAL",
    } | facts
    return Product(ndc=NDC.parse(ndc), name="Ondansetron", labeler=labeler, **values)  # type: ignore[arg-type]


@pytest.fixture
def short_ondansetron(hospital: Engine) -> int:
    """The example hospital priced, with directory products of ondansetron, a manufacturer
    partner, and two FDA shortages: ondansetron (its tray's NDC) and a salt-named one
    (a directory product's NDC)."""
    priced_storeroom(hospital, {})
    with SqlUnitOfWork(hospital) as uow:
        uow.products.save_many(
            [
                directory_product("55555-123-25", "Far Pharma"),
                directory_product(
                    "44444-200-10",
                    "Hikma Pharmaceuticals USA Inc.",
                    generic_name="ONDANSETRON HYDROCHLORIDE",
                ),
                directory_product("33333-300-20", "Gone Labs", marketing_end=date(2025, 12, 31)),
                directory_product(
                    "22222-400-30",
                    "Tablet Co",
                    strength="4 mg",
                    dosage_form="TABLET",
                    route="ORAL",
                    dispense_unit="TABLET",
                ),
                directory_product(
                    "11111-500-40",
                    "Multi Co",
                    strength="40 mg/20 mL",
                    generic_name="ondansetron hydrochloride dihydrate",
                ),
            ],
            source="fda",
        )
        uow.prices.partner("Hikma Pharmaceuticals", kind="manufacturer")
        uow.commit()
    feed = read_shortage_bytes("Drugshortages_2025.csv", yearly(ONDANSETRON, SALT_SHORT))
    with SqlUnitOfWork(hospital) as uow:
        import_shortage_feed(uow, feed, user=TESTER, clock=CLOCK)
        (onda,) = [
            s for s in shortages.list_shortages(uow) if s.generic_name == "Ondansetron Injection"
        ]
    return onda.id or 0


def alternatives(engine: Engine, shortage_id: int, item: str | None = None) -> Alternatives:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return find_alternatives(uow, shortage_id=shortage_id, item=item, clock=CLOCK)


def test_other_products_of_the_same_drug_come_with_price_stock_and_availability(
    hospital: Engine, short_ondansetron: int
) -> None:
    found = alternatives(hospital, short_ondansetron)

    (onda,) = found.items
    rows = {
        o.product.ndc: (o.found_in, o.of_item, o.on_shortage != [], o.marketed, o.available)
        for o in onda.same_product
    }
    assert (onda.item, onda.match, onda.on_hand) == ("ONDA4INJ", "ndc", 425)
    assert rows == {
        "98765-402-10": ("catalogue", True, False, True, True),
        "44444-200-10": ("ndc_directory", False, False, True, False),
        "11111-500-40": ("ndc_directory", False, False, True, False),
        "55555-123-25": ("ndc_directory", False, True, True, False),
        "33333-300-20": ("ndc_directory", False, False, False, False),
    }  # the short tray (98765-401-02) is left out, and so is the tablet
    assert [o.product.ndc for o in onda.same_product] == [
        "98765-402-10",  # available first
        "11111-500-40",
        "44444-200-10",
        "33333-300-20",  # no longer marketed
        "55555-123-25",  # short itself
    ]
    carton = onda.same_product[0]
    assert (carton.on_hand, carton.best is not None and carton.best.price) == (
        145,
        Decimal("8.40"),
    )
    assert [(w.wholesaler, w.role, str(w.offer.unit_price)) for w in carton.offered_by] == [
        ("Backup Pharma Supply", "secondary", "0.8400"),
        ("Example Wholesale Drug Co", "primary", "0.8900"),
    ]


def test_a_secondary_wholesaler_is_priced_against_the_usual_contract_price(
    hospital: Engine, short_ondansetron: int
) -> None:
    (onda,) = alternatives(hospital, short_ondansetron).items

    (backup,) = onda.secondary

    assert onda.usual_price is not None
    assert (
        onda.usual_price.source,
        onda.usual_price.contract,
        str(onda.usual_price.unit_price),
    ) == (
        "contract",
        "GPO-2026-117",
        "0.6000",
    )
    assert backup.as_dict() == {
        "wholesaler": "Backup Pharma Supply",
        "ndc": "98765-402-10",
        "package_price": "8.4000",
        "unit_price": "0.8400",
        "on_shortage": False,
        "usual_unit_price": "0.6000",
        "premium_per_unit": "0.2400",
        "premium_share": 0.4,
    }


def test_direct_purchase_names_the_manufacturer_partner_or_the_labeler(
    hospital: Engine, short_ondansetron: int
) -> None:
    (onda,) = alternatives(hospital, short_ondansetron).items

    direct = [(d.label, d.makes_item, d.available) for d in onda.direct]

    assert direct == [
        ("direct from Hikma Pharmaceuticals", False, True),
        ("direct from Example Labs", True, True),
        ("direct from Multi Co", False, True),
        ("direct from Far Pharma", False, False),
        ("direct from Gone Labs", False, False),
    ]


def test_therapeutic_alternatives_come_with_their_own_stock_and_shortages(
    hospital: Engine, short_ondansetron: int
) -> None:
    with SqlUnitOfWork(hospital) as uow:
        add_therapeutic_alternative(
            uow,
            item="ONDA4INJ",
            alternative="MORPH2INJ",
            note="not an antiemetic: a test pair",
            ratio="0.5",
            user=TESTER,
            clock=CLOCK,
        )
        shortages.add_shortage(
            uow, item="MORPH2INJ", reason="wholesaler backorder", user=TESTER, clock=CLOCK
        )

    (onda,) = alternatives(hospital, short_ondansetron, item="ONDA4INJ").items

    (morphine,) = onda.therapeutic
    facts = morphine.as_dict()
    assert (facts["alternative"], facts["note"], facts["ratio"], facts["on_hand"]) == (
        "MORPH2INJ",
        "not an antiemetic: a test pair",
        "0.5",
        75,
    )
    assert len(morphine.on_shortage) == 1
    assert morphine.best is not None and morphine.best.price == Decimal("31.20")


def test_an_item_the_shortage_does_not_touch_is_refused_naming_its_items(
    hospital: Engine, short_ondansetron: int
) -> None:
    with pytest.raises(NotFound) as refused:
        alternatives(hospital, short_ondansetron, item="APAP325TAB")

    assert "ONDA4INJ" in str(refused.value)


def test_the_answer_as_json_names_every_part(hospital: Engine, short_ondansetron: int) -> None:
    found = alternatives(hospital, short_ondansetron).as_dict()

    item = found["items"][0]  # type: ignore[index]
    assert (found["shortage"], found["status"], found["on"]) == (
        short_ondansetron,
        "current",
        "2026-11-20",
    )
    assert sorted(item) == [
        "direct",
        "item",
        "item_name",
        "match",
        "on_hand",
        "same_product",
        "secondary_wholesalers",
        "therapeutic",
        "usual_price",
    ]
    assert item["same_product"][0]["best_price"]["unit_price"] == "0.8400"
