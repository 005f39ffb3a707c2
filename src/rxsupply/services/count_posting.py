"""A submitted count's review: :func:`approve_count` (a manager, not the counter, approves the
lines above the threshold), :func:`post_count` (each variance becomes a ``count_variance``
movement through the ledger, with its reason code) and :func:`cancel_count` (a count that
cannot or should not post is given up, with its reason, so its stock can be counted again).

A count posts once: its number is claimed as an external id (``count:CC000012``) in the same
transaction as its movements, and each line's movement carries its own
(``count:CC000012-7``). The variance of a line is its counted quantity less the on-hand when
the count was submitted (the snapshot at the start plus every movement since), applied as a
signed correction to the on-hand now: what moved after the submission is not counted again.
"""

from __future__ import annotations

from collections.abc import Mapping

from rxsupply.domain.clock import Clock
from rxsupply.domain.counting import UNPOSTED, Count, CountRules, CountStatus, VarianceReason
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.fields import required_text
from rxsupply.domain.limits import Approval, LedgerLimits
from rxsupply.domain.users import Role
from rxsupply.errors import CountRefused, InvalidValue, PermissionDenied, RxSupplyError
from rxsupply.services.audit import record, require_user
from rxsupply.services.counts import get_count
from rxsupply.services.ledger import Adjust, post
from rxsupply.services.ports import UnitOfWork

REVIEWABLE = (CountStatus.SUBMITTED, CountStatus.APPROVED)


def needing_approval(count: Count, rules: CountRules) -> list[tuple[int, str]]:
    """(line id, why) of the lines whose variance needs a manager's approval."""
    out = []
    for ln in count.lines:
        why = rules.needs_approval(ln)
        if why is not None:
            out.append((ln.id or 0, why))
    return out


def approve_count(uow: UnitOfWork, *, count: str, user: str, clock: Clock) -> Count:
    """A manager approves a submitted count's variances (the faces check the permission);
    the approver may not be the counter."""
    require_user(user)
    found = get_count(uow, count, lock=True)
    if found.status is not CountStatus.SUBMITTED:
        raise CountRefused(
            f"count {found.number} is {found.status.value}: only a submitted count is approved"
        )
    if user.strip() == found.counter:
        raise PermissionDenied(
            f"{user} counted {found.number}: the approver must be someone other than the counter"
        )
    now = clock.now()
    if not uow.counts.set_status(
        found.id or 0,
        allowed=[CountStatus.SUBMITTED],
        status=CountStatus.APPROVED,
        approved_by=user.strip(),
        approved_at=now,
    ):
        raise CountRefused(f"count {found.number} changed meanwhile")
    record(
        uow,
        user=user,
        action="approve_count",
        entity="stock_count",
        key=found.number,
        now=now,
        after={
            "variance_units": found.variance_units,
            "variance_value": str(found.variance_value),
        },
    )
    uow.commit()
    return get_count(uow, found.number)


def _reason(line_id: int, text: str | None) -> VarianceReason:
    try:
        return VarianceReason((text or "").strip())
    except ValueError:
        raise InvalidValue(
            f"reason-{line_id}",
            "one of " + ", ".join(r.value for r in VarianceReason),
            text or "",
        ) from None


def post_count(
    uow: UnitOfWork,
    *,
    count: str,
    user: str,
    clock: Clock,
    reasons: Mapping[int, str] | None = None,
    reason: str | None = None,
    rules: CountRules | None = None,
    limits: LedgerLimits | None = None,
) -> Count:
    """Post a submitted (or approved) count's variances with their reason codes (``reasons``
    by line id, else ``reason`` for every line). Lines over the threshold need the count
    approved first. All the lines post or none."""
    require_user(user)
    rules = rules or CountRules()
    found = get_count(uow, count, lock=True)
    if found.status not in REVIEWABLE:
        raise CountRefused(
            f"count {found.number} is {found.status.value}: only a submitted or approved count "
            "is posted"
        )
    over = needing_approval(found, rules)
    if over and found.status is not CountStatus.APPROVED:
        listed = "; ".join(f"line {i}: {why}" for i, why in over[:10])
        raise CountRefused(
            f"count {found.number} needs a manager's approval before it is posted ({listed})"
        )
    given = reasons or {}
    chosen = {
        ln.id or 0: _reason(ln.id or 0, given.get(ln.id or 0, reason)).value
        for ln in found.lines
        if ln.variance
    }
    now = clock.now()
    if not uow.ledger.claim(str(ExternalId("count", found.number)), now):
        raise CountRefused(f"count {found.number} was posted already: nothing written")
    approval = None
    if found.approved_by:
        stored = uow.users.get(found.approved_by)
        approval = Approval(found.approved_by, stored.user.role if stored else Role.MANAGER)
    commands = [
        Adjust(
            user=found.counter,
            location=ln.location,
            product=ln.ndc,
            lot=ln.lot,
            quantity=ln.variance,
            reason=f"count {found.number}: {chosen[ln.id or 0]}",
            count=True,
            expiry=ln.expiry,
            approval=approval,
            external_id=ExternalId("count", f"{found.number}-{ln.id}"),
        )
        for ln in found.lines
        if ln.variance
    ]
    results = post(uow, commands, clock=clock, limits=limits, commit=False) if commands else []
    for cmd, result in zip(commands, results, strict=True):
        if isinstance(result, RxSupplyError):
            uow.rollback()
            raise CountRefused(
                f"count {found.number} was not posted, nothing written: {cmd.location} "
                f"{cmd.product} lot {cmd.lot}: {result}"
            )
    uow.counts.set_reasons(found.id or 0, chosen)
    if not uow.counts.set_status(
        found.id or 0,
        allowed=REVIEWABLE,
        status=CountStatus.POSTED,
        posted_by=user.strip(),
        posted_at=now,
    ):
        uow.rollback()
        raise CountRefused(f"count {found.number} changed meanwhile: nothing written")
    record(
        uow,
        user=user,
        action="post_count",
        entity="stock_count",
        key=found.number,
        now=now,
        after={
            "movements": len(commands),
            "variance_units": found.variance_units,
            "variance_value": str(found.variance_value),
            "reasons": {str(k): v for k, v in sorted(chosen.items())},
        },
    )
    uow.commit()
    return get_count(uow, found.number)


def cancel_count(
    uow: UnitOfWork,
    *,
    count: str,
    reason: str,
    user: str,
    clock: Clock,
    manager: bool,
) -> Count:
    """Cancel a count that was not posted (open, submitted or approved), with its ``reason``:
    nothing is posted and its stock lines are free again, so a recount is a new count of the
    same stock (``start_count``). An open count is cancelled by anyone who counts; a submitted
    or approved one, whose variances were shown, only by a ``manager`` (the faces say whether
    the user may adjust stock). Audited with the reason and the variance given up."""
    require_user(user)
    why = required_text("reason", reason, limit=500, why="say why the count is cancelled")
    found = get_count(uow, count, lock=True)
    if found.status not in UNPOSTED:
        raise CountRefused(
            f"count {found.number} is {found.status.value}: only an open, submitted or approved "
            "count is cancelled"
        )
    if found.status is not CountStatus.OPEN and not manager:
        raise PermissionDenied(
            f"count {found.number} is {found.status.value}: a manager cancels it once its "
            "variances are shown"
        )
    now = clock.now()
    if not uow.counts.set_status(found.id or 0, allowed=UNPOSTED, status=CountStatus.CANCELLED):
        raise CountRefused(f"count {found.number} changed meanwhile: nothing written")
    record(
        uow,
        user=user,
        action="cancel_count",
        entity="stock_count",
        key=found.number,
        now=now,
        before={"status": found.status.value},
        after={
            "status": CountStatus.CANCELLED.value,
            "reason": why,
            "lines": len(found.lines),
            "variance_units": found.variance_units,
            "variance_value": str(found.variance_value),
        },
    )
    uow.commit()
    return get_count(uow, found.number)
