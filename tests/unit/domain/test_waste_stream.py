"""Waste streams: four streams and no sewer, the RCRA list's matching with its conditions and
exemptions, and which stream wins."""

from __future__ import annotations

import pytest

from rxsupply.adapters.reference_data import starter_listings
from rxsupply.domain.destruction import check_witnesses
from rxsupply.domain.return_policy import Returnability
from rxsupply.domain.waste_stream import (
    HazardousListing,
    WasteStream,
    listing_for,
    parse_stream,
    stream_of,
)
from rxsupply.errors import InvalidValue

LISTINGS = starter_listings()


def listed(generic: str, form: str = "TABLET", name: str = "") -> str | None:
    found, _ = listing_for(LISTINGS, generic_name=generic, name=name, dosage_form=form)
    return None if found is None else found.code


def test_there_is_no_sewer_stream_and_asking_for_one_is_refused_with_the_rule() -> None:
    assert "sewer" not in {s.value for s in WasteStream}
    for text in ("sewer", "Sewering", "drain"):
        with pytest.raises(InvalidValue, match=r"266\.505"):
            parse_stream(text)


def test_the_starter_list_cites_a_paragraph_of_40_cfr_261_33_for_every_row() -> None:
    paragraphs = {row.code: row.paragraph for row in LISTINGS}

    assert paragraphs["P001"] == "40 CFR 261.33(e)"
    assert paragraphs["U248"] == "40 CFR 261.33(f)"
    assert {"P001", "P042", "P075", "U248", "U058"} <= set(paragraphs)


def test_warfarin_matches_p001_first_and_names_u248_to_check_the_concentration() -> None:
    found, also = listing_for(
        LISTINGS, generic_name="warfarin sodium", name="Warfarin", dosage_form="TABLET"
    )
    stream, why = stream_of(
        returnability=Returnability.NEVER, controlled=None, listing=found, also=also
    )

    assert found is not None and found.code == "P001"
    assert stream is WasteStream.HAZARDOUS
    assert "also matches U248: check the concentration" in why


def test_over_the_counter_nicotine_replacement_is_exempt_from_p075() -> None:
    assert listed("nicotine", form="PATCH, EXTENDED RELEASE") is None
    assert listed("nicotine polacrilex", form="GUM, CHEWING") is None
    assert listed("nicotine", form="INHALANT") == "P075"


def test_epinephrine_salts_are_not_p042_but_epinephrine_is() -> None:
    assert listed("epinephrine", form="INJECTION") == "P042"
    assert listed("epinephrine hydrochloride", form="INJECTION") is None
    assert listed("epinephrine bitartrate", form="AEROSOL") is None


def test_a_listing_matches_whole_words_only() -> None:
    assert listed("phenylephrine hydrochloride") is None
    assert listed("phenol") == "U188"


def test_controlled_wins_over_creditable_and_hazardous() -> None:
    warfarin = HazardousListing(ingredient="warfarin", code="P001")

    stream, why = stream_of(returnability=Returnability.NOW, controlled="CII", listing=warfarin)

    assert (stream, why) == (WasteStream.CONTROLLED, "DEA schedule CII")


def test_a_returnable_lot_is_creditable_even_when_listed_and_a_plain_one_is_non_hazardous() -> None:
    warfarin = HazardousListing(ingredient="warfarin", code="P001")

    assert stream_of(returnability=Returnability.LATER, controlled=None, listing=warfarin)[0] == (
        WasteStream.CREDITABLE
    )
    assert stream_of(returnability=Returnability.NEVER, controlled=None, listing=None)[0] == (
        WasteStream.NON_HAZARDOUS
    )


def test_a_listing_code_must_be_a_p_or_u_code() -> None:
    with pytest.raises(InvalidValue, match="P or U"):
        HazardousListing(ingredient="mercury", code="D009")


def test_a_destruction_is_refused_with_one_witness() -> None:
    with pytest.raises(InvalidValue, match="two witnesses"):
        check_witnesses("ana", ["bo"])


def test_a_destruction_is_refused_when_the_destroyer_witnesses_or_one_person_signs_twice() -> None:
    with pytest.raises(InvalidValue, match="cannot also witness"):
        check_witnesses("ana", ["ana", "bo"])
    with pytest.raises(InvalidValue, match="two people"):
        check_witnesses("ana", ["bo", "BO"])

    assert check_witnesses("ana", ["bo", "cy"]) == ("bo", "cy")
