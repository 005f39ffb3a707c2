"""Fuzzing the API from its OpenAPI document with schemathesis: what the test and the long run
in ``bench/fuzz_api.py`` share.

Each operation of ``/openapi.json`` gets ``examples`` generated requests of each generation
mode (positive: values the schema allows, such as integers of any size; negative: values it
does not), sent in-process to the app as an admin (an API token) on a small hospital, and
judged by schemathesis's ``not_a_server_error`` check. A crash the app raises instead of
answering counts as a server error too. Hypothesis's example database is off and its seed
fixed (``derandomize``), so a run repeats.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Err
from sqlalchemy import Engine
from tests.conftest import load_examples

from rxsupply.domain.users import Role
from rxsupply.entrypoints.app import create_app

from .harness import Hospital, QuickHasher, serve

MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
SKIPPED = frozenset({"POST /api/dscsa/purge"})
"""Operations not fuzzed: a purge removes the records every later request reads."""


@dataclass
class Outcome:
    """What a run did: operations and cases sent, and each server error once per operation."""

    operations: int = 0
    cases: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)


@contextmanager
def fuzzed_site(engine: Engine) -> Iterator[tuple[FastAPI, str]]:
    """The app on ``engine`` holding the example hospital, and an admin's API token."""
    load_examples(engine, "items", "locations", "stock", "purchases")
    app = create_app(engine)
    with serve(app) as api:
        hospital = Hospital(engine, app, api, QuickHasher())
        yield app, hospital.token(Role.ADMIN)


def fuzz(
    app: FastAPI,
    token: str,
    *,
    examples: int,
    only: Callable[[str], bool] = lambda label: True,
    progress: Callable[[str], None] = lambda label: None,
) -> Outcome:
    """Send ``examples`` generated requests per operation and generation mode to ``app``."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    headers = {"Authorization": f"Bearer {token}"}
    outcome = Outcome()
    for result in schema.get_all_operations():
        if isinstance(result, Err):  # an operation the document describes wrongly
            raise result.err()
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"
        if label in SKIPPED or not only(label):
            continue
        outcome.operations += 1
        progress(label)
        for mode in MODES:
            _run(operation.as_strategy(generation_mode=mode), label, headers, examples, outcome)
    return outcome


def _run(
    strategy: st.SearchStrategy[schemathesis.Case[Any]],
    label: str,
    headers: dict[str, str],
    examples: int,
    outcome: Outcome,
) -> None:
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def one(case: schemathesis.Case[Any]) -> None:
        outcome.cases += 1
        try:
            response = case.call(headers=headers)
        except Exception as exc:  # the app raised instead of answering: a 500 in production
            outcome.failures.setdefault(label, f"{type(exc).__name__}: {exc}"[:400])
            return
        outcome.statuses[response.status_code] = outcome.statuses.get(response.status_code, 0) + 1
        try:
            case.validate_response(response, checks=[not_a_server_error])
        except FailureGroup:
            outcome.failures.setdefault(
                label,
                f"{response.status_code} {response.text[:300]}\n{case.as_curl_command()}"[:800],
            )

    with suppress(Unsatisfiable):  # nothing to make invalid: no parameters, no body
        one()
