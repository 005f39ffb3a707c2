"""Fixtures of the end-to-end tests: ``rx`` runs the CLI against a fresh SQLite file, already
migrated (a copy of the suite's migrated template: a migration from nothing costs 1.5 to 3 s, on
two hundred tests). The CLI's migration of a new file is tested where it is the subject
(``tests/e2e/test_cli.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import NOW, TESTER, migrated_sqlite
from tests.e2e.cli_runner import Rx

from rxsupply.entrypoints.cli import context


@pytest.fixture
def rx(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Rx:
    monkeypatch.setattr(context, "now", lambda: NOW)  # and so local_today() is NOW's day
    monkeypatch.setattr(context.state, "engine", None)
    monkeypatch.setattr(context.state, "db", None)
    monkeypatch.setattr(context.state, "user", None)
    monkeypatch.setenv("RXSUPPLY_USER", TESTER)  # who the commands that write act as
    monkeypatch.setenv("RXSUPPLY_TIMEZONE", "America/New_York")
    monkeypatch.delenv("RXSUPPLY_IMPORT_ERROR_CAP", raising=False)
    monkeypatch.delenv("RXSUPPLY_DATABASE_URL", raising=False)
    migrated_sqlite(tmp_path / "rx.db").dispose()
    return Rx(tmp_path / "rx.db", capsys)
