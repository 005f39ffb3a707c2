"""What a suspect product case shows: the reads behind ``rxsupply dscsa case``, the API and the
case page.

- :func:`case_view`: the case, its status (read from its steps), each serial and lot it names
  with its status now and the units held, its steps and evidence, the 24-hour clock to FDA
  once it is illegitimate, and the trading partners to notify with who was notified.
- :func:`list_cases`: the cases, the latest opened first (``open_only``: those still open
  or illegitimate, i.e. still needing work).
- the partners to notify: :mod:`rxsupply.services.dscsa.case_partners` (who sold the lots
  and packages to us, and who received them from us), each with why.
- :func:`form_3911_draft`: the pre-filled FDA Form 3911 of an illegitimate case
  (:func:`rxsupply.domain.form3911.form_3911`).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, tzinfo

from rxsupply.domain.clock import Clock, local_day
from rxsupply.domain.form3911 import CompanyFacts, ProductLot, Reporter, form_3911
from rxsupply.domain.suspect_case import (
    CaseState,
    CaseStatus,
    StepKind,
    case_state,
    fda_clock,
)
from rxsupply.errors import CaseRefused
from rxsupply.services.dscsa.case_partners import partner_rows
from rxsupply.services.dscsa.case_stock import current_status
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.ports.suspect_cases import CaseRecord

OPEN = frozenset({CaseStatus.OPEN, CaseStatus.ILLEGITIMATE})


def _facility(uow: UnitOfWork, facility_id: int) -> tuple[str, str]:
    code = uow.locations.codes([facility_id]).get(facility_id, "")
    found = uow.locations.get(code) if code else None
    return code, found.name if found else code


def zone_name(zone: tzinfo) -> str:
    """The facility zone's name (``America/New_York``)."""
    return str(getattr(zone, "key", None) or zone)


def moment(at: datetime | None, zone: tzinfo) -> dict[str, str] | None:
    """A timestamp as the facility reads it and in UTC: ``local`` with its zone's abbreviation
    (``2026-03-02 14:05 EST``), ``utc`` (``2026-03-02 19:05 UTC``), the ``zone``'s name."""
    if at is None:
        return None
    return {
        "local": f"{at.astimezone(zone):%Y-%m-%d %H:%M %Z}",
        "utc": f"{at.astimezone(UTC):%Y-%m-%d %H:%M} UTC",
        "zone": zone_name(zone),
    }


def _summary(case: CaseRecord, state: CaseState, now: datetime, zone: tzinfo) -> dict[str, object]:
    clock = fda_clock(state, now)
    shown = None
    if clock is not None:
        shown = clock.as_dict() | {
            "due_shown": moment(clock.due, zone),
            "notified_shown": moment(clock.notified_at, zone),
        }
    return {
        "id": case.id,
        "number": case.number,
        "status": state.status.value,
        "disposition": None if state.disposition is None else state.disposition.value,
        "reason": case.reason.value,
        "source": case.source.value,
        "opened_at": case.opened_at.isoformat(),
        "opened_by": case.opened_by,
        "determined_at": None if state.determined_at is None else state.determined_at.isoformat(),
        "subjects": [s.label for s in case.subjects],
        "fda_clock": shown,
    }


def list_cases(
    uow: UnitOfWork, *, clock: Clock, open_only: bool = False, limit: int = 1000
) -> list[dict[str, object]]:
    """The cases, the latest opened first (see the module)."""
    out = []
    for case in uow.suspect_cases.listed(max(1, min(limit, 10_000))):
        state = case_state(case.steps)
        if not open_only or state.status in OPEN:
            out.append(_summary(case, state, clock.now(), clock.zone))
    return out


def case_view(uow: UnitOfWork, case: CaseRecord, *, clock: Clock) -> dict[str, object]:
    """The case page's content (see the module)."""
    state = case_state(case.steps)
    facts = uow.suspect_cases.lot_facts(s.lot_id for s in case.subjects)
    packages = uow.packages.find((s.gtin, s.serial) for s in case.subjects if s.gtin and s.serial)
    subjects = []
    for s in case.subjects:
        fact = facts.get(s.lot_id)
        units = fact.units_held if fact else 0
        if s.gtin and s.serial:
            held = packages.get((s.gtin, s.serial))
            units = held.units if held else 0
        subjects.append(
            {
                "kind": s.kind,
                "label": s.label,
                "product": fact.name if fact else "",
                "ndc": s.ndc,
                "lot": s.lot_number,
                "expiry": None if fact is None or fact.expiry is None else fact.expiry.isoformat(),
                "gtin": s.gtin,
                "serial": s.serial,
                "status": current_status(uow, s).value,
                "status_before": s.status_before.value,
                "blocked_by_case": s.blocked,
                "units_held": units,
            }
        )
    steps = [
        {
            "seq": st.seq,
            "kind": st.kind.value,
            "at": st.at.isoformat(),
            "user": st.user,
            "note": st.note,
            "evidence_name": st.evidence_name,
            "evidence_sha256": st.evidence_sha256,
            "partner": st.partner,
            "incident": st.incident,
        }
        for st in case.steps
    ]
    partners = partner_rows(uow, case, state, clock=clock)
    code, name = _facility(uow, case.facility_id)
    return _summary(case, state, clock.now(), clock.zone) | {
        "facility": {"code": code, "name": name, "zone": zone_name(clock.zone)},
        "subject_details": subjects,
        "steps": steps,
        "evidence": [s for s in steps if s["kind"] == StepKind.EVIDENCE.value],
        "partners": partners,
        "form_3911": state.disposition is CaseStatus.ILLEGITIMATE,
    }


def form_3911_draft(
    uow: UnitOfWork, case: CaseRecord, *, clock: Clock, company: CompanyFacts | None = None
) -> dict[str, object]:
    """The pre-filled FDA Form 3911 of an illegitimate case (``company``: the address,
    facility numbers and contact configured; blank ones are marked to complete); refused
    before the determination."""
    state = case_state(case.steps)
    if state.disposition is not CaseStatus.ILLEGITIMATE or state.determined_at is None:
        raise CaseRefused(f"case {case.number} is not determined illegitimate: no Form 3911")
    facts = uow.suspect_cases.lot_facts(s.lot_id for s in case.subjects)
    whole = {s.lot_id for s in case.subjects if not s.serial}
    serials: dict[int, list[str]] = defaultdict(list)
    for s in case.subjects:
        if s.serial:
            serials[s.lot_id].append(s.serial)
    packages = uow.packages.find((s.gtin, s.serial) for s in case.subjects if s.gtin and s.serial)
    lots = []
    for lot_id in dict.fromkeys(s.lot_id for s in case.subjects):
        fact = facts[lot_id]
        held = received = 0
        if lot_id in whole:
            held, received = fact.units_held, fact.units_received
        else:
            held = received = sum(
                p.units
                for p in packages.values()
                if p.lot_id == lot_id and p.serial in serials[lot_id]
            )
        lots.append(
            ProductLot(
                name=fact.name,
                ndc=fact.ndc,
                dosage_form=fact.dosage_form,
                strength=fact.strength,
                lot=fact.lot_number,
                expiry=fact.expiry,
                dispense_unit=fact.dispense_unit,
                package_size=fact.package_size,
                serials=tuple(serials[lot_id]),
                units_held=held,
                units_received=received,
                generic_name=fact.generic_name,
            )
        )
    determination = next(s for s in case.steps if s.kind is StepKind.ILLEGITIMATE)
    code, name = _facility(uow, case.facility_id)
    notes = [
        f"{local_day(s.at, clock.zone).isoformat()} {s.kind.value.replace('_', ' ')} "
        f"({s.user}): {s.note}"
        for s in case.steps
        if s.note
    ]
    description = (
        f"Suspect product ({case.reason.value.replace('_', ' ')}) noticed by "
        f"{case.source.value.replace('_', ' ')} on {local_day(case.opened_at, clock.zone)}; "
        "quarantined the same day. " + " ".join(notes)
    ).strip()
    stored = uow.users.get(determination.user)
    return form_3911(
        case_number=case.number,
        reason=case.reason,
        source=case.source.value,
        determined_at=determination.at,
        determined_on=local_day(determination.at, clock.zone),
        description=description,
        lots=lots,
        reporter=Reporter(
            facility=name,
            facility_code=code,
            user=determination.user,
            user_name=stored.user.display_name if stored is not None else "",
            company=company or CompanyFacts(),
        ),
    )
