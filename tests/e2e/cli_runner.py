"""Run the ``rxsupply`` command line in-process and capture what it prints."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from rxsupply.entrypoints import cli


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str

    @property
    def message(self) -> str:
        """stderr with Rich's line wrapping undone."""
        return " ".join(self.err.split())

    def json(self) -> Any:
        return json.loads(self.out)


class Rx:
    """``rx("stock", "--json")`` runs ``rxsupply --db <file> stock --json``."""

    def __init__(
        self, db: Path, capsys: pytest.CaptureFixture[str], *, url: str | None = None
    ) -> None:
        self.db = db
        self.url = url  # a SQLAlchemy URL instead of the SQLite file
        self.capsys = capsys

    @property
    def target(self) -> str:
        """What ``--db`` gets: the URL if one was given, else the SQLite file ``db`` names now
        (a fixture may point an ``Rx`` at another file by setting ``db``)."""
        return self.url or str(self.db)

    def __call__(self, *args: str) -> Ran:
        self.capsys.readouterr()
        code = 0
        try:
            cli.main(["--db", self.target, *args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            if cli.state.engine is not None:
                cli.state.engine.dispose()  # every call makes its own engine; close its file
        captured = self.capsys.readouterr()
        return Ran(code, captured.out, captured.err)

    def stock(self, *filters: str) -> dict[tuple[str, str], int]:
        """On-hand by (location, lot) from ``stock --json``."""
        ran = self("stock", "--json", "--limit", "10000", *filters)
        assert ran.code == 0, ran.err
        return {(r["location"], r["lot"]): r["quantity"] for r in ran.json()}
