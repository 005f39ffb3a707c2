"""Reconciliation at receipt: scanned packages against the packages the documents ship, in four
groups; and the exception workflow (open, seller contacted, resolved)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from rxsupply.domain.dscsa_exception import ExceptionState, check_step, parse_state
from rxsupply.domain.reconciliation import (
    ExpectedPackage,
    Finding,
    FindingKind,
    ScannedPackage,
    reconcile,
)
from rxsupply.errors import ExceptionRefused, InvalidValue

AT = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
GTIN = "00398765401025"
EXPIRY = date(2028, 6, 30)


def sgtin(serial: str) -> str:
    return f"01{GTIN}21{serial}"


def expected(serial: str, *, lot: str | None = "L1", expiry: date | None = EXPIRY, doc: int = 1,
            product: int | None = 7) -> ExpectedPackage:  # fmt: skip
    return ExpectedPackage(sgtin(serial), lot, expiry, product, doc)


def scanned(serial: str, *, lot: str | None = "L1", expiry: date | None = EXPIRY,
            product: int | None = 7) -> ScannedPackage:  # fmt: skip
    return ScannedPackage(sgtin(serial), lot, expiry, product, AT, "tech")


def test_a_package_shipped_and_scanned_with_the_same_data_is_matched() -> None:
    result = reconcile([expected("1"), expected("2")], [scanned("2"), scanned("1")])

    assert [s.identifier for s, _ in result.matched] == [sgtin("1"), sgtin("2")]
    assert result.clean
    assert result.findings() == []


def test_a_package_shipped_but_not_scanned_is_missing_with_what_the_document_said() -> None:
    result = reconcile([expected("1"), expected("2", lot="L9")], [scanned("1")])

    assert [p.identifier for p in result.missing] == [sgtin("2")]
    assert result.findings() == [
        Finding(FindingKind.MISSING, sgtin("2"), "lot L9, expiry 2028-06-30", None, 1)
    ]


def test_a_package_scanned_but_in_no_document_is_unexpected_with_what_was_scanned() -> None:
    result = reconcile([expected("1")], [scanned("1"), scanned("3", expiry=None)])

    assert [p.identifier for p in result.unexpected] == [sgtin("3")]
    assert result.findings() == [
        Finding(FindingKind.UNEXPECTED, sgtin("3"), None, "lot L1, no expiry", None)
    ]


def test_a_lot_and_an_expiry_that_differ_are_two_findings_on_one_mismatched_package() -> None:
    result = reconcile(
        [expected("1", lot="L1")], [scanned("1", lot="L2", expiry=date(2028, 7, 31))]
    )

    assert result.matched == [] and len(result.mismatched) == 1
    assert [(f.kind, f.expected, f.found) for f in result.findings()] == [
        (FindingKind.LOT_MISMATCH, "L1", "L2"),
        (FindingKind.EXPIRY_MISMATCH, "2028-06-30", "2028-07-31"),
    ]


def test_a_different_product_is_a_product_mismatch() -> None:
    result = reconcile([expected("1", product=7)], [scanned("1", product=8)])

    assert [f.kind for f in result.findings()] == [FindingKind.PRODUCT_MISMATCH]


def test_a_field_the_scan_does_not_give_or_a_product_the_document_does_not_know_is_not_compared(
) -> None:  # fmt: skip
    result = reconcile([expected("1", product=None)], [scanned("1", lot=None, product=8)])

    assert len(result.matched) == 1


@pytest.mark.parametrize(
    ("lot", "expiry", "lacks"),
    [(None, EXPIRY, ["lot"]), ("L7", None, ["expiry"]), (None, None, ["lot", "expiry"])],
    ids=["no lot", "no expiry", "neither"],
)
def test_a_package_the_document_ships_without_a_lot_or_expiry_is_unconfirmed_not_matched(
    lot: str | None, expiry: date | None, lacks: list[str]
) -> None:
    """The document cannot prove which lot (or expiry) the package is: whatever was scanned is
    not confirmed, and the package is not matched to it."""
    result = reconcile([expected("1", lot=lot, expiry=expiry)], [scanned("1", lot="L7")])

    assert result.matched == [] and result.mismatched == []
    assert [u.identifier for u in result.unconfirmed] == [sgtin("1")]
    assert not result.clean
    assert result.counts()["unconfirmed"] == 1
    shown = result.as_dict()["unconfirmed"][0]  # type: ignore[index]
    assert shown["identifier"] == sgtin("1") and shown["lacks"] == lacks
    assert shown["shipped"]["lot"] == lot and shown["scanned"]["lot"] == "L7"
    assert result.findings() == []  # the document's lot_expiry_missing exception covers it


def test_a_package_without_a_lot_whose_given_expiry_differs_is_a_mismatch() -> None:
    result = reconcile(
        [expected("1", lot=None)], [scanned("1", lot="L7", expiry=date(2028, 7, 31))]
    )

    assert result.unconfirmed == []
    assert [f.kind for f in result.findings()] == [FindingKind.EXPIRY_MISMATCH]


def test_a_package_two_documents_ship_is_compared_once_with_the_later_document() -> None:
    result = reconcile([expected("1", lot="OLD", doc=2), expected("1", lot="NEW", doc=3)],
                       [scanned("1", lot="NEW")])  # fmt: skip

    assert result.counts() == {
        "matched": 1,
        "missing": 0,
        "unexpected": 0,
        "mismatched": 0,
        "unconfirmed": 0,
        "duplicates": 1,
    }
    assert result.matched[0][0].document_id == 3


def test_nothing_shipped_and_nothing_scanned_is_clean() -> None:
    assert reconcile([], []).clean


def test_an_open_exception_may_be_marked_seller_contacted_and_then_resolved_with_a_note() -> None:
    contacted = check_step(5, ExceptionState.OPEN, ExceptionState.SELLER_CONTACTED, " asked ")
    resolved = check_step(5, ExceptionState.SELLER_CONTACTED, ExceptionState.RESOLVED, "credit")

    assert (contacted, resolved) == ("asked", "credit")


def test_a_resolution_needs_a_note() -> None:
    with pytest.raises(InvalidValue, match="note"):
        check_step(5, ExceptionState.OPEN, ExceptionState.RESOLVED, "  ")


def test_a_resolved_exception_takes_no_more_steps() -> None:
    with pytest.raises(ExceptionRefused, match="exception 5 is resolved already"):
        check_step(5, ExceptionState.RESOLVED, ExceptionState.SELLER_CONTACTED, "again")


def test_a_step_is_named_by_its_state_or_its_verb() -> None:
    assert parse_state("contacted") is ExceptionState.SELLER_CONTACTED
    assert parse_state("Resolve") is ExceptionState.RESOLVED
    with pytest.raises(InvalidValue, match="seller_contacted, resolved"):
        parse_state("closed")


def test_a_serial_scanned_twice_is_a_duplicate_scan_finding_not_merged_silently() -> None:
    result = reconcile([expected("1")], [scanned("1"), scanned("1")])

    assert [(f.kind, f.identifier, f.found) for f in result.findings()] == [
        (FindingKind.DUPLICATE_SCAN, sgtin("1"), "scanned 2 times")
    ]
    assert not result.clean and result.counts()["duplicates"] == 1


def test_a_serial_two_documents_ship_is_a_duplicate_shipped_finding() -> None:
    result = reconcile([expected("1", doc=1), expected("1", doc=2)], [scanned("1")])

    (finding,) = result.findings()
    assert finding.kind is FindingKind.DUPLICATE_SHIPPED
    assert (finding.found, finding.document_id) == ("shipped 2 times (document 1, document 2)", 2)
    assert [s.identifier for s, _ in result.matched] == [sgtin("1")]
