"""The packages a document ships: one per saleable unit shipped, its GTIN and serial from the
canonical SGTIN, lot and expiry from the ILMD of the commissioning event that named it, and the
outermost shipped container that holds it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from rxsupply.domain.epcis import EpcisDocument, Event, Packing
from rxsupply.domain.epcis_shipment import (
    Commissioning,
    ShippedPackage,
    shipped_packages,
    split_sgtin,
)
from rxsupply.errors import InvalidValue

WHEN = datetime(2026, 11, 18, 16, 30, tzinfo=UTC)
GTIN = "00398765401027"
PALLET = "00003987650000000015"
CASE = "01103987654010242199"


def unit(serial: str) -> str:
    return f"01{GTIN}21{serial}"


def commissioning(*epcs: str, lot: str = "L1", expiry: str = "2028-06-30") -> Event:
    ilmd = (("lotNumber", lot), ("itemExpirationDate", expiry))
    return Event("ObjectEvent", "ADD", "commissioning", "active", WHEN, epcs=epcs, ilmd=ilmd)


def packing(parent: str, *children: str) -> Event:
    return Event("AggregationEvent", "ADD", "packing", None, WHEN, parent, children=children)


def shipping(*epcs: str) -> Event:
    return Event("ObjectEvent", "OBSERVE", "shipping", "in_transit", WHEN, epcs=epcs)


def document(*events: Event) -> EpcisDocument:
    packing_ = Packing()
    for event in events:
        packing_.apply(event)
    contents = packing_.contents()
    return EpcisDocument(
        epcis_version="1.2",
        events=list(events),
        contents=contents,
        shipped=packing_.shipped(contents),
    )


def test_a_unit_shipped_on_a_pallet_carries_its_lot_expiry_and_the_pallet() -> None:
    shipped = document(
        commissioning(unit("S1"), unit("S2"), lot="A123", expiry="2025-03-27"),
        packing(CASE, unit("S1"), unit("S2")),
        packing(PALLET, CASE),
        shipping(PALLET),
    )

    packages = shipped_packages(shipped)

    assert packages == [
        ShippedPackage(unit(s), GTIN, s, "A123", date(2025, 3, 27), PALLET) for s in ("S1", "S2")
    ]


def test_a_unit_shipped_loose_has_no_container() -> None:
    (package,) = shipped_packages(document(commissioning(unit("S9")), shipping(unit("S9"))))

    assert package.container is None and package.lot == "L1"


def test_the_outermost_of_the_shipped_containers_holding_a_unit_is_its_container() -> None:
    shipped = document(
        commissioning(unit("S1")),
        packing(CASE, unit("S1")),
        packing(PALLET, CASE),
        shipping(CASE, PALLET),
    )

    (package,) = shipped_packages(shipped)

    assert package.container == PALLET


def test_a_unit_never_commissioned_in_the_document_has_no_lot_or_expiry() -> None:
    (package,) = shipped_packages(document(shipping(unit("S1"))))

    assert (package.lot, package.expiry) == (None, None)


def test_a_unit_commissioned_twice_with_different_lots_is_refused() -> None:
    """The package was recorded under the first lot while the transaction information listed
    both: one package has one lot and expiry."""
    shipped = document(
        commissioning(unit("S1"), lot="FIRST"),
        commissioning(unit("S1"), lot="SECOND"),
        shipping(unit("S1")),
    )

    with pytest.raises(InvalidValue) as refused:
        shipped_packages(shipped)

    assert str(refused.value) == (
        f"epcList '{unit('S1')}': commissioned again with lot SECOND, expiry 2028-06-30, but "
        "already with lot FIRST, expiry 2028-06-30 in event 1: a package has one lot and expiry"
    )


def test_a_unit_commissioned_twice_with_different_expiries_is_refused() -> None:
    commissioned = Commissioning()
    commissioned.apply(commissioning(unit("S1"), expiry="2028-06-30"))

    with pytest.raises(InvalidValue, match="lot L1, expiry 2028-07-31, but already with lot L1"):
        commissioned.apply(commissioning(unit("S1"), expiry="2028-07-31"))


def test_a_unit_commissioned_twice_with_the_same_lot_and_expiry_is_refused_naming_both_events(
) -> None:  # fmt: skip
    """A serial is commissioned once: a second commissioning, even with the same lot, is a
    data error a compliance officer must see (it was accepted silently)."""
    shipped = document(
        commissioning(unit("S1"), unit("S2"), lot="SAME"),
        shipping(unit("S2")),
        commissioning(unit("S1"), lot="SAME"),
        shipping(unit("S1"), unit("S2")),
    )

    with pytest.raises(InvalidValue) as refused:
        shipped_packages(shipped)

    assert str(refused.value) == (
        f"epcList '{unit('S1')}': GTIN {GTIN} serial S1 commissioned again in event 3, already "
        "in event 1 (lot SAME, expiry 2028-06-30): a package is commissioned once"
    )


def test_a_unit_listed_twice_in_one_commissioning_event_is_refused() -> None:
    with pytest.raises(InvalidValue, match=r"serial S1 listed twice in commissioning event 1"):
        Commissioning().apply(commissioning(unit("S1"), unit("S1")))


def test_a_unit_commissioned_without_master_data_and_again_with_it_is_refused() -> None:
    commissioned = Commissioning()
    commissioned.apply(
        Event("ObjectEvent", "ADD", "commissioning", "active", WHEN, epcs=(unit("S1"),))
    )

    with pytest.raises(
        InvalidValue,
        match=r"commissioned again in event 2, already in event 1 \(lot none, expiry none\)",
    ):
        commissioned.apply(commissioning(unit("S1")))


def test_an_identifier_of_another_scheme_has_no_gtin_or_serial() -> None:
    grai = "urn:epc:id:grai:0614141.12345.400"

    (package,) = shipped_packages(document(shipping(grai)))

    assert (package.identifier, package.gtin, package.serial) == (grai, None, None)
    assert split_sgtin(unit("S1")) == (GTIN, "S1")


def test_an_expiry_that_is_not_a_date_is_refused_with_its_field() -> None:
    with pytest.raises(InvalidValue, match=r"itemExpirationDate.*YYYY-MM-DD"):
        shipped_packages(document(commissioning(unit("S1"), expiry="2025-02-30"), shipping()))


def test_an_expiry_with_its_zone_is_read_as_its_day() -> None:
    shipped = document(commissioning(unit("S1"), expiry="2025-03-27Z"), shipping(unit("S1")))

    assert shipped_packages(shipped)[0].expiry == date(2025, 3, 27)


def test_a_lot_longer_than_twenty_characters_is_refused() -> None:
    with pytest.raises(InvalidValue, match=r"lotNumber.*longer than 20"):
        shipped_packages(document(commissioning(unit("S1"), lot="L" * 21), shipping(unit("S1"))))
