"""The verification router every face uses: the one named (``--router``, a form's or a body's
``router``), else ``RXSUPPLY_VERIFICATION_ROUTER``, else none (the hospital's own records
only)."""

from __future__ import annotations

from rxsupply.adapters.verification_router import HttpVerificationRouter
from rxsupply.config import load_settings


def router_for(
    url: str | None = None, *, local_only: bool = False
) -> HttpVerificationRouter | None:
    """The router to ask, or None (``local_only``, or none named nor set)."""
    if local_only:
        return None
    settings = load_settings()
    chosen = (url or "").strip() or settings.verification_router.strip()
    if not chosen:
        return None
    return HttpVerificationRouter(chosen, timeout=settings.verification_timeout)
