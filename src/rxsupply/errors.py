"""The rxsupply exception tree.

Every error the package raises on purpose derives from :class:`RxSupplyError`. The CLI turns
them into a message and a non-zero exit; the API into an RFC 9457 problem response.

Errors about input carry *where* (file, row, field) and *why* (reason), so a user can fix the
file without reading code.
"""

from __future__ import annotations

from dataclasses import dataclass

ECHO = 80
"""How much of a value an error message shows: the first 80 characters, then its length."""
REASON = 400
"""How long a reason may be before it is cut the same way."""


def clip(text: str, limit: int = ECHO) -> str:
    """``text`` as an error message may show it: whole up to ``limit`` characters, else its
    first ``limit`` characters and ``... (N characters)``, so no error echoes large input."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text):,} characters)"


def shown(value: object) -> str:
    """A value (its repr) as an error message shows it (:func:`clip`)."""
    return clip(repr(value))


class RxSupplyError(Exception):
    """Root of every error rxsupply raises on purpose."""


class InvalidValue(RxSupplyError, ValueError):
    """A single value is malformed (an NDC, a GTIN, a date, a quantity).

    ``field`` names what was being read; ``reason`` says what is wrong with it.
    """

    def __init__(self, field: str, reason: str, value: object = None) -> None:
        self.field = clip(field)
        self.reason = clip(reason, REASON)
        self.value = value
        echoed = f" {shown(value)}" if value is not None else ""
        super().__init__(f"{self.field}{echoed}: {self.reason}")


class InvalidNDC(InvalidValue):
    """An NDC that is not 10 digits in 4-4-2, 5-3-2 or 5-4-1, or an unreadable 11-digit form."""


class InvalidGTIN(InvalidValue):
    """A GTIN with the wrong length, a non-digit or a wrong check digit."""


class InvalidBarcode(InvalidValue):
    """A scan that is not a readable GS1 element string or lacks DSCSA identifiers."""


class NotFound(RxSupplyError):
    """Something referred to by code or id does not exist."""

    def __init__(self, what: str, key: object, hint: str = "") -> None:
        self.what = what
        self.key = key
        super().__init__(
            f"unknown {what} {shown(key)}" + (f": {clip(hint, REASON)}" if hint else "")
        )


class UnknownProduct(NotFound):
    def __init__(self, key: object, hint: str = "") -> None:
        super().__init__("product", key, hint)


class UnknownItem(NotFound):
    def __init__(self, key: object, hint: str = "") -> None:
        super().__init__("item", key, hint)


class UnknownLocation(NotFound):
    def __init__(self, key: object, hint: str = "") -> None:
        super().__init__("location", key, hint)


class AlreadyDecided(RxSupplyError):
    """A recommendation was accepted or rejected already (perhaps by someone else just now)."""

    def __init__(self, recommendation_id: int, status: str) -> None:
        self.recommendation_id = recommendation_id
        self.status = status
        super().__init__(f"recommendation {recommendation_id} is already {status}")


class OrderRefused(RxSupplyError):
    """A purchase order that cannot go where it was asked to (sent without a Schedule II
    line's DEA Form 222 number, cancelled once received, ...)."""


class PartnerNotAuthorized(OrderRefused):
    """A receipt from a trading partner that is not authorized on the receipt's day (DSCSA):
    ``partner`` names it, ``reason`` says what is missing, expired or unverified."""

    def __init__(self, partner: str, reason: str) -> None:
        self.partner = partner
        self.reason = reason
        super().__init__(f"nothing is received from {partner}: {reason}")


class RefillRefused(RxSupplyError):
    """A refill run step that cannot be taken (a cabinet already on an open run, a run that is
    closed, a cancellation after units were confirmed)."""


class TransferRefused(RxSupplyError):
    """A transfer step its state does not allow (cancelled after shipping, received twice)."""


class CountRefused(RxSupplyError):
    """A count that cannot go where it was asked to (submitted with lines uncounted, a
    controlled-substance count without a distinct witness, posted twice, ...)."""


class ReturnRefused(RxSupplyError):
    """A return step that cannot be taken (a lot not eligible for a batch, a Schedule II line
    without its DEA Form 222 number, a batch shipped twice, a memo for a batch not shipped).
    Nothing is written."""


class ShortageRefused(RxSupplyError):
    """A shortage step its state does not allow (resolving a shortage already resolved)."""


class RecallRefused(RxSupplyError):
    """A recall step its state does not allow (closing a closed recall, closing while units
    of its lots are on hand and usable)."""


class PurgeRefused(RxSupplyError):
    """A purge of DSCSA records that would leave the records unverifiable: a chain with breaks
    (purging would hide them) or a record kind with no way to purge its rows. Nothing is
    deleted. (A date younger than the six-year retention is an :class:`InvalidValue`.)"""


class CaseRefused(RxSupplyError):
    """A suspect product case step its state does not allow (clearing a closed case, closing
    an illegitimate one before FDA is notified). Nothing is written."""


class ConservationRefused(ShortageRefused):
    """A conservation step a shortage cannot take: a reallocation that would leave a cabinet
    below its floor, a PAR "reduction" that raises, an item the shortage does not touch, a
    plan proposed before the stock changed. Nothing is written."""


class AllocationLimitExceeded(ShortageRefused):
    """A dispense over an item's allocation limit at a place (a shortage's conservation)."""


class ExceptionRefused(RxSupplyError):
    """A DSCSA receipt exception step its state does not allow (resolving an exception that is
    resolved already). Nothing is written."""


class AlreadyResolved(RxSupplyError):
    """A stock discrepancy was resolved already (perhaps by someone else just now)."""

    def __init__(self, discrepancy_id: int) -> None:
        self.discrepancy_id = discrepancy_id
        super().__init__(f"discrepancy {discrepancy_id} is already resolved")


class PlanningBusy(RxSupplyError):
    """A planning run is already under way."""

    def __init__(self, job_id: int, user: str) -> None:
        self.job_id = job_id
        super().__init__(f"planning job {job_id} (started by {user}) is still running")


class StaleBatch(RxSupplyError):
    """The proposals a filter matches changed between the review and the decision."""

    def __init__(self, reviewed: int, now: int) -> None:
        self.reviewed = reviewed
        self.now = now
        super().__init__(
            f"the batch changed since it was reviewed: {now:,} proposals match now, "
            f"{reviewed:,} were reviewed; review it again"
        )


class StaleRecommendation(AlreadyDecided):
    """The levels changed after the recommendation was made: it no longer says what it
    would change. Plan again."""

    def __init__(self, recommendation_id: int) -> None:
        self.recommendation_id = recommendation_id
        self.status = "out of date"
        RxSupplyError.__init__(
            self,
            f"recommendation {recommendation_id} is out of date: the levels changed since it "
            "was made; run planning again",
        )


class LedgerError(RxSupplyError):
    """A movement breaks a ledger rule."""


class InsufficientStock(LedgerError):
    """A movement would take on-hand below zero."""


class InvalidMovement(LedgerError):
    """A movement is inconsistent (wrong locations for its kind, non-positive quantity...)."""


class UnusableStock(LedgerError):
    """The stock named is expired, quarantined, recalled or suspect, and the command may not
    move it (only into a quarantine location, out of the hospital, or with an override)."""


class OverCapacity(LedgerError):
    """A pocket would hold more than its capacity."""


class DuplicateSerial(LedgerError):
    """A serialised package (GTIN + serial) was received before: a suspect-product signal.

    ``first`` says where and when the package was first received."""

    def __init__(self, gtin: str, serial: str, first: str) -> None:
        self.gtin = gtin
        self.serial = serial
        self.first = first
        super().__init__(
            f"GTIN {gtin} serial {serial} was already received ({first}): refused and "
            "flagged as suspect product; quarantine the package and investigate"
        )


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in one row of one input file. ``row`` counts data rows from 1 (header = 0);
    ``line``, when known, is the file's line where the row begins (a quoted value may span
    lines, so the two can differ)."""

    file: str
    row: int
    field: str
    reason: str
    line: int = 0

    def __str__(self) -> str:
        where = f"{self.file}, row {self.row}" if self.row else self.file
        if self.line:
            where += f" (line {self.line})"
        return f"{where}, field {self.field}: {self.reason}"


class ImportRejected(RxSupplyError):
    """A file failed validation; nothing from it was written.

    ``errors`` lists the first problems found (up to the cap), ``total`` how many there were.
    """

    def __init__(self, errors: list[RowError], total: int | None = None) -> None:
        self.errors = errors
        self.total = total if total is not None else len(errors)
        more = f" (showing {len(errors)})" if self.total > len(errors) else ""
        lines = "\n".join(f"  {e}" for e in errors)
        super().__init__(f"import rejected, nothing written: {self.total} error(s){more}\n{lines}")


class AuthenticationFailed(RxSupplyError):
    """No valid session or token, or a wrong username or password."""


class AlreadyExists(RxSupplyError):
    """Something with this name exists already (perhaps made by someone else just now): a
    username, or a look-alike of one."""

    def __init__(self, what: str, key: object, reason: str = "already taken") -> None:
        self.what = what
        self.key = key
        super().__init__(f"{what} {key!r}: {reason}")


class TooManyRequests(RxSupplyError):
    """Refused for now, try again in ``retry_after`` seconds: too many failed sign-ins from
    one address, or a costly check already running."""

    def __init__(self, message: str, retry_after: int) -> None:
        self.retry_after = max(1, retry_after)
        super().__init__(message)


class PermissionDenied(RxSupplyError):
    """The user's role does not allow this."""


class ApprovalNeeded(PermissionDenied):
    """The command needs a second user, a manager, and names none (two-person rule)."""

    def __init__(self, why: str) -> None:
        self.why = why
        super().__init__(f"a second user must approve: {why}; name a manager to approve it")


class ConfigurationError(RxSupplyError):
    """Settings or the environment are wrong (bad database URL, missing file)."""


class DocumentRejected(RxSupplyError):
    """An outside document (an EPCIS file) that is invalid or unsafe; nothing from it is used.

    ``file`` names the document, ``where`` the place in it (``event 3``, ``line 12``, ``header``),
    ``reason`` what is wrong, and ``rule`` the kind of rule it broke (``schema``, ``unsafe``,
    ``size``, ``action``, ``time``, ``vocabulary``, ``identifier``, ``structure``...)."""

    def __init__(self, file: str, where: str, reason: str, rule: str) -> None:
        self.file = file
        self.where = where
        self.reason = reason
        self.rule = rule
        place = f"{file}, {where}" if where else file
        super().__init__(f"{place}: {reason}")


class RouterUnavailable(RxSupplyError):
    """A verification router could not answer: unreachable, timed out, failed, or its answer
    is not a GS1 Lightweight Messaging Standard response. A verification records it as not
    verified (router unreachable); nothing crashes."""


class RestoreRefused(RxSupplyError):
    """A backup that cannot be restored here: not an rxsupply database, made by a newer
    version, or the database to replace is in use."""
