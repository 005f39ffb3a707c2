"""A shortage's conservation and review over HTTP: a technician reads the reallocation plan
and applies it by its id (the stock moves; the same id again is a duplicate that moves
nothing); a manager limits and restricts the item, reads the log, reverts the settings and
reads the review; a technician may not change a setting (403), and an item the shortage does
not touch is refused (409) naming it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from tests.conftest import CLOCK, NOW, TESTER, post

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.users import Role
from rxsupply.services import ledger, shortages

from .harness import Hospital, QuickHasher, open_hospital, problem


@pytest.fixture
def pharmacy(hospital: Engine) -> Iterator[Hospital]:
    post(
        hospital,
        ledger.Dispense(
            user=TESTER,
            location="ICU-ADC1",
            item="ONDA4INJ",
            quantity=21,
            occurred_at=NOW - timedelta(days=3),
        ),
    )
    with open_hospital(hospital, QuickHasher()) as opened:
        yield opened


def short(engine: Engine) -> int:
    with SqlUnitOfWork(engine) as uow:
        found = shortages.add_shortage(
            uow, item="ONDA4INJ", reason="backorder", user=TESTER, clock=CLOCK
        )
    return found.id or 0


def test_a_shortage_is_conserved_and_reviewed_over_http(pharmacy: Hospital) -> None:
    sid = short(pharmacy.engine)
    tech, manager = pharmacy.token(Role.TECHNICIAN), pharmacy.token(Role.MANAGER)
    base = f"/api/shortages/{sid}"

    plan = pharmacy.api.get(
        f"{base}/reallocation", token=tech, params={"item": "ONDA4INJ", "floor": "10"}
    ).json()
    body = {"item": "ONDA4INJ", "floor": 10, "plan_id": plan["plan_id"]}
    applied = pharmacy.api.post(f"{base}/reallocation", json=body, token=tech)
    again = pharmacy.api.post(f"{base}/reallocation", json=body, token=tech)
    limit = {"item": "ONDA4INJ", "location": "ED-ADC1", "per_dispense": 2}
    limited = pharmacy.api.post(f"{base}/limits", json=limit, token=manager)
    by_tech = pharmacy.api.post(f"{base}/limits", json=limit, token=tech)
    restricted = pharmacy.api.post(
        f"{base}/restrictions", json={"item": "ONDA4INJ", "text": "ICU only"}, token=manager
    )
    wrong = pharmacy.api.post(
        f"{base}/restrictions", json={"item": "APAP325TAB", "text": "ICU only"}, token=manager
    )
    log = pharmacy.api.get(f"{base}/actions", token=tech).json()["data"]
    reverted = pharmacy.api.post(f"{base}/revert", json={"reason": "supply is back"}, token=manager)
    review = pharmacy.api.get(f"{base}/review", token=tech)

    assert [(m["from_pocket"], m["to_pocket"], m["units"]) for m in plan["moves"]] == [
        ("ED-ADC1-P01", "ICU-ADC1-P01", 31)
    ]
    assert applied.status_code == 200, applied.text
    assert (applied.json()["duplicate"], applied.json()["movements"]) == (False, 1)
    assert (again.json()["duplicate"], again.json()["movements"]) == (True, 0)
    assert pharmacy.on_hand(location="ICU-ADC1-P01") == 40
    assert limited.status_code == 201 and restricted.status_code == 201
    assert by_tech.status_code == 403
    assert "item APAP325TAB is not an item of shortage" in problem(wrong, 409)["detail"]
    assert [a["kind"] for a in log] == ["reallocate", "limit", "restrict"]
    assert [a["kind"] for a in reverted.json()["reverted"]] == ["lift_restriction", "lift_limit"]
    facts = review.json()
    assert (facts["settings_in_force"], facts["extra_spend"], len(facts["actions"])) == (
        0,
        "0.00",
        5,
    )
