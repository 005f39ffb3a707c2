"""The shortage rules: FDA dates and statuses, keys, a shortage's status from its
presentations, merging a file's records (only later records change anything; an older file
rolls nothing back), and matching to the formulary (ndc, then name, strength and form, then
name)."""

from __future__ import annotations

from datetime import date

import pytest

from rxsupply.domain.ndc_text import ndcs_in_text
from rxsupply.domain.shortage import (
    EventKind,
    MatchMethod,
    Presentation,
    Shortage,
    ShortageSource,
    ShortageStatus,
    overall_status,
    parse_fda_date,
    parse_fda_status,
    presentation_key,
    shortage_key,
)
from rxsupply.domain.shortage_feed import latest_by_key, merge_records
from rxsupply.domain.shortage_matching import (
    Formulary,
    FormularyItem,
    FormularyProduct,
    forms,
    ingredients,
    same_ingredients,
    strengths,
)
from rxsupply.errors import InvalidValue

CURRENT, RESOLVED, GONE = (
    ShortageStatus.CURRENT,
    ShortageStatus.RESOLVED,
    ShortageStatus.DISCONTINUED,
)


def test_fda_dates_have_two_or_four_digit_years() -> None:
    assert parse_fda_date("9/16/24", "update_date") == date(2024, 9, 16)
    assert parse_fda_date("4/26/2024", "update_date") == date(2024, 4, 26)
    with pytest.raises(InvalidValue, match="M/D/YY or M/D/YYYY"):
        parse_fda_date("13/45/24", "update_date")


def test_fda_statuses_in_any_case() -> None:
    assert parse_fda_status("To be Discontinued") is GONE
    assert parse_fda_status("Current") is CURRENT
    with pytest.raises(InvalidValue, match="Current, Resolved or To Be Discontinued"):
        parse_fda_status("Ongoing")


def test_a_generic_name_is_one_key_whatever_its_case_and_spacing() -> None:
    assert shortage_key("Acyclovir\xa0 Ointment ") == shortage_key("acyclovir ointment")


def test_a_presentation_is_keyed_by_its_packages_when_it_names_any() -> None:
    old = "Bottles of 100 Tablets 25 mg (NDC 50419-863-51)"
    new = "Precose, Tablet, 25 mg/1 (NDC 50419-0863-51)"

    assert presentation_key("Bayer", old, ndcs_in_text(old)) == presentation_key(
        "Bayer HealthCare", new, ndcs_in_text(new)
    )
    assert presentation_key("A", "no ndc", []) != presentation_key("B", "no ndc", [])


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [([RESOLVED, CURRENT, GONE], CURRENT), ([RESOLVED, GONE], GONE), ([RESOLVED], RESOLVED)],
)
def test_a_shortage_is_current_while_any_presentation_is(
    statuses: list[ShortageStatus], expected: ShortageStatus
) -> None:
    assert overall_status(statuses) is expected


def record(text: str, status: ShortageStatus, day: date, company: str = "Co") -> Presentation:
    ndcs = ndcs_in_text(text)
    return Presentation(
        key=presentation_key(company, text, ndcs),
        company=company,
        text=text,
        status=status,
        updated_on=day,
        reason="demand",
        ndcs=ndcs,
    )


A = "4 mg/2 mL vial (NDC 0409-4888-02)"
B = "4 mg/2 mL vial (NDC 0409-4888-10)"


def test_a_new_shortage_takes_its_dates_and_status_from_its_records() -> None:
    merge = merge_records(
        None,
        key="ondansetron injection",
        generic_name="Ondansetron Injection",
        records=[record(A, RESOLVED, date(2024, 3, 1)), record(B, CURRENT, date(2024, 5, 2))],
    )

    s = merge.shortage
    assert (merge.event, s.status, s.first_posted, s.last_updated) == (
        EventKind.NEW,
        CURRENT,
        date(2024, 3, 1),
        date(2024, 5, 2),
    )
    assert (len(merge.added), s.source, s.resolved_on) == (2, ShortageSource.FDA, None)


def stored(*records: Presentation) -> Shortage:
    merge = merge_records(None, key="k", generic_name="K", records=list(records))
    return merge.shortage


def test_a_later_record_resolving_the_last_current_presentation_resolves_the_shortage() -> None:
    known = stored(record(A, CURRENT, date(2024, 3, 1)))

    merge = merge_records(
        known, key="k", generic_name="K", records=[record(A, RESOLVED, date(2024, 6, 1))]
    )

    assert (merge.event, merge.shortage.status, merge.shortage.resolved_on) == (
        EventKind.RESOLVED,
        RESOLVED,
        date(2024, 6, 1),
    )
    assert merge.detail == "status current -> resolved; 1 presentation(s) updated"


def test_the_same_records_again_change_nothing_and_make_no_event() -> None:
    known = stored(record(A, CURRENT, date(2024, 3, 1)))

    merge = merge_records(
        known, key="k", generic_name="K", records=[record(A, CURRENT, date(2024, 3, 1))]
    )

    assert (merge.event, merge.added, merge.updated, merge.unchanged) == (None, [], [], 1)


def test_an_older_record_of_a_known_presentation_is_not_applied() -> None:
    known = stored(record(A, RESOLVED, date(2025, 1, 10)))

    merge = merge_records(
        known, key="k", generic_name="K", records=[record(A, CURRENT, date(2024, 3, 1))]
    )

    assert (merge.event, merge.older, merge.shortage.status) == (None, 1, RESOLVED)


def test_an_older_file_adds_history_but_never_rolls_the_status_back() -> None:
    known = stored(record(A, RESOLVED, date(2025, 1, 10)))

    merge = merge_records(
        known, key="k", generic_name="K", records=[record(B, CURRENT, date(2024, 3, 1))]
    )

    s = merge.shortage
    assert (merge.event, len(merge.added)) == (EventKind.UPDATED, 1)
    assert (s.status, s.resolved_on, s.last_updated) == (
        RESOLVED,
        date(2025, 1, 10),
        date(2025, 1, 10),
    )
    assert s.first_posted == date(2024, 3, 1)
    assert "status kept" in merge.detail


def test_within_a_file_a_presentation_keeps_its_latest_record() -> None:
    early, late = record(A, CURRENT, date(2024, 3, 1)), record(A, RESOLVED, date(2024, 4, 1))

    assert latest_by_key([late, early]) == [late]


def test_ingredients_leave_out_brands_forms_and_salts_on_one_side_only() -> None:
    assert ingredients("Abciximab (ReoPro) Injection") == (("abciximab",),)
    assert same_ingredients(ingredients("morphine"), ingredients("Morphine Sulfate Injection"))
    assert same_ingredients(
        ingredients("amoxicillin-clavulanate"),
        ingredients("Amoxicillin and Clavulanate Potassium Tablet"),
    )
    assert not same_ingredients(ingredients("sodium chloride"), ingredients("Potassium Chloride"))
    assert not same_ingredients(
        ingredients("tromethamine"), ingredients("Ketorolac Tromethamine Injection")
    )
    assert not same_ingredients(
        ingredients("lidocaine"), ingredients("Lidocaine Hydrochloride and Epinephrine Injection")
    )


def test_strengths_are_compared_in_one_unit_and_per_one() -> None:
    assert "2mg/ml" in strengths("Ondansetron, Injection, 4 mg/2 mL")
    assert "400mg" in strengths("Tablet, 400 mg/1")
    assert "0.088mg" in strengths("Euthyrox, Tablet, 88 ug") & strengths("88 mcg")
    assert "5mg/ml" in strengths("0.5%") & strengths("Injection, 5 mg/1 mL")


def test_forms_are_read_from_a_name_or_a_route_and_form() -> None:
    assert forms("Acyclovir Ointment") == {"topical"}
    assert forms("ORAL SOLUTION") == {"oral_liquid"}
    assert forms("OPHTHALMIC OINTMENT") == {"ophthalmic"}
    assert forms("INTRAVENOUS INJECTION, SOLUTION") == {"injection"}


def product(ndc11: str, generic: str, strength: str, form: str, route: str) -> FormularyProduct:
    return FormularyProduct(
        ndc11=ndc11,
        digits10=ndc11[1:],
        generic_name=generic,
        strength=strength,
        dosage_form=form,
        route=route,
    )


FORMULARY = Formulary(
    [
        FormularyItem(
            id=1,
            code="ONDA4INJ",
            name="ondansetron 4 mg/2 mL vial",
            products=(product("00409488802", "ondansetron", "4 mg/2 mL", "INJECTION", "IV"),),
        ),
        FormularyItem(
            id=2,
            code="ONDA2INJ",
            name="ondansetron 2 mg/mL 20 mL vial",
            products=(
                product("55555012320", "ondansetron hydrochloride", "2 mg/mL", "INJECTION", "IV"),
            ),
        ),
        FormularyItem(
            id=3,
            code="ONDA8TAB",
            name="ondansetron 8 mg tablet",
            products=(product("55555045601", "ondansetron", "8 mg", "TABLET", "ORAL"),),
        ),
        FormularyItem(id=4, code="NS1000", name="sodium chloride 0.9% 1,000 mL bag"),
    ]
)


def shortage(name: str, *texts: str) -> Shortage:
    return Shortage(
        source=ShortageSource.FDA,
        key=shortage_key(name),
        generic_name=name,
        presentations=[record(t, CURRENT, date(2025, 1, 2)) for t in texts],
    )


def test_each_item_is_matched_by_its_strongest_method() -> None:
    found = FORMULARY.match(
        shortage("Ondansetron Injection", "Ondansetron, Injection, 2 mg/mL (NDC 0409-4888-02)")
    )

    assert {i: (m.item_code, m.method) for i, m in found.items()} == {
        1: ("ONDA4INJ", MatchMethod.NDC),
        2: ("ONDA2INJ", MatchMethod.NAME_STRENGTH_FORM),
    }  # the tablet is not the injection the generic name states


def test_an_ndc_written_without_its_pattern_matches_by_its_ten_digits() -> None:
    found = FORMULARY.match(shortage("Ondansetron", "vial (NDC 0409488802)"))

    assert found[1].method is MatchMethod.NDC


def test_a_name_without_a_form_matches_every_form_by_name() -> None:
    found = FORMULARY.match(shortage("Ondansetron", "100 mg/50 mL bag (NDC 12345-678-90)"))

    assert {m.item_code: m.method for m in found.values()} == {
        "ONDA4INJ": MatchMethod.NAME,
        "ONDA2INJ": MatchMethod.NAME,
        "ONDA8TAB": MatchMethod.NAME,
    }


def test_an_item_without_products_is_matched_by_the_words_of_its_name() -> None:
    found = FORMULARY.match(shortage("Sodium Chloride 0.9% Injection", "1000 mL bag"))

    assert [m.item_code for m in found.values()] == ["NS1000"]
