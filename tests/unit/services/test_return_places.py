"""Where a return batch takes a lot's units from: the pharmacy's own places, quarantine first,
then the storeroom and its bins, then satellites; never a cabinet or its pockets."""

from __future__ import annotations

from rxsupply.services.ports.returns import LotPlace, pharmacy_places


def test_a_return_takes_quarantine_first_then_the_storeroom_and_its_bins_then_satellites() -> None:
    places = [
        LotPlace("OR-SAT", "satellite", 4, "facility"),
        LotPlace("STORE-BIN-2", "pocket", 6, "storeroom"),
        LotPlace("MAIN-STORE", "storeroom", 10, "facility"),
        LotPlace("MAIN-QUAR", "quarantine", 3, "facility"),
    ]

    taken = pharmacy_places(places)

    assert [p.location for p in taken] == ["MAIN-QUAR", "MAIN-STORE", "STORE-BIN-2", "OR-SAT"]


def test_a_cabinet_its_pockets_and_transit_are_never_taken_from() -> None:
    places = [
        LotPlace("ICU-ADC1-P01", "pocket", 30, "adc"),
        LotPlace("ICU-ADC1", "adc", 2, "facility"),
        LotPlace("MAIN-TRANSIT", "transit", 5, "facility"),
    ]

    assert pharmacy_places(places) == ()
    assert [p.in_cabinet for p in places] == [True, True, False]
