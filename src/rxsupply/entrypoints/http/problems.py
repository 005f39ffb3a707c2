"""RFC 9457 problem details for every error the API returns.

No problem echoes large input: each value shown is cut to its first 80 characters and its
length (``rxsupply.errors.clip``), each reason and detail to a few hundred, and a validation
error names the field and the reason, never the input (FastAPI's ``input``)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from rxsupply.errors import (
    AlreadyDecided,
    AlreadyExists,
    AlreadyResolved,
    ApprovalNeeded,
    AuthenticationFailed,
    CaseRefused,
    CountRefused,
    DocumentRejected,
    DuplicateSerial,
    ExceptionRefused,
    ImportRejected,
    InsufficientStock,
    InvalidMovement,
    InvalidValue,
    NotFound,
    OrderRefused,
    OverCapacity,
    PartnerNotAuthorized,
    PermissionDenied,
    PlanningBusy,
    PurgeRefused,
    RecallRefused,
    RefillRefused,
    ReturnRefused,
    RxSupplyError,
    ShortageRefused,
    StaleBatch,
    TooManyRequests,
    TransferRefused,
    UnusableStock,
    clip,
)

PROBLEM = "application/problem+json"
DETAIL = 10_000
"""The longest ``detail`` a problem carries (a list of reasons is cut there)."""
REASON = 400
_STATUS: list[tuple[type[RxSupplyError], int, str]] = [
    (AuthenticationFailed, 401, "authentication-required"),
    (ApprovalNeeded, 403, "approval-needed"),
    (PermissionDenied, 403, "forbidden"),
    (NotFound, 404, "not-found"),
    (InsufficientStock, 409, "insufficient-stock"),
    (InvalidMovement, 409, "invalid-movement"),
    (UnusableStock, 409, "unusable-stock"),
    (OverCapacity, 409, "over-capacity"),
    (DuplicateSerial, 409, "suspect-serial"),
    (AlreadyDecided, 409, "already-decided"),
    (AlreadyResolved, 409, "already-resolved"),
    (PartnerNotAuthorized, 409, "partner-not-authorized"),
    (OrderRefused, 409, "order-refused"),
    (RefillRefused, 409, "refill-refused"),
    (ReturnRefused, 409, "return-refused"),
    (TransferRefused, 409, "transfer-refused"),
    (CountRefused, 409, "count-refused"),
    (ShortageRefused, 409, "shortage-refused"),
    (RecallRefused, 409, "recall-refused"),
    (PurgeRefused, 409, "purge-refused"),
    (CaseRefused, 409, "case-refused"),
    (ExceptionRefused, 409, "exception-refused"),
    (StaleBatch, 409, "stale-batch"),
    (PlanningBusy, 409, "planning-busy"),
    (AlreadyExists, 409, "already-exists"),
    (TooManyRequests, 429, "too-many-requests"),
    (ImportRejected, 422, "import-rejected"),
    (DocumentRejected, 422, "document-rejected"),
    (InvalidValue, 422, "invalid-value"),
]


def problem(
    status: int, kind: str, title: str, detail: str, request: Request, **extra: Any
) -> JSONResponse:
    body = {
        "type": f"https://rxsupply.dev/problems/{kind}",
        "title": title,
        "status": status,
        "detail": clip(detail, DETAIL),
        "instance": str(request.url.path),
        **extra,
    }
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    if "retry_after" in extra:
        headers["Retry-After"] = str(extra["retry_after"])
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers or None)


def status_of(exc: RxSupplyError) -> tuple[int, str]:
    if isinstance(exc, DocumentRejected) and exc.rule == "size":
        return 413, "document-too-large"
    for cls, status, kind in _STATUS:
        if isinstance(exc, cls):
            return status, kind
    return 400, "bad-request"


def install(app: FastAPI) -> None:
    @app.exception_handler(RxSupplyError)
    async def _domain(request: Request, exc: RxSupplyError) -> JSONResponse:
        status, kind = status_of(exc)
        extra: dict[str, Any] = {}
        if isinstance(exc, ImportRejected):
            extra["errors"] = [
                {
                    "file": clip(e.file),
                    "row": e.row,
                    "field": clip(e.field),
                    "reason": clip(e.reason, REASON),
                }
                | ({"line": e.line} if e.line else {})
                for e in exc.errors
            ]
            extra["total"] = exc.total
        if isinstance(exc, InvalidValue):
            extra["field"] = exc.field
        if isinstance(exc, TooManyRequests):
            extra["retry_after"] = exc.retry_after
        if isinstance(exc, DocumentRejected):
            extra.update(
                file=clip(exc.file),
                where=clip(exc.where),
                reason=clip(exc.reason, REASON),
                rule=exc.rule,
            )
        title = kind.replace("-", " ").capitalize()
        return problem(status, kind, title, str(exc), request, **extra)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "field": clip(".".join(str(p) for p in e.get("loc", ()) if p != "body")),
                "reason": clip(str(e.get("msg", "")), REASON),
            }
            for e in exc.errors()
        ]
        detail = "; ".join(f"{e['field']}: {e['reason']}" for e in errors)
        first = errors[0] if errors else {"field": "", "reason": ""}
        return problem(
            422,
            "invalid-request",
            "Invalid request",
            detail,
            request,
            field=first["field"],
            reason=first["reason"],
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        kind = {404: "not-found", 405: "method-not-allowed", 413: "body-too-large"}.get(
            exc.status_code, "http-error"
        )
        detail = clip(str(exc.detail), REASON)
        title = "Body too large" if exc.status_code == 413 else detail
        return problem(exc.status_code, kind, title, detail, request)
