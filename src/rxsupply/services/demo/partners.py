"""The demo hospital's trading partners' authorizations: each wholesaler's state wholesale
licence as checked on the state board's lookup and in FDA's WDD database, the primary's
licence before its renewal (expired) kept on file, and the secondary's licence running out
within 30 days, so the partners page has one to renew. The primary's EDI id is on file
(``DEMOWHOLESALEDR``, the sender of ``examples/x12``): its ship notices, invoices and
acknowledgements are checked to come from it; the others' are accepted, saying they were not.

Dated from the demo's today: valid today and over the demo's recent days (the demo's own
history of receipts is written through the ledger directly and is not checked).
"""

from __future__ import annotations

from datetime import timedelta

from rxsupply.domain.clock import Clock
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.trading_partners import (
    PartnerStatus,
    partner_statuses,
    record_authorization,
    set_edi_id,
)

STATE_BOARD = "PA State Board of Pharmacy licence verification; FDA WDD database: reported"
PRIMARY_EDI_ID = "DEMOWHOLESALEDR"
"""The interchange sender id (ISA06) of the primary wholesaler's X12 documents."""


def seed_authorizations(uow: UnitOfWork, *, clock: Clock, user: str) -> list[PartnerStatus]:
    """Record the demo wholesalers' licences (commits each): the primary wholesaler's, and
    each other wholesaler's, and the primary's EDI id; every partner's status after."""
    today = clock.today()
    primary = uow.prices.primary_wholesaler()
    others = sorted(p.name for p in uow.partners.all() if p.kind == "wholesaler")
    licences = [
        # (partner, number, expires in, verified days ago, note)
        (primary, "WHS-4471-PA", -65, 430, "before its renewal"),
        (primary, "WHS-5127-PA", 300, 70, "renewed licence"),
    ] + [
        (name, f"WHS-{2208 + n}-PA", 21, 200, "renewal applied for")
        for n, name in enumerate(o for o in others if o != primary)
    ]
    for partner, number, expires_in, verified_ago, note in licences:
        if partner is None:
            continue
        record_authorization(
            uow,
            partner=partner,
            kind="state_wholesale_license",
            number=number,
            state="PA",
            expires=today + timedelta(days=expires_in),
            verified_on=today - timedelta(days=verified_ago),
            source=STATE_BOARD,
            note=note,
            user=user,
            clock=clock,
        )
    if primary is not None:
        set_edi_id(uow, partner=primary, edi_id=PRIMARY_EDI_ID, user=user, clock=clock)
    return partner_statuses(uow, clock=clock)
