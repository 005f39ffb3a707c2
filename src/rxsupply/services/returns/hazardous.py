"""The RCRA list the pharmacy keeps (:class:`~rxsupply.domain.waste_stream.HazardousListing`):
seeded with the package's starter list, then edited by its users.

- :func:`list_hazardous_listings`: the rows, by code.
- :func:`add_hazardous_listing`: a row added (an ingredient and code already listed is
  refused).
- :func:`change_hazardous_listing`: a row's note, exemption terms, code or ingredient changed.
- :func:`remove_hazardous_listing`: a row removed.

Every change names its user and is audited with it, before and after.
"""

from __future__ import annotations

from dataclasses import replace

from rxsupply.domain.clock import Clock
from rxsupply.domain.waste_stream import HazardousListing, parse_terms
from rxsupply.errors import InvalidValue, NotFound
from rxsupply.services.audit import record, require_user
from rxsupply.services.ports import UnitOfWork


def list_hazardous_listings(uow: UnitOfWork) -> list[HazardousListing]:
    return uow.returns.listings()


def add_hazardous_listing(
    uow: UnitOfWork,
    *,
    ingredient: str,
    code: str,
    note: str = "",
    exempt_terms: str = "",
    user: str,
    clock: Clock,
) -> HazardousListing:
    """Add a row; commits."""
    require_user(user)
    row = HazardousListing(
        ingredient=ingredient.strip().lower(),
        code=code.strip().upper(),
        note=note.strip(),
        exempt_terms=parse_terms(exempt_terms),
    )
    _refuse_twice(uow, row)
    row = replace(row, id=uow.returns.add_listing(row, user=user, at=clock.now()))
    _audit(uow, "add_hazardous_listing", row, user, clock, after=row.as_dict())
    uow.commit()
    return row


def change_hazardous_listing(
    uow: UnitOfWork,
    *,
    listing_id: int,
    ingredient: str | None = None,
    code: str | None = None,
    note: str | None = None,
    exempt_terms: str | None = None,
    user: str,
    clock: Clock,
) -> HazardousListing:
    """Change what is given of a row (the rest kept); commits."""
    require_user(user)
    before = _find(uow, listing_id)
    row = HazardousListing(
        ingredient=before.ingredient if ingredient is None else ingredient.strip().lower(),
        code=before.code if code is None else code.strip().upper(),
        note=before.note if note is None else note.strip(),
        exempt_terms=before.exempt_terms if exempt_terms is None else parse_terms(exempt_terms),
        id=before.id,
    )
    if (row.ingredient, row.code) != (before.ingredient, before.code):
        _refuse_twice(uow, row)
    uow.returns.update_listing(row, user=user, at=clock.now())
    _audit(uow, "change_hazardous_listing", row, user, clock, before.as_dict(), row.as_dict())
    uow.commit()
    return row


def remove_hazardous_listing(
    uow: UnitOfWork, *, listing_id: int, user: str, clock: Clock
) -> HazardousListing:
    """Remove a row; commits. Returns the row removed."""
    require_user(user)
    before = _find(uow, listing_id)
    uow.returns.remove_listing(listing_id)
    _audit(uow, "remove_hazardous_listing", before, user, clock, before=before.as_dict())
    uow.commit()
    return before


def _find(uow: UnitOfWork, listing_id: int) -> HazardousListing:
    found = uow.returns.find_listing(listing_id)
    if found is None:
        raise NotFound("RCRA listing", listing_id, "see rxsupply returns waste list")
    return found


def _refuse_twice(uow: UnitOfWork, row: HazardousListing) -> None:
    for other in uow.returns.listings():
        if (other.ingredient, other.code) == (row.ingredient, row.code):
            raise InvalidValue(
                "code", f"{row.ingredient} is already listed as {row.code} (row {other.id})"
            )


def _audit(
    uow: UnitOfWork,
    action: str,
    row: HazardousListing,
    user: str,
    clock: Clock,
    before: object = None,
    after: object = None,
) -> None:
    record(
        uow,
        user=user,
        action=action,
        entity="hazardous_listing",
        key=f"{row.code} {row.ingredient}",
        now=clock.now(),
        before=before,
        after=after,
    )
