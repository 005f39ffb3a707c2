"""Small FDA shortage files in the FDA's two published formats, about the example hospital's
items (examples/items.csv): ondansetron by its NDC (98765-401-02), morphine by name, strength
and form, acetaminophen by name only, zinc acetate not at all."""

from __future__ import annotations

YEARLY_HEADER = (
    "id,generic_name,company_name,presentation,update_type,update_date,availability,"
    "related_info,resolved_note,reason_for_shortage,therapeutic_category,status,change_date,"
    "date_discontinued"
)
ONDANSETRON = (
    '1,Ondansetron Injection,Example Labs,"Ondansetron, Injection, 4 mg/2 mL '
    '(NDC 98765-401-02)",New,9/16/24,,,,Demand increase for the drug,Gastroenterology,'
    "Current,,"
)
MORPHINE = (
    '2,Morphine Sulfate Injection,"Other Pharma, Inc.","Morphine Sulfate, Injection, '
    '2 mg/1 mL (NDC 11111-222-33)",Revised,3/3/25,,,,Manufacturing delays,Analgesia,Current,,'
)
ACETAMINOPHEN = (
    '3,Acetaminophen Tablet,Third Co,"Acetaminophen, Tablet, 500 mg/1 (NDC 22222-333-44)",'
    "New,2/1/25,,,,,Analgesia,To Be Discontinued,,2/1/25"
)
ZINC = (
    '4,Zinc Acetate Capsule,Teva Pharmaceuticals,"25 mg, bottle of 250 (NDC 57844-215-52)",'
    "Revised,5/18/25,,,Available,,Other,Resolved,,"
)


def yearly(*rows: str, header: str = YEARLY_HEADER) -> bytes:
    """A yearly record file as the FDA writes it: UTF-8 with a BOM, CRLF line ends."""
    return ("\ufeff" + "\r\n".join([header, *rows]) + "\r\n").encode("utf-8")


def yearly_2025() -> bytes:
    return yearly(ONDANSETRON, MORPHINE, ACETAMINOPHEN, ZINC)


EXPORT_HEADER = (
    "Generic Name,Company Name,\xa0Contact Info,\xa0Presentation,\xa0Type of Update,"
    "Date of Update,\xa0Availability Information,\xa0Related Information,\xa0Resolved Note,"
    "\xa0Reason for Shortage,\xa0Therapeutic Category,\xa0Status,\xa0Change Date,"
    "\xa0Date Discontinued,\xa0Initial Posting Date,\xa0Generic Name Note,"
    "\xa0Generic Name Link\xa0,\xa0Company Info Link,\xa0Availability Link,"
    "\xa0Related Info Link,\xa0\xa0 Resolved Note Link,\xa0Discontinued Note Link"
)
NL = '"\n"'  # the export's blank cell: a quoted lone newline


def export_row(
    name: str,
    company: str,
    presentation: str,
    updated: str,
    status: str,
    *,
    related: str = NL,
    posted: str = "",
) -> str:
    cells = [name, company, "800-555-0100", presentation, "Revised", updated, NL, related, NL, NL]
    cells += ["Gastroenterology", status, NL, NL, posted or updated] + [NL] * 7
    return ",".join(cells)


def continuation(column: int, text: str, width: int = 22) -> str:
    """A row that goes on with the record above: only one cell filled."""
    cells = [""] * width
    cells[column] = text
    return ",".join(cells)


def export_2025() -> bytes:
    """The database's export, later than :func:`yearly_2025`: ondansetron resolved (its
    related information goes on in the next row), morphine as it was."""
    rows = [
        export_row(
            "Ondansetron Injection",
            '"Example Labs"',
            '"Ondansetron, Injection, 4 mg/2 mL (NDC 98765-401-02)"',
            "6/2/2025",
            "Resolved",
            related='"Supply restored\xa0"',
            posted="9/16/2024",
        ),
        continuation(7, '"in May 2025."'),
        export_row(
            "Morphine Sulfate Injection",
            '"Other Pharma, Inc."',
            '"Morphine Sulfate, Injection, 2 mg/1 mL (NDC 11111-222-33)"',
            "3/3/2025",
            "Current",
        ),
    ]
    return ("\r\n".join([EXPORT_HEADER, *rows]) + "\r\n").encode("cp1252")
