"""Trading partners and their authorizations in SQL: :class:`SqlPartners`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Row, case, func, insert, select, update

from rxsupply.adapters import tables as t
from rxsupply.adapters.repositories.bulk_sql import chunks
from rxsupply.domain.trading_partner import (
    Authorization,
    AuthorizationKind,
    Partner,
    PartnerType,
    partner_type_of,
)

_TP = t.trading_partner
_PARTNERS = select(_TP.c.id, _TP.c.name, _TP.c.kind, _TP.c.dscsa_type, _TP.c.edi_id).order_by(
    _TP.c.name
)


def _partner(row: Row[Any, Any, Any, Any, Any]) -> Partner:
    return Partner(
        id=int(row.id),
        name=row.name,
        kind=row.kind,
        type=partner_type_of(row.kind, row.dscsa_type),
        edi_id=row.edi_id,
    )


class SqlPartners:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def find(self, key: str) -> Partner | None:
        tp = t.trading_partner
        text = key.strip()
        where = func.lower(tp.c.name) == text.lower()
        if text.isascii() and text.isdigit() and len(text) <= 9:  # an id, not "²" or 10^23
            where = where | (tp.c.id == int(text))
        # the name exactly as written first ("Acme" before "ACME"), then by id
        exact = case((tp.c.name == text, 0), else_=1)
        row = self.conn.execute(_PARTNERS.where(where).order_by(exact, tp.c.id).limit(1)).first()
        return None if row is None else _partner(row)

    def all(self) -> list[Partner]:
        return [_partner(row) for row in self.conn.execute(_PARTNERS)]

    def by_edi_id(self, edi_id: str) -> Partner | None:
        row = self.conn.execute(_PARTNERS.where(_TP.c.edi_id == edi_id)).first()
        return None if row is None else _partner(row)

    def set_edi_id(self, partner_id: int, edi_id: str | None) -> None:
        self.conn.execute(update(_TP).where(_TP.c.id == partner_id).values(edi_id=edi_id))

    def authorizations(self, partner_ids: Iterable[int]) -> dict[int, list[Authorization]]:
        pa = t.partner_authorization
        ids = sorted(set(partner_ids))
        out: dict[int, list[Authorization]] = {pid: [] for pid in ids}
        for part in chunks(ids):
            for row in self.conn.execute(
                select(pa)
                .where(pa.c.partner_id.in_(part))
                .order_by(pa.c.recorded_at.desc(), pa.c.id.desc())
            ):
                out[int(row.partner_id)].append(
                    Authorization(
                        id=int(row.id),
                        kind=AuthorizationKind(row.kind),
                        number=row.number,
                        state=row.state,
                        expires=row.expires,
                        verified_on=row.verified_on,
                        verified_by=row.verified_by,
                        source=row.source,
                        note=row.note,
                        recorded_at=row.recorded_at,
                    )
                )
        return out

    def by_external_id(self, external_id: str) -> int | None:
        pa = t.partner_authorization
        found = self.conn.execute(
            select(pa.c.partner_id).where(pa.c.external_id == external_id)
        ).scalar_one_or_none()
        return None if found is None else int(found)

    def add_authorization(
        self, partner_id: int, authorization: Authorization, *, external_id: str | None = None
    ) -> int:
        a = authorization
        return int(
            self.conn.execute(
                insert(t.partner_authorization)
                .values(
                    partner_id=partner_id,
                    kind=a.kind.value,
                    number=a.number,
                    state=a.state,
                    expires=a.expires,
                    verified_on=a.verified_on,
                    verified_by=a.verified_by,
                    source=a.source,
                    note=a.note,
                    recorded_at=a.recorded_at,
                    external_id=external_id,
                )
                .returning(t.partner_authorization.c.id)
            ).scalar_one()
        )

    def set_type(self, partner_id: int, partner_type: PartnerType) -> None:
        tp = t.trading_partner
        self.conn.execute(
            update(tp).where(tp.c.id == partner_id).values(dscsa_type=partner_type.value)
        )
