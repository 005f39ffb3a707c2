"""One clock: nothing in the package reads the time except ``entrypoints/clock.py``.

Entrypoints make a clock there and pass it (or the day, or the time) down; a test pins it. Ruff's
DTZ rules catch naive datetimes; this test also catches ``time.time()`` and an aware
``datetime.now(UTC)`` outside the clock module, which DTZ allows.
"""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "rxsupply"
CLOCK = PACKAGE / "entrypoints" / "clock.py"
READS = re.compile(r"\b(date\.today|datetime\.now|datetime\.utcnow|time\.time)\(")


def clock_reads(root: Path) -> list[str]:
    """``file:line: text`` of every read of the time under ``root``, the clock module aside."""
    found = []
    for path in sorted(root.rglob("*.py")):
        if path == CLOCK:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if READS.search(line):
                found.append(f"{path.relative_to(root.parent)}:{number}: {line.strip()}")
    return found


def test_only_the_clock_module_reads_the_time() -> None:
    reads = clock_reads(PACKAGE)

    assert reads == [], "read the time through rxsupply.entrypoints.clock:\n" + "\n".join(reads)


def test_the_clock_module_is_where_the_time_is_read() -> None:
    text = CLOCK.read_text(encoding="utf-8")

    assert READS.search(text)


def test_a_read_of_the_time_is_named_by_file_and_line(tmp_path: Path) -> None:
    package = tmp_path / "rxsupply"
    (package / "services").mkdir(parents=True)
    (package / "services" / "late.py").write_text(
        "import time\nfrom datetime import date\n\n"
        "def stamp():\n    return time.time(), date.today()\n"
    )

    reads = clock_reads(package)

    assert reads == ["rxsupply/services/late.py:5: return time.time(), date.today()"]
