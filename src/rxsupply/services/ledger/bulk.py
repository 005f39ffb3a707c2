"""Bulk posting: a file import or the demo build, through the same steps as :func:`post`.

An import validates every command before anything is written and rejects the whole file when
one fails (``run`` answers each command's outcome; the import turns errors into file, row and
field messages). The demo build applies commands one at a time against stock it loaded once
(``apply``), reading the book in between to decide its refills. Either way everything is
written together at the end, with one audit entry for the import or the build, in the
caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rxsupply.domain.clock import Clock
from rxsupply.domain.discrepancy import Discrepancy
from rxsupply.domain.limits import LedgerLimits
from rxsupply.domain.movement import Movement
from rxsupply.domain.serial import Packages
from rxsupply.errors import InvalidMovement, RxSupplyError
from rxsupply.services.ledger.commands import Command, Posted
from rxsupply.services.ledger.lookups import Lookups
from rxsupply.services.ledger.posting import load_stock, preload, prepare, write
from rxsupply.services.ledger.steps import Context, Done, Step, Stock
from rxsupply.services.ports import AuditEntry, UnitOfWork

Outcome = Done | Posted | RxSupplyError
"""A command's outcome in bulk: what it did, a duplicate (``Posted``), or its error."""


class Bulk:
    """One import or build: commands applied to one stock, written together."""

    def __init__(
        self,
        uow: UnitOfWork,
        *,
        clock: Clock,
        limits: LedgerLimits | None = None,
        scope: tuple[Iterable[int], Iterable[int]] | None = None,
    ) -> None:
        """``scope`` (root locations, products) loads the stock up front, for ``apply``."""
        self.uow = uow
        self.ctx = Context(Lookups(uow), clock, limits or LedgerLimits(), clock.now())
        self.stock: Stock | None = None
        self.movements: list[Movement] = []
        self.discrepancies: list[Discrepancy] = []
        self.external_ids: list[str] = []
        self._seen: set[str] = set()
        if scope is not None:
            roots, products = scope
            tree = uow.locations.subtree()
            wanted = set(roots)
            below = {d for r in wanted for d in tree.get(r, (r,))[1:]}
            book = uow.ledger.load_book(roots=wanted - below, product_ids=products, lock=True)
            book.subtree = tree
            book.names = {**uow.locations.codes(book.subtree), **book.names}
            lots = {key[2] for key in book.on_hand}
            packages = Packages.of(uow.packages.sealed(lots) if lots else [])
            book.held = packages.held()
            units = uow.ledger.pocket_units(None, lock=True)  # every pocket
            self.stock = Stock(book, packages, pocket_units=units)

    @property
    def found(self) -> Lookups:
        return self.ctx.found

    def run(self, commands: Sequence[Command]) -> list[Outcome]:
        """Prepare every command, then apply them in order; each gets its outcome. Commands
        whose external id is recorded (or came earlier in the list) are duplicates."""
        preload(self.found, commands)
        ids = [str(c.external_id) for c in commands if c.external_id is not None]
        recorded = self.uow.ledger.recorded(ids) if ids else set()
        outcomes: list[Outcome | None] = [None] * len(commands)
        prepared: list[tuple[int, Step]] = []
        for n, cmd in enumerate(commands):
            if cmd.external_id is not None:
                ext = str(cmd.external_id)
                if ext in recorded or ext in self._seen:
                    outcomes[n] = Posted(duplicate=True)
                    continue
                self._seen.add(ext)
            try:
                prepared.append((n, prepare(self.ctx, cmd)))
            except RxSupplyError as exc:
                outcomes[n] = exc
        self.found.resolve_lots()
        todo: list[tuple[int, Step]] = []
        for n, step in prepared:
            try:
                if step.check is not None:
                    step.check()
                todo.append((n, step))
            except RxSupplyError as exc:
                outcomes[n] = exc
        if self.stock is None:
            self.stock = load_stock(self.uow, (s for _, s in todo))
        for n, step in todo:
            outcomes[n] = self._build(commands[n], step)
        out = [o for o in outcomes if o is not None]
        assert len(out) == len(commands)
        return out

    def apply(self, command: Command) -> Done:
        """Apply one command now (the stock was loaded for the build's scope); raises its
        error, and then it left no trace."""
        if self.stock is None:
            raise InvalidMovement("bulk posting one at a time needs its stock loaded up front")
        if command.external_id is not None:
            ext = str(command.external_id)
            if ext in self._seen:
                raise InvalidMovement(f"external id {ext} came twice in one build")
            self._seen.add(ext)
        step = prepare(self.ctx, command)
        self.found.resolve_lots()
        if step.check is not None:
            step.check()
        done = self._build(command, step)
        if isinstance(done, RxSupplyError):
            raise done
        return done

    def _build(self, cmd: Command, step: Step) -> Done | RxSupplyError:
        assert self.stock is not None
        try:
            done = step.build(self.stock)
        except RxSupplyError as exc:
            if cmd.external_id is not None:
                self._seen.discard(str(cmd.external_id))
            return exc
        self.stock.account(done.movements)
        self.movements.extend(done.movements)
        self.discrepancies.extend(done.discrepancies)
        if cmd.external_id is not None:
            self.external_ids.append(str(cmd.external_id))
        return done

    def write(self, audit: AuditEntry | None) -> int:
        """Write everything applied, with one audit entry; the number of movements."""
        if self.stock is None:
            return 0
        self.found.drop_unclaimed()
        movements = self.movements
        if movements or self.external_ids:
            # external ids are recorded with the movements (nothing else claims them in a bulk
            # transaction; a concurrent import of the same file fails on their unique key, and
            # the unit of work's retry then finds them recorded), also those of reports that
            # left only a discrepancy
            self.uow.ledger.write(
                movements, self.stock.book.deltas, now=self.ctx.now, external_ids=self.external_ids
            )
        if self.discrepancies:
            self.uow.discrepancies.add_many(self.discrepancies, now=self.ctx.now)
        written = write(self.uow, self.stock, [], ctx=self.ctx)
        if audit is not None and (movements or self.discrepancies or written):
            self.uow.audit.add(audit)
        self.movements, self.external_ids, self.discrepancies = [], [], []
        return len(movements)
