"""Faults under ``rxsupply serve`` (a real uvicorn process): killed with SIGKILL while many
receipts are being posted at once, and (PostgreSQL) its database connections terminated between
and during requests. After each, every receipt that was answered 2xx is in the ledger once,
sending them all again completes the work without doubling any, and the ledger check is clean.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool
from tests.e2e.cli_runner import Rx
from tests.e2e.fault_harness import (
    ENGINES,
    Served,
    admin_token,
    fresh_database,
    receipt,
    serve,
    wait_for,
)

RECEIPTS = 120


def post_all(
    served: Served, token: str, bodies: Sequence[dict[str, Any]], *, kill_after: int | None = None
) -> dict[str, int]:
    """POST the receipts 16 at a time; the status each one was answered with, by external id
    (none for those the server never answered). With ``kill_after``, the server is killed
    with SIGKILL as soon as that many have been answered 201."""
    answered: dict[str, int] = {}
    lock = threading.Lock()
    enough = threading.Event()
    headers = {"Authorization": f"Bearer {token}"}

    def one(body: dict[str, Any]) -> None:
        if enough.is_set():
            return
        try:
            response = httpx.post(
                f"{served.base}/api/receipts", json=body, headers=headers, timeout=60
            )
        except httpx.TransportError:
            return  # killed before it answered: the client does not know
        with lock:
            answered[body["external_id"]] = response.status_code
            if kill_after is not None and sum(s == 201 for s in answered.values()) >= kill_after:
                enough.set()

    with ThreadPoolExecutor(16) as pool:
        for body in bodies:
            pool.submit(one, body)
        if kill_after is not None:
            enough.wait(120)
            served.kill()
    return answered


def recorded(url: str) -> dict[str, int]:
    """How many movements carry each receipt's external id."""
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT external_id, count(*) FROM movement WHERE external_id LIKE 'api:R-%' "
                "GROUP BY external_id"
            )
        ).all()
    return {str(e).removeprefix("api:"): int(n) for e, n in rows}


def lot_on_hand(url: str, lot: str) -> int:
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        found = conn.execute(
            text(
                "SELECT coalesce(sum(o.quantity), 0) FROM on_hand o JOIN lot l ON l.id = o.lot_id "
                "WHERE l.lot_number = :lot"
            ),
            {"lot": lot},
        ).scalar_one()
    return int(found)


@pytest.mark.slow  # two server starts and 240 requests: 10-30 s alone, a minute on a busy machine
@pytest.mark.parametrize("kind", ENGINES)
def test_receipts_answered_before_the_server_was_killed_are_all_kept_once_and_a_resend_completes(
    kind: str, tmp_path: Path, rx: Rx
) -> None:
    bodies = [receipt(n) for n in range(RECEIPTS)]
    with fresh_database(kind, tmp_path) as url:
        token = admin_token(url)
        with serve(url) as served:
            first = post_all(served, token, bodies, kill_after=RECEIPTS // 4)
        kept = recorded(url)
        check = Rx(url, rx.capsys)("check")  # type: ignore[arg-type]  # a URL, as --db takes
        with serve(url) as served:
            resent = post_all(served, token, bodies)

        answered = {e for e, status in first.items() if status == 201}
        assert len(answered) >= RECEIPTS // 4
        assert len(answered) < RECEIPTS  # killed with work left to do
        assert {e: kept.get(e) for e in answered} == dict.fromkeys(answered, 1)
        assert set(kept.values()) == {1}
        assert check.code == 0, check.out
        assert set(resent.values()) == {201}
        assert recorded(url) == {b["external_id"]: 1 for b in bodies}
        assert lot_on_hand(url, "KILL1") == sum(b["quantity"] for b in bodies)
        assert Rx(url, rx.capsys)("check").code == 0  # type: ignore[arg-type]


def others(url: str, where: str = "true") -> list[int]:
    """The server's backends on the database (every session but the tests' own)."""
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        pids = conn.execute(
            text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                f"AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND {where}"
            )
        ).scalars()
        return [int(p) for p in pids]


def terminate(url: str, pids: Sequence[int]) -> None:
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        for pid in pids:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})


def post_one(served: Served, token: str, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(
        f"{served.base}/api/receipts",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )


@pytest.mark.postgres
def test_a_server_whose_idle_database_connections_were_terminated_answers_the_next_requests(
    tmp_path: Path,
) -> None:
    with fresh_database("postgres", tmp_path) as url:
        token = admin_token(url)
        with serve(url) as served:
            warm = post_one(served, token, receipt(0))
            cut = others(url)
            terminate(url, cut)
            read = httpx.get(
                f"{served.base}/api/stock", headers={"Authorization": f"Bearer {token}"}
            )
            write = post_one(served, token, receipt(1))

        assert warm.status_code == 201
        assert cut
        assert read.status_code == 200, read.text
        assert write.status_code == 201, write.text
        assert recorded(url) == {"R-00000": 1, "R-00001": 1}


@pytest.mark.postgres
def test_a_receipt_whose_connection_is_terminated_mid_request_is_run_again_and_kept_once(
    tmp_path: Path, rx: Rx
) -> None:
    with fresh_database("postgres", tmp_path) as url:
        token = admin_token(url)
        with serve(url) as served:
            assert post_one(served, token, receipt(0)).status_code == 201
            blocker = create_engine(url, poolclass=NullPool).connect()
            blocker.execute(text("LOCK TABLE movement IN SHARE MODE"))  # inserts wait
            answer: list[httpx.Response] = []
            sender = threading.Thread(
                target=lambda: answer.append(post_one(served, token, receipt(1)))
            )
            sender.start()
            waiting: list[int] = []

            def blocked() -> bool:
                waiting[:] = others(url, "wait_event_type = 'Lock'")
                return bool(waiting)

            wait_for(blocked, timeout=60, what="the receipt to wait on the lock")
            terminate(url, waiting)
            blocker.rollback()
            blocker.close()
            sender.join(60)
            resent = post_one(served, token, receipt(1))
            after = post_one(served, token, receipt(2))

        (during,) = answer
        assert during.status_code == 201, during.text  # lost before COMMIT: run again
        assert resent.status_code == 201, resent.text
        assert after.status_code == 201, after.text
        assert recorded(url) == {"R-00000": 1, "R-00001": 1, "R-00002": 1}
        assert Rx(url, rx.capsys)("check").code == 0  # type: ignore[arg-type]
