"""Time `make demo` from a fresh clone to its first page (issue 15: within 90 s on this machine).

    .venv/bin/python bench/first_page.py [--days 270] [--port 8765] [--keep DIR]

Clones the committed HEAD of this checkout into a temporary directory (no venv, no demo cache:
what a new user has), runs `make demo DEMO_PORT=PORT DEMO_DAYS=N` there and asks
http://127.0.0.1:PORT/login every half second until it answers 200. Prints the time to the
first page, then to the demo's sign-in working (admin / rxsupply-demo, the dashboard answering
200), and the make output's own lines with their times; then stops the server and the
background jobs. A second run in the same clone (--keep) times the cached start.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _status(url: str, opener: urllib.request.OpenerDirector | None = None) -> int:
    try:
        with (opener or urllib.request.build_opener()).open(url, timeout=5) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as err:
        return int(err.code)
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return 0


def _signed_in(base: str) -> bool:
    """Sign in as the demo's admin and fetch the dashboard."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    try:
        with opener.open(f"{base}/login", timeout=10) as page:
            html = page.read().decode()
    except (urllib.error.URLError, OSError):
        return False
    token = ""
    marker = 'name="login_token" value="'
    if marker in html:
        token = html.split(marker, 1)[1].split('"', 1)[0]
    form = {"username": "admin", "password": "rxsupply-demo", "login_token": token}
    data = urllib.parse.urlencode(form).encode()
    try:
        with opener.open(f"{base}/login", data=data, timeout=30) as answer:
            answer.read()
    except (urllib.error.URLError, OSError):
        return False
    return _status(f"{base}/", opener) == 200


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--days", type=int, default=270)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--keep", type=Path, help="clone into (and leave) this directory")
    parser.add_argument("--timeout", type=float, default=900.0)
    args = parser.parse_args()

    clone = args.keep or Path(tempfile.mkdtemp(prefix="rxsupply-first-page-")) / "rxsupply"
    if not (clone / "Makefile").exists():
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        shared = ROOT.parent / "shared"
        if shared.exists() and not (clone.parent / "shared").exists():
            (clone.parent / "shared").symlink_to(shared)
    base = f"http://127.0.0.1:{args.port}"
    if _status(f"{base}/login"):
        print(f"port {args.port} already answers: stop that server or pass --port", file=sys.stderr)
        return 2
    load = os.getloadavg()[0]
    env = {k: v for k, v in os.environ.items() if not k.startswith("RXSUPPLY_")}
    started = time.monotonic()
    make = subprocess.Popen(
        ["make", "demo", f"DEMO_PORT={args.port}", f"DEMO_DAYS={args.days}"],
        cwd=clone,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []

    def read() -> None:
        assert make.stdout is not None
        for line in make.stdout:
            lines.append(f"{time.monotonic() - started:7.1f} s  {line.rstrip()[:150]}")

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    first = signed = None
    try:
        while time.monotonic() - started < args.timeout and make.poll() is None:
            if first is None and _status(f"{base}/login") == 200:
                first = time.monotonic() - started
            if first is not None and _signed_in(base):
                signed = time.monotonic() - started
                break
            time.sleep(0.5)
    finally:
        os.killpg(make.pid, signal.SIGTERM)
        try:
            make.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(make.pid, signal.SIGKILL)
        reader.join(timeout=5)
    print("\n".join(lines))
    print(f"load average at the start: {load:.1f}")
    print(f"first page (/login answers 200): {first:.1f} s" if first else "first page: never")
    print(f"signed in, dashboard 200: {signed:.1f} s" if signed else "signed in: never")
    if args.keep is None:
        shutil.rmtree(clone.parent, ignore_errors=True)
    return 0 if first is not None and first <= 90 else 1


if __name__ == "__main__":
    sys.exit(main())
