"""The trading partners (and facilities of ours) to notify of an illegitimate product case,
each with why it is listed (DSCSA 582(d)(4)(B)(ii): the dispenser notifies "all immediate
trading partners that it has reason to believe may have received such illegitimate product").

- **Sold it to us** (upstream): the partners of the purchase orders the lots were received
  against, and the sellers of the EPCIS documents that shipped the lots or packages.
- **Received it from us** (downstream): the distributor of every return batch shipped with one
  of the lots (a serial named is listed under its lot: the batch may hold it), and every other
  facility of ours a transfer shipped one of the lots to.

Each partner on record shows what the hospital knows of it: its kind and DSCSA type, whether
it is authorized today and its licences and registrations (kind, number, state). No address
or contact is kept for partners, so none is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rxsupply.domain.clock import Clock, local_day
from rxsupply.domain.suspect_case import CaseState
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.ports.suspect_cases import CaseRecord
from rxsupply.services.references import facility_of
from rxsupply.services.trading_partners import partner_status

UPSTREAM = "sold it to us"
DOWNSTREAM = "received it from us"


@dataclass(slots=True)
class _Listed:
    name: str
    partner_id: int | None
    kind: str  # partner, facility
    directions: set[str] = field(default_factory=set)
    via: list[str] = field(default_factory=list)
    why: list[str] = field(default_factory=list)


def partners_to_notify(uow: UnitOfWork, case: CaseRecord, *, clock: Clock) -> list[_Listed]:
    """Who to notify, by name (see the module); sellers first."""
    found: dict[str, _Listed] = {}

    def add(name: str, partner_id: int | None, kind: str, direction: str, why: str) -> None:
        entry = found.setdefault(name.strip().lower(), _Listed(name.strip(), partner_id, kind))
        entry.partner_id = entry.partner_id or partner_id
        entry.directions.add(direction)
        if why not in entry.why:
            entry.why.append(why)

    lot_ids = [s.lot_id for s in case.subjects]
    identities = [(s.gtin, s.serial) for s in case.subjects if s.gtin and s.serial]
    for seller in uow.suspect_cases.sellers(lot_ids, identities):
        for via in seller.via:
            add(seller.name, seller.partner_id, "partner", UPSTREAM, f"sold it to us: {via}")
        found[seller.name.strip().lower()].via.extend(seller.via)
    labels = {s.lot_id: f"{s.ndc} lot {s.lot_number}" for s in case.subjects}
    serials = {s.lot_id: s.label for s in case.subjects if s.serial}
    whole = {s.lot_id for s in case.subjects if not s.serial}
    for out in uow.suspect_cases.shipped_out(lot_ids):
        what = labels[out.lot_id]
        if out.lot_id not in whole and out.lot_id in serials:
            what = f"{what} (may hold {serials[out.lot_id]})"
        on = "" if out.shipped_at is None else f" on {local_day(out.shipped_at, clock.zone)}"
        if out.kind == "return":
            why = f"received it from us: return batch {out.number} shipped{on} with {what}"
            add(out.to or "distributor not named", out.partner_id, "partner", DOWNSTREAM, why)
            continue
        source, target = facility_of(uow, out.from_code), facility_of(uow, out.to)
        if target is None or source is None or target.code == source.code:
            continue
        why = (
            f"received it from us: transfer {out.number} shipped{on} from {source.code} "
            f"to {out.to} with {what}"
        )
        add(f"{target.name} ({target.code})", None, "facility", DOWNSTREAM, why)
    return sorted(found.values(), key=lambda e: (UPSTREAM not in e.directions, e.name.lower()))


def partner_rows(
    uow: UnitOfWork, case: CaseRecord, state: CaseState, *, clock: Clock
) -> list[dict[str, object]]:
    """The case page's partner table: each partner to notify with why, what is on record of
    it, and whether it was notified; then any partner notified that is not listed."""
    rows = []
    listed = partners_to_notify(uow, case, clock=clock)
    for entry in listed:
        step = state.partners_notified.get(entry.name.lower())
        rows.append(_row(uow, entry, step, clock))
    names = {e.name.lower() for e in listed}
    for key, step in state.partners_notified.items():
        if key not in names:
            rows.append(_row(uow, _Listed(step.partner, None, "partner"), step, clock))
    return rows


def _row(uow: UnitOfWork, entry: _Listed, step: object, clock: Clock) -> dict[str, object]:
    at = getattr(step, "at", None)
    record: dict[str, object] = {
        "partner_kind": None,
        "type": None,
        "authorized": None,
        "authorization_reason": "not a trading partner on record",
        "authorizations": [],
    }
    if entry.kind == "facility":
        record["authorization_reason"] = "a facility of ours"
    elif entry.partner_id is not None:
        status = partner_status(uow, partner=str(entry.partner_id), clock=clock)
        record = {
            "partner_kind": status.partner.kind,
            "type": status.partner.type.value if status.partner.type else None,
            "authorized": status.authorized,
            "authorization_reason": status.reason,
            "authorizations": [
                {"kind": a.kind.value, "number": a.number, "state": a.state, "label": a.label}
                for a in status.authorizations
            ],
        }
    return {
        "name": entry.name,
        "partner_id": entry.partner_id,
        "kind": entry.kind,
        "direction": sorted(entry.directions),
        "via": list(dict.fromkeys(entry.via)),
        "why": entry.why,
        **record,
        "address": None,  # not kept for partners
        "contact": None,
        "notified": step is not None,
        "notified_at": None if at is None else at.isoformat(),
        "notified_by": getattr(step, "user", None),
    }
