"""Return policies and the product facts they read (:mod:`rxsupply.domain.return_policy`).

- :func:`list_return_policies`: every labeler's policy.
- :func:`set_return_policy`: add a labeler's policy or replace it.
- :func:`remove_return_policy`: a labeler's policy removed.
- :func:`set_product_storage`: a product marked refrigerated or frozen (or back to room
  temperature), the fact the ``refrigerated`` category reads.

Every change names its user and is audited with it, before and after.
"""

from __future__ import annotations

from decimal import Decimal

from rxsupply.domain.clock import Clock
from rxsupply.domain.fields import check_text
from rxsupply.domain.return_policy import (
    PartialRule,
    ReturnPolicy,
    parse_categories,
    parse_partial,
    parse_share,
)
from rxsupply.errors import InvalidValue, NotFound
from rxsupply.services.audit import record, require_user
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.references import find_product

STORAGE = ("refrigerated", "frozen")
"""Storage other than room temperature; both count as the ``refrigerated`` category."""


def list_return_policies(uow: UnitOfWork) -> list[ReturnPolicy]:
    return uow.returns.policies()


def set_return_policy(
    uow: UnitOfWork,
    *,
    labeler: str,
    months_before: int,
    months_after: int,
    partial: PartialRule | str = PartialRule.FULL_ONLY,
    min_fill: Decimal | str | None = None,
    excluded: frozenset[str] | str = frozenset(),
    credit_share: Decimal | str = Decimal(1),
    note: str = "",
    user: str,
    clock: Clock,
) -> ReturnPolicy:
    """Add ``labeler``'s policy, or replace it; commits. The labeler must be one on file
    (a product's labeler, as the NDC Directory or the item file writes it)."""
    require_user(user)
    name = check_text("labeler", labeler, limit=200).strip()
    if name not in uow.returns.labelers():
        raise NotFound("labeler", name, "a product's labeler as written on file")
    policy = ReturnPolicy(
        labeler=name,
        months_before=months_before,
        months_after=months_after,
        partial=partial if isinstance(partial, PartialRule) else parse_partial(partial),
        min_fill=_share(min_fill, "min_fill"),
        excluded=excluded if isinstance(excluded, frozenset) else parse_categories(excluded),
        credit_share=_share(credit_share, "credit_share") or Decimal(0),
        note=check_text("note", note, limit=1000).strip(),
    )
    before = uow.returns.find_policy(name)
    uow.returns.save_policy(policy, user=user, at=clock.now())
    record(
        uow,
        user=user,
        action="set_return_policy",
        entity="return_policy",
        key=name,
        now=clock.now(),
        before=None if before is None else before.as_dict(),
        after=policy.as_dict(),
    )
    uow.commit()
    return policy


def remove_return_policy(uow: UnitOfWork, *, labeler: str, user: str, clock: Clock) -> ReturnPolicy:
    """Remove a labeler's policy (its lots become never returnable); commits."""
    require_user(user)
    found = uow.returns.find_policy(labeler.strip())
    if found is None:
        raise NotFound("return policy", labeler.strip(), "see rxsupply returns policies list")
    uow.returns.remove_policy(found.labeler)
    record(
        uow,
        user=user,
        action="remove_return_policy",
        entity="return_policy",
        key=found.labeler,
        now=clock.now(),
        before=found.as_dict(),
    )
    uow.commit()
    return found


def set_product_storage(
    uow: UnitOfWork, *, product: str, storage: str, user: str, clock: Clock
) -> dict[str, str]:
    """Mark a product ``refrigerated`` or ``frozen``, or ``room`` temperature; commits."""
    require_user(user)
    wanted = storage.strip().lower()
    if wanted not in (*STORAGE, "room"):
        raise InvalidValue("storage", "one of room, refrigerated, frozen", storage)
    found = find_product(uow, product)
    assert found.id is not None
    before = uow.returns.storage_of(found.id) or "room"
    uow.returns.set_storage(found.id, "" if wanted == "room" else wanted, user=user, at=clock.now())
    record(
        uow,
        user=user,
        action="set_product_storage",
        entity="product",
        key=str(found.ndc),
        now=clock.now(),
        before={"storage": before},
        after={"storage": wanted},
    )
    uow.commit()
    return {"ndc": str(found.ndc), "storage": wanted}


def _share(value: Decimal | str | None, field: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return value if isinstance(value, Decimal) else parse_share(value, field)
