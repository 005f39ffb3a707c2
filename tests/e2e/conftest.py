"""Fixtures of the end-to-end tests: ``rx`` runs the CLI against a fresh SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import NOW
from tests.e2e.cli_runner import Rx

from rxsupply.entrypoints import cli


@pytest.fixture
def rx(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Rx:
    monkeypatch.setattr(cli, "now", lambda: NOW)
    monkeypatch.setattr(cli.state, "engine", None)
    monkeypatch.setattr(cli.state, "db", None)
    monkeypatch.setenv("RXSUPPLY_TIMEZONE", "America/New_York")
    monkeypatch.delenv("RXSUPPLY_IMPORT_ERROR_CAP", raising=False)
    monkeypatch.delenv("RXSUPPLY_DATABASE_URL", raising=False)
    return Rx(tmp_path / "rx.db", capsys)
