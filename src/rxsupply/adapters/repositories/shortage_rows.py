"""Shortage rows to and from the domain's records (the columns of
:mod:`rxsupply.adapters.tables.shortages`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import RowMapping

from rxsupply.domain.ndc import NDC
from rxsupply.domain.ndc_text import WrittenNDC
from rxsupply.domain.shortage import Presentation, Shortage, ShortageSource, ShortageStatus

PRESENTATION_FIELDS = (
    "company",
    "presentation",
    "status",
    "update_type",
    "updated_on",
    "availability",
    "related_info",
    "resolved_note",
    "reason",
    "therapeutic_category",
    "change_date",
    "discontinued_on",
    "first_posted",
    "product_id",
    "import_id",
)


def shortage_from_row(row: RowMapping) -> Shortage:
    return Shortage(
        id=row["id"],
        source=ShortageSource(row["source"]),
        key=row["key"],
        generic_name=row["generic_name"],
        status=ShortageStatus(row["status"]),
        therapeutic_category=row["therapeutic_category"],
        reason=row["reason"],
        note=row["note"],
        first_posted=row["first_posted"],
        last_updated=row["last_updated"],
        resolved_on=row["resolved_on"],
        discontinued_on=row["discontinued_on"],
    )


def shortage_row(s: Shortage) -> dict[str, Any]:
    return {
        "generic_name": s.generic_name,
        "status": s.status.value,
        "therapeutic_category": s.therapeutic_category,
        "reason": s.reason,
        "note": s.note,
        "first_posted": s.first_posted,
        "last_updated": s.last_updated,
        "resolved_on": s.resolved_on,
        "discontinued_on": s.discontinued_on,
    }


def presentation_row(p: Presentation, import_id: int | None) -> dict[str, Any]:
    return {
        "company": p.company,
        "presentation": p.text,
        "status": p.status.value,
        "update_type": p.update_type[:40],
        "updated_on": p.updated_on,
        "availability": p.availability,
        "related_info": p.related_info,
        "resolved_note": p.resolved_note,
        "reason": p.reason,
        "therapeutic_category": p.therapeutic_category,
        "change_date": p.change_date,
        "discontinued_on": p.discontinued_on,
        "first_posted": p.first_posted,
        "product_id": p.product_id,
        "import_id": import_id,
    }


def written_from_row(row: RowMapping) -> WrittenNDC:
    ndc = NDC.parse(row["ndc"]) if row["ndc"] else None
    return WrittenNDC(row["written"], ndc, row["ndc11"], row["ndc_digits"])


def presentation_from_row(r: RowMapping) -> Presentation:
    return Presentation(
        id=r["id"],
        key=r["key"],
        company=r["company"],
        text=r["presentation"],
        status=ShortageStatus(r["status"]),
        update_type=r["update_type"],
        updated_on=r["updated_on"],
        availability=r["availability"],
        related_info=r["related_info"],
        resolved_note=r["resolved_note"],
        reason=r["reason"],
        therapeutic_category=r["therapeutic_category"],
        change_date=r["change_date"],
        discontinued_on=r["discontinued_on"],
        first_posted=r["first_posted"],
        product_id=r["product_id"],
    )
