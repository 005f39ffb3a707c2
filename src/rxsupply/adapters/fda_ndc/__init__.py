"""Read the FDA NDC Directory as FDA publishes it: ``product.txt`` and ``package.txt``.

Both files are tab-separated, latin-1, CRLF line ends, one header row, no quoting (descriptions
contain bare quotes); gzip copies are accepted and detected by their magic bytes, not the name.
A product in rxsupply is one NDC package, so every record returned is a package row joined to
its product row.

Package rows are skipped, and counted in :attr:`NdcDirectory.skipped`, by these rules, checked in
this order (each package falls under at most one):

- ``orphan package``: its PRODUCTID has no row in the product file.
- ``bad ndc``: NDCPACKAGECODE is not 10 digits hyphenated 4-4-2, 5-3-2 or 5-4-1.
- ``unreadable package size``: PACKAGEDESCRIPTION does not give a countable package size.
- ``duplicate ndc``: an earlier readable row has the same NDCPACKAGECODE (the first is kept).
- ``digits collision``: an earlier readable row has another NDC with the same 10 digits, such
  as 29500-9077-7 and 29500-907-77 (the first is kept: a GTIN carries only the digits).

Products that no package row refers to are counted in
:attr:`DirectoryCounts.products_without_package`; they are not importable.

A header without a needed column rejects the file (:class:`~rxsupply.errors.ImportRejected`, one
:class:`~rxsupply.errors.RowError` per missing column, row 0), as does a header with one column
(the file is not tab-separated). Values that are present but malformed (a DEASCHEDULE other than
CI-CV, a date that is not YYYYMMDD, a SAMPLE_PACKAGE other than Y/N) reject the files too:
FDA never writes them, so the file is not what it claims to be.

:mod:`.files` reads one file into a checked table, :mod:`.reading` turns the two tables into an
:class:`NdcDirectory` (:mod:`.directory`), and :func:`as_products` makes its packages rxsupply
products; every name is re-exported here.
"""

from rxsupply.adapters.fda_ndc.directory import (
    PACKAGE_COLUMNS,
    PRODUCT_COLUMNS,
    SKIP_RULES,
    DirectoryCounts,
    DirectoryPackage,
    NdcDirectory,
    as_products,
)
from rxsupply.adapters.fda_ndc.reading import format_strength, read_ndc_directory

__all__ = [
    "PACKAGE_COLUMNS",
    "PRODUCT_COLUMNS",
    "SKIP_RULES",
    "DirectoryCounts",
    "DirectoryPackage",
    "NdcDirectory",
    "as_products",
    "format_strength",
    "read_ndc_directory",
]
