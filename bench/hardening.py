"""Benchmark: what an anonymous or careless caller can cost a running server (issue 15).

Starts ``rxsupply serve`` on a throwaway SQLite database with one admin and measures, against
the live server over HTTP:

- memory: the server's resident set before and after 8 concurrent anonymous 50 MB JSON bodies
  (half with a ``Content-Length``, half chunked), and what each was answered (before the body
  limit: every body was read whole, 335 MB to 853 MB; now 413 before authentication);
- echo: the size of the error answered for a scan string just under the body limit (1 MiB;
  before the limit and the short errors, a 5 MB scan came back twice in a 10 MB error);
- sign-in timing: the median answer time of ``POST /login`` for an unknown user and for a known
  user with a wrong password (before: 3 ms against 239 ms, so users could be found by timing).
  The sign-in limits are raised for the run (``RXSUPPLY_SIGNIN_*``) so every try is checked.

The peer for the timing is the other kind of failure in the same run: the ratio should be 1.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent
PASSWORD = "bench-harden-9-sturdy"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return 0.0


def _rxsupply(db: Path, *args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [str(BIN / "rxsupply"), "--db", str(db), *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


async def _big_bodies(base: str, megabytes: int, count: int) -> list[str]:
    body = b'{"location":"' + b"A" * (megabytes * 1024 * 1024) + b'"}'

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 1 << 20):
            yield body[start : start + (1 << 20)]

    async def one(chunked: bool) -> str:
        async with httpx.AsyncClient(timeout=120) as client:
            try:
                answer = await client.post(
                    f"{base}/api/receipts",
                    content=chunks() if chunked else body,
                    headers={"content-type": "application/json"},
                )
            except httpx.HTTPError as exc:  # the server answered and closed mid-upload
                return f"closed early ({type(exc).__name__})"
            return str(answer.status_code)

    return list(await asyncio.gather(*(one(i % 2 == 1) for i in range(count))))


def _sign_in_ms(client: httpx.Client, base: str, username: str) -> float:
    form = client.get(f"{base}/login")
    token = re.search(r'name="login_token" value="([^"]+)"', form.text)
    assert token, "the sign-in form carries its one-time token"
    start = time.perf_counter()
    answer = client.post(
        f"{base}/login",
        data={"username": username, "password": "not-the-password", "login_token": token[1]},
    )
    elapsed = (time.perf_counter() - start) * 1000
    assert answer.status_code == 401, answer.status_code
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bodies", type=int, default=8)
    parser.add_argument("--megabytes", type=int, default=50)
    parser.add_argument("--tries", type=int, default=9, help="sign-ins of each kind")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="rx-harden-"))
    db = work / "harden.db"
    env = dict(os.environ)
    env.update(
        RXSUPPLY_SIGNIN_USER_FAILURES="100000",
        RXSUPPLY_SIGNIN_ADDRESS_FAILURES="100000",
    )
    _rxsupply(
        db,
        "--user",
        "admin",
        "users",
        "add",
        "admin",
        "--role",
        "admin",
        "--password",
        PASSWORD,
        env=env,
    )
    token = _rxsupply(
        db, "--user", "admin", "users", "token", "admin", "--name", "bench", env=env
    ).split()[-1]
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(BIN / "rxsupply"), "--db", str(db), "serve", "--port", str(port)],
        env=env,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(240):
            try:
                httpx.get(f"{base}/health", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.5)
        before = _rss_mib(server.pid)
        answers = asyncio.run(_big_bodies(base, args.megabytes, args.bodies))
        time.sleep(1)
        after = _rss_mib(server.pid)

        scan = "A" * (1024 * 1024 - 200)
        echoed = httpx.post(
            f"{base}/api/scan",
            json={"data": scan, "location": "MAIN"},
            headers={"authorization": f"Bearer {token}"},
            timeout=60,
        )

        with httpx.Client(timeout=60) as client:
            _sign_in_ms(client, base, "admin")  # warm up the hasher and the pool
            unknown = [_sign_in_ms(client, base, "nobody-here") for _ in range(args.tries)]
            wrong = [_sign_in_ms(client, base, "admin") for _ in range(args.tries)]
    finally:
        server.terminate()
        server.wait(timeout=30)

    unknown_ms, wrong_ms = statistics.median(unknown), statistics.median(wrong)
    print(f"load average {os.getloadavg()[0]:.1f}")
    print("| measure | value |")
    print("|---|---|")
    print(
        f"| {args.bodies} anonymous {args.megabytes} MB bodies | answers "
        f"{', '.join(sorted(set(answers)))}; server RSS {before:.0f} MiB before, "
        f"{after:.0f} MiB after |"
    )
    print(
        f"| error for a {len(scan):,}-character scan | {echoed.status_code}, "
        f"{len(echoed.content):,} bytes |"
    )
    print(
        f"| sign-in, unknown user (median of {args.tries}) | {unknown_ms:.0f} ms |\n"
        f"| sign-in, wrong password (median of {args.tries}) | {wrong_ms:.0f} ms |\n"
        f"| ratio unknown / wrong password | {unknown_ms / wrong_ms:.2f} |"
    )


if __name__ == "__main__":
    main()
