"""The FDA NDC Directory reader on the real 2019 files and on small files written here."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import pytest
from tests.conftest import shared_data

from rxsupply.adapters.fda_ndc import (
    SKIP_RULES,
    NdcDirectory,
    format_strength,
    read_ndc_directory,
)
from rxsupply.domain.product import DEASchedule
from rxsupply.errors import ImportRejected

PRODUCT_FILE = ("fda-ndc", "product_full_20190429.txt.gz")
PACKAGE_FILE = ("fda-ndc", "package_full_20190429.txt.gz")
needs_real_files = pytest.mark.usefixtures("shared")
"""The test reads the FDA NDC Directory of 2019-04-29 in ../shared/data (skipped, with the
reason, and counted for .ci/run when it is absent)."""

PRODUCT_HEADER = (
    "PRODUCTID\tPRODUCTNDC\tPRODUCTTYPENAME\tPROPRIETARYNAME\tPROPRIETARYNAMESUFFIX\t"
    "NONPROPRIETARYNAME\tDOSAGEFORMNAME\tROUTENAME\tSTARTMARKETINGDATE\tENDMARKETINGDATE\t"
    "MARKETINGCATEGORYNAME\tAPPLICATIONNUMBER\tLABELERNAME\tSUBSTANCENAME\t"
    "ACTIVE_NUMERATOR_STRENGTH\tACTIVE_INGRED_UNIT\tPHARM_CLASSES\tDEASCHEDULE\t"
    "NDC_EXCLUDE_FLAG\tLISTING_RECORD_CERTIFIED_THROUGH"
)
PACKAGE_HEADER = (
    "PRODUCTID\tPRODUCTNDC\tNDCPACKAGECODE\tPACKAGEDESCRIPTION\tSTARTMARKETINGDATE\t"
    "ENDMARKETINGDATE\tNDC_EXCLUDE_FLAG\tSAMPLE_PACKAGE"
)
MORPHINE_PRODUCT = (
    "0409-1890_c81acc28\t0409-1890\tHUMAN PRESCRIPTION DRUG\tMorphine Sulfate\t\t"
    "MORPHINE SULFATE\tINJECTION, SOLUTION\tINTRAMUSCULAR; INTRAVENOUS\t20120823\t\tNDA\t"
    'NDA202515\tHospira, Inc. trading as "Hospira"\tMORPHINE SULFATE\t2\tmg/mL\t\tCII\tN\t20191231'
)
MORPHINE_PACKAGE = (
    "0409-1890_c81acc28\t0409-1890\t0409-1890-01\t10 CARTRIDGE in 1 CARTON (0409-1890-01)  > "
    "1 mL in 1 CARTRIDGE (0409-1890-03) \t20120823\t20200131\tN\tY"
)


def write_fda_file(path: Path, lines: list[str], *, gzipped: bool = False) -> Path:
    """Write lines as FDA does: latin-1, CRLF after every line."""
    data = "".join(line + "\r\n" for line in lines).encode("latin-1")
    path.write_bytes(gzip.compress(data) if gzipped else data)
    return path


@pytest.fixture(scope="module")
def directory(shared: Path) -> NdcDirectory:
    return read_ndc_directory(shared_data(*PRODUCT_FILE), shared_data(*PACKAGE_FILE))


@needs_real_files
def test_every_package_read_is_either_imported_or_counted_under_one_skip_rule(
    directory: NdcDirectory,
) -> None:
    counts = directory.counts

    accounted = counts.packages_imported + sum(directory.skipped.values())

    assert accounted == counts.packages_read
    assert len(directory.packages) == counts.packages_imported
    assert set(directory.skipped) == set(SKIP_RULES)


@needs_real_files
def test_the_2019_directory_reads_all_its_products_and_packages(directory: NdcDirectory) -> None:
    counts = directory.counts

    assert (counts.products_read, counts.packages_read) == (128_241, 243_960)
    assert counts.products_without_package == 288
    assert directory.skipped == {
        "orphan package": 0,
        "bad ndc": 0,
        "unreadable package size": 11,
        "duplicate ndc": 19,
        "digits collision": 1,
    }


@needs_real_files
def test_more_than_99_percent_of_real_package_descriptions_give_a_size(
    directory: NdcDirectory,
) -> None:
    unreadable = directory.skipped["unreadable package size"]

    assert unreadable / directory.counts.packages_read < 0.01


@needs_real_files
def test_a_tray_of_sodium_chloride_vials_is_25_vials(directory: NdcDirectory) -> None:
    by_ndc = {str(p.ndc): p for p in directory.packages}

    saline = by_ndc["0409-4888-10"]

    assert (saline.package_size, saline.dispense_unit) == (25, "VIAL")
    assert saline.generic_name == "Sodium Chloride"
    assert saline.labeler == "Hospira, Inc."
    assert saline.strength == "9 mg/mL"
    assert saline.dosage_form == "INJECTION, SOLUTION"
    assert saline.product_ndc == "0409-4888"
    assert saline.dea_schedule is None
    assert saline.product_type == "HUMAN PRESCRIPTION DRUG"
    assert "0409-4888-02" not in by_ndc  # the vial inside has an NDC but is not a package row


@needs_real_files
def test_morphine_cartridges_carry_schedule_ii(directory: NdcDirectory) -> None:
    by_ndc = {str(p.ndc): p for p in directory.packages}

    morphine = by_ndc["0409-1890-01"]

    assert morphine.dea_schedule is DEASchedule.CII
    assert (morphine.package_size, morphine.dispense_unit) == (10, "CARTRIDGE")
    assert morphine.strength == "2 mg/mL"


@needs_real_files
def test_two_ndcs_with_the_same_ten_digits_keep_only_the_first(directory: NdcDirectory) -> None:
    ndcs = {str(p.ndc) for p in directory.packages}

    assert "29500-9077-7" in ndcs
    assert "29500-907-77" not in ndcs
    assert directory.skip_examples["digits collision"] == ["row 52544: 29500-907-77"]


@needs_real_files
def test_package_ndcs_and_their_digits_are_unique_after_import(directory: NdcDirectory) -> None:
    ndcs = [p.ndc for p in directory.packages]

    assert len({str(n) for n in ndcs}) == len(ndcs)
    assert len({n.digits for n in ndcs}) == len(ndcs)


@needs_real_files
def test_quotes_in_a_labeler_name_are_kept_and_suffixes_join_the_name(
    directory: NdcDirectory,
) -> None:
    topex = next(p for p in directory.packages if p.product_ndc == "0699-0150")

    assert topex.labeler == 'Dentsply LLC. Professional Division Trading as "Sultan Healthcare"'
    assert topex.proprietary_name == "Topex 60 Second Fluoride Foam Strawberry"


@needs_real_files
def test_latin_1_names_decode_to_their_characters(directory: NdcDirectory) -> None:
    names = {p.proprietary_name for p in directory.packages}

    assert "¿Baryta muriatica" in names


def test_a_small_directory_is_read_with_every_field(tmp_path: Path) -> None:
    products = write_fda_file(tmp_path / "product.txt", [PRODUCT_HEADER, MORPHINE_PRODUCT])
    packages = write_fda_file(tmp_path / "package.txt", [PACKAGE_HEADER, MORPHINE_PACKAGE])

    result = read_ndc_directory(products, packages)

    [package] = result.packages
    assert str(package.ndc) == "0409-1890-01"
    assert package.fda_product_id == "0409-1890_c81acc28"
    assert package.proprietary_name == "Morphine Sulfate"
    assert package.generic_name == "MORPHINE SULFATE"
    assert package.route == "INTRAMUSCULAR; INTRAVENOUS"
    assert package.dea_schedule is DEASchedule.CII
    assert package.labeler == 'Hospira, Inc. trading as "Hospira"'  # quotes are plain text
    assert package.package_description == (
        "10 CARTRIDGE in 1 CARTON (0409-1890-01)  > 1 mL in 1 CARTRIDGE (0409-1890-03)"
    )
    assert (package.package_size, package.dispense_unit) == (10, "CARTRIDGE")
    assert package.strength == "2 mg/mL"
    assert package.marketing_end == date(2020, 1, 31)
    assert package.ndc_exclude_flag == "N"
    assert package.sample_package is True  # the CR of the CRLF line end is not part of "Y"


def test_gzip_is_recognised_by_its_bytes_not_its_name(tmp_path: Path) -> None:
    products = write_fda_file(
        tmp_path / "product.txt", [PRODUCT_HEADER, MORPHINE_PRODUCT], gzipped=True
    )
    packages = write_fda_file(tmp_path / "package.gz", [PACKAGE_HEADER, MORPHINE_PACKAGE])

    result = read_ndc_directory(products, packages)

    assert result.counts.packages_imported == 1


def test_orphans_bad_ndcs_and_unreadable_sizes_are_skipped_and_counted(tmp_path: Path) -> None:
    products = write_fda_file(
        tmp_path / "product.txt",
        [PRODUCT_HEADER, MORPHINE_PRODUCT, MORPHINE_PRODUCT.replace("0409-1890_c81", "lonely")],
    )
    packages = write_fda_file(
        tmp_path / "package.txt",
        [
            PACKAGE_HEADER,
            MORPHINE_PACKAGE,
            MORPHINE_PACKAGE.replace("0409-1890_c81acc28", "no-such-product"),
            MORPHINE_PACKAGE.replace("\t0409-1890-01\t", "\t00409-1890-01\t"),
            MORPHINE_PACKAGE.replace("\t0409-1890-01\t", "\t0409-1890-05\t").replace(
                "10 CARTRIDGE", "2.5 CARTRIDGE"
            ),
            MORPHINE_PACKAGE,
        ],
    )

    result = read_ndc_directory(products, packages)

    assert result.skipped == {
        "orphan package": 1,
        "bad ndc": 1,
        "unreadable package size": 1,
        "duplicate ndc": 1,
        "digits collision": 0,
    }
    assert result.counts.packages_imported == 1
    assert result.counts.products_without_package == 1
    assert result.skip_examples["bad ndc"] == ["row 3: 00409-1890-01"]


def test_a_header_without_a_needed_column_is_rejected_naming_the_column(tmp_path: Path) -> None:
    products = write_fda_file(tmp_path / "product.txt", [PRODUCT_HEADER, MORPHINE_PRODUCT])
    packages = write_fda_file(
        tmp_path / "package.txt",
        [
            PACKAGE_HEADER.replace("NDCPACKAGECODE", "NDC_PACKAGE_CODE"),
            MORPHINE_PACKAGE,
        ],
    )

    with pytest.raises(ImportRejected) as caught:
        read_ndc_directory(products, packages)

    [error] = caught.value.errors
    assert (error.file, error.row, error.field) == ("package.txt", 0, "NDCPACKAGECODE")
    assert error.reason == "missing column NDCPACKAGECODE"


def test_a_comma_separated_file_is_rejected_naming_its_header(tmp_path: Path) -> None:
    products = write_fda_file(
        tmp_path / "product.csv",
        [PRODUCT_HEADER.replace("\t", ","), MORPHINE_PRODUCT.replace("\t", ",")],
    )
    packages = write_fda_file(tmp_path / "package.txt", [PACKAGE_HEADER, MORPHINE_PACKAGE])

    with pytest.raises(ImportRejected) as caught:
        read_ndc_directory(products, packages)

    [error] = caught.value.errors
    assert (error.file, error.row, error.field) == ("product.csv", 0, "header")
    assert "'PRODUCTID,PRODUCTNDC," in error.reason
    assert "tab-separated" in error.reason


def test_a_row_with_too_many_fields_is_rejected_naming_the_row(tmp_path: Path) -> None:
    products = write_fda_file(tmp_path / "product.txt", [PRODUCT_HEADER, MORPHINE_PRODUCT])
    packages = write_fda_file(
        tmp_path / "package.txt", [PACKAGE_HEADER, MORPHINE_PACKAGE, MORPHINE_PACKAGE + "\textra"]
    )

    with pytest.raises(ImportRejected) as caught:
        read_ndc_directory(products, packages)

    [error] = caught.value.errors
    assert (error.file, error.row) == ("package.txt", 2)


def test_malformed_dates_and_schedules_reject_the_files_naming_row_and_field(
    tmp_path: Path,
) -> None:
    products = write_fda_file(
        tmp_path / "product.txt",
        [PRODUCT_HEADER, MORPHINE_PRODUCT.replace("\tCII\t", "\tC7\t")],
    )
    packages = write_fda_file(
        tmp_path / "package.txt",
        [PACKAGE_HEADER, MORPHINE_PACKAGE.replace("\t20200131\t", "\t2020-01-31\t")],
    )

    with pytest.raises(ImportRejected) as caught:
        read_ndc_directory(products, packages)

    found = {(e.file, e.row, e.field) for e in caught.value.errors}
    assert found == {
        ("product.txt", 1, "DEASCHEDULE"),
        ("package.txt", 1, "ENDMARKETINGDATE"),
    }


@pytest.mark.parametrize(
    ("numerators", "units", "strength"),
    [
        ("2", "mg/mL", "2 mg/mL"),
        ("4", "mg/2mL", "4 mg/2mL"),
        ("50", "mg/1", "50 mg"),
        ("5; 325", "mg/1; mg/1", "5 mg; 325 mg"),
        (".75", "mg/.5mL", "0.75 mg/.5mL"),
        ("30", "[hp_X]/1", "30 [hp_X]"),
        ("", "", ""),
        ("1; 2", "mg/mL", "1; 2 mg/mL"),
    ],
)
def test_strength_pairs_each_numerator_with_its_unit(
    numerators: str, units: str, strength: str
) -> None:
    assert format_strength(numerators, units) == strength
