"""The one way stock changes: commands posted together in one transaction.

:func:`post` takes any commands (receipts, transfers, refills, dispenses, wastes, patient
returns, returns to vendor, adjustments, counts, quarantines and releases) from any face and
posts each as if it were alone and in order: it claims the command's external id (a resend is
a duplicate that writes nothing), prepares and checks it, locks the stock lines it touches,
applies it, and writes its movements, on-hand changes, package and status changes and its own
audit entry together. A command that fails gets its error in the answer and leaves no trace
(its claim is released, so a resend is posted); the others are written. A batch costs a
handful of statements whatever its size; it is cut where an external id comes again, so the
repeat sees what the first did.

Bulk posting (imports, the demo build) uses the same steps through
:class:`rxsupply.services.ledger.bulk.Bulk`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeGuard

from rxsupply.domain.clock import Clock
from rxsupply.domain.fields import check_text
from rxsupply.domain.limits import LedgerLimits
from rxsupply.domain.serial import Packages
from rxsupply.domain.status import StockStatus
from rxsupply.errors import InvalidValue, RxSupplyError
from rxsupply.services.ledger.adjusting import prepare_adjust, prepare_status
from rxsupply.services.ledger.auditing import command_audit, suspect_audit
from rxsupply.services.ledger.commands import (
    Adjust,
    Command,
    Dispense,
    Move,
    Open,
    Posted,
    Receive,
    Repackage,
    ReturnToVendor,
)
from rxsupply.services.ledger.lookups import Lookups
from rxsupply.services.ledger.moving import prepare_dispense, prepare_move, prepare_return_to_vendor
from rxsupply.services.ledger.receiving import prepare_receive
from rxsupply.services.ledger.repackaging import prepare_repackage
from rxsupply.services.ledger.steps import Context, Done, Step, Stock
from rxsupply.services.ports import AuditEntry, StatusChange, UnitOfWork


def prepare(ctx: Context, cmd: Command) -> Step:
    """Check a command against the records it names; the step that applies it."""
    if isinstance(cmd, Dispense):  # the most frequent first
        return prepare_dispense(ctx, cmd)
    if isinstance(cmd, Receive):
        return prepare_receive(ctx, cmd)
    if isinstance(cmd, Move):
        return prepare_move(ctx, cmd)
    if isinstance(cmd, ReturnToVendor):
        return prepare_return_to_vendor(ctx, cmd)
    if isinstance(cmd, Adjust):
        return prepare_adjust(ctx, cmd)
    if isinstance(cmd, Repackage | Open):
        return prepare_repackage(ctx, cmd)
    return prepare_status(ctx, cmd)


def preload(found: Lookups, commands: Sequence[Command]) -> None:
    """Read what a batch names in a few queries (codes that could not be valid are left to
    their command to refuse)."""
    locations: set[str] = set()
    items: set[str] = set()
    products: set[str] = set()
    for c in commands:
        for name in ("location", "from_location", "to_location", "pocket"):
            value = getattr(c, name, None)
            if _plausible(value):
                locations.add(value)
        item = getattr(c, "item", None)
        if _plausible(item):
            items.add(item)
        product = getattr(c, "product", None)
        if _plausible(product):
            products.add(product.strip())
    found.preload(locations=locations, items=items, products=products)


def _plausible(value: object) -> TypeGuard[str]:
    """A code worth looking up: text of a code's length without control characters."""
    if not isinstance(value, str) or len(value) > 64:
        return False
    try:
        check_text("code", value, limit=64)
    except InvalidValue:
        return False
    return True


def load_stock(uow: UnitOfWork, steps: Iterable[Step]) -> Stock:
    """The stock lines the steps touch, locked, with the sealed packages on them."""
    steps = list(steps)
    book = uow.ledger.load_book(
        roots={r for s in steps for r in s.location_ids},
        product_ids={p for s in steps for p in s.product_ids},
        lock=True,
    )
    lots = {key[2] for key in book.on_hand}
    packages = Packages.of(uow.packages.sealed(lots) if lots else [])
    book.held = packages.held()
    pockets = {p for s in steps for p in s.pockets}
    units = uow.ledger.pocket_units(pockets, lock=True) if pockets else {}
    return Stock(book, packages, pocket_units=units)


def write(uow: UnitOfWork, stock: Stock, done: Sequence[Done], *, ctx: Context) -> bool:
    """Write what the built commands did (and the suspect flags raised on the way); True when
    anything was written."""
    movements = [m for d in done for m in d.movements]
    found = [x for d in done for x in d.discrepancies]
    flags = _flag_suspects(stock, ctx)
    if movements:
        uow.ledger.write(movements, stock.book.deltas, now=ctx.now)
    if found:
        uow.discrepancies.add_many(found, now=ctx.now)
    packages = stock.packages
    if packages.added:
        uow.packages.add_many(packages.added, now=ctx.now)
        # a package received blocked (held by a DSCSA exception): its status history starts
        # with the block, under who received it (the ids came back with the rows)
        stock.status_changes.extend(
            StatusChange(
                ctx.now, p.lot_id, p.status, p.status_reason, p.received_by, package_id=p.id
            )
            for p in packages.added
            if p.status.blocked and p.id is not None
        )
    if packages.changed:
        uow.packages.update_many(list(packages.changed.values()), now=ctx.now)
    if stock.status_changes:
        uow.lots.set_status(stock.status_changes)
    if flags:
        uow.audit.add_many(flags)
    return bool(
        movements or found or packages.added or packages.changed or stock.status_changes or flags
    )


def _flag_suspects(stock: Stock, ctx: Context) -> list[AuditEntry]:
    """A serial received again flags the package first received suspect (if still sealed)."""
    out: list[AuditEntry] = []
    for package, by, message in stock.flagged:
        out.append(suspect_audit(package, by=by, message=message, now=ctx.now))
        if package.sealed and package.status is not StockStatus.SUSPECT:
            stock.packages.set_status(package, StockStatus.SUSPECT, message[:500])
            if package.id is not None:
                stock.status_changes.append(
                    StatusChange(
                        ctx.now,
                        package.lot_id,
                        StockStatus.SUSPECT,
                        message[:500],
                        by,
                        package_id=package.id,
                    )
                )
    stock.flagged.clear()
    return out


def post(
    uow: UnitOfWork,
    commands: Sequence[Command],
    *,
    clock: Clock,
    limits: LedgerLimits | None = None,
    commit: bool = True,
) -> list[Posted | RxSupplyError]:
    """Post commands in one transaction, each as if alone and in order; commits when anything
    was written (unless ``commit`` is off: the caller commits, or rolls back when one command
    failed and the batch must be all or nothing). Each answer is what its command did, a
    duplicate, or its error."""
    ctx = Context(Lookups(uow), clock, limits or LedgerLimits(), clock.now())
    preload(ctx.found, commands)
    results: list[Posted | RxSupplyError] = []
    wrote = False
    for part in _parts(commands):
        answers, written = _post_part(uow, ctx, part)
        results.extend(answers)
        wrote = wrote or written
    if not commit:
        return results
    if wrote:
        uow.commit()
    else:
        uow.rollback()
    return results


def post_one(
    uow: UnitOfWork, command: Command, *, clock: Clock, limits: LedgerLimits | None = None
) -> Posted:
    """Post one command; its error is raised."""
    (result,) = post(uow, [command], clock=clock, limits=limits)
    if isinstance(result, RxSupplyError):
        raise result
    return result


def _parts(commands: Sequence[Command]) -> list[Sequence[Command]]:
    """The commands in runs in which no external id comes twice."""
    parts: list[Sequence[Command]] = []
    start, seen = 0, set[str]()
    for n, cmd in enumerate(commands):
        if cmd.external_id is not None:
            ext = str(cmd.external_id)
            if ext in seen:
                parts.append(commands[start:n])
                start, seen = n, set()
            seen.add(ext)
    parts.append(commands[start:])
    return parts


def _post_part(
    uow: UnitOfWork, ctx: Context, commands: Sequence[Command]
) -> tuple[list[Posted | RxSupplyError], bool]:
    """Post commands with distinct external ids, without committing; True when anything was
    written. The claims of those that failed are released."""
    results: list[Posted | RxSupplyError | None] = [None] * len(commands)
    ids = [str(c.external_id) for c in commands if c.external_id is not None]
    claimed = uow.ledger.claim_many(ids, ctx.now) if ids else set()
    owner: dict[str, int] = {}  # external id -> the command that claimed it
    prepared: list[tuple[int, Step]] = []
    for n, cmd in enumerate(commands):
        if cmd.external_id is not None:
            ext = str(cmd.external_id)
            if ext not in claimed:
                results[n] = Posted(duplicate=True)
                continue
            owner[ext] = n
        try:
            prepared.append((n, prepare(ctx, cmd)))
        except RxSupplyError as exc:
            results[n] = exc
    ctx.found.resolve_lots()
    todo: list[tuple[int, Step]] = []
    for n, step in prepared:
        try:
            if step.check is not None:
                step.check()
        except RxSupplyError as exc:
            results[n] = exc
            continue
        todo.append((n, step))
    stock = load_stock(uow, (s for _, s in todo))
    done: list[Done] = []
    audits: list[AuditEntry] = []
    for n, step in todo:
        try:
            did = step.build(stock)  # all or nothing: a build checks before it changes
        except RxSupplyError as exc:
            results[n] = exc
            continue
        stock.account(did.movements)
        results[n] = Posted(
            movements=did.movements, changed=did.changed, discrepancies=did.discrepancies
        )
        done.append(did)
        audits.append(
            command_audit(stock.book, commands[n], did, now=ctx.now, user=commands[n].user)
        )
    failed = [k for k, n in owner.items() if not _written(results[n])]
    if failed:
        uow.ledger.release(failed)
    ctx.found.drop_unclaimed()
    written = write(uow, stock, done, ctx=ctx)
    if audits:
        uow.audit.add_many(audits)
    out = [r for r in results if r is not None]
    assert len(out) == len(commands)
    return out, written or bool(audits)


def _written(result: Posted | RxSupplyError | None) -> bool:
    return isinstance(result, Posted) and not result.duplicate
