"""``rxsupply import`` on odd and hostile files: an old Mac file imports, a 20 MB value is
refused with a short message and no traceback, and nothing is written."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from tests.conftest import EXAMPLES
from tests.e2e.cli_runner import Rx

from rxsupply.adapters import tables
from rxsupply.adapters.database import make_engine


def test_an_items_file_with_old_mac_line_ends_imports(rx: Rx, tmp_path: Path) -> None:
    lines = (EXAMPLES / "items.csv").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "items.csv"
    path.write_bytes("\r".join(lines).encode() + b"\r")

    ran = rx("import", "items", str(path), "--json")

    assert ran.code == 0, ran.err
    assert ran.json()[0]["rows"] == len(lines) - 1


def test_a_20_mb_value_is_refused_in_a_short_message(rx: Rx, tmp_path: Path) -> None:
    lines = (EXAMPLES / "items.csv").read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("ONDA4INJ", "X" * 20_000_000, 1)
    path = tmp_path / "items.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    ran = rx("import", "items", str(path))

    assert ran.code == 1
    assert "items.csv, row 1 (line 2), field (row): line 2 has 20,000," in ran.message
    assert len(ran.err) < 500 and "Traceback" not in ran.err
    engine = make_engine(f"sqlite:///{rx.db}")
    with engine.connect() as conn:
        items = conn.execute(select(func.count()).select_from(tables.item)).scalar_one()
    engine.dispose()
    assert items == 0
