"""The lock files pin every dependency pyproject.toml names, with hashes, and make installs
from them (issue 15: dependencies were lower bounds only, with no lock file)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)\s*\\$")


def _pins(lock: str) -> dict[str, tuple[str, int]]:
    """Each pinned release of a lock file with the number of hashes listed for it."""
    pins: dict[str, tuple[str, int]] = {}
    name = ""
    for line in (ROOT / lock).read_text().splitlines():
        pinned = PIN.match(line)
        if pinned:
            name = canonicalize_name(pinned[1])
            pins[name] = (pinned[2], 0)
        elif line.strip().startswith("--hash=sha256:") and name:
            version, hashes = pins[name]
            pins[name] = (version, hashes + 1)
    return pins


def _project() -> dict[str, object]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _requirements(extra: str | None) -> list[Requirement]:
    project = _project()["project"]
    assert isinstance(project, dict)
    names = list(project["dependencies"])
    if extra:
        names += project["optional-dependencies"][extra]
    build = _project()["build-system"]
    assert isinstance(build, dict)
    return [Requirement(text) for text in [*names, *build["requires"]]]


@pytest.mark.parametrize(
    ("lock", "extra"), [("requirements.lock", None), ("requirements-dev.lock", "dev")]
)
def test_every_dependency_is_pinned_within_its_range_with_hashes(
    lock: str, extra: str | None
) -> None:
    pins = _pins(lock)

    missing = [
        str(req)
        for req in _requirements(extra)
        if canonicalize_name(req.name) not in pins
        or not req.specifier.contains(pins[canonicalize_name(req.name)][0], prereleases=True)
    ]
    unhashed = [name for name, (_, hashes) in pins.items() if hashes == 0]

    assert missing == [], f"{lock} lacks or pins outside the range: {missing}; run make lock"
    assert unhashed == [], f"{lock} pins without a hash: {unhashed}"


def test_make_installs_from_the_lock_files_and_checks_every_hash() -> None:
    makefile = (ROOT / "Makefile").read_text()

    assert "--require-hashes -r requirements.lock" in makefile
    assert "--require-hashes -r requirements-dev.lock" in makefile
    assert "--no-deps" in makefile


def test_the_installer_make_uses_is_pinned_with_its_hashes_too() -> None:
    pins = _pins("requirements-uv.lock")
    makefile = (ROOT / "Makefile").read_text()

    assert set(pins) == {"uv"}
    assert pins["uv"][1] > 0, "uv is pinned without a hash"
    assert "pip install --quiet --require-hashes -r requirements-uv.lock" in makefile
