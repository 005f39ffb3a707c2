"""The refill run's use cases: start a run from the pick list, confirm it package by package at
the pockets, complete or cancel it (the rules are in :mod:`rxsupply.domain.refilling`).

Each confirmation is one ledger refill (storeroom to pocket, the line's lot) in the same
transaction as the line's progress; on a pull line (expired units the daily sweep left in a
pocket, :mod:`rxsupply.services.expiry_sweep`) it is a transfer from the pocket into the
facility's quarantine location. Confirmations of one run are taken one at a time (the run
is locked), and each carries the run, the line and the units confirmed before it as its
external id, so the ledger never posts the same step of a line twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rxsupply.domain.clock import Clock
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.limits import LedgerLimits
from rxsupply.domain.location import Location, LocationKind
from rxsupply.domain.refilling import RefillLine, RefillRun, RunStatus
from rxsupply.errors import InvalidValue, NotFound, RefillRefused, RxSupplyError
from rxsupply.services.audit import record, require_user
from rxsupply.services.expiry_sweep import expired_pulls
from rxsupply.services.ledger import Move, Posted, post
from rxsupply.services.picking import refill_pick_list
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.references import find_product


def start_refill_run(
    uow: UnitOfWork,
    *,
    user: str,
    clock: Clock,
    cabinets: Sequence[str] = (),
    route: str = "",
) -> RefillRun:
    """Save the pick list of ``cabinets`` (in that order: the route), or of every cabinet, as
    an open run, with the pulls of the expired units in their pockets. A cabinet already on an
    open run is refused (two runs would fill its pockets twice); so is a run with nothing to
    refill or pull."""
    require_user(user)
    by_code = {loc.code: loc for loc in uow.locations.all()}
    for code in cabinets:
        if by_code.get(code) is None or by_code[code].kind is not LocationKind.ADC:
            raise NotFound("cabinet", code, "name ADC locations (rxsupply locations)")
    if len(set(cabinets)) != len(cabinets):
        raise InvalidValue("cabinet", "a cabinet is named twice in the route")
    picked = refill_pick_list(uow, clock=clock, cabinets=cabinets)
    pulls = [
        p
        for p in expired_pulls(uow, clock=clock, cabinets=cabinets)
        if p.in_pocket and p.to_location is not None
    ]
    by_id = {loc.id: loc for loc in by_code.values()}
    cabinet_of = {p.pocket: _cabinet(by_code[p.pocket], by_id) for p in picked}
    cabinet_of.update({p.location: p.cabinet or "" for p in pulls})
    # the pockets' rows are locked before the open runs are read: two technicians starting
    # runs of one cabinet at once take turns, and the second sees the first's run
    uow.ledger.pocket_units(
        {by_code[p.pocket].id or 0 for p in picked} | {by_code[p.location].id or 0 for p in pulls},
        lock=True,
    )
    busy = uow.refill_runs.open_cabinets()
    taken = sorted({c for c in cabinet_of.values() if c in busy})
    if taken:
        raise RefillRefused(
            "; ".join(f"{c} is on open run {busy[c]}" for c in taken)
            + ": complete or cancel that run first"
        )
    if not picked and not pulls:
        where = ", ".join(cabinets) if cabinets else "any cabinet"
        raise RefillRefused(
            f"nothing to refill: no pocket of {where} is at or below its min or holds expired units"
        )
    order = {c: n for n, c in enumerate(cabinets)}
    lines = [
        RefillLine(
            line_number=0,
            cabinet=cabinet_of[p.pocket],
            pocket=p.pocket,
            item=p.item,
            from_location=p.from_location,
            ndc=p.ndc,
            lot=p.lot,
            expiry=p.expiry,
            quantity=p.quantity,
            short=p.short,
            remove=p.remove,
        )
        for p in picked
    ] + [
        RefillLine(
            line_number=0,
            cabinet=p.cabinet or "",
            pocket=p.location,
            item=p.item,
            from_location=p.location,
            ndc=p.ndc,
            lot=p.lot,
            expiry=p.expiry,
            quantity=p.quantity,
            to_location=p.to_location or "",
        )
        for p in pulls
    ]
    # by the route, then pocket by pocket: a pocket's pulls (what comes out) before its refill
    lines.sort(key=lambda ln: (order.get(ln.cabinet, 0), ln.cabinet, ln.pocket, not ln.pull))
    for n, line in enumerate(lines, start=1):
        line.line_number = n
    now = clock.now()
    run = RefillRun(
        number="",
        route=route.strip() or " > ".join(dict.fromkeys(ln.cabinet for ln in lines)),
        status=RunStatus.OPEN,
        created_by=user,
        created_at=now,
        lines=lines,
    )
    run.number = uow.refill_runs.add(run)
    record(
        uow,
        user=user,
        action="start",
        entity="refill_run",
        key=run.number,
        now=now,
        after={
            "cabinets": run.cabinets,
            "lines": len(run.lines),
            "units": run.units,
            "pull_units": run.pull_units,
        },
    )
    uow.commit()
    return get_refill_run(uow, run.number, clock=clock)


def units_over(posted: Posted, units: int | None) -> str:
    """What a confirmation of ``units`` put in (from an opened package) says of the units the
    line had no room left for: they are not recorded, and go back ("" when there are none)."""
    if posted.duplicate or units is None:
        return ""
    over = units - sum(m.quantity for m in posted.movements)
    if over <= 0:
        return ""
    return (
        f"{over} of the {units} units put in are more than the line had left: not recorded, "
        "take them back"
    )


def confirm_refill(
    uow: UnitOfWork,
    *,
    run: str,
    pocket: str,
    product: str,
    lot: str,
    user: str,
    clock: Clock,
    units: int | None = None,
    limits: LedgerLimits | None = None,
) -> tuple[RefillRun, RefillLine, Posted]:
    """Confirm a package of ``product`` (NDC or GTIN) and ``lot`` scanned at ``pocket``: its
    units (or ``units``, counted from an opened package), never more than the line holds,
    posted as a refill from the line's storeroom unless the cabinet reported them already. On
    a pull line, the units taken out (``units``, else all the line has left) move from the
    pocket into quarantine.
    The run after, its line, and the posting (no movements when nothing was posted;
    ``duplicate`` when it was sent before)."""
    require_user(user)
    found = _open_run(uow, run, lock=True)
    scanned = find_product(uow, product)
    ndc = str(scanned.ndc)
    line = found.line_for(pocket.strip(), ndc, lot.strip())
    # a pull line done has nothing left: its quantity then, which the line refuses as filled
    default = (line.left or line.quantity) if line.pull else scanned.package_size
    counted, to_post = line.scan(default if units is None else units)
    result = Posted(movements=[])
    if to_post > 0:
        (answer,) = post(
            uow,
            [
                Move(
                    user=user,
                    from_location=line.pocket if line.pull else line.from_location,
                    to_location=line.to_location if line.pull else line.pocket,
                    product=ndc,
                    lot=line.lot,
                    quantity=to_post,
                    refill=not line.pull,
                    reference=found.number,
                    external_id=ExternalId(
                        "refill", f"{found.number}:{line.line_number}:{line.confirmed}"
                    ),
                )
            ],
            clock=clock,
            limits=limits,
            commit=False,
        )
        if isinstance(answer, RxSupplyError):
            uow.rollback()
            raise answer
        assert isinstance(answer, Posted)
        result = answer
    if not result.duplicate:
        uow.refill_runs.progress(
            line.id or 0, scanned=counted, reported=0, posted=to_post, user=user, at=clock.now()
        )
    uow.commit()
    after = get_refill_run(uow, found.number, clock=clock)
    return after, next(ln for ln in after.lines if ln.id == line.id), result


def complete_refill_run(uow: UnitOfWork, *, run: str, user: str, clock: Clock) -> RefillRun:
    """Close an open run; what its lines still lack stays on them (the run's shortfall)."""
    return _close(uow, run, RunStatus.COMPLETED, user=user, clock=clock)


def cancel_refill_run(uow: UnitOfWork, *, run: str, user: str, clock: Clock) -> RefillRun:
    """Cancel an open run before anything is confirmed (after, complete it: what was refilled
    stays refilled)."""
    return _close(uow, run, RunStatus.CANCELLED, user=user, clock=clock)


def get_refill_run(uow: UnitOfWork, run: str, *, clock: Clock) -> RefillRun:
    """A run with its lines, each with its lot's status on the facility's day (a lot blocked
    or expired since the run started is marked on the lines that still take from it)."""
    found = uow.refill_runs.get(run.strip().upper())
    if found is None:
        raise NotFound("refill run", run)
    _note_lots(uow, found.lines, today=clock.today())
    return found


def list_refill_runs(
    uow: UnitOfWork, *, status: RunStatus | None = None, limit: int = 100
) -> list[RefillRun]:
    return uow.refill_runs.listed(status=status, limit=limit)


def _open_run(uow: UnitOfWork, run: str, *, lock: bool = False) -> RefillRun:
    found = uow.refill_runs.get(run.strip().upper(), lock=lock)
    if found is None:
        raise NotFound("refill run", run)
    if found.status is not RunStatus.OPEN:
        raise RefillRefused(f"refill run {found.number} is {found.status.value}")
    return found


def _close(uow: UnitOfWork, run: str, status: RunStatus, *, user: str, clock: Clock) -> RefillRun:
    require_user(user)
    found = _open_run(uow, run, lock=True)
    if status is RunStatus.CANCELLED and (found.confirmed or found.pulled):
        done = [f"{found.confirmed:,} units confirmed"] if found.confirmed else []
        done += [f"{found.pulled:,} units pulled"] if found.pulled else []
        raise RefillRefused(
            f"refill run {found.number} has {' and '.join(done)}: complete it instead"
        )
    now = clock.now()
    if not uow.refill_runs.close(
        found.id or 0, allowed=[RunStatus.OPEN], status=status, user=user, at=now
    ):
        raise RefillRefused(f"refill run {found.number} was closed by someone else just now")
    verb = "complete" if status is RunStatus.COMPLETED else "cancel"
    record(
        uow,
        user=user,
        action=verb,
        entity="refill_run",
        key=found.number,
        now=now,
        after={
            "units": found.units,
            "confirmed": found.confirmed,
            "pulled": found.pulled,
            "left": {ln.pocket: ln.left for ln in found.lines if ln.left and not ln.pull},
            "not_pulled": {ln.pocket: ln.left for ln in found.lines if ln.left and ln.pull},
        },
    )
    uow.commit()
    return get_refill_run(uow, found.number, clock=clock)


def _note_lots(uow: UnitOfWork, lines: Sequence[RefillLine], *, today: date) -> None:
    with_lot = [ln for ln in lines if ln.lot]
    product_ids = uow.products.ids_by("ndc", {ln.ndc for ln in with_lot})
    keys = {(product_ids[ln.ndc], ln.lot) for ln in with_lot if ln.ndc in product_ids}
    lots = uow.lots.lookup(keys)
    for ln in with_lot:
        found = lots.get((product_ids.get(ln.ndc, 0), ln.lot))
        if found is not None:
            ln.note_lot(found.status, expiry=found.expiry, today=today)


def _cabinet(pocket: Location, by_id: dict[int | None, Location]) -> str:
    parent = by_id.get(pocket.parent_id)
    return parent.code if parent is not None else pocket.code
