"""Fixtures of the end-to-end tests: ``rx`` runs the CLI against a fresh SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import NOW, TESTER
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
    return Rx(tmp_path / "rx.db", capsys)
