"""Drug shortages a user or the purchasing flow raises, and reading shortages.

- :func:`add_shortage`: a user records a shortage of a formulary item (a wholesaler's
  backorder notice, a manufacturer's letter): source ``manual``, keyed by the item, matched to
  it (method ``item``), its products (or the one NDC named) as its presentations. Adding it
  again while it is current updates its reason and note; after it was resolved, reopens it.
- :func:`raise_backorder_shortages`: a purchase order line the wholesaler backordered raises a
  shortage of source ``backorder`` for the line's item, or attaches to the one already current
  (the product added, an ``updated`` event). It runs inside the use case that records the
  backorder (the 855 acknowledgement), in its transaction, and does not commit.
- :func:`resolve_shortage`: a user marks a shortage resolved (a later FDA record may open an
  FDA shortage again), and may reverse its conservation settings with it.

Every change names its user, is written with its event in the shortage's log, and is audited.
The FDA list is imported by :mod:`rxsupply.services.shortage_feed`.
"""

from __future__ import annotations

from datetime import date

from rxsupply.domain.clock import Clock
from rxsupply.domain.fields import check_text, required_text
from rxsupply.domain.ndc_text import WrittenNDC
from rxsupply.domain.product import Product
from rxsupply.domain.purchasing import OrderLine
from rxsupply.domain.shortage import (
    EventKind,
    Match,
    MatchMethod,
    Presentation,
    Shortage,
    ShortageEvent,
    ShortageSource,
    ShortageStatus,
    presentation_key,
)
from rxsupply.errors import InvalidValue, NotFound, ShortageRefused, UnknownItem
from rxsupply.services.audit import record, require_user
from rxsupply.services.conservation import revert_settings
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.references import resolve_products


def get_shortage(uow: UnitOfWork, shortage_id: int) -> Shortage:
    """One shortage with its presentations, NDCs, matched items and event log."""
    found = uow.shortages.get(shortage_id) if 0 < shortage_id < 2**31 else None
    if found is None:
        raise NotFound("shortage", shortage_id)
    return found


def list_shortages(uow: UnitOfWork, *, active: bool = False, limit: int = 1000) -> list[Shortage]:
    """Shortages, the latest updated first; ``active``: only current ones."""
    status = ShortageStatus.CURRENT if active else None
    return uow.shortages.listed(status=status, limit=max(1, min(limit, 10_000)))


def add_shortage(
    uow: UnitOfWork,
    *,
    item: str,
    reason: str,
    user: str,
    clock: Clock,
    note: str = "",
    ndc: str | None = None,
) -> Shortage:
    """Record a shortage of a formulary item by hand (see the module); commits."""
    require_user(user)
    reason = required_text("reason", reason, limit=500, why="say why it is short")
    note = check_text("note", note, limit=2000).strip()
    found = uow.items.get(check_text("item", item, limit=64).strip())
    if found is None or found.id is None:
        raise UnknownItem(item)
    products = _products(uow, found.product_ids, ndc, item=found.code)
    shortage = _raise(
        uow,
        source=ShortageSource.MANUAL,
        item_id=found.id,
        item_code=found.code,
        item_name=found.name,
        products=products,
        reason=reason,
        note=note,
        user=user,
        clock=clock,
    )
    uow.commit()
    return get_shortage(uow, shortage)


def resolve_shortage(
    uow: UnitOfWork,
    *,
    shortage_id: int,
    user: str,
    clock: Clock,
    note: str = "",
    revert: bool = False,
) -> Shortage:
    """Mark a current (or discontinued) shortage resolved today; commits. ``revert``: its
    conservation settings in force are reversed in the same transaction (PAR levels restored,
    restrictions and limits lifted; :func:`rxsupply.services.conservation.revert_settings`)."""
    require_user(user)
    note = check_text("note", note, limit=2000).strip()
    found = get_shortage(uow, shortage_id)
    if found.status is ShortageStatus.RESOLVED:
        raise ShortageRefused(f"shortage {shortage_id} was resolved on {found.resolved_on}")
    before = found.status
    found.status, found.resolved_on = ShortageStatus.RESOLVED, clock.today()
    if note:
        found.note = note
    _change(uow, found, EventKind.RESOLVED, f"status {before.value} -> resolved", user, clock)
    if revert:
        revert_settings(uow, found, user=user, clock=clock, reason="the shortage was resolved")
    uow.commit()
    return get_shortage(uow, shortage_id)


def raise_backorder_shortages(
    uow: UnitOfWork, *, order: str, wholesaler: str, lines: list[OrderLine], user: str, clock: Clock
) -> list[int]:
    """Raise (or attach to) a ``backorder`` shortage for each line's item, in the caller's
    transaction (no commit). Returns the shortages' ids."""
    raised: list[int] = []
    items = uow.items.get_many({ln.item_code for ln in lines if ln.item_code})
    for ln in lines:
        found = items.get(ln.item_code)
        if found is None or found.id is None:
            continue  # a line of no formulary item: nothing to match a shortage to
        products = _products(uow, [ln.product_id], None, item=found.code)
        raised.append(
            _raise(
                uow,
                source=ShortageSource.BACKORDER,
                item_id=found.id,
                item_code=found.code,
                item_name=found.name,
                products=products,
                reason=f"{wholesaler} backordered {ln.ndc} on order {order} line {ln.line_number}",
                note="",
                user=user,
                clock=clock,
            )
        )
    return raised


def _products(
    uow: UnitOfWork, product_ids: list[int], ndc: str | None, *, item: str
) -> list[Product]:
    """The item's products, or the one NDC named (which must be one of them)."""
    if ndc:
        pid = resolve_products(uow, [ndc]).get(ndc)
        if not isinstance(pid, int):
            raise InvalidValue("ndc", str(pid), ndc)
        if pid not in product_ids:
            raise InvalidValue("ndc", f"{ndc} is not a product of item {item}", ndc)
        product_ids = [pid]
    found = uow.products.find_many("id", [str(p) for p in product_ids])
    return [found[str(p)] for p in product_ids if str(p) in found]


def _presentation(product: Product, today: date) -> Presentation:
    """A product named by a user or an order line, as a presentation of its shortage."""
    ndc = product.ndc
    written = WrittenNDC(str(ndc), ndc, ndc.ndc11, ndc.digits)
    text = " ".join(f"{product.name} {product.package_description}".split())
    return Presentation(
        key=presentation_key(product.labeler, text, [written]),
        company=product.labeler,
        text=text,
        status=ShortageStatus.CURRENT,
        updated_on=today,
        first_posted=today,
        ndcs=[written],
        product_id=product.id,
    )


def _raise(
    uow: UnitOfWork,
    *,
    source: ShortageSource,
    item_id: int,
    item_code: str,
    item_name: str,
    products: list[Product],
    reason: str,
    note: str,
    user: str,
    clock: Clock,
) -> int:
    """Raise the item's shortage of this source, or update (reopen) the one there is."""
    today, now = clock.today(), clock.now()
    presentations = [_presentation(p, today) for p in products]
    stored = uow.shortages.find(source, [item_code]).get(item_code)
    if stored is None:
        generic = next((p.generic_name for p in products if p.generic_name), item_name)
        shortage = Shortage(
            source=source,
            key=item_code,
            generic_name=generic,
            reason=reason,
            note=note,
            first_posted=today,
            last_updated=today,
        )
        sid = uow.shortages.add(shortage, now=now, user=user)
        uow.shortages.add_presentations(sid, presentations, import_id=None)
        match = Match(
            item_id=item_id, method=MatchMethod.ITEM, detail=f"{source.value}: {item_code}"
        )
        uow.shortages.save_matches({sid: {item_id: match}}, now=now)
        _log(uow, shortage, EventKind.NEW, f"status current; {reason}", user, clock)
        return sid
    known = {p.key for p in stored.presentations}
    added = [p for p in presentations if p.key not in known]
    parts = [] if stored.active else [f"reopened (was {stored.status.value})"]
    if added:
        parts.append(f"{len(added)} presentation(s) added")
    stored.status, stored.resolved_on, stored.last_updated = ShortageStatus.CURRENT, None, today
    stored.reason, stored.note = reason, note or stored.note
    uow.shortages.add_presentations(stored.id or 0, added, import_id=None)
    _change(uow, stored, EventKind.UPDATED, "; ".join([*parts, reason]), user, clock)
    return stored.id or 0


def _change(
    uow: UnitOfWork, shortage: Shortage, kind: EventKind, detail: str, user: str, clock: Clock
) -> None:
    uow.shortages.update(shortage, now=clock.now(), user=user)
    _log(uow, shortage, kind, detail, user, clock)


def _log(
    uow: UnitOfWork, shortage: Shortage, kind: EventKind, detail: str, user: str, clock: Clock
) -> None:
    """The shortage's event, and the audit entry, of a user's (or an order line's) change."""
    now = clock.now()
    uow.shortages.add_events(
        [
            ShortageEvent(
                shortage_id=shortage.id,
                kind=kind,
                effective=clock.today(),
                recorded_at=now,
                recorded_by=user,
                detail=detail,
            )
        ]
    )
    action = {EventKind.NEW: "add", EventKind.RESOLVED: "resolve"}.get(kind, "update")
    record(
        uow,
        user=user,
        action=f"{action}_shortage",
        entity="shortage",
        key=str(shortage.id),
        now=now,
        after={
            "source": shortage.source.value,
            "key": shortage.key,
            "event": kind.value,
            "status": shortage.status.value,
            "detail": detail,
        },
    )
