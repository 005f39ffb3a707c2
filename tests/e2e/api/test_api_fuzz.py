"""Schemathesis against the OpenAPI document: every operation, a few generated requests each
(values the schema allows, such as integers of any size and text of any characters, and values
it does not), sent as an admin to a small hospital on SQLite and PostgreSQL, and none answers a
server error. ``bench/fuzz_api.py`` runs the same with many more examples."""

from __future__ import annotations

from sqlalchemy import Engine

from .fuzzing import fuzz, fuzzed_site

EXAMPLES = {"sqlite": 4, "postgresql": 2}
"""Generated requests per operation and generation mode: about a minute on each database."""


def test_no_generated_request_gets_a_server_error(engine: Engine) -> None:
    examples = EXAMPLES[engine.dialect.name]

    with fuzzed_site(engine) as (app, token):
        outcome = fuzz(app, token, examples=examples)

    assert outcome.operations > 150
    assert outcome.cases > outcome.operations * examples
    assert outcome.failures == {}
